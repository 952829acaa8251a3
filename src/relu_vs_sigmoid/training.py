"""Full-batch gradient descent on a :class:`~relu_vs_sigmoid.models.MLP`.

The loss is the binary cross-entropy (in nats), computed from the logits with
``tf.nn.sigmoid_cross_entropy_with_logits``, so a saturated output never turns
it into NaN or infinity. The lecture writes the same loss as
``-mean(y log(h) + (1 - y) log(1 - h))`` with ``h = sigmoid(logits)``.

:func:`train` trains one network, and is the readable reference: a
``tf.GradientTape`` and a ``tf.function`` loop. :func:`train_many` (with
:func:`train_seeds` and :func:`train_members`) trains many networks as one
computation compiled by XLA, each following :func:`train` step by step to float32
rounding; that engine is implemented in the private module
``relu_vs_sigmoid._batched`` and documented here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike
from tqdm import tqdm

from . import _choices, activations, data, tensorboard
from ._validation import check_choice, check_int, check_positive_float32
from .models import MLP, Forward, check_model, dead_mask

__all__ = [
    "LN2",
    "OPTIMIZERS",
    "SOLVED_LOSS",
    "TrainResult",
    "binary_cross_entropy",
    "is_solved",
    "loss_and_gradients",
    "train",
    "train_many",
    "train_seeds",
    "Member",
    "train_members",
]

OPTIMIZERS = _choices.OPTIMIZERS
"""``"sgd"``: plain gradient descent, w ← w − η ∇L (the lecture's
``GradientDescentOptimizer``). ``"adam"``: Adam with β1 = 0.9, β2 = 0.999,
ε = 1e-8 (Kingma & Ba 2015, Algorithm 1), offered by the command line's
``--optimizer``."""

SOLVED_LOSS = 0.1
"""A run has *solved* XOR when its loss is below this (in nats) and every
prediction is on the right side of 0.5. On the four XOR points a loss below 0.1
already forces that: one wrong point alone costs at least ln 2 / 4 ≈ 0.17."""

LN2 = math.log(2.0)
"""ln 2 ≈ 0.6931 nats: the cross-entropy of predicting 0.5 for balanced labels."""


@dataclass(frozen=True)
class TrainResult:
    """What one training run measured, logged every ``log_every`` updates."""

    config: dict  # the model's config plus learning_rate, optimizer, steps, log_every
    seed: int  # the seed of the model's initial weights
    step: np.ndarray  # (n_logged,), int: updates done when each row was logged; starts at 0
    loss: np.ndarray  # (n_logged,), binary cross-entropy in nats
    accuracy: np.ndarray  # (n_logged,), fraction of examples classified right, in [0, 1]
    grad_norms: np.ndarray  # (n_logged, depth + 1), L2 norm of dloss/dWeight_i per layer
    y_hat: np.ndarray  # (n, 1), final predicted probabilities of label 1
    layer_names: tuple[str, ...] = field(default=())  # ("layer1", …, "last"), columns of grad_norms
    n_dead_units: np.ndarray | None = None  # (depth,), int: dead units per hidden layer at the end; relu only

    @property
    def first_solved_step(self) -> int | None:
        """The first logged step at which the run was solved (see :func:`is_solved`), or None.

        Exact to the logging interval: the run was solved at some update in
        (``first_solved_step - log_every``, ``first_solved_step``].
        """
        rows = zip(self.step, self.loss, self.accuracy, strict=True)
        return next((int(step) for step, loss, acc in rows if is_solved(loss, acc)), None)

    @property
    def dead_layer(self) -> bool | None:
        """Whether some hidden layer ended with every unit dead (relu only; None for other activations)."""
        return None if self.n_dead_units is None else bool(np.any(self.n_dead_units == self.config["widths"]))

    @property
    def final_loss(self) -> float:
        """The loss after the last update, in nats."""
        return float(self.loss[-1])

    @property
    def final_accuracy(self) -> float:
        """The accuracy after the last update."""
        return float(self.accuracy[-1])

    @property
    def diverged(self) -> bool:
        """Whether the loss overflowed (exploding gradients); training then stopped at that log point."""
        return not math.isfinite(self.final_loss)

    @property
    def solved(self) -> bool:
        """Whether the run ended with XOR solved (see :data:`SOLVED_LOSS`)."""
        return is_solved(self.final_loss, self.final_accuracy)


@dataclass(frozen=True)
class Member:
    """One network of a batch, as :func:`train_members` takes it: no ``tf.Variable`` needed.

    ``config`` is :attr:`relu_vs_sigmoid.models.MLP.config` (activation,
    depth, widths, init, seed and activation parameters); ``weights`` and
    ``biases`` are the initial values, float32 arrays of the shapes an
    :class:`~relu_vs_sigmoid.models.MLP` of that config holds.
    """

    config: dict
    activation: activations.Activation
    weights: list[np.ndarray]  # (n_in, n_out) per layer
    biases: list[np.ndarray]  # (n_out,) per layer


def is_solved(loss: float, accuracy: float) -> bool:
    """The package's one definition of a solved run: accuracy 1 and loss < :data:`SOLVED_LOSS`.

    Examples
    --------
    >>> is_solved(0.05, 1.0), is_solved(0.6931, 0.5)
    (True, False)
    """
    return bool(accuracy == 1.0 and loss < SOLVED_LOSS)


def binary_cross_entropy(y: ArrayLike, logits: ArrayLike) -> tf.Tensor:
    r"""Mean binary cross-entropy in nats, computed stably from logits.

    .. math::

        L = -\frac{1}{n} \sum_i \left[ y_i \log \sigma(s_i) + (1 - y_i) \log(1 - \sigma(s_i)) \right]

    evaluated as :math:`\max(s, 0) - s y + \log(1 + e^{-|s|})`, which is finite
    for every finite logit s (Goodfellow, Bengio & Courville 2016, §6.2.2.2).

    Parameters
    ----------
    y : array_like
        Shape (n, 1), labels in {0, 1}.
    logits : array_like
        Shape (n, 1), the output unit's pre-activations.

    Returns
    -------
    tf.Tensor
        A float32 scalar, ≥ 0.

    Examples
    --------
    >>> round(float(binary_cross_entropy([[0.0], [1.0]], [[0.0], [0.0]])), 4)  # ln 2
    0.6931
    >>> float(binary_cross_entropy([[1.0]], [[-200.0]]))  # saturated, still finite
    200.0
    """
    labels = tf.convert_to_tensor(y, dtype=tf.float32)
    s = tf.convert_to_tensor(logits, dtype=tf.float32)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=s))


def loss_and_gradients(model: MLP, X: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, Forward, list[tf.Tensor]]:
    """One forward and backward pass: the loss, the :class:`~relu_vs_sigmoid.models.Forward`
    pass, and the gradients with respect to ``(*model.weights, *model.biases)``.

    Parameters
    ----------
    model : MLP
    X, y : tf.Tensor
        float32, shapes (n, n_inputs) and (n, 1).

    Returns
    -------
    loss : tf.Tensor
        Scalar, the binary cross-entropy in nats.
    forward : Forward
    gradients : list of tf.Tensor
        One per variable, each the variable's shape: the weights first
        (layer 1 … last), then the biases.
    """
    with tf.GradientTape() as tape:
        fwd = model.forward(X)
        loss = binary_cross_entropy(y, fwd.logits)
    return loss, fwd, tape.gradient(loss, [*model.weights, *model.biases])


def train(
    model: MLP,
    X: ArrayLike = data.X,
    y: ArrayLike = data.y,
    *,
    steps: int = 10_000,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    log_every: int = 100,
    logdir: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> TrainResult:
    """Train ``model`` on (X, y) by full-batch gradient descent; the model's variables are updated in place.

    The updates between two log points run inside one compiled ``tf.function``
    loop, so Python is entered only once per log point.

    Parameters
    ----------
    model : MLP
        The network; its seed and configuration are recorded in the result.
    X : array_like
        Shape (n, n_inputs), finite. Defaults to the four XOR inputs.
    y : array_like
        Shape (n, 1) or (n,), labels in {0, 1}. Defaults to the XOR labels.
    steps : int
        Gradient updates, ≥ 1 (and < 2⁶³).
    learning_rate : float
        The step size η, > 0 and finite in float32 (the trainer's dtype): from
        about 1.4e-45 to 3.4e38. The lecture uses 0.1.
    optimizer : str
        ``"sgd"`` (default) or ``"adam"``; see :data:`OPTIMIZERS`.
    log_every : int
        Updates between two logged rows, ≥ 1 (and < 2⁶³). Rows are logged after 0,
        ``log_every``, 2 ``log_every``, … updates and after the last one.
    logdir : str or Path, optional
        If given, TensorBoard event files are written here (graph, cost and
        accuracy scalars, gradient norms, weight and activation histograms)
        and flushed before ``train`` returns; see :mod:`relu_vs_sigmoid.tensorboard`.
        Each run needs a folder of its own: one that already holds event files
        (anywhere inside) is refused, since the two runs would be read back
        as one. Needs the tensorboard package; without ``logdir``, ``train``
        does not.
    progress : bool
        Show a progress bar of the updates on stderr (tqdm). Off by default.

    Returns
    -------
    TrainResult
        For a relu network, ``n_dead_units`` counts each hidden layer's dead
        units after the last update (see :func:`relu_vs_sigmoid.diagnostics.dead_units`).
        If the loss stops being finite (the weights overflowed float32: an
        exploding gradient, which a too-large learning rate can cause), training
        stops at that log point and the result's ``diverged`` is True; its last
        logged loss is then NaN or infinite, never a silent number.

    Raises
    ------
    ValueError, TypeError
        Before any update, for a model that is not an :class:`MLP`, bad data
        (see :func:`relu_vs_sigmoid.data.check_data`), ``steps`` or
        ``log_every`` < 1 or not an integer, a learning rate that is ≤ 0, NaN
        or not finite in float32 (such as 1e39), an unknown optimizer, or a
        ``logdir`` that is not a path or already holds TensorBoard event files.
    ModuleNotFoundError
        With a ``logdir``, if the tensorboard package cannot be imported.

    Examples
    --------
    >>> from relu_vs_sigmoid.models import build
    >>> result = train(build(depth=2, width=5, activation="relu", seed=0), steps=2000)
    >>> int(result.step[-1]), result.grad_norms.shape
    (2000, (21, 3))
    >>> result.solved, result.y_hat.round(1).ravel().tolist()
    (True, [0.0, 1.0, 1.0, 0.0])
    """
    model = check_model(model)
    X_arr, y_arr = data.check_data(X, y, n_inputs=model.n_inputs)
    steps, learning_rate, optimizer, log_every = _check_schedule(steps, learning_rate, optimizer, log_every)
    X_t, y_t = tf.constant(X_arr), tf.constant(y_arr)
    update = _make_optimizer(optimizer, learning_rate, [*model.weights, *model.biases])

    def run_updates(n_updates: tf.Tensor) -> None:
        for _ in tf.range(n_updates):
            update(loss_and_gradients(model, X_t, y_t)[2])

    def measure() -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        loss, fwd, grads = loss_and_gradients(model, X_t, y_t)
        norms = tf.stack([tf.norm(g) for g in grads[: model.depth + 1]])
        return loss, _accuracy(fwd.y_hat, y_t), norms, fwd.y_hat

    run, measured = _compiled(run_updates), _compiled(measure)
    # The event file is opened, and logdir checked, before the first update.
    writer = None if logdir is None else tensorboard.Writer(logdir, model, X_t, y_t, binary_cross_entropy)
    logged: list[int] = []
    rows: list[tuple[float, float, np.ndarray]] = []
    done = 0
    bar = tqdm(total=steps, unit="step", desc=repr(model), disable=not progress, leave=False)
    try:
        for s in _log_steps(steps, log_every):
            if s > done:
                run(tf.constant(s - done, dtype=tf.int64))
                bar.update(s - done)
                done = s
            loss, accuracy, norms, y_hat = measured()
            logged.append(s)
            rows.append((float(loss), float(accuracy), norms.numpy()))
            if writer is not None:
                writer.log(s, *rows[-1])
            if not math.isfinite(rows[-1][0]):
                break  # the weights overflowed float32: nothing more to learn from this run
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    n_dead = None
    if model.activation.name == "relu":
        pre_activations = model.forward(X_t).pre_activations
        n_dead = np.array([int(dead_mask(z).sum()) for z in pre_activations])

    config = dict(
        model.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
    )
    return TrainResult(
        config=config,
        seed=model.seed,
        step=np.array(logged, dtype=np.int64),
        loss=np.array([r[0] for r in rows]),
        accuracy=np.array([r[1] for r in rows]),
        grad_norms=np.stack([r[2] for r in rows]),
        y_hat=y_hat.numpy(),
        layer_names=model.layer_names,
        n_dead_units=n_dead,
    )


_MAX_STEPS = 2**63 - 1  # the most updates, and the largest log_every, a run may ask for: TensorFlow's int64


def _log_steps(steps: int, log_every: int) -> Iterator[int]:
    """Updates done at each logged row: 0, log_every, 2 log_every, …, and steps.

    Generated as the run reaches them, so that the schedule of a run of 10**12 steps costs nothing
    up front (as a list, it took 17.9 GB within half a minute, before the first update).
    """
    yield from range(0, steps, log_every)
    yield steps


_F = TypeVar("_F", bound=Callable[..., object])


def _compiled(python_function: _F) -> _F:
    """``tf.function(python_function)``, exempt from TensorFlow's "frequent retracing" warning.

    :func:`train` and the batched engine compile new loops for every call, by design: each closes
    over its own variables, so one trace per call is the price of a call, not a mistake to warn
    about. TensorFlow counts the traces of every function with the same code together, so a sweep
    of many calls would trip its heuristic. The flag set here is the one TensorFlow sets on the
    functions it restores from a SavedModel; it exempts these functions only, and the warning stays
    live for every other function (a user's own ``train`` or ``pretrain`` included).
    """
    compiled = tf.function(python_function)
    compiled._omit_frequent_tracing_warning = True
    return compiled


def _accuracy(y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Fraction of examples on the right side of 0.5, over the last two axes (n, 1)."""
    return tf.reduce_mean(tf.cast(tf.cast(y_hat > 0.5, tf.float32) == y, tf.float32), axis=(-2, -1))


def _check_schedule(
    steps: object, learning_rate: object, optimizer: object, log_every: object
) -> tuple[int, float, str, int]:
    """The checks :func:`train` applies to its training arguments, in one place."""
    return (
        check_int(steps, "steps", minimum=1, maximum=_MAX_STEPS),
        check_positive_float32(learning_rate, "learning_rate"),
        check_choice(optimizer, "optimizer", OPTIMIZERS),
        check_int(log_every, "log_every", minimum=1, maximum=_MAX_STEPS),
    )


_Update = Callable[[list[tf.Tensor]], None]  # update(grads): one optimizer step, in place


def _make_optimizer(name: str, learning_rate: float, variables: list[tf.Variable]) -> _Update:
    """Return ``update(grads)``, which applies one step of the named optimizer in place.

    Both run inside the compiled loops: plain gradient descent, and the Adam of :data:`OPTIMIZERS`
    (its moment estimates and step count are variables made here, one set per call).
    """
    if name == "sgd":

        def sgd(grads: list[tf.Tensor]) -> None:
            for v, g in zip(variables, grads, strict=True):
                v.assign_sub(learning_rate * g)

        return sgd

    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    s = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    t = tf.Variable(0.0, trainable=False)

    def adam(grads: list[tf.Tensor]) -> None:
        t.assign_add(1.0)
        step_size = learning_rate * tf.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        for v, g, m_i, s_i in zip(variables, grads, m, s, strict=True):
            m_i.assign(beta1 * m_i + (1.0 - beta1) * g)
            s_i.assign(beta2 * s_i + (1.0 - beta2) * tf.square(g))
            v.assign_sub(step_size * m_i / (tf.sqrt(s_i) + eps))

    return adam


# The batched engine, implemented in relu_vs_sigmoid._batched with the pieces above (which is why
# it is imported last) and documented as part of this module, where its public names have always been.
from ._batched import train_many, train_members, train_seeds  # noqa: E402

train_many.__module__ = train_members.__module__ = train_seeds.__module__ = __name__
