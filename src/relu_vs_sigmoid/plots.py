"""Figures for the pages. Every helper takes results (it never trains), draws on
``ax`` (a new figure when ``ax`` is None) and returns the ``Axes``.

Each activation has one colour across the whole site, from the Okabe & Ito
(2008) colour-blind-safe palette; figures have an opaque white background so
they read the same in a light or a dark theme.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from . import activations
from .training import LN2, TrainResult

__all__ = [
    "COLORS",
    "LABELS",
    "MAXOUT_EXAMPLE",
    "activation_curves",
    "training_curves",
    "gradient_norms",
    "solved_heatmap",
    "rate_by_depth",
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


def _new_axes(ax: Axes | None, figsize=(6.4, 4.0)) -> Axes:
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

    Raises
    ------
    ValueError
        If ``results`` is empty or ``metric`` is unknown.
    """
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be one of loss, accuracy; got {metric!r}")
    if not results:
        raise ValueError("results must hold at least one TrainResult; got none")
    ax = _new_axes(ax)
    activation = results[0].config["activation"]
    color = color or COLORS.get(activation, "0.2")
    values = _stack([getattr(r, metric) for r in results])
    step = max((r.step for r in results), key=len)
    for run in values:
        ax.plot(step, run, color=color, alpha=0.15, linewidth=0.8)
    lo, median, hi = _quartiles(values)
    ax.fill_between(step, lo, hi, color=color, alpha=0.25, linewidth=0)
    label = label or f"{activation} (median of {len(results)} seeds)"
    ax.plot(step, median, color=color, linewidth=2.2, label=label)
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
    norms,
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


def solved_heatmap(rates, *, ax: Axes | None = None, title: str | None = None) -> Axes:
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
    rates,
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
