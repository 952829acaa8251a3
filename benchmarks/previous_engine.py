"""The batched trainer as it was before the XLA engine, kept here so that ``nox -s bench`` measures
the gain side by side (benchmarks/README.md). Not part of the package.

It stacks the E members' weights on a leading axis, (E, n_in, n_out), runs each layer as one batched
``tf.matmul``, records the gradient with ``tf.GradientTape`` and runs the updates between two log
points in a plain ``tf.function`` loop, op by op: about 150 small ops per step. Copied from
``src/relu_vs_sigmoid/_batched.py`` at commit a08efc9, unchanged but for its name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike
from tqdm import tqdm

from relu_vs_sigmoid import data
from relu_vs_sigmoid.models import dead_mask
from relu_vs_sigmoid.training import (
    Member,
    TrainResult,
    _accuracy,
    _check_schedule,
    _compiled,
    _log_steps,
    _make_optimizer,
)


def _activation_key(c: dict) -> tuple[str, float | None, float | None, int | None]:
    return (c["activation"], c["negative_slope"], c["alpha"], c["pieces"])


def train_members_previous(
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
