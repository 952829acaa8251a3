"""Measurements of a network that explain how it trains: gradient norms per layer, dead units (and
the ones that come back), how far apart the layers keep the inputs, and the cost of merging inputs."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from . import data
from .models import MLP, check_model, dead_mask
from .training import loss_and_gradients

__all__ = [
    "gradient_norms",
    "dead_units",
    "has_dead_layer",
    "revived_units",
    "input_pairs",
    "hidden_distances",
    "merged_cost",
]


def gradient_norms(model: MLP, X: ArrayLike = data.X, y: ArrayLike = data.y) -> np.ndarray:
    r"""The L2 norm of the loss gradient with respect to each layer's weight matrix.

    By the chain rule the gradient that reaches layer i is a product of one
    factor per layer above it, each holding the activation's derivative; with
    the sigmoid every such derivative is at most 1/4, so the product shrinks
    roughly geometrically towards the input: the vanishing gradient (Bengio,
    Simard & Frasconi 1994; Glorot & Bengio 2010).

    Parameters
    ----------
    model : MLP
    X : array_like
        Shape (n, n_inputs); defaults to the XOR inputs.
    y : array_like
        Shape (n, 1) or (n,), labels in {0, 1}; defaults to the XOR labels.

    Returns
    -------
    numpy.ndarray
        Shape (depth + 1,), :math:`\lVert \partial L / \partial W_i \rVert_2`
        for layer1 … last, with L the binary cross-entropy in nats.

    Raises
    ------
    TypeError, ValueError
        For a model that is not an MLP, or bad data (see :func:`relu_vs_sigmoid.data.check_data`).

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> norms = gradient_norms(build(depth=10, width=5, activation="sigmoid", seed=0))
    >>> norms.shape
    (11,)
    >>> bool(norms[0] < 1e-3 * norms[-1])  # the first layer gets a vanishing share
    True
    """
    model = check_model(model)
    X_arr, y_arr = data.check_data(X, y, n_inputs=model.n_inputs)
    _, _, grads = loss_and_gradients(model, tf.constant(X_arr), tf.constant(y_arr))
    return np.array([float(tf.norm(g)) for g in grads[: model.depth + 1]])


def dead_units(model: MLP, X: ArrayLike = data.X) -> tuple[np.ndarray, ...]:
    """Which ReLU units are dead on the inputs ``X``.

    A ReLU unit is dead on a data set when its pre-activation is ≤ 0 for every
    example: it outputs 0 everywhere, and since relu'(z) = 0 for z ≤ 0 no
    gradient flows through it, so gradient descent cannot revive it (Lu et al.
    2020, "Dying ReLU and initialization").

    Parameters
    ----------
    model : MLP
        A network with ``activation="relu"``.
    X : array_like
        Shape (n, n_inputs); defaults to the four XOR inputs.

    Returns
    -------
    tuple of numpy.ndarray
        One bool array of shape (width_i,) per hidden layer; True marks a dead unit.

    Raises
    ------
    ValueError
        If the model's activation is not relu (a leaky or ELU unit is never
        silent, and sigmoid or tanh units are never exactly flat), or ``X`` is
        malformed.

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> dead = dead_units(build(depth=3, width=5, activation="relu", seed=0))
    >>> [d.shape for d in dead]
    [(5,), (5,), (5,)]
    """
    model = check_model(model)
    if model.activation.name != "relu":
        raise ValueError(
            f"dead units are defined for relu networks; got activation {model.activation.name!r}"
        )
    fwd = model.forward(data.check_inputs(X, n_inputs=model.n_inputs))
    return tuple(dead_mask(z) for z in fwd.pre_activations)


def has_dead_layer(model: MLP, X: ArrayLike = data.X) -> bool:
    """Whether some hidden layer of a ReLU network is dead for every unit on ``X``.

    Such a network outputs the same value for every input, and no gradient
    reaches that layer or any layer below it: it can never learn XOR, and gradient
    descent drives its constant output to 0.5, the loss to ln 2.

    Parameters
    ----------
    model : MLP
        A network with ``activation="relu"``.
    X : array_like
        Shape (n, n_inputs); defaults to the four XOR inputs.

    Raises
    ------
    ValueError, TypeError
        As :func:`dead_units`.

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> has_dead_layer(build(depth=2, width=5, activation="relu", seed=0))
    False
    """
    return any(bool(d.all()) for d in dead_units(model, X))


def revived_units(initial: Sequence[np.ndarray], final: Sequence[np.ndarray]) -> np.ndarray:
    """How many units of each layer were dead in ``initial`` and are alive in ``final``.

    A dead unit of layer 1 can never revive: its input is the data itself, and it
    receives no gradient. Nor can any unit of a layer in which every unit is dead:
    no gradient reaches it or the layers below it. A single dead unit of a higher
    layer can, because its input, the output of the layers below, keeps changing
    as they train (Lu et al. 2020 discuss dying and initialisation).

    Parameters
    ----------
    initial, final : sequence of numpy.ndarray
        Two results of :func:`dead_units` for the same network, e.g. before and
        after training: one bool array of shape (width_i,) per hidden layer.

    Returns
    -------
    numpy.ndarray
        Shape (depth,), int: per hidden layer, the units dead in ``initial`` and
        alive in ``final``.

    Raises
    ------
    ValueError
        If the two do not have the same number of layers and the same shape in each,
        or an array is not boolean.

    Examples
    --------
    >>> import numpy as np
    >>> before = (np.array([True, False]), np.array([True, True, False]))
    >>> after = (np.array([True, False]), np.array([False, True, True]))
    >>> revived_units(before, after).tolist()
    [0, 1]
    """
    initial, final = tuple(initial), tuple(final)
    if len(initial) != len(final):
        raise ValueError(
            f"initial and final must have one mask per hidden layer each; got {len(initial)} and {len(final)}"
        )
    out = []
    for i, (a, b) in enumerate(zip(initial, final, strict=True), start=1):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype != bool or b.dtype != bool or a.shape != b.shape or a.ndim != 1:
            raise ValueError(
                "initial and final must hold one boolean array of shape (width,) per layer, as dead_units"
                f" returns; layer {i} has {a.dtype} {a.shape} and {b.dtype} {b.shape}"
            )
        out.append(int(np.sum(a & ~b)))
    return np.array(out, dtype=int)


def input_pairs(n: int = 4) -> list[tuple[int, int]]:
    """The pairs of input rows that :func:`hidden_distances` measures, in its column order.

    Examples
    --------
    >>> input_pairs(4)
    [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    """
    return list(itertools.combinations(range(n), 2))


def hidden_distances(model: MLP, X: ArrayLike = data.X) -> np.ndarray:
    """How far apart the network keeps the representations of every pair of inputs, layer by layer.

    Parameters
    ----------
    model : MLP
        Any activation (for Maxout, the representation after the max).
    X : array_like
        Shape (n, n_inputs), n ≥ 2; defaults to the four XOR inputs.

    Returns
    -------
    numpy.ndarray
        Shape (depth + 2, n·(n−1)/2): Euclidean distances between the rows of
        ``X`` (row 0), of each hidden layer's activations (rows 1 … depth) and of
        the output logits (the last row), for the pairs of :func:`input_pairs`.
        A distance of exactly 0 means the two inputs have been merged: every
        layer above maps them to the same output.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not an MLP, or ``X`` is malformed or has fewer than 2 rows.

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> d = hidden_distances(build(depth=3, width=5, activation="relu", seed=0))
    >>> d.shape, float(d[0, 0])  # input (0, 0) to input (0, 1): distance 1
    ((5, 6), 1.0)
    """
    model = check_model(model)
    X_arr = data.check_inputs(X, n_inputs=model.n_inputs)
    if len(X_arr) < 2:
        raise ValueError(f"X must hold at least 2 inputs to compare; got {len(X_arr)}")
    fwd = model.forward(X_arr)
    layers = [X_arr, *(h.numpy() for h in fwd.activations), fwd.logits.numpy()]
    pairs = input_pairs(len(X_arr))
    i, j = (np.array(side) for side in zip(*pairs, strict=True))
    return np.array([np.linalg.norm(h[i] - h[j], axis=1) for h in layers], dtype=np.float64)


def _entropy(p: float) -> float:
    """Binary entropy in nats; 0 at p = 0 and p = 1."""
    return 0.0 if p in (0.0, 1.0) else -p * math.log(p) - (1 - p) * math.log(1 - p)


def merged_cost(groups: Sequence[Sequence[int]], y: ArrayLike = data.y) -> float:
    r"""The lowest mean cross-entropy reachable when the inputs in each group share one output.

    A network that maps several inputs to the same internal state gives them the
    same prediction p; the best p for a group is the fraction of its labels that
    are 1, and the group then costs its size times the binary entropy of that
    fraction:

    .. math::

        L = \frac{1}{n} \sum_g n_g \, H(\bar y_g), \qquad H(p) = -p \ln p - (1 - p) \ln(1 - p).

    On XOR (labels 0, 1, 1, 0): all four merged give ln 2; three merged, two 1s
    and a 0, give ¾ H(⅔) ≈ 0.4774; one pair of opposite labels merged, the other
    two points fitted, gives ½ ln 2 ≈ 0.3466 (both opposite pairs merged: ln 2).

    Parameters
    ----------
    groups : sequence of sequences of int
        Row indices of ``y`` that partition ``range(n)``: every index exactly once.
    y : array_like
        Shape (n,) or (n, 1), labels in {0, 1}; defaults to XOR's.

    Returns
    -------
    float
        In nats, ≥ 0.

    Raises
    ------
    ValueError
        If ``groups`` is not a partition of the rows of ``y``, or ``y`` holds a
        label other than 0 or 1.

    Examples
    --------
    >>> round(merged_cost([[0, 1, 2, 3]]), 4), round(merged_cost([[0, 1, 2], [3]]), 4)
    (0.6931, 0.4774)
    >>> round(merged_cost([[0, 1], [2], [3]]), 4), round(merged_cost([[0, 1], [2, 3]]), 4)
    (0.3466, 0.6931)
    """
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    if not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError(f"y must hold labels 0 and 1 only; got {sorted(set(labels.tolist()))}")
    n = len(labels)
    try:
        members = [[int(i) for i in group] for group in groups]
    except TypeError:
        raise ValueError(f"groups must be a sequence of sequences of row indices; got {groups!r}") from None
    flat = sorted(itertools.chain.from_iterable(members))
    if flat != list(range(n)) or any(not group for group in members):
        raise ValueError(
            f"groups must partition the rows 0 to {n - 1} of y, each row in exactly one non-empty group;"
            f" got {groups!r}"
        )
    return sum(len(g) * _entropy(float(labels[g].mean())) for g in members) / n
