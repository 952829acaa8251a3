"""Activation functions and their derivatives, looked up by name.

Every activation is an :class:`Activation`: the function, its derivative in
closed form (for plots and for checking backpropagation by hand), a LaTeX
formula, and ``pieces``, the number of pre-activations each unit consumes
(1 for the element-wise functions, k for Maxout).

Conventions at the kink z = 0 follow TensorFlow's gradients: relu'(0) = 0,
leaky_relu'(0) = negative_slope, elu'(0) = alpha.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf
from numpy.typing import ArrayLike

from . import _choices
from ._validation import check_choice, check_int, check_positive, check_unit_interval

__all__ = [
    "NAMES",
    "Activation",
    "get",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "maxout",
]

NAMES = _choices.ACTIVATIONS
"""The activation names this package knows, in the lecture's order."""

Function = Callable[[tf.Tensor], tf.Tensor]  # pre-activations to activations (or their derivative)


@dataclass(frozen=True)
class Activation:
    """A named activation function with its derivative.

    For the element-wise activations ``function`` and ``derivative`` map a
    tensor of pre-activations to a tensor of the same shape. For Maxout
    (``pieces`` = k ≥ 2) ``function`` maps shape (..., k) to (...), and
    ``derivative`` gives the partial derivative with respect to each of the
    k pieces, shape (..., k): 1 for the largest piece, 0 for the others.
    """

    name: str  # one of NAMES
    function: Function  # pre-activation(s) -> activation
    derivative: Function  # pre-activation(s) -> d activation / d pre-activation
    formula: str  # LaTeX, for pages and plot legends
    pieces: int = 1  # pre-activations per unit: 1, or k for Maxout

    def __call__(self, z: ArrayLike) -> tf.Tensor:
        return self.function(_as_tensor(z))


def _as_tensor(z: ArrayLike) -> tf.Tensor:
    return tf.convert_to_tensor(z, dtype=tf.float32)


def sigmoid(z: ArrayLike) -> tf.Tensor:
    r"""The logistic sigmoid, :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Its derivative is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le 1/4`,
    with the maximum 1/4 at z = 0: the factor behind the vanishing gradient
    (Bengio, Simard & Frasconi 1994; Glorot & Bengio 2010).

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    tf.Tensor
        float32, the same shape as ``z``, values in (0, 1).

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    """
    return tf.sigmoid(_as_tensor(z))


def _sigmoid_derivative(z: ArrayLike) -> tf.Tensor:
    s = tf.sigmoid(_as_tensor(z))
    return s * (1.0 - s)


def tanh(z: ArrayLike) -> tf.Tensor:
    r"""The hyperbolic tangent, :math:`\tanh(z) = 2\sigma(2z) - 1`.

    Zero-centred with :math:`\tanh'(z) = 1 - \tanh^2(z) \le 1` (LeCun et al.
    1998, "Efficient BackProp", recommend it over the sigmoid for that reason).

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    tf.Tensor
        float32, the same shape as ``z``, values in (-1, 1).

    Examples
    --------
    >>> round(float(tanh(1.0)), 4)
    0.7616
    """
    return tf.tanh(_as_tensor(z))


def _tanh_derivative(z: ArrayLike) -> tf.Tensor:
    return 1.0 - tf.tanh(_as_tensor(z)) ** 2


def relu(z: ArrayLike) -> tf.Tensor:
    r"""The rectified linear unit, :math:`\max(0, z)` (Nair & Hinton 2010).

    Its derivative is 1 for z > 0 and 0 for z ≤ 0: it passes gradients through
    unchanged where the unit is active, and not at all where it is not.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    tf.Tensor
        float32, the same shape as ``z``, values ≥ 0.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0]).numpy().tolist()
    [0.0, 0.0, 3.0]
    """
    return tf.nn.relu(_as_tensor(z))


def _relu_derivative(z: ArrayLike) -> tf.Tensor:
    t = _as_tensor(z)
    return tf.cast(t > 0, tf.float32)


def leaky_relu(z: ArrayLike, negative_slope: float = 0.1) -> tf.Tensor:
    r"""Leaky ReLU, :math:`\max(a z, z)` for a negative slope :math:`0 \le a \le 1`.

    The default a = 0.1 is the lecture's. Maas, Hannun & Ng (2013), who
    introduced the function, used a = 0.01; ``tf.nn.leaky_relu`` defaults to
    a = 0.2. With a > 0 a unit is never silent for every input, so it cannot
    die the way a ReLU unit can.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.
    negative_slope : float
        The slope a for z < 0, in [0, 1].

    Returns
    -------
    tf.Tensor
        float32, the same shape as ``z``.

    Raises
    ------
    ValueError
        If ``negative_slope`` is not a finite number in [0, 1].

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0]).numpy().round(3).tolist()
    [-0.2, 3.0]
    """
    a = check_unit_interval(negative_slope, "negative_slope")
    # TensorFlow's fused kernel computes z if z > 0 else a z, the same function for 0 <= a <= 1,
    # with the same gradient (a at z <= 0), in one op instead of three.
    return tf.nn.leaky_relu(_as_tensor(z), alpha=a)


def _leaky_relu_derivative(z: ArrayLike, negative_slope: float = 0.1) -> tf.Tensor:
    t = _as_tensor(z)
    return tf.where(t > 0, tf.ones_like(t), negative_slope * tf.ones_like(t))


def elu(z: ArrayLike, alpha: float = 1.0) -> tf.Tensor:
    r"""The exponential linear unit (Clevert, Unterthiner & Hochreiter 2016).

    .. math::

        \mathrm{elu}(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}

    Its negative side saturates at :math:`-\alpha`, which pushes mean
    activations towards zero; its derivative is 1 for z > 0 and
    :math:`\alpha e^{z}` for z ≤ 0.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.
    alpha : float
        The negative saturation value, a finite number > 0 (the lecture and
        the paper use 1).

    Returns
    -------
    tf.Tensor
        float32, the same shape as ``z``, values > -alpha.

    Raises
    ------
    ValueError
        If ``alpha`` is not a finite number > 0.

    Examples
    --------
    >>> elu([-1.0, 2.0]).numpy().round(4).tolist()
    [-0.6321, 2.0]
    """
    alpha = check_positive(alpha, "alpha")
    t = _as_tensor(z)
    if alpha == 1.0:
        return tf.nn.elu(t)  # TensorFlow's fused kernel: one op, the same values and gradient
    # exp of min(z, 0) so that large positive z never overflows in the unused branch.
    return tf.where(t > 0, t, alpha * tf.math.expm1(tf.minimum(t, 0.0)))


def _elu_derivative(z: ArrayLike, alpha: float = 1.0) -> tf.Tensor:
    t = _as_tensor(z)
    return tf.where(t > 0, tf.ones_like(t), alpha * tf.exp(tf.minimum(t, 0.0)))


def maxout(z: ArrayLike) -> tf.Tensor:
    r"""Maxout: the largest of k affine pieces (Goodfellow et al. 2013).

    A Maxout unit computes :math:`\max_j (w_j^\top x + b_j)` over k pieces;
    the lecture's slide shows k = 2, :math:`\max(w_1^\top x + b_1, w_2^\top x + b_2)`.
    This function takes the pieces, already computed, on the last axis.
    ReLU is the special case of two pieces with one fixed at zero.

    Parameters
    ----------
    z : array_like
        Shape (..., k), the k pre-activations of each unit.

    Returns
    -------
    tf.Tensor
        float32, shape (...): the maximum over the last axis.

    Raises
    ------
    ValueError
        If ``z`` has no last axis or it holds fewer than 2 pieces.

    Examples
    --------
    >>> maxout([[1.0, -2.0], [0.5, 3.0]]).numpy().tolist()
    [1.0, 3.0]
    """
    t = _as_tensor(z)
    if t.shape.rank is not None and (t.shape.rank < 1 or (t.shape[-1] is not None and t.shape[-1] < 2)):
        raise ValueError(f"maxout needs z of shape (..., k) with k >= 2 pieces; got shape {t.shape}")
    return tf.reduce_max(t, axis=-1)


def _maxout_derivative(z: ArrayLike) -> tf.Tensor:
    t = _as_tensor(z)
    return tf.one_hot(tf.argmax(t, axis=-1), depth=tf.shape(t)[-1], dtype=tf.float32)


_FORMULAS = {
    "sigmoid": r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
    "relu": r"\mathrm{relu}(z) = \max(0, z)",
    "leaky_relu": r"\mathrm{leaky}(z) = \max(a z, z),\ a = <a>",
    "elu": r"\mathrm{elu}(z) = z \text{ if } z > 0, \text{ else } \alpha (e^{z} - 1),\ \alpha = <alpha>",
    "maxout": r"\mathrm{maxout}(x) = \max_{j \le <k>} (w_j^\top x + b_j)",
}


def get(
    name: str,
    *,
    negative_slope: float | None = None,
    alpha: float | None = None,
    pieces: int | None = None,
) -> Activation:
    """Look an activation up by name, with its parameters bound.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`: ``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"leaky_relu"``, ``"elu"``, ``"maxout"``.
    negative_slope : float, optional
        Leaky ReLU only: the slope for z < 0, in [0, 1]; default 0.1 (the
        lecture's value).
    alpha : float, optional
        ELU only: the negative saturation value, > 0; default 1.
    pieces : int, optional
        Maxout only: the number of affine pieces per unit, ≥ 2; default 2.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If ``name`` is unknown, a parameter is out of range, or a parameter is
        given for an activation that does not use it.
    TypeError
        If ``name`` is not a string or ``pieces`` is not an integer.

    Examples
    --------
    >>> act = get("leaky_relu")
    >>> act.derivative([-1.0, 1.0]).numpy().round(3).tolist()
    [0.1, 1.0]
    >>> get("maxout").pieces
    2
    >>> get("Relu6")
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of sigmoid, tanh, relu, leaky_relu, elu, maxout; got 'Relu6'
    """
    name = check_name(name)
    given = {"negative_slope": negative_slope, "alpha": alpha, "pieces": pieces}
    uses = {"leaky_relu": "negative_slope", "elu": "alpha", "maxout": "pieces"}
    for param, value in given.items():
        if value is not None and uses.get(name) != param:
            owner = next(act for act, p in uses.items() if p == param)
            raise ValueError(f"{param} applies only to {owner}; got {param}={value!r} for {name!r}")
    if name == "sigmoid":
        return Activation(name, sigmoid, _sigmoid_derivative, _FORMULAS[name])
    if name == "tanh":
        return Activation(name, tanh, _tanh_derivative, _FORMULAS[name])
    if name == "relu":
        return Activation(name, relu, _relu_derivative, _FORMULAS[name])
    if name == "leaky_relu":
        a = check_unit_interval(0.1 if negative_slope is None else negative_slope, "negative_slope")
        return Activation(
            name,
            lambda z: leaky_relu(z, a),
            lambda z: _leaky_relu_derivative(z, a),
            _FORMULAS[name].replace("<a>", f"{a:g}"),
        )
    if name == "elu":
        alpha = check_positive(1.0 if alpha is None else alpha, "alpha")
        return Activation(
            name,
            lambda z: elu(z, alpha),
            lambda z: _elu_derivative(z, alpha),
            _FORMULAS[name].replace("<alpha>", f"{alpha:g}"),
        )
    k = check_pieces(2 if pieces is None else pieces)
    return Activation(name, maxout, _maxout_derivative, _FORMULAS[name].replace("<k>", str(k)), pieces=k)


def check_name(name: object) -> str:
    """Return ``name`` if it is a known activation, else raise a clear error."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a string, one of {', '.join(NAMES)}; got {name!r}")
    return check_choice(name, "activation", NAMES)


def check_pieces(pieces: object) -> int:
    """Return ``pieces`` if it is an integer >= 2 (Maxout), else raise a clear error."""
    return check_int(pieces, "pieces", minimum=2)
