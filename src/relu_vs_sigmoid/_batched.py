"""The batched engine behind :func:`relu_vs_sigmoid.training.train_many`: several networks of one
weight shape trained as one computation.

Private: its public functions (:func:`~relu_vs_sigmoid.training.train_many`,
:func:`~relu_vs_sigmoid.training.train_seeds` and :func:`~relu_vs_sigmoid.training.train_members`)
are imported from, and documented in, :mod:`relu_vs_sigmoid.training`, whose types (``TrainResult``,
``Member``), checks, optimizers and log schedule this module uses, so that member i follows
``train(models[i])`` step by step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike
from tqdm import tqdm

from . import data
from .models import MLP, build, check_model, dead_mask

__all__ = ["train_many", "train_members", "train_seeds"]


def train_seeds(
    seeds: Iterable[int],
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
    negative_slope: float | None = None,
    alpha: float | None = None,
    pieces: int | None = None,
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
    negative_slope, alpha, pieces
        The activation's parameter, if it has one, as in :func:`relu_vs_sigmoid.activations.get`.

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
    _check_schedule(steps, learning_rate, optimizer, log_every)  # before building any network
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed; got none")
    models = [
        build(
            depth,
            width,
            activation,
            init=init,
            seed=seed,
            negative_slope=negative_slope,
            alpha=alpha,
            pieces=pieces,
        )
        for seed in seeds
    ]
    return train_many(
        models,
        steps=steps,
        learning_rate=learning_rate,
        optimizer=optimizer,
        log_every=log_every,
        progress=progress,
    )


def train_many(
    models: Iterable[MLP],
    X: ArrayLike = data.X,
    y: ArrayLike = data.y,
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
    X, y : array_like
        As in :func:`train`.
    steps, learning_rate, optimizer, log_every, progress
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
    nets = [check_model(m) for m in models]
    if not nets:
        raise ValueError("models must hold at least one MLP; got none")
    first = nets[0]
    shape = _architecture(first)
    for i, m in enumerate(nets[1:], start=1):
        if _architecture(m) != shape:
            raise ValueError(
                f"models must share one weight shape (widths, inputs, Maxout pieces); "
                f"models[0] is {_describe(first)}, models[{i}] is {_describe(m)}"
            )
    X_arr, y_arr = data.check_data(X, y, n_inputs=first.n_inputs)
    schedule = _check_schedule(steps, learning_rate, optimizer, log_every)
    # One stacking op per layer reads every model's variable; per-variable reads and writes are the
    # expensive part of a call (about 50 and 70 µs each, 2 (depth + 1) per model).
    initial_w = [tf.stack([m.weights[i] for m in nets]).numpy() for i in range(first.depth + 1)]
    initial_b = [tf.stack([m.biases[i] for m in nets]).numpy() for i in range(first.depth + 1)]
    members = [
        Member(dict(m.config), m.activation, [w[e] for w in initial_w], [b[e] for b in initial_b])
        for e, m in enumerate(nets)
    ]
    results, weights, biases = train_members(members, X_arr, y_arr, *schedule, progress=progress)
    for e, m in enumerate(nets):
        for i in range(first.depth + 1):
            m.weights[i].assign(weights[i][e], read_value=False)
            m.biases[i].assign(biases[i][e], read_value=False)
    return results


def train_members(
    members: Sequence[Member],
    X: ArrayLike,
    y: ArrayLike,
    steps: int,
    learning_rate: float,
    optimizer: str,
    log_every: int,
    *,
    progress: bool = False,
    on_steps: Callable[[int], object] | None = None,
) -> tuple[list[TrainResult], list[np.ndarray], list[np.ndarray]]:
    """The batched loop behind :func:`train_many` and :func:`relu_vs_sigmoid.experiments.sweep`.

    Parameters
    ----------
    members : sequence of Member
        At least one; their weights have one set of shapes, their activations may differ.
    X, y : array_like
        As :func:`relu_vs_sigmoid.data.check_data` accepts them.
    steps, learning_rate, optimizer, log_every, progress
        As in :func:`train`, and checked as there.
    on_steps : callable, optional
        Called with the number of updates just done at every log point (a caller's progress bar).

    Returns
    -------
    results : list of TrainResult
        In the members' order.
    weights, biases : list of numpy.ndarray
        The trained variables, stacked: shapes (E, n_in, n_out) and (E, n_out) per layer.

    Raises
    ------
    ValueError, TypeError
        Before any update, for no members, bad data, or anything :func:`train` rejects in the schedule.
    """
    if not members:
        raise ValueError("members must hold at least one Member; got none")
    n_inputs = int(np.shape(members[0].weights[0])[0])
    X_arr, y_arr = data.check_data(X, y, n_inputs=n_inputs)
    steps, learning_rate, optimizer, log_every = _check_schedule(steps, learning_rate, optimizer, log_every)
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

    E, n = len(members), len(X_arr)
    X_t = tf.broadcast_to(tf.constant(X_arr), (E, n, n_inputs))
    y_t = tf.broadcast_to(tf.constant(y_arr), (E, n, 1))
    weights = [tf.Variable(np.stack([m.weights[i] for m in sorted_members])) for i in range(n_layers)]
    biases = [
        tf.Variable(np.stack([m.biases[i] for m in sorted_members])[:, None, :]) for i in range(n_layers)
    ]
    variables = [*weights, *biases]
    update = _make_optimizer(optimizer, learning_rate, variables)

    def activate(z: tf.Tensor, width: int) -> tf.Tensor:
        parts = tf.split(z, group_sizes, axis=0) if len(group_sizes) > 1 else [z]
        out = []
        for act, part in zip(group_acts, parts, strict=True):
            out.append(act.function(tf.reshape(part, (-1, n, width, pieces)) if pieces > 1 else part))
        return tf.concat(out, axis=0) if len(out) > 1 else out[0]

    def forward() -> tuple[list[tf.Tensor], tf.Tensor]:
        h, pre = X_t, []
        for W, b, width in zip(weights[:-1], biases[:-1], widths, strict=True):
            pre.append(tf.matmul(h, W) + b)  # (E, n, width * pieces)
            h = activate(pre[-1], width)
        return pre, tf.matmul(h, weights[-1]) + biases[-1]  # logits (E, n, 1)

    def loss_and_grads() -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
        with tf.GradientTape() as tape:
            _, s = forward()
            losses = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=y_t, logits=s), axis=(1, 2)
            )
            total = tf.reduce_sum(losses)  # member e's gradient is that of its own loss
        return losses, s, tape.gradient(total, variables)

    def run_and_measure(n_updates: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        """n_updates steps, then the loss, accuracy, gradient norms and predictions: one trace per call."""
        for _ in tf.range(n_updates):
            update(loss_and_grads()[2])
        losses, s, grads = loss_and_grads()
        y_hat = tf.sigmoid(s)
        norms = tf.stack([tf.norm(g, axis=(1, 2)) for g in grads[:n_layers]], axis=1)  # (E, L+1)
        return losses, _accuracy(y_hat, y_t), norms, y_hat

    run = _compiled(run_and_measure)
    logged: list[int] = []
    rows: list[list[np.ndarray]] = []
    done = 0
    with tqdm(total=steps, unit="step", desc=f"{E} networks", disable=not progress, leave=False) as bar:
        for s in _log_steps(steps, log_every):
            rows.append([t.numpy() for t in run(tf.constant(s - done, dtype=tf.int64))])
            logged.append(s)
            bar.update(s - done)
            if on_steps is not None:
                on_steps(s - done)
            done = s
            if not np.isfinite(rows[-1][0]).any():
                break  # every member has diverged
    loss_log, acc_log, norm_log, y_hat_log = (np.stack(c) for c in zip(*rows, strict=True))
    dead_log = np.stack([dead_mask(z).sum(axis=-1) for z in forward()[0]], axis=1)  # (E, L)
    layer_names = (*(f"layer{i}" for i in range(1, n_layers)), "last")

    results: dict[int, TrainResult] = {}  # by the members' order
    for e, m in enumerate(sorted_members):
        bad = np.flatnonzero(~np.isfinite(loss_log[:, e]))
        k = int(bad[0]) + 1 if bad.size else len(loss_log)  # rows kept: up to the first non-finite loss
        config = dict(
            m.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
        )
        results[order[e]] = TrainResult(
            config=config,
            seed=m.config["seed"],
            step=np.array(logged[:k], dtype=np.int64),
            loss=loss_log[:k, e].astype(np.float64),
            accuracy=acc_log[:k, e].astype(np.float64),
            grad_norms=norm_log[:k, e],
            y_hat=y_hat_log[k - 1, e],
            layer_names=layer_names,
            n_dead_units=dead_log[e] if m.activation.name == "relu" else None,
        )
    inverse = np.argsort(order)
    return (
        [results[i] for i in range(E)],
        [W.numpy()[inverse] for W in weights],
        [b.numpy()[inverse, 0] for b in biases],
    )


def _architecture(model: MLP) -> tuple[tuple[int, ...], int, int]:
    """What must agree for networks to be trained together: the shapes of their weights."""
    return (model.widths, model.n_inputs, model.activation.pieces)


def _activation_key(c: dict) -> tuple[str, float | None, float | None, int | None]:
    return (c["activation"], c["negative_slope"], c["alpha"], c["pieces"])


def _describe(model: MLP) -> str:
    return f"{model!r} with {model.activation.formula!r}"


# Last, because relu_vs_sigmoid.training imports this module's names at its own end: whichever of the two
# is imported first, each finds the other's names defined by the time it reads them.
from .training import (  # noqa: E402
    Member,
    TrainResult,
    _accuracy,
    _check_schedule,
    _compiled,
    _log_steps,
    _make_optimizer,
)
