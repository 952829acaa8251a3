"""relu-vs-sigmoid: why deep sigmoid networks stop learning XOR, and what ReLU changes.

The package behind the executable lecture site. The names most pages use are
re-exported here::

    from relu_vs_sigmoid import build, train
    result = train(build(depth=10, width=5, activation="relu", seed=0), steps=5000)
"""

from importlib.metadata import PackageNotFoundError, version

from .activations import NAMES as ACTIVATIONS
from .data import xor
from .diagnostics import dead_units, gradient_norms, has_dead_layer
from .models import MLP, build
from .training import LN2, SOLVED_LOSS, TrainResult, train, train_many, train_seeds

try:
    __version__ = version("relu-vs-sigmoid")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "ACTIVATIONS",
    "LN2",
    "MLP",
    "SOLVED_LOSS",
    "TrainResult",
    "build",
    "dead_units",
    "gradient_norms",
    "has_dead_layer",
    "train",
    "train_many",
    "train_seeds",
    "xor",
    "__version__",
]
