"""Full-batch gradient descent on a :class:`~relu_vs_sigmoid.models.MLP`.

The loss is the binary cross-entropy (in nats), computed from the logits with
``tf.nn.sigmoid_cross_entropy_with_logits``, so a saturated output never turns
it into NaN or infinity. The lecture writes the same loss as
``-mean(y log(h) + (1 - y) log(1 - h))`` with ``h = sigmoid(logits)``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from . import _choices, activations, data, tensorboard
from ._validation import check_choice, check_int, check_positive
from .models import MLP, build, check_model, dead_mask

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
ε = 1e-8 (Kingma & Ba 2015, Algorithm 1)."""

SOLVED_LOSS = 0.1
"""A run has *solved* XOR when its loss is below this (in nats) and every
prediction is on the right side of 0.5. On the four XOR points a loss below 0.1
already forces that: one wrong point alone costs at least ln 2 / 4 ≈ 0.17."""

LN2 = math.log(2.0)
"""ln 2 ≈ 0.6931 nats: the cross-entropy of predicting 0.5 for balanced labels."""


class _OwnRetracing(logging.Filter):
    """Drop TensorFlow's "frequent retracing" warning when it is about this module's loops.

    :func:`train` and :func:`train_members` compile a new loop for every call, by
    design (each closes over its own variables), so a sweep of many calls
    trips TensorFlow's heuristic. Warnings about any other function pass.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message
            and any(f"{name}.<locals>" in message for name in ("train", "train_many", "train_members"))
        )


tf.get_logger().addFilter(_OwnRetracing())


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
    bar = tqdm(total=steps, unit="step", desc=repr(model), disable=not progress, leave=False)
    try:
        for s in log_steps:
            if s > done:
                run(tf.constant(s - done))
                bar.update(s - done)
                done = s
            loss, accuracy, norms, y_hat = measure()
            rows.append((float(loss), float(accuracy), norms.numpy()))
            if writer is not None:
                writer.log(s, rows[-1][0], rows[-1][1], norms.numpy())
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
        step=np.array(log_steps[: len(rows)], dtype=np.int64),
        loss=np.array([r[0] for r in rows]),
        accuracy=np.array([r[1] for r in rows]),
        grad_norms=np.stack([r[2] for r in rows]),
        y_hat=y_hat.numpy(),
        layer_names=model.layer_names,
        n_dead_units=n_dead,
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
    progress: bool = False,
    **activation_params,
) -> list[TrainResult]:
    """Train one network per seed, all of the same configuration, on XOR, together (see :func:`train_many`).

    Parameters
    ----------
    seeds : iterable of int
        One run per seed, each seed ≥ 0; at least one.
    depth, width, activation, init
        The network, as in :func:`relu_vs_sigmoid.models.build`.
    steps, learning_rate, optimizer, log_every, progress
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
        models,
        steps=steps,
        learning_rate=learning_rate,
        optimizer=optimizer,
        log_every=log_every,
        progress=progress,
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
    progress: bool = False,
) -> list[TrainResult]:
    """Train several networks of one shape at once, as one batched computation.

    Every weight matrix of the E networks is stacked along a leading ensemble
    axis, shape (E, n_in, n_out), and each layer is one batched matmul, so a
    step costs about as much for 32 networks as for one. The networks stay
    independent: the summed loss has, for each member, the gradient of that
    member's own loss. Member i therefore follows ``train(models[i], X, y, ...)``
    step by step (to float32 rounding), and its trained weights are written back
    into ``models[i]``, so the models are updated in place just as :func:`train`
    updates one.

    The members may use different activations, as long as their weight matrices
    have the same shapes: a sweep over sigmoid, tanh, relu, leaky_relu and elu
    at one depth and width is one computation, and each activation is applied
    to its own members only.

    Parameters
    ----------
    models : sequence of MLP
        At least one network; all with the same hidden widths, number of inputs
        and Maxout pieces (so that their weight matrices have the same shapes).
        Their seeds and activations may differ.
    X, y, steps, learning_rate, optimizer, log_every, progress
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
        :class:`MLP`, models whose weight shapes differ, or anything
        :func:`train` would reject.

    Examples
    --------
    >>> from relu_vs_sigmoid.models import build
    >>> nets = [build(depth=10, width=5, activation="sigmoid", seed=s) for s in range(3)]
    >>> results = train_many(nets, steps=500)
    >>> [r.seed for r in results], [round(r.final_loss, 4) for r in results]
    ([0, 1, 2], [0.6931, 0.6931, 0.6931])
    >>> mixed = [build(depth=2, width=5, activation=a, seed=0) for a in ("sigmoid", "relu")]
    >>> [r.config["activation"] for r in train_many(mixed, steps=10)]
    ['sigmoid', 'relu']
    """
    models = [check_model(m) for m in models]
    if not models:
        raise ValueError("models must hold at least one MLP; got none")
    first = models[0]
    shape = _architecture(first)
    for i, m in enumerate(models[1:], start=1):
        if _architecture(m) != shape:
            raise ValueError(
                f"models must share one weight shape (widths, inputs, Maxout pieces); "
                f"models[0] is {_describe(first)}, models[{i}] is {_describe(m)}"
            )
    X, y = data.check_data(X, y, n_inputs=first.n_inputs)
    schedule = _check_schedule(steps, learning_rate, optimizer, log_every)
    # One stacking op per layer reads every model's variable; per-variable reads and writes are the
    # expensive part of a call (about 50 and 70 µs each, 2 (depth + 1) per model).
    initial_w = [tf.stack([m.weights[i] for m in models]).numpy() for i in range(first.depth + 1)]
    initial_b = [tf.stack([m.biases[i] for m in models]).numpy() for i in range(first.depth + 1)]
    members = [
        Member(dict(m.config), m.activation, [w[e] for w in initial_w], [b[e] for b in initial_b])
        for e, m in enumerate(models)
    ]
    results, weights, biases = train_members(members, X, y, *schedule, progress=progress)
    for e, m in enumerate(models):
        for i in range(first.depth + 1):
            m.weights[i].assign(weights[i][e], read_value=False)
            m.biases[i].assign(biases[i][e], read_value=False)
    return results


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
    weights: list  # (n_in, n_out) per layer
    biases: list  # (n_out,) per layer


def train_members(
    members: list[Member],
    X: np.ndarray,
    y: np.ndarray,
    steps: int,
    learning_rate: float,
    optimizer: str,
    log_every: int,
    *,
    progress: bool = False,
    on_steps=None,
) -> tuple[list[TrainResult], list[np.ndarray], list[np.ndarray]]:
    """The batched loop behind :func:`train_many` and :func:`relu_vs_sigmoid.experiments.sweep`.

    Takes checked arguments (``X`` and ``y`` as :func:`relu_vs_sigmoid.data.check_data`
    returns them) and members whose weights have one set of shapes. Returns
    the results in the members' order and the trained weights and biases,
    stacked: shapes (E, n_in, n_out) and (E, n_out) per layer. ``on_steps``,
    if given, is called with the number of updates just done at every log
    point (a caller's progress bar).
    """
    # Members with the same activation sit next to each other, so that each activation
    # is applied to one contiguous slice of the ensemble axis.
    keys = [_activation_key(m.config) for m in members]
    group_keys = list(dict.fromkeys(keys))
    order = sorted(range(len(members)), key=lambda e: group_keys.index(keys[e]))
    sorted_members = [members[e] for e in order]
    group_sizes = [keys.count(k) for k in group_keys]
    group_acts = [sorted_members[sum(group_sizes[:g])].activation for g in range(len(group_keys))]
    widths, pieces = members[0].config["widths"], members[0].activation.pieces
    n_layers = len(widths) + 1

    E, n = len(members), len(X)
    X_t = tf.broadcast_to(tf.constant(X), (E, n, X.shape[1]))
    y_t = tf.broadcast_to(tf.constant(y), (E, n, 1))
    weights = [tf.Variable(np.stack([m.weights[i] for m in sorted_members])) for i in range(n_layers)]
    biases = [
        tf.Variable(np.stack([m.biases[i] for m in sorted_members])[:, None, :]) for i in range(n_layers)
    ]
    variables = [*weights, *biases]
    update = _make_optimizer(optimizer, learning_rate, variables)

    def activate(z, width):
        parts = tf.split(z, group_sizes, axis=0) if len(group_sizes) > 1 else [z]
        out = []
        for act, part in zip(group_acts, parts, strict=True):
            out.append(act.function(tf.reshape(part, (-1, n, width, pieces)) if pieces > 1 else part))
        return tf.concat(out, axis=0) if len(out) > 1 else out[0]

    def forward():
        h, pre = X_t, []
        for W, b, width in zip(weights[:-1], biases[:-1], widths, strict=True):
            pre.append(tf.matmul(h, W) + b)  # (E, n, width * pieces)
            h = activate(pre[-1], width)
        return pre, tf.matmul(h, weights[-1]) + biases[-1]  # logits (E, n, 1)

    def loss_and_grads():
        with tf.GradientTape() as tape:
            _, s = forward()
            losses = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=y_t, logits=s), axis=(1, 2)
            )
            total = tf.reduce_sum(losses)  # member e's gradient is that of its own loss
        return losses, s, tape.gradient(total, variables)

    @tf.function
    def run_and_measure(n_updates):
        """n_updates steps, then the loss, accuracy, gradient norms and predictions: one trace per call."""
        for _ in tf.range(n_updates):
            update(loss_and_grads()[2])
        losses, s, grads = loss_and_grads()
        y_hat = tf.sigmoid(s)
        norms = tf.stack([tf.norm(g, axis=(1, 2)) for g in grads[:n_layers]], axis=1)  # (E, L+1)
        return losses, _accuracy(y_hat, y_t), norms, y_hat

    log_steps = _log_steps(steps, log_every)
    rows, done = [], 0
    with tqdm(total=steps, unit="step", desc=f"{E} networks", disable=not progress, leave=False) as bar:
        for s in log_steps:
            rows.append([t.numpy() for t in run_and_measure(tf.constant(s - done))])
            bar.update(s - done)
            if on_steps is not None:
                on_steps(s - done)
            done = s
            if not np.isfinite(rows[-1][0]).any():
                break  # every member has diverged
    loss_log, acc_log, norm_log, y_hat_log = (np.stack(c) for c in zip(*rows, strict=True))
    dead_log = np.stack([dead_mask(z).sum(axis=-1) for z in forward()[0]], axis=1)  # (E, L)
    layer_names = (*(f"layer{i}" for i in range(1, n_layers)), "last")

    results = [None] * E
    for e, m in enumerate(sorted_members):
        bad = np.flatnonzero(~np.isfinite(loss_log[:, e]))
        k = int(bad[0]) + 1 if bad.size else len(loss_log)  # rows kept: up to the first non-finite loss
        config = dict(
            m.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
        )
        results[order[e]] = TrainResult(
            config=config,
            seed=m.config["seed"],
            step=np.array(log_steps[:k], dtype=np.int64),
            loss=loss_log[:k, e].astype(np.float64),
            accuracy=acc_log[:k, e].astype(np.float64),
            grad_norms=norm_log[:k, e],
            y_hat=y_hat_log[k - 1, e],
            layer_names=layer_names,
            n_dead_units=dead_log[e] if m.activation.name == "relu" else None,
        )
    inverse = np.argsort(order)
    return (
        results,
        [W.numpy()[inverse] for W in weights],
        [b.numpy()[inverse, 0] for b in biases],
    )


def _architecture(model: MLP) -> tuple:
    """What must agree for networks to be trained together: the shapes of their weights."""
    return (model.widths, model.n_inputs, model.activation.pieces)


def _activation_key(c: dict) -> tuple:
    return (c["activation"], c["negative_slope"], c["alpha"], c["pieces"])


def _describe(model: MLP) -> str:
    return f"{model!r} with {model.activation.formula!r}"
