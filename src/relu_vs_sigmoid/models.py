"""The lecture's fully connected network as a ``tf.Module``.

Hidden layer i computes ``activation(h @ Weight{i} + Bias{i})`` inside
``tf.name_scope("layer{i}")``; the output unit computes
``sigmoid(h @ Weight{L+1} + Bias{L+1})`` inside ``tf.name_scope("last")``.
These are the lecture's own variable and scope names, so TensorBoard's graph
view shows the chain layer1 → … → layerL → last.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from . import _choices, activations
from ._validation import check_choice, check_int

__all__ = [
    "INITS",
    "MAX_DEPTH",
    "MAX_PARAMETERS",
    "MLP",
    "Forward",
    "build",
    "dead_mask",
    "initial_weights",
    "network_config",
]

INITS = _choices.INITS
"""Weight initialisers: the lecture's U(-1, 1), Glorot uniform, He normal. Biases start at 0."""

MAX_DEPTH = 1_000
"""The most hidden layers a network may have. The pages go to depth 30; ten steps of a network of
depth 1000 (width 1) already take a minute and a half on two CPU cores, nearly all of it compiling
the loop, so a deeper one is refused at once instead."""

MAX_PARAMETERS = 100_000_000
"""The most parameters (weights and biases) a network may have, a hundred million.

That is 400 MB of float32 variables, about 1 GB while the weights are drawn, more while it
trains. Generous for XOR: the pages' networks have a few thousand, width 1024 at depth 30 has
30 million. A size beyond it, such as width 10⁹, is refused at once instead of exhausting the
memory."""


class Forward(NamedTuple):
    """Every intermediate tensor of one forward pass over n examples."""

    pre_activations: tuple[tf.Tensor, ...]  # per hidden layer, (n, width * pieces)
    activations: tuple[tf.Tensor, ...]  # per hidden layer, (n, width)
    logits: tf.Tensor  # (n, 1), the output unit's pre-activation
    y_hat: tf.Tensor  # (n, 1), sigmoid(logits): the predicted probability of label 1


class MLP(tf.Module):  # type: ignore[misc]  # tf.Module is Any to mypy: TensorFlow ships no types
    r"""A fully connected network with one sigmoid output unit.

    ``MLP([5, 4])`` is the lecture's first XOR network, 2→5→4→1;
    ``MLP([5] * 10)`` is its deep one, ten hidden layers of five units.

    Parameters
    ----------
    widths : sequence of int
        Units per hidden layer; its length is the depth, 1 to :data:`MAX_DEPTH`.
        Each width ≥ 1, and the network at most :data:`MAX_PARAMETERS`
        weights and biases.
    activation : str
        The hidden layers' activation, one of :data:`relu_vs_sigmoid.activations.NAMES`.
        The output unit is always a sigmoid, so the network outputs a probability.
    init : str
        ``"uniform"`` (default): weights from U(-1, 1), the lecture's
        ``tf.random_uniform([n_in, n_out], -1, 1)``. ``"glorot"``: U(-r, r) with
        :math:`r = \sqrt{6 / (n_{in} + n_{out})}` (Glorot & Bengio 2010, eq. 16).
        ``"he"``: N(0, 2 / n_in) (He et al. 2015, eq. 10). Biases start at 0.
    seed : int
        Seeds the initial weights (a ``numpy.random.Generator``): the same seed
        gives the same network, on every machine.
    n_inputs : int
        Input features; 2 for XOR.
    negative_slope, alpha, pieces
        Parameters of leaky_relu, elu and maxout; see
        :func:`relu_vs_sigmoid.activations.get`. A Maxout layer of width w has
        a weight matrix of shape (n_in, w * pieces).

    Raises
    ------
    ValueError, TypeError
        For an unknown activation or initialiser, a width or depth below 1, a
        depth above :data:`MAX_DEPTH` or more than :data:`MAX_PARAMETERS`
        parameters (refused before anything is allocated), a non-integer
        width, depth or seed (booleans included), a negative seed, or an
        activation parameter out of range.

    Examples
    --------
    >>> net = MLP([5, 4], "sigmoid", seed=0)
    >>> [v.name for v in net.weights]
    ['Weight1:0', 'Weight2:0', 'Weight3:0']
    >>> [tuple(w.shape) for w in net.weights]
    [(2, 5), (5, 4), (4, 1)]
    >>> net([[0.0, 1.0]]).shape
    TensorShape([1, 1])
    """

    def __init__(
        self,
        widths: Sequence[int] = (5, 4),
        activation: str = "sigmoid",
        *,
        init: str = "uniform",
        seed: int = 0,
        n_inputs: int = 2,
        negative_slope: float | None = None,
        alpha: float | None = None,
        pieces: int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.widths = _check_widths(widths)
        self.activation = activations.get(
            activation, negative_slope=negative_slope, alpha=alpha, pieces=pieces
        )
        self.init = check_choice(init, "init", INITS)
        self.seed = check_int(seed, "seed", minimum=0)
        self.n_inputs = check_int(n_inputs, "n_inputs", minimum=1)
        self.config = network_config(
            self.widths,
            activation,
            init=init,
            seed=self.seed,
            negative_slope=negative_slope,
            alpha=alpha,
            pieces=pieces,
        )

        weights, biases = [], []
        drawn = initial_weights(
            self.widths, init=self.init, seed=self.seed, n_inputs=self.n_inputs, pieces=self.activation.pieces
        )
        for i, w in enumerate(drawn, start=1):
            weights.append(tf.Variable(w, name=f"Weight{i}"))
            biases.append(tf.Variable(tf.zeros([w.shape[1]]), name=f"Bias{i}"))
        self.weights = tuple(weights)
        self.biases = tuple(biases)

    @property
    def depth(self) -> int:
        """The number of hidden layers."""
        return len(self.widths)

    @property
    def layer_names(self) -> tuple[str, ...]:
        """The name scopes, ``("layer1", …, "layerL", "last")``, one per weight matrix."""
        return (*(f"layer{i}" for i in range(1, self.depth + 1)), "last")

    def forward(self, X: ArrayLike) -> Forward:
        """Run the network and keep every intermediate tensor.

        Parameters
        ----------
        X : array_like
            Shape (n, n_inputs).

        Returns
        -------
        Forward
            Pre-activations and activations per hidden layer, the logits and
            the predicted probabilities ``y_hat``, shape (n, 1).
        """
        h = tf.convert_to_tensor(X, dtype=tf.float32)
        pre_activations, hidden = [], []
        act = self.activation
        for i, (W, b, width) in enumerate(
            zip(self.weights[:-1], self.biases[:-1], self.widths, strict=True), start=1
        ):
            with tf.name_scope(f"layer{i}"):
                z = tf.matmul(h, W) + b
                if act.pieces > 1:
                    h = act.function(tf.reshape(z, [-1, width, act.pieces]))
                else:
                    h = act.function(z)
            pre_activations.append(z)
            hidden.append(h)
        with tf.name_scope("last"):
            logits = tf.matmul(h, self.weights[-1]) + self.biases[-1]
            y_hat = tf.sigmoid(logits)
        return Forward(tuple(pre_activations), tuple(hidden), logits, y_hat)

    def logits(self, X: ArrayLike) -> tf.Tensor:
        """The output unit's pre-activation, shape (n, 1), for inputs of shape (n, n_inputs).

        Parameters
        ----------
        X : array_like
            Shape (n, n_inputs).
        """
        return self.forward(X).logits

    def __call__(self, X: ArrayLike) -> tf.Tensor:
        """The predicted probability of label 1, shape (n, 1), for inputs of shape (n, n_inputs)."""
        return self.forward(X).y_hat

    def __repr__(self) -> str:
        widths = "→".join(str(w) for w in (self.n_inputs, *self.widths, 1))
        return f"MLP({widths}, activation={self.activation.name!r}, init={self.init!r}, seed={self.seed})"


def build(
    depth: int = 10,
    width: int = 5,
    activation: str = "sigmoid",
    *,
    init: str = "uniform",
    seed: int = 0,
    n_inputs: int = 2,
    negative_slope: float | None = None,
    alpha: float | None = None,
    pieces: int | None = None,
    name: str | None = None,
) -> MLP:
    """Build a network of ``depth`` hidden layers of ``width`` units each.

    ``build(depth=10, width=5)`` is the lecture's deep network, 2→[5]×10→1.

    Parameters
    ----------
    depth : int
        The number of hidden layers, 1 to :data:`MAX_DEPTH`.
    width : int
        Units per hidden layer, ≥ 1; the network may hold at most
        :data:`MAX_PARAMETERS` weights and biases (width 1024 allows depth 96).
    activation : str
        The hidden activation, one of :data:`relu_vs_sigmoid.activations.NAMES`.
    init, seed, n_inputs, negative_slope, alpha, pieces, name
        Keyword-only, passed on to :class:`MLP`. Any other keyword raises ``TypeError``.

    Returns
    -------
    MLP

    Raises
    ------
    ValueError, TypeError
        As :class:`MLP`; a size beyond the limits is refused before anything
        is allocated.

    Examples
    --------
    >>> net = build(depth=10, width=5, activation="relu", seed=3)
    >>> net
    MLP(2→5→5→5→5→5→5→5→5→5→5→1, activation='relu', init='uniform', seed=3)
    >>> net.layer_names[-2:]
    ('layer10', 'last')
    >>> build(depth=0)
    Traceback (most recent call last):
    ...
    ValueError: depth must be an integer >= 1; got 0
    >>> build(depth=1, width=10**9)
    Traceback (most recent call last):
    ...
    ValueError: width=1000000000 at depth=1 makes a network of 4000000001 parameters ...
    """
    depth = check_int(depth, "depth", minimum=1, maximum=MAX_DEPTH)
    width = check_int(width, "width", minimum=1)
    return MLP(
        [width] * depth,
        activation,
        init=init,
        seed=seed,
        n_inputs=n_inputs,
        negative_slope=negative_slope,
        alpha=alpha,
        pieces=pieces,
        name=name,
    )


def check_model(model: object) -> MLP:
    """Return ``model`` if it is an :class:`MLP`, else raise ``TypeError`` naming what it is."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a relu_vs_sigmoid.models.MLP; got {type(model).__name__}")
    return model


def network_config(
    widths: Sequence[int],
    activation: str,
    *,
    init: str,
    seed: int,
    negative_slope: float | None = None,
    alpha: float | None = None,
    pieces: int | None = None,
) -> dict:
    """The record :attr:`MLP.config` holds, for a network built from these arguments (unchecked).

    Examples
    --------
    >>> network_config((5, 5), "relu", init="uniform", seed=3)["depth"]
    2
    """
    return {
        "activation": activation,
        "depth": len(widths),
        "widths": tuple(widths),
        "init": init,
        "seed": seed,
        "negative_slope": negative_slope,
        "alpha": alpha,
        "pieces": pieces,
    }


def dead_mask(pre_activations: ArrayLike) -> np.ndarray:
    """Which units are dead: pre-activation ≤ 0 for every example.

    Parameters
    ----------
    pre_activations : array_like
        Shape (..., n, units): n examples on the second-to-last axis, any leading
        (ensemble) axes.

    Returns
    -------
    numpy.ndarray
        bool, shape (..., units). For a ReLU unit, True means it outputs 0 and passes
        no gradient on every example (see :func:`relu_vs_sigmoid.diagnostics.dead_units`).

    Examples
    --------
    >>> dead_mask([[-1.0, 2.0], [0.0, -3.0]]).tolist()
    [True, False]
    """
    return np.all(np.asarray(pre_activations) <= 0, axis=-2)


def initial_weights(
    widths: Sequence[int], *, init: str = "uniform", seed: int = 0, n_inputs: int = 2, pieces: int = 1
) -> list[np.ndarray]:
    """The initial weight matrices of ``MLP(widths, init=init, seed=seed, ...)``, drawn in numpy.

    The matrices are drawn layer by layer from one ``numpy.random.default_rng(seed)``,
    so the first k hidden layers of a deeper network of the same width and seed are
    the same matrices: ``initial_weights([5] * 12, seed=s)[:3]`` equals
    ``initial_weights([5] * 3, seed=s)[:3]``. This lets one draw of deep networks
    answer questions about every shallower depth (see
    :func:`relu_vs_sigmoid.experiments.born_dead`).

    Parameters
    ----------
    widths : sequence of int
        Units per hidden layer, each ≥ 1; 1 to :data:`MAX_DEPTH` layers, and at
        most :data:`MAX_PARAMETERS` weights and biases in all.
    init : str
        One of :data:`INITS`; see :class:`MLP`.
    seed : int
        ≥ 0.
    n_inputs : int
        Input features, ≥ 1.
    pieces : int
        Linear pieces per unit (Maxout's k; 1 for every other activation): hidden
        layer i has ``widths[i] * pieces`` columns.

    Returns
    -------
    list of numpy.ndarray
        float32, shapes (n_inputs, widths[0] * pieces), …, (widths[-1], 1): one
        per hidden layer, then the output layer's.

    Raises
    ------
    ValueError, TypeError
        For an unknown ``init``, or a width, depth, seed, ``n_inputs`` or
        ``pieces`` out of range, checked before any weight is drawn.

    Examples
    --------
    >>> [w.shape for w in initial_weights([5, 4], seed=0)]
    [(2, 5), (5, 4), (4, 1)]
    >>> bool((initial_weights([5] * 12, seed=7)[2] == initial_weights([5] * 3, seed=7)[2]).all())
    True
    """
    checked = _check_widths(widths)
    init = check_choice(init, "init", INITS)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    pieces = check_int(pieces, "pieces", minimum=1)
    n_inputs = check_int(n_inputs, "n_inputs", minimum=1)
    _check_size(checked, n_inputs, pieces)
    fan_ins = (n_inputs, *checked)
    fan_outs = (*(w * pieces for w in checked), 1)
    return [_initial_weights(rng, init, a, b) for a, b in zip(fan_ins, fan_outs, strict=True)]


def _check_widths(widths: object) -> tuple[int, ...]:
    """``widths`` as a tuple of checked ints: a sequence of 1 to MAX_DEPTH integers >= 1."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"widths must be a sequence of integers >= 1; got {widths!r}")
    check_int(len(widths), "depth (the number of hidden widths)", minimum=1, maximum=MAX_DEPTH)
    return tuple(check_int(w, "width", minimum=1) for w in widths)


def _n_parameters(widths: tuple[int, ...], n_inputs: int, pieces: int) -> int:
    """The weights and biases of an MLP: (fan_in + 1) × fan_out per layer, counted without allocating."""
    fan_ins = (n_inputs, *widths)
    fan_outs = (*(w * pieces for w in widths), 1)
    return sum((a + 1) * b for a, b in zip(fan_ins, fan_outs, strict=True))


def _check_size(widths: tuple[int, ...], n_inputs: int, pieces: int) -> None:
    """Refuse, before anything is allocated, a network of more than MAX_PARAMETERS parameters."""
    n = _n_parameters(widths, n_inputs, pieces)
    if n <= MAX_PARAMETERS:
        return
    if len(set(widths)) == 1:
        shape = f"width={widths[0]} at depth={len(widths)}"
    else:
        shape = f"widths={reprlib.repr(widths)}"
    extras = "".join(
        f", {name}={value}"
        for name, value, usual in (("n_inputs", n_inputs, 2), ("pieces", pieces, 1))
        if value != usual
    )
    raise ValueError(
        f"{shape}{extras} makes a network of {n} parameters (weights and biases); at most"
        f" {MAX_PARAMETERS} are allowed (relu_vs_sigmoid.models.MAX_PARAMETERS): use fewer or narrower layers"
    )


def _initial_weights(rng: np.random.Generator, init: str, fan_in: int, fan_out: int) -> np.ndarray:
    if init == "uniform":
        w = rng.uniform(-1.0, 1.0, size=(fan_in, fan_out))
    elif init == "glorot":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, size=(fan_in, fan_out))
    else:  # "he"
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    return w.astype(np.float32)
