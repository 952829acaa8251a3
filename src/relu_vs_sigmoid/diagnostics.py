"""Measurements of a network that explain how it trains: gradient norms per layer and dead units."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from . import data
from .models import MLP, check_model, dead_mask
from .training import loss_and_gradients

__all__ = ["gradient_norms", "dead_units", "has_dead_layer"]


def gradient_norms(model: MLP, X=data.X, y=data.y) -> np.ndarray:
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
    X, y = data.check_data(X, y, n_inputs=model.n_inputs)
    _, _, grads = loss_and_gradients(model, tf.constant(X), tf.constant(y))
    return np.array([float(tf.norm(g)) for g in grads[: model.depth + 1]])


def dead_units(model: MLP, X=data.X) -> tuple[np.ndarray, ...]:
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
    X = data.check_inputs(X, n_inputs=model.n_inputs)
    fwd = model.forward(X)
    return tuple(dead_mask(z) for z in fwd.pre_activations)


def has_dead_layer(model: MLP, X=data.X) -> bool:
    """Whether some hidden layer of a ReLU network is dead for every unit on ``X``.

    Such a network outputs the same value for every input, and no gradient
    reaches that layer or any layer below it: it can never learn XOR, and gradient
    descent drives its constant output to 0.5, the loss to ln 2.

    Parameters and errors are those of :func:`dead_units`.

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> has_dead_layer(build(depth=2, width=5, activation="relu", seed=0))
    False
    """
    return any(bool(d.all()) for d in dead_units(model, X))
