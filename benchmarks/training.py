"""Time per network-step of the lecture's deep net under six ways of training it, in one run.

The network is the lecture's deep one: 10 hidden layers of 5 relu units, U(-1, 1) initial weights,
biases 0, one sigmoid output, trained by full-batch gradient descent (SGD, learning rate 0.1) on the
four XOR points. The methods timed:

- ``Keras fit``: a Keras Sequential of the same shape, ``model.fit(X, y, epochs=steps, batch_size=4)``
  on a freshly compiled model, so the call includes building Keras's train function, as a user
  calls it; ``Keras re-fit`` is a second ``fit`` on the same model, whose train function is built;
- ``eager GradientTape``: a plain Python loop of tape, gradient and ``assign_sub``, no ``tf.function``;
- ``train``: :func:`relu_vs_sigmoid.train` on one network, the whole call (its tracing included);
- ``train_many``: :func:`relu_vs_sigmoid.train_many` on E networks, the whole call (weight write-back
  included; building the E models is not);
- ``sweep``: :func:`relu_vs_sigmoid.experiments.sweep` over E seeds, the same batched core without a
  ``tf.Variable`` per model.

Each method gets one untimed warm-up call first, so the import of TensorFlow and its first trace are
not counted; each timed measurement is repeated and the median reported. Run::

    python benchmarks/training.py              # 2000 steps for the compiled trainers, 3 repeats
    python benchmarks/training.py --quick      # a smoke run: fewer steps, one repeat
    python benchmarks/training.py --csv out.csv

The targets checked under the table: the batched trainer at E ≥ 256 is ≥ 100× faster per
network-step than per-network ``train``, and ≥ 5000× faster than ``Keras fit``.
"""

from __future__ import annotations

import argparse
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
import tensorflow as tf

import relu_vs_sigmoid
from relu_vs_sigmoid import experiments
from relu_vs_sigmoid.training import binary_cross_entropy

try:
    import keras
except ImportError:  # TensorFlow < 2.16 ships Keras 2 as tf.keras only
    keras = tf.keras

DEPTH, WIDTH, ACTIVATION, LEARNING_RATE, LOG_EVERY = 10, 5, "relu", 0.1, 100
BATCHED_SIZES = (1, 32, 256, 1024)  # E for train_many
SWEEP_SIZES = (256, 1024)  # E for sweep
TARGET_E = 256  # the targets hold for the batched trainer at E ≥ this
TARGET_VS_TRAIN, TARGET_VS_KERAS = 100.0, 5000.0
REFERENCE_TRAIN, REFERENCE_KERAS = "train", "Keras fit"

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
    relu_vs_sigmoid.train_many(build_models(2)[0], steps=LOG_EVERY, log_every=LOG_EVERY)
    experiments.sweep([ACTIVATION], depths=[DEPTH], widths=[WIDTH], seeds=range(2), steps=LOG_EVERY)

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
    for size in BATCHED_SIZES:
        models, initial = build_models(size)  # building E models is not timed
        measure(
            "train_many",
            size,
            steps,
            lambda models=models, initial=initial: reset(models, initial),
            lambda _, models=models: relu_vs_sigmoid.train_many(models, steps=steps, log_every=LOG_EVERY),
            check=lambda results: steps_note(max(int(r.step[-1]) for r in results), steps),
        )
        del models, initial
    for size in SWEEP_SIZES:
        measure(
            "sweep",
            size,
            steps,
            lambda: None,
            lambda _, size=size: experiments.sweep(
                [ACTIVATION],
                depths=[DEPTH],
                widths=[WIDTH],
                seeds=range(size),
                steps=steps,
                log_every=LOG_EVERY,
            ),
            check=lambda table: "every network diverged" if table["diverged"].all() else "",
        )
    return rows


def table(rows: list[Measurement]) -> pd.DataFrame:
    """The results as a DataFrame, one row per measurement, with the speed-ups against the references."""
    per_step = {r.method: r.us_per_network_step for r in rows if r.networks == 1}
    frame = pd.DataFrame(
        {
            "method": [r.method for r in rows],
            "networks E": [r.networks for r in rows],
            "steps timed": [r.steps for r in rows],
            "total seconds": [r.median_seconds for r in rows],
            "µs per network-step": [r.us_per_network_step for r in rows],
        }
    )
    frame["speed-up vs train"] = per_step[REFERENCE_TRAIN] / frame["µs per network-step"]
    frame["speed-up vs Keras fit"] = per_step[REFERENCE_KERAS] / frame["µs per network-step"]
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
        formatters={
            "total seconds": "{:.3f}".format,
            "µs per network-step": "{:.2f}".format,
            "speed-up vs train": times,
            "speed-up vs Keras fit": times,
        },
    )


def targets(frame: pd.DataFrame) -> list[str]:
    """One PASS/MISS line per batched row at E ≥ TARGET_E and per target."""
    lines = []
    batched = frame[frame["method"].isin(["train_many", "sweep"]) & (frame["networks E"] >= TARGET_E)]
    for _, row in batched.iterrows():
        for column, target, versus in (
            ("speed-up vs train", TARGET_VS_TRAIN, "per-network train"),
            ("speed-up vs Keras fit", TARGET_VS_KERAS, "Keras fit"),
        ):
            verdict = "PASS" if row[column] >= target else "MISS"
            lines.append(
                f"{verdict}  {row['method']} E={row['networks E']}: {row[column]:,.1f}× vs {versus}"
                f" (target ≥ {target:,.0f}×)"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--steps", type=int, help="steps for train, train_many and sweep (default 2000; 500 with --quick)"
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

    print("\n".join(_machine.describe(("tensorflow", "keras", "numpy", "relu-vs-sigmoid"))), flush=True)
    print(
        f"network     {DEPTH} hidden layers × {WIDTH} {ACTIVATION} units, U(-1, 1) init, "
        f"full batch on the 4 XOR points, SGD lr {LEARNING_RATE}\n",
        flush=True,
    )
    frame = table(run(steps, slow_steps, repeats, log=lambda line: print(line, flush=True)))

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
        "train, train_many and sweep: the whole call, tracing included;"
        " train_many includes the weight write-back."
    )
    for _, row in frame[frame["note"] != ""].iterrows():
        print(f"note: {row['method']} E={row['networks E']}: {row['note']}")
    print("\nTargets (batched trainer at E ≥ 256):")
    print("\n".join(targets(frame)))
    if args.csv is not None:
        frame.to_csv(args.csv, index=False)
        print(f"\nwrote {args.csv}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
