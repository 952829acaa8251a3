"""Time per network-step of the lecture's deep net under every way of training it, in one run.

The network is the lecture's deep one: 10 hidden layers of 5 relu units, U(-1, 1) initial weights,
biases 0, one sigmoid output, trained by full-batch gradient descent (SGD, learning rate 0.1) on the
four XOR points. The methods timed:

- ``Keras fit``: a Keras Sequential of the same shape, ``model.fit(X, y, epochs=steps, batch_size=4)``
  on a freshly compiled model, so the call includes building Keras's train function, as a user
  calls it; ``Keras re-fit`` is a second ``fit`` on the same model, whose train function is built;
- ``eager GradientTape``: a plain Python loop of tape, gradient and ``assign_sub``, no ``tf.function``;
- ``train``: :func:`relu_vs_sigmoid.train` on one network, the whole call (its tracing included);
- ``previous engine``: the batched trainer before the XLA engine (benchmarks/previous_engine.py):
  stacked weights, batched matmuls, ``GradientTape``, a plain ``tf.function`` loop;
- ``train_members``: the package's engine (XLA, members side by side, gradient in closed form), the
  core that :func:`relu_vs_sigmoid.experiments.sweep` calls;
- ``train_many``: the same engine behind the public call on E ``MLP`` models, reading their
  ``tf.Variable`` weights and writing the trained ones back;
- ``JAX vmap(scan)``: the obvious alternative, written the plain way: ``jax.grad`` of the loss, a
  ``lax.scan`` over the steps, ``jax.vmap`` over the members, ``jax.jit`` around it all (only when
  JAX is installed: ``nox -s bench`` installs its ``bench`` dependency group, in that session only).

Each method gets one untimed warm-up call of the same shape first, so importing the libraries and
compiling (XLA, for the engine and JAX) are not counted; the warm-up's seconds are reported as
``first call s``. Each timed measurement is repeated and the median reported. Run::

    python benchmarks/training.py              # 2000 steps for the compiled trainers, 3 repeats
    python benchmarks/training.py --quick      # a smoke run: fewer steps, one repeat
    python benchmarks/training.py --csv out.csv

The targets checked under the table: the engine at E = 1024 takes ≤ 1.5 µs per network-step, is
≥ 300× faster than per-network ``train`` and ≥ 10× faster than the JAX peer; and the FLOP-count
floor of one network-step, with how far each method is from it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _machine
import numpy as np
import pandas as pd
import previous_engine
import tensorflow as tf

import relu_vs_sigmoid
from relu_vs_sigmoid.models import initial_weights
from relu_vs_sigmoid.training import Member, binary_cross_entropy, train_members

try:
    import jax
    import jax.numpy as jnp
except ImportError:  # the JAX row is left out
    jax = None

try:
    import keras
except ImportError:  # TensorFlow < 2.16 ships Keras 2 as tf.keras only
    keras = tf.keras

DEPTH, WIDTH, ACTIVATION, LEARNING_RATE, LOG_EVERY = 10, 5, "relu", 0.1, 100
PREVIOUS_SIZES = (256, 1024)  # E for the previous engine
ENGINE_SIZES = (256, 1024, 4096)  # E for train_members, the engine
MANY_SIZES = (32, 1024)  # E for train_many
JAX_SIZES = (256, 1024)  # E for the JAX peer
TARGET_E, TARGET_US = 1024, 1.5  # the engine at E = 1024: at most 1.5 µs per network-step
TARGET_VS_TRAIN, TARGET_VS_JAX = 300.0, 10.0
REFERENCE_TRAIN, REFERENCE_KERAS, ENGINE, JAX = "train", "Keras fit", "train_members", "JAX vmap(scan)"

X_ARRAY, Y_ARRAY = relu_vs_sigmoid.xor()  # numpy, as a Keras user passes them to fit
X, Y = tf.constant(X_ARRAY), tf.constant(Y_ARRAY)


@dataclass
class Measurement:
    """The timed runs of one method at one ensemble size."""

    method: str
    networks: int
    steps: int
    seconds: list[float] = field(default_factory=list)  # one per repeat
    note: str = ""  # e.g. that some run stopped before `steps` updates
    first_call: float = float("nan")  # seconds of the untimed warm-up call of this shape

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def us_per_network_step(self) -> float:
        return self.median_seconds / (self.networks * self.steps) * 1e6


def timed(call: Callable[[], object]) -> tuple[float, object]:
    """Run ``call()`` once; return the wall-clock seconds it took and what it returned."""
    start = time.perf_counter()
    out = call()
    return time.perf_counter() - start, out


# --- the methods ------------------------------------------------------------------------------------------


def keras_model(seed: int):
    """The lecture's deep net as a compiled Keras Sequential: 10 × Dense(5, relu), Dense(1, sigmoid)."""

    def uniform(i: int):
        return keras.initializers.RandomUniform(-1.0, 1.0, seed=seed * 100 + i)

    layers = [keras.Input(shape=(2,))]
    layers += [
        keras.layers.Dense(WIDTH, activation=ACTIVATION, kernel_initializer=uniform(i)) for i in range(DEPTH)
    ]
    layers += [keras.layers.Dense(1, activation="sigmoid", kernel_initializer=uniform(DEPTH))]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy")
    return model


def keras_fit(model, steps: int) -> None:
    model.fit(X_ARRAY, Y_ARRAY, epochs=steps, batch_size=4, verbose=0, shuffle=False)


def eager_loop(model: relu_vs_sigmoid.MLP, steps: int) -> None:
    """Plain eager gradient descent, the way a first TensorFlow 2 tutorial writes it."""
    variables = [*model.weights, *model.biases]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = binary_cross_entropy(Y, model.logits(X))
        for v, g in zip(variables, tape.gradient(loss, variables), strict=True):
            v.assign_sub(LEARNING_RATE * g)


def build_models(count: int) -> tuple[list[relu_vs_sigmoid.MLP], list[list[np.ndarray]]]:
    """``count`` lecture nets (seeds 0, 1, …) and their initial values, for :func:`reset`."""
    models = [relu_vs_sigmoid.build(DEPTH, WIDTH, ACTIVATION, seed=s) for s in range(count)]
    return models, [[v.numpy() for v in (*m.weights, *m.biases)] for m in models]


def reset(models: list[relu_vs_sigmoid.MLP], initial: list[list[np.ndarray]]) -> None:
    """Put the models' initial weights back, so that every repeat trains fresh networks."""
    for model, values in zip(models, initial, strict=True):
        for v, value in zip((*model.weights, *model.biases), values, strict=True):
            v.assign(value)


def steps_note(done: int, steps: int) -> str:
    return "" if done == steps else f"stopped after {done} of {steps} steps (diverged)"


def members(count: int) -> list[Member]:
    """``count`` lecture nets (seeds 0, 1, …) as the engine takes them: initial arrays, no variables."""
    act = relu_vs_sigmoid.activations.get(ACTIVATION)
    out = []
    for seed in range(count):
        config = relu_vs_sigmoid.build(1, WIDTH, ACTIVATION, seed=seed).config
        config = dict(config, widths=(WIDTH,) * DEPTH)
        weights = initial_weights((WIDTH,) * DEPTH, seed=seed)
        out.append(Member(config, act, weights, [np.zeros(w.shape[1], np.float32) for w in weights]))
    return out


def jax_trainer(steps: int):
    """The JAX peer: ``jit(vmap(train))`` with ``train`` a ``lax.scan`` of plain gradient steps."""

    def loss(params, X, y):
        h = X
        for W, b in params[:-1]:
            h = jax.nn.relu(h @ W + b)
        W, b = params[-1]
        s = h @ W + b  # logits
        return jnp.mean(jnp.maximum(s, 0) - s * y + jnp.log1p(jnp.exp(-jnp.abs(s))))

    def train(params, X, y):
        def step(params, _):
            grads = jax.grad(loss)(params, X, y)
            return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads), None

        return jax.lax.scan(step, params, None, length=steps)[0]

    return jax.jit(jax.vmap(train, in_axes=(0, None, None)))


def jax_params(count: int):
    """The same initial weights as :func:`members`, stacked on a leading member axis."""
    weights = [initial_weights((WIDTH,) * DEPTH, seed=seed) for seed in range(count)]
    return [
        (jnp.asarray(np.stack([w[i] for w in weights])), jnp.zeros((count, weights[0][i].shape[1])))
        for i in range(DEPTH + 1)
    ]


def flops_per_network_step() -> int:
    """Floating-point operations of one SGD step of the lecture's net on the 4 XOR points.

    Forward: 2 n_in n_out per layer and example (a multiply and an add per weight) plus the bias;
    backward: the same again for the weight gradients and, above the first layer, for the gradient
    of the layer's input; then an element-wise derivative per unit, and 2 per parameter for the update.
    """
    n, fans = 4, [2, *([WIDTH] * DEPTH), 1]
    layers = list(itertools.pairwise(fans))
    forward = sum(n * (2 * a * b + b) for a, b in layers)
    backward = sum(n * 2 * a * b for a, b in layers) + sum(n * 2 * a * b for a, b in layers[1:])
    units = sum(n * b for _, b in layers)
    parameters = sum(a * b + b for a, b in layers)
    return forward + backward + 2 * units + 2 * parameters


def machine_gflops() -> float:
    """The machine's float32 rate at its best: a 2048 × 2048 matmul in TensorFlow (every core)."""
    a = tf.random.uniform((2048, 2048))
    tf.linalg.matmul(a, a).numpy()
    start = time.perf_counter()
    for _ in range(5):
        b = tf.linalg.matmul(a, a)
    b.numpy()
    return 5 * 2 * 2048**3 / (time.perf_counter() - start) / 1e9


# --- the benchmark ----------------------------------------------------------------------------------------


def run(steps: int, slow_steps: int, repeats: int, log=print) -> list[Measurement]:
    """Warm up and time every method; return one :class:`Measurement` per table row."""
    rows: list[Measurement] = []

    def measure(method: str, networks: int, n_steps: int, prepare, call, check=None) -> None:
        """Time ``call(prepare())`` ``repeats`` times; ``prepare`` (untimed) returns fresh state."""
        row = Measurement(method, networks, n_steps)
        for _ in range(repeats):
            state = prepare()
            seconds, out = timed(lambda state=state: call(state))
            row.seconds.append(seconds)
            if check is not None:
                row.note = row.note or check(out)
        log(
            f"  {method:<20} E={networks:<5} {n_steps:>5} steps: "
            + ", ".join(f"{s:.2f}" for s in row.seconds)
            + " s"
        )
        rows.append(row)

    log("warming up (untimed): one call per method")
    keras_fit(keras_model(seed=999), 5)
    eager_loop(relu_vs_sigmoid.build(DEPTH, WIDTH, ACTIVATION, seed=999), 5)
    relu_vs_sigmoid.train(relu_vs_sigmoid.build(DEPTH, WIDTH, ACTIVATION, seed=999), steps=LOG_EVERY)

    log(f"timing ({repeats} repeat{'s' if repeats > 1 else ''} each; seconds per repeat)")
    fitted = []  # the Keras models after their first fit, whose train function is built

    def fresh_fit(model):
        keras_fit(model, slow_steps)
        fitted.append(model)

    measure(REFERENCE_KERAS, 1, slow_steps, lambda: keras_model(seed=0), fresh_fit)
    measure("Keras re-fit", 1, slow_steps, lambda: fitted.pop(), lambda model: keras_fit(model, slow_steps))

    single, single_initial = build_models(1)
    measure(
        "eager GradientTape",
        1,
        slow_steps,
        lambda: reset(single, single_initial),
        lambda _: eager_loop(single[0], slow_steps),
    )
    measure(
        REFERENCE_TRAIN,
        1,
        steps,
        lambda: reset(single, single_initial),
        lambda _: relu_vs_sigmoid.train(single[0], steps=steps, log_every=LOG_EVERY),
        check=lambda result: steps_note(int(result.step[-1]), steps),
    )
    X_np, y_np = X_ARRAY, Y_ARRAY
    for size in PREVIOUS_SIZES:
        batch = members(size)
        warm = timed(
            lambda batch=batch: previous_engine.train_members_previous(
                batch, X_np, y_np, steps, LEARNING_RATE, "sgd", LOG_EVERY
            )
        )[0]
        measure(
            "previous engine",
            size,
            steps,
            lambda: None,
            lambda _, batch=batch: previous_engine.train_members_previous(
                batch, X_np, y_np, steps, LEARNING_RATE, "sgd", LOG_EVERY
            ),
            check=lambda out: steps_note(max(int(r.step[-1]) for r in out[0]), steps),
        )
        rows[-1].first_call = warm
    for size in ENGINE_SIZES:
        batch = members(size)

        def run_engine(batch: list[Member] = batch) -> tuple:
            return train_members(batch, X_np, y_np, steps, LEARNING_RATE, "sgd", LOG_EVERY)

        warm = timed(run_engine)[0]  # XLA compiles the loop for E = size
        measure(
            ENGINE,
            size,
            steps,
            lambda: None,
            lambda _, run_engine=run_engine: run_engine(),
            check=lambda out: steps_note(max(int(r.step[-1]) for r in out[0]), steps),
        )
        rows[-1].first_call = warm
    for size in MANY_SIZES:
        models, initial = build_models(size)  # building E models is not timed
        warm = timed(
            lambda models=models: relu_vs_sigmoid.train_many(models, steps=steps, log_every=LOG_EVERY)
        )[0]
        measure(
            "train_many",
            size,
            steps,
            lambda models=models, initial=initial: reset(models, initial),
            lambda _, models=models: relu_vs_sigmoid.train_many(models, steps=steps, log_every=LOG_EVERY),
            check=lambda results: steps_note(max(int(r.step[-1]) for r in results), steps),
        )
        rows[-1].first_call = warm
        del models, initial
    if jax is not None:
        jax_steps = max(1, steps // 4)  # JAX takes about 20 µs per network-step: fewer steps, same ratio
        trainer = jax_trainer(jax_steps)
        Xj, yj = jnp.asarray(X_ARRAY), jnp.asarray(Y_ARRAY)
        for size in JAX_SIZES:
            params = jax_params(size)
            warm = timed(lambda params=params: jax.block_until_ready(trainer(params, Xj, yj)))[0]
            measure(
                JAX,
                size,
                jax_steps,
                lambda: None,
                lambda _, params=params: jax.block_until_ready(trainer(params, Xj, yj)),
            )
            rows[-1].first_call = warm
    else:
        log("JAX is not installed: no JAX row (nox -s bench installs it)")
    return rows


def table(rows: list[Measurement], floor_us: float) -> pd.DataFrame:
    """The results as a DataFrame, one row per measurement, with the speed-ups against the references
    and the distance from the FLOP-count floor (``floor_us`` µs per network-step)."""
    per_step = {r.method: r.us_per_network_step for r in rows if r.networks == 1}
    frame = pd.DataFrame(
        {
            "method": [r.method for r in rows],
            "networks E": [r.networks for r in rows],
            "steps timed": [r.steps for r in rows],
            "first call s": [r.first_call for r in rows],
            "total seconds": [r.median_seconds for r in rows],
            "µs per network-step": [r.us_per_network_step for r in rows],
        }
    )
    frame["speed-up vs train"] = per_step[REFERENCE_TRAIN] / frame["µs per network-step"]
    frame["speed-up vs Keras fit"] = per_step[REFERENCE_KERAS] / frame["µs per network-step"]
    frame["× floor"] = frame["µs per network-step"] / floor_us
    frame["repeat seconds"] = [" ".join(f"{s:.4f}" for s in r.seconds) for r in rows]
    frame["note"] = [r.note for r in rows]
    return frame


def times(ratio: float) -> str:
    """A speed-up with the digits that matter: 0.021×, 1.0×, 42.1×, 6,875×."""
    if ratio < 0.1:
        return f"{ratio:.3f}×"
    return f"{ratio:,.1f}×" if ratio < 100 else f"{ratio:,.0f}×"


def format_table(frame: pd.DataFrame) -> str:
    shown = frame.drop(columns=["repeat seconds", "note"])
    return shown.to_string(
        index=False,
        na_rep="",
        formatters={
            "first call s": lambda v: "" if v != v else f"{v:.1f}",
            "total seconds": "{:.3f}".format,
            "µs per network-step": "{:.2f}".format,
            "speed-up vs train": times,
            "speed-up vs Keras fit": times,
            "× floor": times,
        },
    )


def targets(frame: pd.DataFrame) -> list[str]:
    """PASS/MISS lines for the engine at E = TARGET_E: its µs per network-step and its speed-ups."""
    engine = frame[(frame["method"] == ENGINE) & (frame["networks E"] == TARGET_E)]
    if engine.empty:
        return [f"no {ENGINE} row at E={TARGET_E}"]
    row = engine.iloc[0]
    us = row["µs per network-step"]
    lines = [
        f"{'PASS' if us <= TARGET_US else 'MISS'}  {ENGINE} E={TARGET_E}: {us:.2f} µs per network-step"
        f" (target ≤ {TARGET_US})",
        f"{'PASS' if row['speed-up vs train'] >= TARGET_VS_TRAIN else 'MISS'}  {ENGINE} E={TARGET_E}: "
        f"{row['speed-up vs train']:,.0f}× vs per-network train (target ≥ {TARGET_VS_TRAIN:,.0f}×)",
    ]
    peer = frame[frame["method"] == JAX]
    if peer.empty:
        lines.append("no JAX row: the ≥ 10× target against it is not checked")
    else:
        best = peer["µs per network-step"].min()  # the peer at its fastest E
        ratio = best / us
        lines.append(
            f"{'PASS' if ratio >= TARGET_VS_JAX else 'MISS'}  {ENGINE} E={TARGET_E}: {ratio:,.1f}× vs "
            f"the JAX peer at its fastest ({best:.2f} µs per network-step; target ≥ {TARGET_VS_JAX:.0f}×)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--steps",
        type=int,
        help="steps for the compiled trainers (default 2000; 500 with --quick; JAX: a quarter)",
    )
    parser.add_argument(
        "--slow-steps", type=int, help="steps for Keras fit and the eager loop (default 200; 50 with --quick)"
    )
    parser.add_argument(
        "--repeats", type=int, help="timed runs per measurement, median reported (default 3; 1 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer steps, one repeat")
    parser.add_argument("--csv", type=Path, metavar="PATH", help="also write the table as CSV here")
    args = parser.parse_args(argv)
    steps = args.steps or (500 if args.quick else 2000)
    slow_steps = args.slow_steps or (50 if args.quick else 200)
    repeats = args.repeats or (1 if args.quick else 3)
    if min(steps, slow_steps, repeats) < 1:
        parser.error("--steps, --slow-steps and --repeats must be >= 1")

    print(
        "\n".join(_machine.describe(("tensorflow", "keras", "numpy", "jax", "relu-vs-sigmoid"))), flush=True
    )
    print(
        f"network     {DEPTH} hidden layers × {WIDTH} {ACTIVATION} units, U(-1, 1) init, "
        f"full batch on the 4 XOR points, SGD lr {LEARNING_RATE}\n",
        flush=True,
    )
    flops = flops_per_network_step()
    gflops = machine_gflops()
    floor_us = flops / (gflops * 1e3)
    print(
        f"floor       {flops:,} floating-point operations per network-step; the machine's float32 rate at "
        f"its best (a 2048² matmul, every core): {gflops:,.0f} GFLOP/s, so at least {floor_us:.3f} µs "
        "per network-step\n",
        flush=True,
    )
    frame = table(run(steps, slow_steps, repeats, log=lambda line: print(line, flush=True)), floor_us)

    print()
    print(format_table(frame))
    print(
        f"\nµs per network-step = median total seconds / (E × steps), median of {repeats} run(s). "
        f"Keras fit and the eager loop are timed over {slow_steps} steps, the compiled trainers over {steps}."
    )
    print(
        "Keras fit: a freshly compiled model, so it includes building Keras's train function"
        f" (jit_compile={keras_model(0).jit_compile!r}); Keras re-fit: a second fit of that model (built)."
    )
    print(
        "train, the previous engine, train_members and train_many: the whole call, tracing included, after"
        " a warm-up call of the same shape (first call s: its seconds, XLA's compilation included);"
        " train_many includes reading and writing back the models' variables. JAX: the jitted call, after"
        " a warm-up that compiled it."
    )
    print("× floor: µs per network-step over the FLOP-count floor above.")
    for _, row in frame[frame["note"] != ""].iterrows():
        print(f"note: {row['method']} E={row['networks E']}: {row['note']}")
    print(f"\nTargets (the engine at E = {TARGET_E}):")
    print("\n".join(targets(frame)))
    if args.csv is not None:
        frame.to_csv(args.csv, index=False)
        print(f"\nwrote {args.csv}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
