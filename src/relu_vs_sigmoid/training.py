"""Full-batch gradient descent on a :class:`~relu_vs_sigmoid.models.MLP`.

The loss is the binary cross-entropy (in nats), computed from the logits with
``tf.nn.sigmoid_cross_entropy_with_logits``, so a saturated output never turns
it into NaN or infinity. The lecture writes the same loss as
``-mean(y log(h) + (1 - y) log(1 - h))`` with ``h = sigmoid(logits)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tensorflow as tf

from . import data, tensorboard
from ._validation import check_choice, check_int, check_positive
from .models import MLP, build, check_model

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
]

OPTIMIZERS = ("sgd", "adam")
"""``"sgd"``: plain gradient descent, w ← w − η ∇L (the lecture's
``GradientDescentOptimizer``). ``"adam"``: Adam with β1 = 0.9, β2 = 0.999,
ε = 1e-8 (Kingma & Ba 2015, Algorithm 1)."""

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


def is_solved(loss: float, accuracy: float) -> bool:
    """The package's one definition of a solved run: accuracy 1 and loss < :data:`SOLVED_LOSS`.

    Examples
    --------
    >>> is_solved(0.05, 1.0), is_solved(0.6931, 0.5)
    (True, False)
    """
    return bool(accuracy == 1.0 and loss < SOLVED_LOSS)


def binary_cross_entropy(y, logits) -> tf.Tensor:
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
    y = tf.convert_to_tensor(y, dtype=tf.float32)
    logits = tf.convert_to_tensor(logits, dtype=tf.float32)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def loss_and_gradients(model: MLP, X: tf.Tensor, y: tf.Tensor):
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
    X=data.X,
    y=data.y,
    *,
    steps: int = 10_000,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    log_every: int = 100,
    logdir: str | Path | None = None,
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
        Gradient updates, ≥ 1.
    learning_rate : float
        The step size η, finite and > 0. The lecture uses 0.1.
    optimizer : str
        ``"sgd"`` (default) or ``"adam"``; see :data:`OPTIMIZERS`.
    log_every : int
        Updates between two logged rows, ≥ 1. Rows are logged after 0,
        ``log_every``, 2 ``log_every``, … updates and after the last one.
    logdir : str or Path, optional
        If given, TensorBoard event files are written here (graph, cost and
        accuracy scalars, gradient norms, weight and activation histograms)
        and flushed before ``train`` returns; see :mod:`relu_vs_sigmoid.tensorboard`.

    Returns
    -------
    TrainResult
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
        or infinite, or an unknown optimizer.

    Examples
    --------
    >>> from relu_vs_sigmoid.models import build
    >>> result = train(build(depth=2, width=5, activation="relu", seed=0), steps=2000)
    >>> result.step[-1], result.grad_norms.shape
    (np.int64(2000), (21, 3))
    >>> result.solved, result.y_hat.round(1).ravel().tolist()
    (True, [0.0, 1.0, 1.0, 0.0])
    """
    model = check_model(model)
    X, y = data.check_data(X, y, n_inputs=model.n_inputs)
    steps, learning_rate, optimizer, log_every = _check_schedule(steps, learning_rate, optimizer, log_every)
    X_t, y_t = tf.constant(X), tf.constant(y)
    update = _make_optimizer(optimizer, learning_rate, [*model.weights, *model.biases])

    @tf.function
    def run(n_updates):
        for _ in tf.range(n_updates):
            update(loss_and_gradients(model, X_t, y_t)[2])

    @tf.function
    def measure():
        loss, fwd, grads = loss_and_gradients(model, X_t, y_t)
        norms = tf.stack([tf.norm(g) for g in grads[: model.depth + 1]])
        return loss, _accuracy(fwd.y_hat, y_t), norms, fwd.y_hat

    log_steps = _log_steps(steps, log_every)
    writer = tensorboard.Writer(logdir, model, X_t, y_t, binary_cross_entropy) if logdir is not None else None
    rows, done = [], 0
    try:
        for s in log_steps:
            if s > done:
                run(tf.constant(s - done))
                done = s
            loss, accuracy, norms, y_hat = measure()
            rows.append((float(loss), float(accuracy), norms.numpy()))
            if writer is not None:
                writer.log(s, rows[-1][0], rows[-1][1], norms.numpy())
            if not math.isfinite(rows[-1][0]):
                break  # the weights overflowed float32: nothing more to learn from this run
    finally:
        if writer is not None:
            writer.close()

    config = dict(
        model.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
    )
    return TrainResult(
        config=config,
        seed=model.seed,
        step=np.array(log_steps[: len(rows)], dtype=np.int64),
        loss=np.array([r[0] for r in rows]),
        accuracy=np.array([r[1] for r in rows]),
        grad_norms=np.stack([r[2] for r in rows]),
        y_hat=y_hat.numpy(),
        layer_names=model.layer_names,
    )


def _log_steps(steps: int, log_every: int) -> list[int]:
    """Updates done at each logged row: 0, log_every, 2 log_every, …, and steps."""
    return sorted({*range(0, steps, log_every), steps})


def _accuracy(y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Fraction of examples on the right side of 0.5, over the last two axes (n, 1)."""
    return tf.reduce_mean(tf.cast(tf.cast(y_hat > 0.5, tf.float32) == y, tf.float32), axis=(-2, -1))


def _check_schedule(steps, learning_rate, optimizer, log_every) -> tuple[int, float, str, int]:
    """The checks :func:`train` applies to its training arguments, in one place."""
    return (
        check_int(steps, "steps", minimum=1),
        check_positive(learning_rate, "learning_rate"),
        check_choice(optimizer, "optimizer", OPTIMIZERS),
        check_int(log_every, "log_every", minimum=1),
    )


def _make_optimizer(name: str, learning_rate: float, variables: list[tf.Variable]):
    """Return ``update(grads)``, which applies one step of the named optimizer in place."""
    if name == "sgd":

        def sgd(grads):
            for v, g in zip(variables, grads, strict=True):
                v.assign_sub(learning_rate * g)

        return sgd

    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    s = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    t = tf.Variable(0.0, trainable=False)

    def adam(grads):
        t.assign_add(1.0)
        step_size = learning_rate * tf.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        for v, g, m_i, s_i in zip(variables, grads, m, s, strict=True):
            m_i.assign(beta1 * m_i + (1.0 - beta1) * g)
            s_i.assign(beta2 * s_i + (1.0 - beta2) * tf.square(g))
            v.assign_sub(step_size * m_i / (tf.sqrt(s_i) + eps))

    return adam


def train_seeds(
    seeds,
    *,
    depth: int = 10,
    width: int = 5,
    activation: str = "sigmoid",
    init: str = "uniform",
    steps: int = 5_000,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    log_every: int = 100,
    **activation_params,
) -> list[TrainResult]:
    """Train one network per seed, all of the same configuration, on XOR, together (see :func:`train_many`).

    Parameters
    ----------
    seeds : iterable of int
        One run per seed, each seed ≥ 0; at least one.
    depth, width, activation, init
        The network, as in :func:`relu_vs_sigmoid.models.build`.
    steps, learning_rate, optimizer, log_every
        As in :func:`train`.
    **activation_params
        ``negative_slope``, ``alpha`` or ``pieces``, as in :func:`relu_vs_sigmoid.activations.get`.

    Returns
    -------
    list of TrainResult
        In the order of ``seeds``.

    Raises
    ------
    ValueError, TypeError
        Before any training, for anything :func:`~relu_vs_sigmoid.models.build`
        or :func:`train` would reject, or for an empty ``seeds``.

    Examples
    --------
    >>> results = train_seeds(range(2), depth=2, activation="tanh", steps=1000)
    >>> [r.seed for r in results], all(r.solved for r in results)
    ([0, 1], True)
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed; got none")
    models = [build(depth, width, activation, init=init, seed=seed, **activation_params) for seed in seeds]
    return train_many(
        models, steps=steps, learning_rate=learning_rate, optimizer=optimizer, log_every=log_every
    )


def train_many(
    models,
    X=data.X,
    y=data.y,
    *,
    steps: int = 10_000,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    log_every: int = 100,
) -> list[TrainResult]:
    """Train several networks of one architecture at once, as one batched computation.

    Every weight matrix of the E networks is stacked along a leading ensemble
    axis, shape (E, n_in, n_out), and each layer is one batched matmul, so a
    step costs about as much for 32 networks as for one. The networks stay
    independent: the summed loss has, for each member, the gradient of that
    member's own loss. Member i therefore follows ``train(models[i], X, y, ...)``
    step by step (to float32 rounding), and its trained weights are written back
    into ``models[i]``, so the models are updated in place just as :func:`train`
    updates one.

    Parameters
    ----------
    models : sequence of MLP
        At least one network; all with the same widths, activation (and its
        parameters) and number of inputs. Their seeds may differ.
    X, y, steps, learning_rate, optimizer, log_every
        As in :func:`train`.

    Returns
    -------
    list of TrainResult
        One per model, in order. A member whose loss stops being finite is
        marked ``diverged`` and its logs end at that log point, as in :func:`train`.

    Raises
    ------
    ValueError, TypeError
        Before any update, for an empty ``models``, a model that is not an
        :class:`MLP`, models of different architectures, or anything
        :func:`train` would reject.

    Examples
    --------
    >>> from relu_vs_sigmoid.models import build
    >>> nets = [build(depth=10, width=5, activation="sigmoid", seed=s) for s in range(3)]
    >>> results = train_many(nets, steps=500)
    >>> [r.seed for r in results], [round(r.final_loss, 4) for r in results]
    ([0, 1, 2], [0.6931, 0.6931, 0.6931])
    """
    models = [check_model(m) for m in models]
    if not models:
        raise ValueError("models must hold at least one MLP; got none")
    first = models[0]
    shape = _architecture(first)
    for i, m in enumerate(models[1:], start=1):
        if _architecture(m) != shape:
            raise ValueError(
                f"models must share one architecture; models[0] is {_describe(first)}, "
                f"models[{i}] is {_describe(m)}"
            )
    X, y = data.check_data(X, y, n_inputs=first.n_inputs)
    steps, learning_rate, optimizer, log_every = _check_schedule(steps, learning_rate, optimizer, log_every)

    E, n = len(models), len(X)
    X_t = tf.broadcast_to(tf.constant(X), (E, n, first.n_inputs))
    y_t = tf.broadcast_to(tf.constant(y), (E, n, 1))
    weights = [tf.Variable(tf.stack([m.weights[i] for m in models])) for i in range(first.depth + 1)]
    biases = [
        tf.Variable(tf.stack([m.biases[i] for m in models])[:, None, :]) for i in range(first.depth + 1)
    ]
    variables = [*weights, *biases]
    update = _make_optimizer(optimizer, learning_rate, variables)
    act = first.activation

    def logits():
        h = X_t
        for W, b, width in zip(weights[:-1], biases[:-1], first.widths, strict=True):
            z = tf.matmul(h, W) + b  # (E, n, width * pieces)
            h = act.function(tf.reshape(z, (E, n, width, act.pieces))) if act.pieces > 1 else act.function(z)
        return tf.matmul(h, weights[-1]) + biases[-1]  # (E, n, 1)

    def loss_and_grads():
        with tf.GradientTape() as tape:
            s = logits()
            losses = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=y_t, logits=s), axis=(1, 2)
            )
            total = tf.reduce_sum(losses)  # member e's gradient is that of its own loss
        return losses, s, tape.gradient(total, variables)

    @tf.function
    def run(n_updates):
        for _ in tf.range(n_updates):
            update(loss_and_grads()[2])

    @tf.function
    def measure():
        losses, s, grads = loss_and_grads()
        y_hat = tf.sigmoid(s)
        norms = tf.stack([tf.norm(g, axis=(1, 2)) for g in grads[: first.depth + 1]], axis=1)  # (E, L+1)
        return losses, _accuracy(y_hat, y_t), norms, y_hat

    log_steps = _log_steps(steps, log_every)
    loss_rows, acc_rows, norm_rows, y_hat_rows, done = [], [], [], [], 0
    for s in log_steps:
        if s > done:
            run(tf.constant(s - done))
            done = s
        losses, accuracy, norms, y_hat = measure()
        loss_rows.append(losses.numpy())
        acc_rows.append(accuracy.numpy())
        norm_rows.append(norms.numpy())
        y_hat_rows.append(y_hat.numpy())
        if not np.isfinite(loss_rows[-1]).any():
            break  # every member has diverged
    loss_log, acc_log = np.stack(loss_rows), np.stack(acc_rows)  # (n_logged, E)
    norm_log, y_hat_log = np.stack(norm_rows), np.stack(y_hat_rows)  # (n_logged, E, L+1), (n_logged, E, n, 1)

    for e, m in enumerate(models):
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            m.weights[i].assign(W[e])
            m.biases[i].assign(b[e, 0])
    results = []
    for e, m in enumerate(models):
        bad = np.flatnonzero(~np.isfinite(loss_log[:, e]))
        k = int(bad[0]) + 1 if bad.size else len(loss_log)  # rows kept: up to the first non-finite loss
        config = dict(
            m.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
        )
        results.append(
            TrainResult(
                config=config,
                seed=m.seed,
                step=np.array(log_steps[:k], dtype=np.int64),
                loss=loss_log[:k, e].astype(np.float64),
                accuracy=acc_log[:k, e].astype(np.float64),
                grad_norms=norm_log[:k, e],
                y_hat=y_hat_log[k - 1, e],
                layer_names=m.layer_names,
            )
        )
    return results


def _architecture(model: MLP) -> tuple:
    c = model.config
    return (model.widths, model.n_inputs, model.activation.name, c["negative_slope"], c["alpha"], c["pieces"])


def _describe(model: MLP) -> str:
    return f"{model!r} with {model.activation.formula!r}"
