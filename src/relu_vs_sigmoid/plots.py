"""Figures for the pages. Every helper takes results (it never trains), draws on
``ax`` (a new figure when ``ax`` is None) and returns the ``Axes``.

Each activation has one colour across the whole site, from the Okabe & Ito
(2008) colour-blind-safe palette; figures have an opaque white background so
they read the same in a light or a dark theme.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypedDict

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike

from . import activations, data
from .diagnostics import input_pairs, merged_cost
from .experiments import OUTCOMES, outcome
from .training import LN2, TrainResult

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.typing import LineStyleType

    from .tensorboard import ScopeGraph

__all__ = [
    "COLORS",
    "LABELS",
    "MAXOUT_EXAMPLE",
    "activation_curves",
    "training_curves",
    "gradient_norms",
    "solved_heatmap",
    "rate_by_depth",
    "OUTCOME_STYLES",
    "outcome_curves",
    "outcome_bars",
    "hidden_distances",
    "decision_boundary",
    "scope_graph",
]

COLORS = {
    "sigmoid": "#D55E00",  # vermillion
    "tanh": "#CC79A7",  # reddish purple
    "relu": "#0072B2",  # blue
    "leaky_relu": "#009E73",  # bluish green
    "elu": "#E69F00",  # orange
    "maxout": "#56B4E9",  # sky blue
}
"""One colour per activation name (Okabe & Ito 2008)."""

MAXOUT_EXAMPLE = ((1.0, 0.0), (-0.5, 0.0))
"""The two (weight, bias) pieces drawn for Maxout of a scalar z: max(z, -0.5 z).
Maxout learns its pieces, so its curve has no single shape; this is one example."""


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> Axes:
    if ax is not None:
        return ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    fig.patch.set_facecolor("white")
    return ax


def activation_curves(
    names: Sequence[str] = activations.NAMES,
    *,
    derivative: bool = False,
    z: np.ndarray | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot activation functions, or their derivatives, against the pre-activation z.

    Parameters
    ----------
    names : sequence of str
        Activation names from :data:`relu_vs_sigmoid.activations.NAMES`.
    derivative : bool
        Plot d activation / dz instead of the activation.
    z : numpy.ndarray, optional
        Shape (m,), the pre-activations to plot over; default 401 points on [-5, 5].
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For an unknown activation name.

    Examples
    --------
    >>> ax = activation_curves(["sigmoid", "relu"], derivative=True)
    >>> ax.get_legend_handles_labels()[1]
    ['sigmoid', 'relu']
    """
    z = np.linspace(-5.0, 5.0, 401, dtype=np.float32) if z is None else np.asarray(z, dtype=np.float32)
    ax = _new_axes(ax)
    for name in names:
        act = activations.get(name)
        if act.pieces > 1:
            (w1, b1), (w2, b2) = MAXOUT_EXAMPLE
            pieces = np.stack([w1 * z + b1, w2 * z + b2], axis=-1)
            values = act.function(pieces).numpy()
            if derivative:
                values = act.derivative(pieces).numpy() @ np.array([w1, w2], dtype=np.float32)
        else:
            values = (act.derivative if derivative else act.function)(z).numpy()
        ax.plot(z, values, color=COLORS[name], label=name, linewidth=2)
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    ax.axvline(0.0, color="0.6", linewidth=0.8, zorder=0)
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("derivative dg/dz" if derivative else "activation g(z)")
    ax.legend(frameon=False)
    return ax


def _stack(values: list[np.ndarray]) -> np.ndarray:
    """Stack runs of unequal length (a diverged run stops early) into (n_runs, n_max), NaN-padded;
    non-finite values (a diverged run's last loss) become NaN too, so they are left out of the bands."""
    n = max(len(v) for v in values)
    out = np.full((len(values), n), np.nan)
    for i, v in enumerate(values):
        out[i, : len(v)] = np.where(np.isfinite(v), v, np.nan)
    return out


def _quartiles(values: np.ndarray) -> np.ndarray:
    """25th, 50th and 75th percentiles over axis 0, ignoring NaN; NaN where a column has no value."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        return np.nanpercentile(values, [25, 50, 75], axis=0)


def _check_runs(results: Sequence[TrainResult], metric: str) -> list[TrainResult]:
    """The runs as a list, once ``metric`` is known and there is at least one run (else ValueError)."""
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be one of loss, accuracy; got {metric!r}")
    results = list(results)
    if not results:
        raise ValueError("results must hold at least one TrainResult; got none")
    return results


def _mark_diverged(
    ax: Axes, result: TrainResult, *, metric: str = "loss", color: str = "0.2", label: str | None = None
) -> Line2D | None:
    """Mark where a diverged run stops: an × at its last finite value of ``metric``.

    A run whose loss overflowed stops at that log point with a NaN or infinite loss
    (:attr:`~relu_vs_sigmoid.training.TrainResult.diverged`), which a line cannot show;
    one that diverges before its second log point would otherwise not be seen at all.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    result : TrainResult
    metric : str
        ``"loss"`` or ``"accuracy"``.
    color : str
    label : str, optional
        Legend label of the mark; default: none.

    Returns
    -------
    matplotlib.lines.Line2D or None
        The mark, or None if the run did not diverge or has no finite value.
    """
    values = np.asarray(getattr(result, metric), dtype=float)
    finite = np.flatnonzero(np.isfinite(values))
    if not result.diverged or len(finite) == 0:
        return None
    last = finite[-1]
    (mark,) = ax.plot(
        [result.step[last]],
        [values[last]],
        linestyle="none",
        marker="x",
        markersize=8,
        markeredgewidth=2,
        color=color,
        label=label if label is not None else "_nolegend_",
        zorder=3,
    )
    return mark


def training_curves(
    results: Sequence[TrainResult],
    *,
    metric: str = "loss",
    label: str | None = None,
    color: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot one metric of many runs: each run faint, the median bold, the inter-quartile range shaded.

    Parameters
    ----------
    results : sequence of TrainResult
        Runs of one configuration (typically one per seed), logged at the same steps.
    metric : str
        ``"loss"`` (binary cross-entropy in nats, with a dashed reference line
        at ln 2) or ``"accuracy"``.
    label : str, optional
        Legend label; default: the activation name and the number of seeds.
    color : str, optional
        Default: the activation's colour from :data:`COLORS`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        A run that diverged (:attr:`~relu_vs_sigmoid.training.TrainResult.diverged`)
        is drawn up to its last finite value and ends in an × there, counted in
        the legend: "relu: diverged (1 of 16)".

    Raises
    ------
    ValueError
        If ``results`` is empty or ``metric`` is unknown.
    """
    results = _check_runs(results, metric)
    ax = _new_axes(ax)
    activation = results[0].config["activation"]
    color = color or COLORS.get(activation, "0.2")
    values = _stack([getattr(r, metric) for r in results])
    step = max((r.step for r in results), key=len)
    for run in values:
        ax.plot(step, run, color=color, alpha=0.15, linewidth=0.8)
    lo, median, hi = _quartiles(values)
    ax.fill_between(step, lo, hi, color=color, alpha=0.25, linewidth=0)
    ax.plot(
        step,
        median,
        color=color,
        linewidth=2.2,
        label=label or f"{activation} (median of {len(results)} seeds)",
    )
    diverged = [r for r in results if r.diverged]
    tag: str | None = f"{label or activation}: diverged ({len(diverged)} of {len(results)})"
    for result in diverged:
        if _mark_diverged(ax, result, metric=metric, color=color, label=tag) is not None:
            tag = None  # one legend entry for them all
    if metric == "loss":
        ax.axhline(LN2, color="black", linestyle="--", linewidth=1)
        ax.annotate("ln 2", (step[-1], LN2), xytext=(0, 3), textcoords="offset points", ha="right")
        ax.set_ylabel("cost: cross-entropy (nats)")
    else:
        ax.set_ylabel("accuracy (fraction of the 4 points)")
        ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("gradient-descent step")
    ax.legend(frameon=False, loc="best")
    return ax


def gradient_norms(
    norms: ArrayLike,
    *,
    layer_names: Sequence[str] | None = None,
    label: str | None = None,
    color: str = "0.2",
    ax: Axes | None = None,
) -> Axes:
    """Plot per-layer gradient norms on a log scale, layer 1 (input side) on the left.

    Parameters
    ----------
    norms : array_like
        Shape (n_layers,) for one network or (n_runs, n_layers) for many;
        the median over runs is drawn with its inter-quartile range.
    layer_names : sequence of str, optional
        Tick labels, e.g. ``model.layer_names``; default ``1 … n_layers``.
    label, color : str, optional
        Legend label and line colour.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``norms`` is not 1-D or 2-D, or ``layer_names`` has the wrong length.

    Examples
    --------
    >>> norms = [[1e-6, 1e-3, 1e-1], [2e-6, 2e-3, 2e-1]]  # two runs, three layers
    >>> ax = gradient_norms(norms, layer_names=["layer1", "layer2", "last"])
    >>> ax.get_yscale()
    'log'
    """
    norms = np.atleast_2d(np.asarray(norms, dtype=float))
    if norms.ndim != 2:
        raise ValueError(f"norms must have shape (n_layers,) or (n_runs, n_layers); got shape {norms.shape}")
    n_layers = norms.shape[1]
    names = list(layer_names) if layer_names is not None else [str(i) for i in range(1, n_layers + 1)]
    if len(names) != n_layers:
        raise ValueError(f"layer_names must have {n_layers} entries, one per layer; got {len(names)}")
    ax = _new_axes(ax)
    x = np.arange(n_layers)
    norms = np.where(np.isfinite(norms), norms, np.nan)
    lo, median, hi = _quartiles(norms)
    if len(norms) > 1:
        ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
    ax.plot(x, median, marker="o", color=color, linewidth=2, label=label)
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=45 if n_layers > 6 else 0)
    ax.set_xlabel("layer (input side → output side)")
    ax.set_ylabel("gradient norm ‖∂L/∂W‖ (log scale)")
    if label:
        ax.legend(frameon=False)
    return ax


LABELS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "elu": "ELU",
    "maxout": "Maxout",
}
"""How the figures name each activation."""


def solved_heatmap(rates: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """A depth × activation map of the fraction of seeds solved, each cell labelled "k/n".

    Parameters
    ----------
    rates : pandas.DataFrame
        From :func:`relu_vs_sigmoid.experiments.solved_rate` grouped by
        ``("activation", "depth")`` (or with a single ``width``): columns
        ``activation``, ``depth``, ``n``, ``count`` and ``rate``. Rows are the
        activations in order of first appearance, columns the depths in
        increasing order; a missing (activation, depth) pair is left blank.
    ax : Axes, optional
    title : str, optional

    Returns
    -------
    Axes
        With a colour bar "fraction of seeds solved" from 0 to 1 (the sequential,
        colour-blind-safe ``cividis`` map), and cell labels in black or white,
        whichever contrasts more with the cell.

    Raises
    ------
    ValueError
        If a required column is missing, or an (activation, depth) pair appears twice.
    """
    missing = [c for c in ("activation", "depth", "n", "count", "rate") if c not in rates.columns]
    if missing:
        raise ValueError(f"rates needs the columns {', '.join(missing)}; it has {', '.join(rates.columns)}")
    if rates.duplicated(["activation", "depth"]).any():
        raise ValueError("rates must hold one row per (activation, depth); group by width first")
    names = list(dict.fromkeys(rates["activation"]))
    depths = sorted(set(rates["depth"]))
    grid = np.full((len(names), len(depths)), np.nan)
    labels = {}
    for row in rates.itertuples():
        i, j = names.index(row.activation), depths.index(row.depth)
        grid[i, j] = row.rate
        labels[i, j] = f"{row.count}/{row.n}"
    ax = _new_axes(ax, figsize=(0.55 * len(depths) + 2.6, 0.45 * len(names) + 1.3))
    cmap = plt.get_cmap("cividis")
    image = ax.imshow(grid, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    for (i, j), text in labels.items():
        r, g, b, _ = cmap(grid[i, j])
        luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
        ax.text(
            j, i, text, ha="center", va="center", fontsize=7, color="black" if luminance > 0.5 else "white"
        )
    ax.set_xticks(range(len(depths)), [str(d) for d in depths])
    ax.set_yticks(range(len(names)), [LABELS.get(a, a) for a in names])
    ax.set_xlabel("depth (hidden layers)")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label="fraction of seeds solved", fraction=0.04, pad=0.02)
    return ax


def rate_by_depth(
    rates: pd.DataFrame,
    *,
    label: str | None = None,
    color: str = "0.2",
    estimate: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot a rate against depth with its confidence interval as error bars.

    Parameters
    ----------
    rates : pandas.DataFrame
        Columns ``depth``, ``rate``, ``low`` and ``high`` (as from
        :func:`relu_vs_sigmoid.experiments.born_dead` or
        :func:`~relu_vs_sigmoid.experiments.solved_rate`), one row per depth.
    label : str, optional
        Legend label of the measured rate.
    color : str
        Line colour.
    estimate : str, optional
        A further column of ``rates`` to draw as a dashed line of the same
        colour, e.g. ``"estimate"``; its legend label is ``label`` + "(estimate)".
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        y from 0 to 1, labelled "fraction of networks".

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    needed = ["depth", "rate", "low", "high", *([estimate] if estimate else [])]
    missing = [c for c in needed if c not in rates.columns]
    if missing:
        raise ValueError(f"rates needs the columns {', '.join(missing)}; it has {', '.join(rates.columns)}")
    ax = _new_axes(ax)
    rates = rates.sort_values("depth")
    depth, rate = rates["depth"].to_numpy(), rates["rate"].to_numpy(dtype=float)
    error = np.vstack([rate - rates["low"].to_numpy(dtype=float), rates["high"].to_numpy(dtype=float) - rate])
    ax.errorbar(depth, rate, yerr=error, marker="o", color=color, capsize=3, linewidth=2, label=label)
    if estimate:
        tag = f"{label} (estimate)" if label else "estimate"
        ax.plot(depth, rates[estimate].to_numpy(dtype=float), linestyle="--", color=color, label=tag)
    ax.set_xticks(depth)
    ax.set_xlabel("depth (hidden layers)")
    ax.set_ylabel("fraction of networks")
    ax.set_ylim(0.0, 1.0)
    if label:
        ax.legend(frameon=False, loc="best")
    return ax


class _OutcomeStyle(TypedDict):
    """The colour and line style of one outcome in :data:`OUTCOME_STYLES`."""

    color: str
    linestyle: LineStyleType


OUTCOME_STYLES: dict[str, _OutcomeStyle] = {
    "solved": {"color": "#0072B2", "linestyle": "-"},  # blue
    "dead layer": {"color": "#D55E00", "linestyle": (0, (5, 2))},  # vermillion, dashed
    "stuck": {"color": "#E69F00", "linestyle": "-."},  # orange, dash-dot
    "diverged": {"color": "#CC79A7", "linestyle": ":"},  # reddish purple, dotted
}
"""Colour (Okabe & Ito 2008) and line style of each of :data:`relu_vs_sigmoid.experiments.OUTCOMES`;
the styles tell the groups apart in greyscale too."""

_PLATEAUS = (
    ("¾H(⅔)", merged_cost([[0, 1, 2], [3]])),  # three XOR inputs merged
    ("½ ln 2", merged_cost([[0, 1], [2], [3]])),  # one opposite-label pair merged
)


def outcome_curves(
    results: Sequence[TrainResult],
    *,
    metric: str = "loss",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot one metric of many runs, one line per run, coloured by how the run ended.

    Where runs split into groups (solved, dead layer, stuck; see
    :func:`relu_vs_sigmoid.experiments.outcome`), a median describes none of
    them; here each group has its colour and line style (:data:`OUTCOME_STYLES`)
    and its count in the legend, e.g. "solved (14)".

    Parameters
    ----------
    results : sequence of TrainResult
        Runs logged at the same steps, typically one per seed.
    metric : str
        ``"loss"`` (binary cross-entropy in nats, y from 0, with a dashed line at
        ln 2 and dotted lines at the costs of merging three XOR inputs, ¾H(⅔),
        and one opposite-label pair, ½ ln 2; see
        :func:`relu_vs_sigmoid.diagnostics.merged_cost`) or ``"accuracy"``.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``results`` is empty or ``metric`` is unknown.
    TypeError
        If an item of ``results`` is not a TrainResult.

    Examples
    --------
    >>> from relu_vs_sigmoid import train_seeds
    >>> ax = outcome_curves(train_seeds(range(2), depth=10, activation="sigmoid", steps=300))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['stuck (2)']
    """
    results = _check_runs(results, metric)
    groups = [outcome(r) for r in results]
    ax = _new_axes(ax)
    for result, group in zip(results, groups, strict=True):
        ax.plot(result.step, getattr(result, metric), linewidth=1.0, alpha=0.7, **OUTCOME_STYLES[group])
        _mark_diverged(ax, result, metric=metric, color=OUTCOME_STYLES[group]["color"])
    handles = [
        Line2D([], [], linewidth=1.6, label=f"{group} ({groups.count(group)})", **OUTCOME_STYLES[group])
        for group in OUTCOMES
        if group in groups
    ]
    if metric == "loss":
        ax.axhline(LN2, color="black", linestyle="--", linewidth=0.8)
        ax.annotate(
            "ln 2", (0, LN2), xytext=(2, 3), textcoords="offset points", xycoords=("axes fraction", "data")
        )
        for name, cost in _PLATEAUS:
            ax.axhline(cost, color="0.4", linestyle=":", linewidth=0.8)
            ax.annotate(
                name, (0, cost), xytext=(2, 3), textcoords="offset points", xycoords=("axes fraction", "data")
            )
        ax.set_ylim(
            0.0, max(0.8, *(float(np.nanmax(r.loss[np.isfinite(r.loss)], initial=0)) for r in results))
        )
        ax.set_ylabel("cost: cross-entropy (nats)")
    else:
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("accuracy (of the 4 points)")
    ax.set_xlabel("gradient-descent step")
    ax.legend(handles=handles, frameon=False, loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def outcome_bars(table: pd.DataFrame, *, by: str = "activation", ax: Axes | None = None) -> Axes:
    """Stacked bars of how the runs of each group ended, with the counts written in the bars.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per run, as from :func:`relu_vs_sigmoid.experiments.sweep`: the
        column ``by`` and ``outcome``.
    by : str
        The column to group by; bars follow the order of first appearance.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per group, one segment per outcome (:data:`OUTCOME_STYLES`' colours,
        in the order of :data:`relu_vs_sigmoid.experiments.OUTCOMES`); y labelled
        "networks (of N)", N the largest group.

    Raises
    ------
    ValueError
        If a column is missing, the table is empty, or an outcome is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {"activation": ["relu", "relu", "tanh"], "outcome": ["solved", "stuck", "solved"]}
    ... )
    >>> ax = outcome_bars(table)
    >>> [round(p.get_height()) for p in ax.patches]  # solved relu, solved tanh, stuck relu, stuck tanh
    [1, 1, 1, 0]
    """
    missing = [c for c in (by, "outcome") if c not in table.columns]
    if missing:
        raise ValueError(f"table needs the columns {', '.join(missing)}; it has {', '.join(table.columns)}")
    if len(table) == 0:
        raise ValueError("table must hold at least one run; got an empty table")
    unknown = sorted(set(table["outcome"]) - set(OUTCOMES))
    if unknown:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}; got {', '.join(map(str, unknown))}")
    names = list(dict.fromkeys(table[by]))
    counts = table.groupby([by, "outcome"]).size()
    ax = _new_axes(ax)
    bottom = np.zeros(len(names))
    x = np.arange(len(names))
    for group in OUTCOMES:
        heights = np.array([int(counts.get((name, group), 0)) for name in names])
        if not heights.any():
            continue
        style = OUTCOME_STYLES[group]
        ax.bar(x, heights, bottom=bottom, color=style["color"], label=group, edgecolor="white", linewidth=0.8)
        for xi, (b, h) in enumerate(zip(bottom, heights, strict=True)):
            if h:
                ax.text(xi, b + h / 2, str(h), ha="center", va="center", fontsize=8, color="black")
        bottom += heights
    labels = (
        [LABELS.get(name, str(name)) for name in names] if by == "activation" else [str(n) for n in names]
    )
    ax.set_xticks(x, labels)
    ax.set_ylabel(f"networks (of {int(bottom.max())})")
    ax.legend(frameon=False, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return ax


def hidden_distances(
    distances: ArrayLike,
    y: ArrayLike = data.y,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    layer_names: Sequence[str] | None = None,
    floor: float = 1e-9,
    legend: bool = True,
) -> Axes:
    """Plot how far apart each pair of inputs is after each layer (log scale).

    Parameters
    ----------
    distances : array_like
        Shape (depth + 2, n·(n−1)/2), from
        :func:`relu_vs_sigmoid.diagnostics.hidden_distances`: rows input, hidden
        layers 1 … depth, output logits; columns the pairs of
        :func:`~relu_vs_sigmoid.diagnostics.input_pairs`.
    y : array_like
        Shape (n,) or (n, 1), the labels of the inputs; pairs with opposite labels
        (which a network that solves the task must keep apart) are drawn solid in
        vermillion, pairs with the same label dashed grey.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    layer_names : sequence of str, optional
        One x tick label per row of ``distances``; default ``"in"``, ``"1"`` …
        ``"L"``, ``"out"`` (the input, each hidden layer's activations, the
        output logits).
    floor : float
        Distances below it, exact zeros included (inputs merged, e.g. by a dead
        layer), are drawn at ``floor``, which the y axis labels "0": on a log
        scale a true 0 has no place, so the bottom tick marks it.
    legend : bool
        Add a two-entry legend (opposite labels, same label).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``distances`` is not 2-D with one column per pair of ``y``'s inputs,
        holds a negative or non-finite value, ``layer_names`` does not have one
        name per row, or ``floor`` is not positive.

    Examples
    --------
    >>> from relu_vs_sigmoid import build
    >>> from relu_vs_sigmoid.diagnostics import hidden_distances as measure
    >>> ax = hidden_distances(measure(build(depth=3, width=5, activation="relu", seed=0)))
    >>> len(ax.get_lines())  # six pairs, and the floor line
    7
    """
    labels = np.asarray(y).reshape(-1)
    pairs = input_pairs(len(labels))
    d = np.asarray(distances, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] != len(pairs) or d.shape[0] < 2:
        raise ValueError(
            f"distances must have shape (layers, {len(pairs)}) for {len(labels)} inputs; got {d.shape}"
        )
    if not np.isfinite(d).all() or (d < 0).any():
        raise ValueError("distances must be finite and non-negative")
    if not floor > 0:
        raise ValueError(f"floor must be > 0; got {floor!r}")
    if layer_names is None:
        layer_names = ["in", *(str(k) for k in range(1, d.shape[0] - 1)), "out"]
    elif isinstance(layer_names, str) or len(layer_names) != d.shape[0]:
        raise ValueError(
            f"layer_names must hold one name per row of distances ({d.shape[0]}); got {layer_names!r}"
        )
    ax = _new_axes(ax)
    x = np.arange(d.shape[0])
    for column, (i, j) in enumerate(pairs):
        opposite = labels[i] != labels[j]
        color, linestyle = ("#D55E00", "-") if opposite else ("0.55", "--")
        ax.plot(
            x,
            np.maximum(d[:, column], floor),
            marker=".",
            markersize=3,
            linewidth=1.2,
            color=color,
            linestyle=linestyle,
        )
    ax.axhline(floor, color="0.8", linewidth=0.6)
    ax.set_yscale("log")
    ticks = [t for t in (1e-6, 1e-3, 1.0) if t > floor]
    ax.set_yticks([floor, *ticks], ["0", *(f"{t:g}" for t in ticks)])
    ax.set_ylim(floor / 3, max(3.0, float(d.max()) * 2))
    ax.set_xticks(x, [str(name) for name in layer_names])
    ax.set_xlabel("layer")
    ax.set_ylabel("distance between two inputs")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(
            handles=[
                Line2D([], [], color="#D55E00", label="opposite labels"),
                Line2D([], [], color="0.55", linestyle="--", label="same label"),
            ],
            frameon=False,
            loc="lower left",
            fontsize="small",
        )
    return ax


def decision_boundary(
    predict: Callable[[np.ndarray], ArrayLike],
    *,
    ax: Axes | None = None,
    extent: tuple[float, float] = (-0.25, 1.25),
    resolution: int = 201,
) -> Axes:
    """Map a network's predicted probability over the input square, with the four XOR points.

    Parameters
    ----------
    predict : callable
        Maps a float32 array of shape (m, 2) to the probabilities of label 1, shape
        (m,) or (m, 1), in [0, 1]: an :class:`~relu_vs_sigmoid.models.MLP`, or a
        function such as ``lambda X: tf.sigmoid(logits(X))``.
    ax : matplotlib.axes.Axes, optional
    extent : (float, float)
        The range of both inputs.
    resolution : int
        Grid points per axis, ≥ 2.

    Returns
    -------
    matplotlib.axes.Axes
        Filled contours of the probability (the colour-blind-safe diverging ``PuOr``
        map, with a colour bar), the decision boundary (probability 0.5) as a black
        line, and the inputs of :data:`relu_vs_sigmoid.data.X`: filled circles for
        label 1, open circles for label 0.

    Raises
    ------
    ValueError
        If ``resolution`` < 2, ``extent`` is not an increasing pair, or ``predict``
        returns the wrong shape or values outside [0, 1] (NaN included).
    TypeError
        If ``predict`` is not callable.

    Examples
    --------
    >>> from relu_vs_sigmoid import MLP
    >>> ax = decision_boundary(MLP([5, 4], seed=0), resolution=21)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x1', 'x2')
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable; got {type(predict).__name__}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    low, high = (float(v) for v in extent)
    if not low < high:
        raise ValueError(f"extent must be (low, high) with low < high; got {extent!r}")
    axis = np.linspace(low, high, resolution, dtype=np.float32)
    grid_x1, grid_x2 = np.meshgrid(axis, axis)
    points = np.column_stack([grid_x1.ravel(), grid_x2.ravel()])
    p = np.asarray(predict(points), dtype=np.float64)
    if p.shape not in ((len(points),), (len(points), 1)):
        raise ValueError(f"predict must return shape ({len(points)},) or ({len(points)}, 1); got {p.shape}")
    if not (np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()):
        raise ValueError("predict must return probabilities in [0, 1]; got values outside it or NaN")
    p = p.reshape(grid_x1.shape)
    ax = _new_axes(ax, figsize=(5.2, 4.2))
    filled = ax.contourf(grid_x1, grid_x2, p, levels=np.linspace(0, 1, 11), cmap="PuOr_r", vmin=0, vmax=1)
    ax.contour(grid_x1, grid_x2, p, levels=[0.5], colors="black", linewidths=1.5)
    ax.figure.colorbar(filled, ax=ax, label="predicted P(label 1)")
    labels = data.y.ravel()
    for label, face, name in ((1, "black", "label 1"), (0, "white", "label 0")):
        points_of = data.X[labels == label]
        ax.scatter(
            points_of[:, 0],
            points_of[:, 1],
            s=80,
            facecolors=face,
            edgecolors="black",
            linewidths=1.5,
            label=name,
            zorder=3,
        )
    ax.set(xlabel="x1", ylabel="x2", xlim=(low, high), ylim=(low, high), aspect="equal")
    ax.legend(frameon=True, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2)
    return ax


def scope_graph(graph: ScopeGraph, *, ax: Axes | None = None) -> Axes:
    """Draw a logged graph by name scope, as TensorBoard's *Graphs* tab shows it: input at the bottom.

    Parameters
    ----------
    graph : relu_vs_sigmoid.tensorboard.ScopeGraph
        From :func:`relu_vs_sigmoid.tensorboard.scope_graph`.
    ax : matplotlib.axes.Axes, optional
        Default: a new figure sized for the number of scopes.

    Returns
    -------
    matplotlib.axes.Axes
        One box per scope, labelled with its name and number of operations; an
        arrow for each edge; and, to the right of each box, the variables the
        scope reads with their shapes (``Weight2 [5×5]``). A scope is placed one
        level above the highest scope it reads from; a scope that reads nothing (an
        input) sits one level below its first reader, to the left of the scope
        already on that level.

    Raises
    ------
    TypeError
        If ``graph`` is not a ScopeGraph.

    Examples
    --------
    >>> from relu_vs_sigmoid.tensorboard import ScopeGraph
    >>> graph = ScopeGraph(
    ...     scopes=("X", "layer1", "cost"),
    ...     edges=(("X", "layer1"), ("layer1", "cost")),
    ...     n_ops={"X": 1, "layer1": 5, "cost": 9},
    ...     variables={"X": (), "layer1": (("Weight1", (2, 5)),), "cost": ()},
    ... )
    >>> [text.get_text() for text in scope_graph(graph).texts if " op" in text.get_text()]
    ['X  (1 op)', 'layer1  (5 ops)', 'cost  (9 ops)']
    """
    from .tensorboard import ScopeGraph  # here: the package's TensorBoard reader is optional for plots

    if not isinstance(graph, ScopeGraph):
        raise TypeError(
            f"graph must be a ScopeGraph, as tensorboard.scope_graph returns; got {type(graph).__name__}"
        )
    sources = {scope: [s for s, t in graph.edges if t == scope] for scope in graph.scopes}
    level: dict[str, int] = {}
    for scope in graph.scopes:  # the scopes are in definition order: a scope's sources come first
        if sources[scope]:
            level[scope] = 1 + max(level.get(s, 0) for s in sources[scope])
    for scope in graph.scopes:
        if not sources[scope]:
            readers = [t for s, t in graph.edges if s == scope]
            level[scope] = min((level.get(t, 1) for t in readers), default=1) - 1
    column = {}
    taken: dict[int, int] = {}
    inputs_last = [s for s in graph.scopes if sources[s]] + [s for s in graph.scopes if not sources[s]]
    for scope in inputs_last:  # the main chain keeps column 0; inputs go to its left, clear of the labels
        column[scope] = -taken.get(level[scope], 0)
        taken[level[scope]] = 1 - column[scope]
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 0.42 * (max(level.values()) - min(level.values()) + 1) + 0.6))
        fig.patch.set_facecolor("white")
    box = {"boxstyle": "round,pad=0.35", "facecolor": "#E8F1F8", "edgecolor": "#0072B2", "linewidth": 1.2}
    step = 1.6
    for scope in graph.scopes:
        x, yy = step * column[scope], level[scope]
        n = graph.n_ops[scope]
        label = f"{scope}  ({n} op{'' if n == 1 else 's'})"
        ax.text(x, yy, label, ha="center", va="center", fontsize=8, bbox=box)
        names = ", ".join(
            f"{name} [{'×'.join(map(str, shape))}]" if shape else name
            for name, shape in graph.variables.get(scope, ())
        )
        if names:
            ax.text(x + 0.75, yy, f"← {names}", ha="left", va="center", fontsize=7, color="0.3")
    for source, target in graph.edges:
        ax.annotate(
            "",
            xy=(step * column[target], level[target] - 0.28),
            xytext=(step * column[source], level[source] + 0.28),
            arrowprops={"arrowstyle": "->", "color": "0.3", "linewidth": 1.0, "shrinkA": 0, "shrinkB": 0},
        )
    ax.set_xlim(step * min(column.values()) - 0.9, 3.4)
    ax.set_ylim(min(level.values()) - 0.6, max(level.values()) + 0.6)
    ax.axis("off")
    return ax
