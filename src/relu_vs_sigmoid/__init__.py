"""relu-vs-sigmoid: why deep sigmoid networks stop learning XOR, and what ReLU changes.

The package behind the executable lecture site. The names most pages use are
re-exported here::

    from relu_vs_sigmoid import build, train
    result = train(build(depth=10, width=5, activation="relu", seed=0), steps=5000)

They are loaded on first use, so ``import relu_vs_sigmoid`` (and the command
line's ``--help``) does not import TensorFlow until a name that needs it is used.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names __getattr__ loads, as a type checker sees them ("as": re-exported)
    from ._choices import ACTIVATIONS as ACTIVATIONS
    from .data import xor as xor
    from .diagnostics import dead_units as dead_units
    from .diagnostics import gradient_norms as gradient_norms
    from .diagnostics import has_dead_layer as has_dead_layer
    from .experiments import sweep as sweep
    from .models import MLP as MLP
    from .models import build as build
    from .training import LN2 as LN2
    from .training import SOLVED_LOSS as SOLVED_LOSS
    from .training import TrainResult as TrainResult
    from .training import train as train
    from .training import train_many as train_many
    from .training import train_seeds as train_seeds

try:
    __version__ = version("relu-vs-sigmoid")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "ACTIVATIONS": ("._choices", "ACTIVATIONS"),
    "LN2": (".training", "LN2"),
    "MLP": (".models", "MLP"),
    "SOLVED_LOSS": (".training", "SOLVED_LOSS"),
    "TrainResult": (".training", "TrainResult"),
    "build": (".models", "build"),
    "dead_units": (".diagnostics", "dead_units"),
    "gradient_norms": (".diagnostics", "gradient_norms"),
    "has_dead_layer": (".diagnostics", "has_dead_layer"),
    "sweep": (".experiments", "sweep"),
    "train": (".training", "train"),
    "train_many": (".training", "train_many"),
    "train_seeds": (".training", "train_seeds"),
    "xor": (".data", "xor"),
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module, __name__), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
