"""The batched engine behind :func:`relu_vs_sigmoid.training.train_many`: several networks of one
weight shape trained as one computation.

Private: its public functions (:func:`~relu_vs_sigmoid.training.train_many`,
:func:`~relu_vs_sigmoid.training.train_seeds` and :func:`~relu_vs_sigmoid.training.train_members`)
are imported from, and documented in, :mod:`relu_vs_sigmoid.training`, whose types (``TrainResult``,
``Member``), checks, optimizers and log schedule this module uses, so that member i follows
``train(models[i])`` step by step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike
from tqdm import tqdm

from . import activations, data
from .activations import Activation
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
    """Train several networks at once, as one compiled computation.

    The networks are laid side by side, one per lane of every tensor, and XLA
    compiles the loop of updates for all of them together (see
    :func:`train_members`), so 1,024 of the lecture's deep networks train in
    about the time 4 take one after another with :func:`train`. The networks stay
    independent: member i follows ``train(models[i], X, y, ...)`` step by step, to
    float32 rounding (the two sum a layer's products in different orders), and
    its numbers do not depend on which other networks are trained with it. The
    trained weights are written back into ``models[i]``, so the models are
    updated in place just as :func:`train` updates one.

    The networks may differ in depth, width and activation: a sweep over
    sigmoid, tanh, relu, leaky_relu and elu at every depth is one computation,
    with each activation applied to its own members only.

    Parameters
    ----------
    models : sequence of MLP
        At least one network, each taking as many inputs as X has columns.
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
        :class:`MLP`, models that take different numbers of inputs, or anything
        :func:`train` would reject.

    Examples
    --------
    >>> from relu_vs_sigmoid.models import build
    >>> nets = [build(depth=10, width=5, activation="sigmoid", seed=s) for s in range(3)]
    >>> results = train_many(nets, steps=500)
    >>> [r.seed for r in results], [round(r.final_loss, 4) for r in results]
    ([0, 1, 2], [0.6931, 0.6931, 0.6931])
    >>> mixed = [build(depth=d, width=5, activation=a, seed=0) for d, a in [(2, "sigmoid"), (3, "relu")]]
    >>> [(r.config["activation"], r.grad_norms.shape) for r in train_many(mixed, steps=10)]
    [('sigmoid', (2, 3)), ('relu', (2, 4))]
    """
    nets = [check_model(m) for m in models]
    if not nets:
        raise ValueError("models must hold at least one MLP; got none")
    first = nets[0]
    for i, m in enumerate(nets[1:], start=1):
        if m.n_inputs != first.n_inputs:
            raise ValueError(
                f"models must take one number of inputs; models[0] is {first!r}, models[{i}] is {m!r}"
            )
    X_arr, y_arr = data.check_data(X, y, n_inputs=first.n_inputs)
    schedule = _check_schedule(steps, learning_rate, optimizer, log_every)
    # Reading each variable costs about 50 µs; one stacking op per layer reads those of every model
    # of one shape at once.
    by_shape: dict[tuple, list[int]] = {}
    for e, m in enumerate(nets):
        by_shape.setdefault((m.widths, m.activation.pieces), []).append(e)
    values: dict[int, tuple[list[np.ndarray], list[np.ndarray]]] = {}
    for index in by_shape.values():
        group = [nets[e] for e in index]
        weights = [tf.stack([m.weights[i] for m in group]).numpy() for i in range(group[0].depth + 1)]
        biases = [tf.stack([m.biases[i] for m in group]).numpy() for i in range(group[0].depth + 1)]
        for j, e in enumerate(index):
            values[e] = ([w[j] for w in weights], [b[j] for b in biases])
    members = [Member(dict(m.config), m.activation, *values[e]) for e, m in enumerate(nets)]
    results, trained = train_members(members, X_arr, y_arr, *schedule, progress=progress)
    for m, t in zip(nets, trained, strict=True):
        for v, value in zip((*m.weights, *m.biases), (*t.weights, *t.biases), strict=True):
            v.assign(value, read_value=False)
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
) -> tuple[list[TrainResult], list[Member]]:
    """The batched engine behind :func:`train_many` and :func:`relu_vs_sigmoid.experiments.sweep`.

    The members are laid side by side on the last axis of every tensor: a layer's
    weights are one (n_in, n_out, E) array for the E members of one shape. A
    layer is an element-wise multiply and a sum over its inputs instead of E tiny
    matmuls, and the gradient is written out in closed form (backpropagation
    through each :attr:`Activation.derivative
    <relu_vs_sigmoid.activations.Activation.derivative>`, with TensorFlow's
    conventions at the kinks) instead of being recorded by ``tf.GradientTape``.
    XLA compiles the whole loop of updates between two log points, for every
    shape of network in the call, into one computation; it is compiled once per
    combination of shapes, activations and member counts, and kept for the next
    call. Each member's arithmetic stays in its own lane, so its numbers do not
    depend on which other members are trained with it, or how many.

    Parameters
    ----------
    members : sequence of Member
        At least one, each with as many inputs as X has columns. Their depths,
        widths and activations may differ.
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
    trained : list of Member
        The members with their trained weights and biases, in the same order.

    Raises
    ------
    ValueError, TypeError
        Before any update, for no members, a member whose first layer does not
        take X's columns, bad data, or anything :func:`train` rejects in the schedule.
    """
    if not members:
        raise ValueError("members must hold at least one Member; got none")
    n_inputs = int(np.shape(members[0].weights[0])[0])
    X_arr, y_arr = data.check_data(X, y, n_inputs=n_inputs)
    for i, m in enumerate(members):
        if np.shape(m.weights[0])[0] != n_inputs:
            raise ValueError(
                f"members must all take {n_inputs} inputs, as members[0] does; "
                f"members[{i}] takes {np.shape(m.weights[0])[0]}"
            )
    steps, learning_rate, optimizer, log_every = _check_schedule(steps, learning_rate, optimizer, log_every)
    # One part per shape of network (widths and Maxout pieces); in a part, the members of one
    # activation sit next to each other, so that each activation is applied to one slice of the lanes.
    by_shape: dict[tuple, list[int]] = {}
    for e, m in enumerate(members):
        by_shape.setdefault((tuple(m.config["widths"]), m.activation.pieces), []).append(e)
    parts, lanes = [], []
    for (widths, pieces), index in by_shape.items():
        key_of = {e: _activation_key(members[e].config) for e in index}
        group_keys = list(dict.fromkeys(key_of.values()))
        index = sorted(index, key=lambda e: group_keys.index(key_of[e]))
        parts.append(_Part(widths, pieces, tuple((k, [*key_of.values()].count(k)) for k in group_keys)))
        lanes.append(index)
    engine = _engine(len(X_arr), n_inputs, tuple(parts), optimizer)
    state = engine.initial_state([_stack([members[e] for e in index]) for index in lanes])
    X_t = tf.constant(X_arr[:, :, None])  # (n, n_inputs, 1): broadcast over the lanes
    y_t = tf.constant(y_arr[:, :, None])  # (n, 1, 1)
    lr_t = tf.constant(learning_rate, tf.float32)

    E = len(members)
    logged: list[int] = []
    rows: list[list] = []  # per log point: loss (E,), accuracy (E,), norms per part, y_hat (n, E)
    done = 0
    with tqdm(total=steps, unit="step", desc=f"{E} networks", disable=not progress, leave=False) as bar:
        for s in _log_steps(steps, log_every):
            state, measured = engine.run(state, X_t, y_t, lr_t, tf.constant(s - done, dtype=tf.int64))
            loss, accuracy, norms, y_hat = ([t.numpy() for t in column] for column in measured[:4])
            rows.append(
                [np.concatenate(loss), np.concatenate(accuracy), norms, np.concatenate(y_hat, axis=-1)]
            )
            logged.append(s)
            bar.update(s - done)
            if on_steps is not None:
                on_steps(s - done)
            done = s
            if not np.isfinite(rows[-1][0]).any():
                break  # every member has diverged
    loss_log, acc_log, y_hat_log = (np.stack([r[i] for r in rows]) for i in (0, 1, 3))  # (T, E), (T, n, E)
    lane_of = {e: (p, j) for p, index in enumerate(lanes) for j, e in enumerate(index)}
    offset = np.cumsum([0, *(len(index) for index in lanes)])
    pre = measured[4]  # per part, per hidden layer: (n, units * pieces, E_part)

    trained_values = [([W.numpy() for W in ws], [b.numpy() for b in bs]) for ws, bs in state[0]]
    # dead units per hidden layer and lane, once per part: (L, E_part) each
    dead = [np.stack([dead_mask(np.moveaxis(z.numpy(), -1, 0)).sum(axis=-1) for z in zs]) for zs in pre]
    results, trained = [], []
    for e, m in enumerate(members):
        p, j = lane_of[e]
        column = offset[p] + j
        bad = np.flatnonzero(~np.isfinite(loss_log[:, column]))
        k = int(bad[0]) + 1 if bad.size else len(loss_log)  # rows kept: up to the first non-finite loss
        config = dict(
            m.config, learning_rate=learning_rate, optimizer=optimizer, steps=steps, log_every=log_every
        )
        n_dead = dead[p][:, j] if m.activation.name == "relu" else None
        weights, biases = trained_values[p]
        results.append(
            TrainResult(
                config=config,
                seed=m.config["seed"],
                step=np.array(logged[:k], dtype=np.int64),
                loss=loss_log[:k, column].astype(np.float64),
                accuracy=acc_log[:k, column].astype(np.float64),
                grad_norms=np.stack([r[2][p][:, j] for r in rows[:k]]),
                y_hat=y_hat_log[k - 1, :, column, None],
                layer_names=(*(f"layer{i}" for i in range(1, len(m.weights))), "last"),
                n_dead_units=n_dead,
            )
        )
        trained.append(
            Member(
                m.config,
                m.activation,
                [W[:, :, j] for W in weights],
                [b[:, j] for b in biases],
            )
        )
    return results, trained


class _Part(NamedTuple):
    """The members of one shape of network in a call: their widths, Maxout pieces and activations."""

    widths: tuple[int, ...]
    pieces: int
    groups: tuple[tuple[tuple, int], ...]  # (activation key, number of members), in lane order


def _stack(members: Sequence[Member]) -> tuple[list[tf.Tensor], list[tf.Tensor]]:
    """Each layer's weights and biases of the members on a last axis: (n_in, n_out, E) and (n_out, E)."""
    weights = [tf.constant(np.stack(w, axis=-1)) for w in zip(*(m.weights for m in members), strict=True)]
    biases = [tf.constant(np.stack(b, axis=-1)) for b in zip(*(m.biases for m in members), strict=True)]
    return weights, biases


class _Network:
    """One step of the members of one :class:`_Part`, in closed form; every tensor is (..., E)."""

    def __init__(self, n: int, part: _Part) -> None:
        self.n, self.widths, self.pieces = n, part.widths, part.pieces
        self.sizes = [size for _, size in part.groups]
        self.activations = [_activation_of(key) for key, _ in part.groups]

    def _split(self, z: tf.Tensor) -> list[tf.Tensor]:
        return tf.split(z, self.sizes, axis=-1) if len(self.sizes) > 1 else [z]

    def _join(self, parts: list[tf.Tensor]) -> tf.Tensor:
        return tf.concat(parts, axis=-1) if len(parts) > 1 else parts[0]

    def activate(self, z: tf.Tensor, width: int) -> tf.Tensor:
        """(n, width * pieces, E) pre-activations to (n, width, E) activations."""
        if self.pieces > 1:  # Maxout: unit u takes columns u * k, …, u * k + k - 1
            return tf.reduce_max(tf.reshape(z, (self.n, width, self.pieces, -1)), axis=2)
        parts = self._split(z)
        return self._join([act.function(part) for act, part in zip(self.activations, parts, strict=True)])

    def backward_through(self, z: tf.Tensor, g: tf.Tensor, width: int) -> tf.Tensor:
        """The gradient with respect to the pre-activations z, from that with respect to the activations."""
        if self.pieces > 1:
            # The gradient goes to the largest piece, shared equally among tied pieces as TensorFlow's
            # gradient of reduce_max shares it: at the start every piece of an input of zeros is 0.
            pieces = tf.reshape(z, (self.n, width, self.pieces, -1))
            largest = tf.cast(pieces == tf.reduce_max(pieces, axis=2, keepdims=True), tf.float32)
            largest = largest / tf.reduce_sum(largest, axis=2, keepdims=True)
            return tf.reshape(g[:, :, None, :] * largest, (self.n, width * self.pieces, -1))
        parts = self._split(z)
        return g * self._join([act.derivative(p) for act, p in zip(self.activations, parts, strict=True)])

    def gradients(self, params: tuple, X: tf.Tensor, y: tf.Tensor) -> tuple:
        """Loss (E,), logits (n, 1, E), pre-activations, and the gradients of each member's own loss."""
        weights, biases = params
        inputs, pre = [X], []
        for i, width in enumerate(self.widths):
            pre.append(_dense(inputs[-1], weights[i], biases[i]))
            inputs.append(self.activate(pre[-1], width))
        logits = _dense(inputs[-1], weights[-1], biases[-1])
        # the mean binary cross-entropy over the n examples, differentiated by its logits
        g = (tf.sigmoid(logits) - y) / float(self.n)
        d_weights: list[tf.Tensor] = [None] * len(weights)
        d_biases: list[tf.Tensor] = [None] * len(weights)
        for i in reversed(range(len(weights))):  # g: the gradient with respect to layer i's output
            if i < len(self.widths):
                g = self.backward_through(pre[i], g, self.widths[i])
            # dW[a, o] = sum over the examples of input[a] * g[o]; db[o] = sum of g[o]
            d_weights[i] = tf.reduce_sum(inputs[i][:, :, None, :] * g[:, None, :, :], axis=0)
            d_biases[i] = tf.reduce_sum(g, axis=0)
            if i > 0:
                g = tf.reduce_sum(g[:, None, :, :] * weights[i][None], axis=2)  # (n, fan_in, E)
        labels = tf.broadcast_to(y, tf.shape(logits))
        loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), axis=(0, 1)
        )
        return loss, logits, pre, (d_weights, d_biases)


def _dense(h: tf.Tensor, W: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """h (n, fan_in, E) times W (fan_in, fan_out, E), plus b (fan_out, E), lane by lane: (n, fan_out, E).

    An element-wise multiply and a sum over fan_in instead of E tiny matmuls: XLA fuses it into one
    loop over the lanes, many times faster for layers of a few units.
    """
    return tf.reduce_sum(h[:, :, None, :] * W[None], axis=1) + b[None]


class _Engine:
    """The compiled loop for one combination of parts; see :func:`_engine`."""

    def __init__(self, n: int, parts: tuple[_Part, ...], optimizer: str) -> None:
        self.networks = [_Network(n, part) for part in parts]
        self.optimizer = optimizer
        self.run = tf.function(self._run, jit_compile=True, autograph=False)
        self.run._omit_frequent_tracing_warning = True  # a new trace per new member count, by design

    def initial_state(self, params: list[tuple[list[tf.Tensor], list[tf.Tensor]]]) -> tuple:
        """Per part (weights, biases); for Adam also the step count and both moments, per part."""
        if self.optimizer == "sgd":
            return (params,)
        zeros = [([tf.zeros_like(w) for w in ws], [tf.zeros_like(b) for b in bs]) for ws, bs in params]
        return (params, (tf.constant(0.0), zeros, [(list(ws), list(bs)) for ws, bs in zeros]))

    def _run(self, state: tuple, X: tf.Tensor, y: tf.Tensor, lr: tf.Tensor, n_updates: tf.Tensor) -> tuple:
        """``n_updates`` steps from ``state``; then per part the loss, accuracy, gradient norms,
        predictions and pre-activations after them."""

        def step(i: tf.Tensor, state: tuple) -> tuple:
            grads = [net.gradients(p, X, y)[3] for net, p in zip(self.networks, state[0], strict=True)]
            return i + 1, self._update(state, grads, lr)

        _, state = tf.while_loop(lambda i, _: i < n_updates, step, (tf.constant(0, tf.int64), state))
        columns: tuple[list, ...] = ([], [], [], [], [])
        for net, params in zip(self.networks, state[0], strict=True):
            loss, logits, pre, (d_weights, _) = net.gradients(params, X, y)
            y_hat = tf.sigmoid(logits)[:, 0, :]  # (n, E)
            correct = tf.cast(tf.cast(y_hat > 0.5, tf.float32) == y[:, 0, :], tf.float32)
            norms = tf.stack([tf.norm(d, axis=(0, 1)) for d in d_weights])  # (L + 1, E)
            accuracy = tf.reduce_mean(correct, axis=0)
            for column, value in zip(columns, (loss, accuracy, norms, y_hat, pre), strict=True):
                column.append(value)
        return state, columns

    def _update(self, state: tuple, grads: list, lr: tf.Tensor) -> tuple:
        """One optimizer step of every part, as :func:`relu_vs_sigmoid.training._make_optimizer` does it."""
        params, g = _flat(state[0]), _flat(grads)
        if self.optimizer == "sgd":
            return (_nest([v - lr * g_i for v, g_i in zip(params, g, strict=True)], state[0]),)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        t, m, s = state[1]
        t = t + 1.0
        step_size = lr * tf.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        m = [beta1 * m_i + (1.0 - beta1) * g_i for m_i, g_i in zip(_flat(m), g, strict=True)]
        s = [beta2 * s_i + (1.0 - beta2) * tf.square(g_i) for s_i, g_i in zip(_flat(s), g, strict=True)]
        params = [
            v - step_size * m_i / (tf.sqrt(s_i) + eps) for v, m_i, s_i in zip(params, m, s, strict=True)
        ]
        like = state[0]
        return (_nest(params, like), (t, _nest(m, like), _nest(s, like)))


def _flat(nested: list) -> list[tf.Tensor]:
    """Per part (weights, biases), as one list."""
    return [v for ws, bs in nested for v in (*ws, *bs)]


def _nest(flat: list[tf.Tensor], like: list) -> list:
    """A list from :func:`_flat` back in the structure of ``like``."""
    out, k = [], 0
    for ws, bs in like:
        out.append((flat[k : k + len(ws)], flat[k + len(ws) : k + len(ws) + len(bs)]))
        k += len(ws) + len(bs)
    return out


@functools.lru_cache(maxsize=32)
def _engine(n: int, n_inputs: int, parts: tuple[_Part, ...], optimizer: str) -> _Engine:
    """One compiled engine per combination of parts, kept for the next call that needs it.

    XLA compiles it once per member count of each part, in a few seconds, so that a sweep, or a page
    that trains the same networks twice, pays that once.
    """
    return _Engine(n, parts, optimizer)


def _activation_of(key: tuple) -> Activation:
    name, negative_slope, alpha, pieces = key
    return activations.get(name, negative_slope=negative_slope, alpha=alpha, pieces=pieces)


def _activation_key(c: dict) -> tuple[str, float | None, float | None, int | None]:
    return (c["activation"], c["negative_slope"], c["alpha"], c["pieces"])


# Last, because relu_vs_sigmoid.training imports this module's names at its own end: whichever of the two
# is imported first, each finds the other's names defined by the time it reads them.
from .training import (  # noqa: E402
    Member,
    TrainResult,
    _check_schedule,
    _log_steps,
)
