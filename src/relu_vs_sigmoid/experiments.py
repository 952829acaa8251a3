"""Many trainings at once, as tidy tables: seed sweeps, depth × activation maps, solved rates.

Every function here returns a :class:`pandas.DataFrame` with one row per
trained network (or per group of them), ready for ``groupby``, plotting or
``to_csv``. Rates come with Wilson score intervals (Wilson 1927; Brown, Cai &
DasGupta 2001), which stay inside [0, 1] and behave at 0 of 32 and 32 of 32,
where the textbook ±1.96·√(p(1−p)/n) interval collapses to a point. Each run's
:func:`outcome` (one of :data:`OUTCOMES`: solved, dead layer, stuck, diverged)
names the group it belongs to, since failed runs do not form one group.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import NoReturn

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

from . import activations as _activations
from . import data
from ._validation import check_choice, check_int, check_unique, check_unit_interval
from .models import INITS, MAX_DEPTH, dead_mask, initial_weights, network_config
from .training import Member, TrainResult, _check_schedule, train_members

__all__ = [
    "COLUMNS",
    "OUTCOMES",
    "born_dead",
    "outcome",
    "results_table",
    "solved_rate",
    "sweep",
    "wilson_interval",
]

COLUMNS = (
    "activation",
    "depth",
    "width",
    "init",
    "optimizer",
    "learning_rate",
    "steps",
    "seed",
    "final_loss",
    "final_accuracy",
    "solved",
    "diverged",
    "outcome",
    "first_solved_step",
    "dead_units",
    "dead_layer",
)
"""The columns of :func:`results_table` and :func:`sweep`, in order.

``final_loss`` is in nats; ``outcome`` is one of :data:`OUTCOMES` (see
:func:`outcome`); ``first_solved_step`` is the first logged step at which the run
was solved (``<NA>`` if never); ``dead_units`` counts the dead units of all hidden
layers after training and ``dead_layer`` says whether one layer is entirely dead;
both are ``<NA>`` for activations other than relu, whose units never output a
constant 0 (see :func:`relu_vs_sigmoid.diagnostics.dead_units`).
"""


OUTCOMES = ("solved", "dead layer", "stuck", "diverged")
"""How a training run can end, in the order the pages list them; see :func:`outcome`."""


def outcome(result: TrainResult) -> str:
    """How one training run ended: one of :data:`OUTCOMES`.

    ``"diverged"`` if the loss overflowed (:attr:`TrainResult.diverged`); else
    ``"solved"`` if XOR was solved (:attr:`TrainResult.solved`); else ``"dead layer"``
    if the network ended with a hidden layer in which every unit is dead (ReLU
    only, :attr:`TrainResult.dead_layer`): its output then ignores the input and
    its loss sits at ln 2; else ``"stuck"``: every other failure, such as a sigmoid
    network on the ln 2 plateau of the vanishing gradient, or a ReLU network whose
    live units merge some of the inputs
    (:func:`relu_vs_sigmoid.diagnostics.merged_cost`).

    Parameters
    ----------
    result : TrainResult

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`~relu_vs_sigmoid.training.TrainResult`.

    Examples
    --------
    >>> from relu_vs_sigmoid import build, train
    >>> outcome(train(build(depth=10, width=5, activation="sigmoid", seed=0), steps=500))
    'stuck'
    """
    if not isinstance(result, TrainResult):
        raise TypeError(f"result must be a TrainResult; got {type(result).__name__}")
    if result.diverged:
        return "diverged"
    if result.solved:
        return "solved"
    if result.dead_layer:
        return "dead layer"
    return "stuck"


def results_table(results: Iterable[TrainResult]) -> pd.DataFrame:
    """One row per training run, with the columns of :data:`COLUMNS`.

    Parameters
    ----------
    results : iterable of TrainResult
        From :func:`~relu_vs_sigmoid.training.train`, :func:`~relu_vs_sigmoid.training.train_many`
        or :func:`~relu_vs_sigmoid.training.train_seeds`. Networks whose hidden
        layers differ in width get ``width`` <NA>.

    Returns
    -------
    pandas.DataFrame
        ``len(results)`` rows. Integer columns that can be missing
        (``width``, ``first_solved_step``, ``dead_units``) are pandas' nullable
        ``Int64``; ``dead_layer`` is nullable ``boolean``.

    Raises
    ------
    TypeError
        If an item is not a :class:`~relu_vs_sigmoid.training.TrainResult`.

    Examples
    --------
    >>> from relu_vs_sigmoid import train_seeds
    >>> table = results_table(train_seeds(range(3), depth=2, activation="relu", steps=2000))
    >>> table[["activation", "depth", "seed", "solved", "dead_units"]]
      activation  depth  seed  solved  dead_units
    0       relu      2     0    True           0
    1       relu      2     1    True           3
    2       relu      2     2    True           3
    """
    rows = []
    for i, r in enumerate(results):
        if not isinstance(r, TrainResult):
            raise TypeError(f"results[{i}] must be a TrainResult; got {type(r).__name__}")
        widths = r.config["widths"]
        rows.append(
            {
                "activation": r.config["activation"],
                "depth": r.config["depth"],
                "width": widths[0] if len(set(widths)) == 1 else pd.NA,
                "init": r.config["init"],
                "optimizer": r.config["optimizer"],
                "learning_rate": r.config["learning_rate"],
                "steps": r.config["steps"],
                "seed": r.seed,
                "final_loss": r.final_loss,
                "final_accuracy": r.final_accuracy,
                "solved": r.solved,
                "diverged": r.diverged,
                "outcome": outcome(r),
                "first_solved_step": pd.NA if r.first_solved_step is None else r.first_solved_step,
                "dead_units": pd.NA if r.n_dead_units is None else int(r.n_dead_units.sum()),
                "dead_layer": pd.NA if r.dead_layer is None else r.dead_layer,
            }
        )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return table.astype(
        {"width": "Int64", "first_solved_step": "Int64", "dead_units": "Int64", "dead_layer": "boolean"}
    )


def sweep(
    activations: Sequence[str] = _activations.NAMES,
    depths: Sequence[int] = tuple(range(1, 13)),
    widths: Sequence[int] = (5,),
    seeds: Iterable[int] = range(32),
    *,
    init: str = "uniform",
    steps: int = 5_000,
    learning_rate: float = 0.1,
    optimizer: str = "sgd",
    log_every: int = 100,
    progress: bool = False,
) -> pd.DataFrame:
    """Train one network per (activation, depth, width, seed) on XOR and tabulate the outcomes.

    Network (activation a, depth d, width w, seed s) is exactly
    ``build(d, w, a, init=init, seed=s)`` trained by :func:`~relu_vs_sigmoid.training.train`
    with the same schedule (to float32 rounding). The networks are trained in
    two calls of :func:`~relu_vs_sigmoid.training.train_members`: one for
    sigmoid, tanh, relu, leaky_relu and elu at every depth and width, one for
    maxout. A network's numbers do not depend on the networks it is trained
    with. Activation parameters take their defaults (Leaky ReLU slope 0.1,
    ELU α = 1, Maxout k = 2).

    Parameters
    ----------
    activations : sequence of str
        Names from :data:`relu_vs_sigmoid.activations.NAMES`, at least one, no repeats.
    depths, widths : sequence of int
        Hidden layers and units per hidden layer, each ≥ 1, at least one value, no repeats.
    seeds : iterable of int
        Seeds of the initial weights, each ≥ 0, at least one, no repeats.
    init, steps, learning_rate, optimizer, log_every
        As in :class:`~relu_vs_sigmoid.models.MLP` and :func:`~relu_vs_sigmoid.training.train`.
    progress : bool
        Show a progress bar over all network-steps on stderr (tqdm).

    Returns
    -------
    pandas.DataFrame
        One row per network with the columns of :data:`COLUMNS`, sorted by
        activation (in the order given), depth, width and seed.

    Raises
    ------
    ValueError, TypeError
        Before any training, naming the argument: an unknown activation or
        init, a depth, width or seed out of range, an empty or repeated list,
        or anything :func:`~relu_vs_sigmoid.training.train` rejects.

    Examples
    --------
    >>> table = sweep(["sigmoid", "relu"], depths=[1, 10], seeds=range(4), steps=500)
    >>> table.groupby(["activation", "depth"], sort=False)["final_loss"].median().round(2)
    activation  depth
    sigmoid     1        0.69
                10       0.69
    relu        1        0.29
                10       0.02
    Name: final_loss, dtype: float64
    """
    names = check_unique(
        [_activations.check_name(a) for a in _listed(activations, "activations")], "activations"
    )
    depths = check_unique(
        [check_int(d, "depth", minimum=1, maximum=MAX_DEPTH) for d in _listed(depths, "depths")], "depths"
    )
    widths = check_unique([check_int(w, "width", minimum=1) for w in _listed(widths, "widths")], "widths")
    seeds = check_unique([check_int(s, "seed", minimum=0) for s in _listed(seeds, "seeds")], "seeds")
    init = check_choice(init, "init", INITS)
    schedule = _check_schedule(steps, learning_rate, optimizer, log_every)
    X, y = data.check_data(data.X, data.y)

    # One call for the whole sweep: the engine trains each shape of network as one part of a single
    # compiled computation (one per number of Maxout pieces), whatever the depths and activations.
    by_pieces: dict[int, list[Member]] = {}
    for width, depth, name, seed in itertools.product(widths, depths, names, seeds):
        act = _activations.get(name)
        config = network_config((width,) * depth, name, init=init, seed=seed)
        weights = initial_weights(config["widths"], init=init, seed=seed, pieces=act.pieces)
        biases = [np.zeros(w.shape[1], np.float32) for w in weights]
        by_pieces.setdefault(act.pieces, []).append(Member(config, act, weights, biases))

    results: list[TrainResult] = []
    total = sum(len(b) for b in by_pieces.values()) * schedule[0]
    with tqdm(total=total, unit="net-step", unit_scale=True, disable=not progress) as bar:
        for members in by_pieces.values():
            advance = functools.partial(_advance, bar, len(members))
            results.extend(train_members(members, X, y, *schedule, on_steps=advance)[0])
    table = results_table(results)
    table["activation"] = pd.Categorical(table["activation"], categories=names, ordered=True)
    table = table.sort_values(["activation", "depth", "width", "seed"], ignore_index=True)
    table["activation"] = table["activation"].astype(str)
    return table


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    r"""The Wilson score interval for a binomial proportion.

    .. math::

        \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p (1 - \hat p)}{n} + \frac{z^2}{4n^2}}}
             {1 + \frac{z^2}{n}}

    with :math:`\hat p = k / n` and z the standard normal quantile of
    (1 + confidence) / 2 (Wilson 1927; Brown, Cai & DasGupta 2001, eq. 4).
    Computed by :meth:`scipy.stats.binomtest`'s ``proportion_ci(method="wilson")``.

    Parameters
    ----------
    successes : int
        k, with 0 ≤ k ≤ n.
    n : int
        Trials, ≥ 1.
    confidence : float
        In (0, 1); 0.95 by default.

    Returns
    -------
    (float, float)
        The lower and upper bound, 0 ≤ low ≤ k/n ≤ high ≤ 1.

    Raises
    ------
    ValueError, TypeError
        If n < 1, k is outside [0, n], either is not an integer, or
        ``confidence`` is not strictly between 0 and 1.

    Examples
    --------
    >>> [round(b, 3) for b in wilson_interval(14, 32)]
    [0.282, 0.607]
    >>> [round(b, 3) for b in wilson_interval(0, 32)]
    [0.0, 0.107]
    """
    n = check_int(n, "n", minimum=1)
    successes = check_int(successes, "successes", minimum=0)
    if successes > n:
        raise ValueError(f"successes must be <= n = {n}; got {successes}")
    confidence = check_unit_interval(confidence, "confidence")
    if confidence in (0.0, 1.0):
        raise ValueError(f"confidence must be strictly between 0 and 1; got {confidence!r}")
    ci = stats.binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def solved_rate(
    table: pd.DataFrame,
    by: Sequence[str] = ("activation", "depth", "width"),
    *,
    column: str = "solved",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The fraction of runs solved per group, with its Wilson interval.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`sweep` or :func:`results_table`.
    by : str or sequence of str
        Columns of ``table`` to group by; a missing value (such as the
        ``width`` <NA> of networks whose layers differ in width) is a group of its own.
    column : str
        A boolean column to count: ``"solved"`` (default), ``"diverged"`` or ``"dead_layer"``.
        Missing values (``<NA>``) are left out of that group's n.
    confidence : float
        Of the interval, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per group, in the order of first appearance: the ``by``
        columns, then ``n``, ``count``, ``rate`` (= count / n) and ``low``,
        ``high`` (the Wilson interval). Groups with no non-missing value are left out.

    Raises
    ------
    ValueError
        If a ``by`` column or ``column`` is not in ``table``.

    Examples
    --------
    >>> from relu_vs_sigmoid import train_seeds
    >>> table = results_table(train_seeds(range(4), depth=10, activation="sigmoid", steps=200))
    >>> solved_rate(table).round(3)
      activation  depth  width  n  count  rate  low   high
    0    sigmoid     10      5  4      0   0.0  0.0  0.49
    """
    by = [by] if isinstance(by, str) else list(by)
    for name in [*by, column]:
        if name not in table.columns:
            raise ValueError(
                f"{name!r} is not a column of the table; it has {', '.join(map(str, table.columns))}"
            )
    rows = []
    for key, group in table.groupby(by, sort=False, observed=True, dropna=False):
        values = group[column].dropna().astype(bool)
        if values.empty:
            continue
        n, count = len(values), int(values.sum())
        low, high = wilson_interval(count, n, confidence)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "n": n,
                "count": count,
                "rate": count / n,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows, columns=[*by, "n", "count", "rate", "low", "high"])


def born_dead(
    depths: Sequence[int] = tuple(range(1, 13)),
    width: int = 5,
    seeds: Iterable[int] = range(10_000),
    *,
    init: str = "uniform",
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""How often a ReLU network is dead at birth: some hidden layer dead on all four XOR inputs.

    Network s is ``build(depth, width, "relu", init=init, seed=s)`` before any
    training. Its first d hidden layers are the same for every depth ≥ d
    (:func:`~relu_vs_sigmoid.models.initial_weights`), so one draw of the
    deepest networks answers every depth. Biases start at 0, so a unit is dead
    when :math:`w \cdot h(x) \le 0` for every input x.

    The ``estimate`` column is what one would predict if the units of a
    layer died independently, each with the probability :math:`q_l`
    (``unit_dead``) measured for its layer among the networks still alive
    below it: :math:`1 - \prod_{l \le d} (1 - q_l^{w})`. In layer 1,
    :math:`q_1 = 1/4` exactly (a unit is dead iff both its weights are ≤ 0:
    input (0, 0) gives 0 and (1, 1) is the sum of the other two). Given its
    input, the units of a layer do die independently; but how likely a unit
    is to die depends on that input, which varies from network to network, and
    the average of :math:`q^w` exceeds the w-th power of the average q
    (Jensen's inequality). So ``rate`` above ``estimate`` measures how much
    that variation makes a layer's units die together.

    Parameters
    ----------
    depths : sequence of int
        Depths to report, each ≥ 1.
    width : int
        Units per hidden layer, ≥ 1.
    seeds : iterable of int
        Seeds of the networks, each ≥ 0, at least one.
    init : str
        One of :data:`relu_vs_sigmoid.models.INITS`.
    confidence : float
        Of the Wilson interval on ``rate``.

    Returns
    -------
    pandas.DataFrame
        One row per depth: ``depth``, ``n`` (networks), ``count`` (born dead),
        ``rate``, ``low``, ``high`` (Wilson interval), ``unit_dead`` (the
        fraction of units of layer ``depth`` that are dead, among networks
        with no dead layer below it; NaN if there are none) and ``estimate``.

    Raises
    ------
    ValueError, TypeError
        For a depth, width or seed out of range, an empty list, or an unknown init.

    Examples
    --------
    >>> table = born_dead(depths=[1, 10], width=5, seeds=range(2000))
    >>> table[["depth", "n", "count"]]
       depth     n  count
    0      1  2000      2
    1     10  2000    336
    >>> round(float(table["unit_dead"][0]), 2)  # exactly 1/4 in expectation
    0.25
    """
    depths = check_unique(
        [check_int(d, "depth", minimum=1, maximum=MAX_DEPTH) for d in _listed(depths, "depths")], "depths"
    )
    width = check_int(width, "width", minimum=1)
    seeds = check_unique([check_int(s, "seed", minimum=0) for s in _listed(seeds, "seeds")], "seeds")
    init = check_choice(init, "init", INITS)
    deepest = max(depths)
    drawn = [initial_weights((width,) * deepest, init=init, seed=s)[:-1] for s in seeds]
    h = np.broadcast_to(data.X.astype(np.float64), (len(seeds), *data.X.shape))
    dead_layer = np.zeros(len(seeds), dtype=bool)
    per_depth, q = {}, []
    for layer in range(deepest):
        W = np.stack([w[layer] for w in drawn]).astype(np.float64)  # (N, n_in, width)
        z = h @ W  # biases are 0
        dead = dead_mask(z)  # (N, width): dead on every input
        # Per-unit rate among networks still alive below this layer: after a dead layer every unit is
        # trivially dead (its input is 0), which would count those networks twice in the estimate.
        alive = ~dead_layer
        q.append(float(dead[alive].mean()) if alive.any() else float("nan"))
        dead_layer |= dead.all(axis=1)
        per_depth[layer + 1] = int(dead_layer.sum())
        h = np.maximum(z, 0.0)
    rows = []
    for d in depths:
        n, count = len(seeds), per_depth[d]
        low, high = wilson_interval(count, n, confidence)
        estimate = 1.0 - float(np.prod([1.0 - q_l**width for q_l in q[:d]]))
        rows.append(
            {"depth": d, "n": n, "count": count, "rate": count / n, "low": low, "high": high}
            | {"unit_dead": q[d - 1], "estimate": estimate}
        )
    return pd.DataFrame(rows)


def _advance(bar: tqdm[NoReturn], networks: int, steps: int) -> None:
    bar.update(networks * steps)


MAX_VALUES = 100_000
"""The most values any one list argument (``depths``, ``widths``, ``seeds`` …) may hold."""


def _listed(values: object, name: str) -> list[object]:
    """``values`` as a list (a lone activation name as a list of one), 1 to :data:`MAX_VALUES` long."""
    if isinstance(values, (str, bytes)):
        values = [values] if name == "activations" else values
    if not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence; got {values!r}")
    out = list(itertools.islice(values, MAX_VALUES + 1))  # never expands a huge range or generator
    if len(out) > MAX_VALUES:
        raise ValueError(f"{name} must hold at most {MAX_VALUES:,} values; got more")
    if not out:
        raise ValueError(f"{name} must hold at least one value; got none")
    return out
