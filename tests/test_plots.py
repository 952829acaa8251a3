"""relu_vs_sigmoid.plots: the figures' content (lines, colours, scales, reference lines), not their pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import same_color

from relu_vs_sigmoid import activations, plots
from relu_vs_sigmoid.experiments import outcome
from relu_vs_sigmoid.models import build
from relu_vs_sigmoid.training import LN2, TrainResult, train


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def fake_result(loss, activation="relu", accuracy=None, seed=0, log_every=100) -> TrainResult:
    loss = np.asarray(loss, dtype=float)
    n = len(loss)
    return TrainResult(
        config={"activation": activation},
        seed=seed,
        step=np.arange(n, dtype=np.int64) * log_every,
        loss=loss,
        accuracy=np.full(n, 0.5) if accuracy is None else np.asarray(accuracy, dtype=float),
        grad_norms=np.ones((n, 3)),
        y_hat=np.full((4, 1), 0.5),
        layer_names=("layer1", "layer2", "last"),
    )


def _ln2_lines(ax):
    return [
        line
        for line in ax.get_lines()
        if len(line.get_ydata()) == 2
        and np.allclose(np.asarray(line.get_ydata(), float), LN2)
        and line.get_transform() == ax.get_yaxis_transform()  # horizontal across the whole axes
    ]


def _line_labelled(ax, label):
    (line,) = [line for line in ax.get_lines() if line.get_label() == label]
    return line


def test_colors_one_per_activation():
    assert set(plots.COLORS) == set(activations.NAMES)
    assert len(set(plots.COLORS.values())) == len(plots.COLORS)


# --- activation_curves ------------------------------------------------------------------------------


def test_activation_curves_lines_labels_colors():
    ax = plots.activation_curves()
    assert isinstance(ax, Axes)
    for name in activations.NAMES:
        line = _line_labelled(ax, name)
        assert same_color(line.get_color(), plots.COLORS[name])
    assert ax.get_legend_handles_labels()[1] == list(activations.NAMES)
    assert ax.get_ylabel() == "activation g(z)"
    # the figure background is opaque white
    assert same_color(ax.figure.get_facecolor(), "white")


def test_activation_curves_values():
    z = np.linspace(-3, 3, 61)
    ax = plots.activation_curves(["sigmoid", "relu", "maxout"], z=z)
    sig = _line_labelled(ax, "sigmoid")
    np.testing.assert_allclose(sig.get_xdata(), z.astype(np.float32))
    np.testing.assert_allclose(sig.get_ydata(), 1 / (1 + np.exp(-z)), rtol=1e-5)
    np.testing.assert_allclose(_line_labelled(ax, "relu").get_ydata(), np.maximum(z, 0), atol=1e-6)
    # the example Maxout unit: max(z, -0.5 z)
    np.testing.assert_allclose(_line_labelled(ax, "maxout").get_ydata(), np.maximum(z, -0.5 * z), atol=1e-6)


def test_activation_curves_derivatives():
    z = np.linspace(-4, 4, 81)
    ax = plots.activation_curves(["sigmoid", "relu", "maxout"], derivative=True, z=z)
    assert ax.get_ylabel() == "derivative dg/dz"
    sig = np.asarray(_line_labelled(ax, "sigmoid").get_ydata())
    assert sig.max() == 0.25 and z[sig.argmax()] == 0.0
    np.testing.assert_array_equal(_line_labelled(ax, "relu").get_ydata(), (z > 0).astype(float))
    maxout = np.asarray(_line_labelled(ax, "maxout").get_ydata())
    np.testing.assert_allclose(maxout[z > 0], 1.0)
    np.testing.assert_allclose(maxout[z < 0], -0.5)


def test_activation_curves_draws_on_the_given_axes():
    fig, ax = plt.subplots()
    assert plots.activation_curves(["tanh"], ax=ax) is ax
    assert len(plt.get_fignums()) == 1


def test_activation_curves_rejects_unknown_name():
    with pytest.raises(ValueError, match="activation must be one of"):
        plots.activation_curves(["softplus"])


# --- training_curves --------------------------------------------------------------------------------


def test_training_curves_loss():
    results = [fake_result([0.9, 0.5, 0.2], seed=0), fake_result([0.8, 0.7, 0.6], seed=1)]
    ax = plots.training_curves(results)
    assert isinstance(ax, Axes)
    median = _line_labelled(ax, "relu (median of 2 seeds)")
    assert same_color(median.get_color(), plots.COLORS["relu"])
    np.testing.assert_array_equal(median.get_xdata(), [0, 100, 200])
    np.testing.assert_allclose(median.get_ydata(), [0.85, 0.6, 0.4])
    # one faint line per run, in the activation's colour
    faint = [line for line in ax.get_lines() if line.get_alpha() == 0.15]
    assert len(faint) == 2
    assert all(same_color(line.get_color(), plots.COLORS["relu"]) for line in faint)
    # the ln 2 reference
    (ref,) = _ln2_lines(ax)
    assert ref.get_linestyle() == "--"
    assert "ln 2" in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel() == "gradient-descent step"


@pytest.mark.parametrize("activation", activations.NAMES)
def test_training_curves_color_per_activation(activation):
    ax = plots.training_curves([fake_result([0.7, 0.6], activation=activation)])
    median = _line_labelled(ax, f"{activation} (median of 1 seeds)")
    assert same_color(median.get_color(), plots.COLORS[activation])


def test_training_curves_accuracy_has_no_ln2_line():
    results = [fake_result([0.7, 0.6], accuracy=[0.5, 1.0]), fake_result([0.7, 0.6], accuracy=[0.25, 0.75])]
    ax = plots.training_curves(results, metric="accuracy")
    assert _ln2_lines(ax) == []
    assert ax.get_ylim() == pytest.approx((-0.02, 1.02))
    np.testing.assert_allclose(_line_labelled(ax, "relu (median of 2 seeds)").get_ydata(), [0.375, 0.875])


def test_training_curves_label_color_and_axes():
    fig, ax = plt.subplots()
    out = plots.training_curves([fake_result([0.7, 0.6])], label="mine", color="#123456", ax=ax)
    assert out is ax
    line = _line_labelled(ax, "mine")
    assert same_color(line.get_color(), "#123456")
    assert ax.get_legend_handles_labels()[1] == ["mine"]


def test_training_curves_unknown_activation_falls_back_to_grey():
    ax = plots.training_curves([fake_result([0.7, 0.6], activation="softplus")])
    assert same_color(_line_labelled(ax, "softplus (median of 1 seeds)").get_color(), "0.2")


def test_training_curves_runs_of_different_lengths_are_nan_padded():
    results = [fake_result([0.9, 0.5, 0.3, 0.1]), fake_result([0.7, 0.3]), fake_result([0.8, 0.4, 0.2])]
    ax = plots.training_curves(results)
    median = _line_labelled(ax, "relu (median of 3 seeds)")
    np.testing.assert_array_equal(median.get_xdata(), [0, 100, 200, 300])  # the longest run's steps
    np.testing.assert_allclose(median.get_ydata(), [0.8, 0.4, 0.25, 0.1])  # medians of what exists
    faint = [line for line in ax.get_lines() if line.get_alpha() == 0.15]
    assert len(faint) == 3
    short = np.asarray(faint[1].get_ydata(), float)
    np.testing.assert_allclose(short[:2], [0.7, 0.3])
    assert np.all(np.isnan(short[2:]))


def _marks(ax):
    """The × marks of diverged runs: single points drawn without a line."""
    return [line for line in ax.get_lines() if line.get_marker() == "x" and line.get_linestyle() == "None"]


def test_training_curves_with_a_diverged_run():
    result = train(build(2, 5, "maxout", seed=0), steps=200, learning_rate=1e6)
    assert result.diverged and not np.isfinite(result.loss[-1])
    ax = plots.training_curves([result])
    color = plots.COLORS["maxout"]
    # the run's faint line and the median: its finite losses, NaN (not drawn) where the loss overflowed
    faint = [line for line in ax.get_lines() if line.get_alpha() == 0.15]
    median = _line_labelled(ax, "maxout (median of 1 seeds)")
    expected = np.where(np.isfinite(result.loss), result.loss, np.nan)
    for line in (*faint, median):
        np.testing.assert_array_equal(line.get_xdata(), result.step)
        np.testing.assert_allclose(np.asarray(line.get_ydata(), float), expected)
    assert len(faint) == 1
    # the run stops before its second log point: no line segment shows it, so an × marks its last finite loss
    (mark,) = _marks(ax)
    last = np.flatnonzero(np.isfinite(result.loss))[-1]
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == (result.step[last], pytest.approx(result.loss[last]))
    assert same_color(mark.get_color(), color)
    assert mark.get_label() == "maxout: diverged (1 of 1)"
    assert ax.get_legend_handles_labels()[1] == ["maxout (median of 1 seeds)", "maxout: diverged (1 of 1)"]


def test_training_curves_with_an_infinite_loss():
    results = [fake_result([0.7, np.inf]), fake_result([0.7, 0.6, 0.5], seed=1), fake_result([0.9, 0.8, 0.3])]
    ax = plots.training_curves(results, label="mine")
    faint = [np.asarray(line.get_ydata(), float) for line in ax.get_lines() if line.get_alpha() == 0.15]
    np.testing.assert_allclose(faint[0], [0.7, np.nan, np.nan])  # inf left out, like the missing step
    median = np.asarray(_line_labelled(ax, "mine").get_ydata(), float)
    np.testing.assert_allclose(median, [0.7, 0.7, 0.4])  # the infinite loss is not in the medians
    (mark,) = _marks(ax)
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == (0, 0.7)  # the last finite loss of the run
    assert mark.get_label() == "mine: diverged (1 of 3)"


def test_training_curves_marks_no_run_that_did_not_diverge():
    ax = plots.training_curves([fake_result([0.7, 0.6]), fake_result([0.9, 0.3])], metric="accuracy")
    assert _marks(ax) == []
    assert ax.get_legend_handles_labels()[1] == ["relu (median of 2 seeds)"]


def test_training_curves_marks_diverged_runs_once_in_the_legend():
    results = [fake_result([0.7, 0.5, np.nan]), fake_result([0.7, np.inf]), fake_result([0.7, 0.6, 0.5])]
    ax = plots.training_curves(results, metric="accuracy")
    marks = _marks(ax)
    assert [(m.get_xdata()[0], m.get_ydata()[0]) for m in marks] == [(200, 0.5), (100, 0.5)]  # accuracy
    assert [m.get_label() for m in marks] == ["relu: diverged (2 of 3)", "_nolegend_"]


def test_training_curves_rejects():
    with pytest.raises(ValueError, match="results must hold at least one TrainResult; got none"):
        plots.training_curves([])
    with pytest.raises(ValueError, match="metric must be one of loss, accuracy; got 'cost'"):
        plots.training_curves([fake_result([0.7])], metric="cost")
    with pytest.raises(ValueError, match="metric must be one of loss, accuracy"):
        plots.training_curves([fake_result([0.7])], metric="grad_norms")


# --- gradient_norms ---------------------------------------------------------------------------------


def test_gradient_norms_one_network():
    ax = plots.gradient_norms([1e-6, 1e-3, 1e-1], layer_names=["layer1", "layer2", "last"], label="sigmoid")
    assert isinstance(ax, Axes)
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer1", "layer2", "last"]
    line = _line_labelled(ax, "sigmoid")
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(line.get_ydata(), [1e-6, 1e-3, 1e-1])
    assert ax.get_legend() is not None


def test_gradient_norms_many_runs_median_and_default_ticks():
    norms = np.array([[1e-6, 1e-3, 1e-1, 1.0], [3e-6, 3e-3, 3e-1, 3.0], [2e-6, 2e-3, 2e-1, 2.0]])
    ax = plots.gradient_norms(norms, color="#0072B2")
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4"]
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [2e-6, 2e-3, 2e-1, 2.0])
    assert same_color(line.get_color(), "#0072B2")
    assert ax.get_legend() is None  # no label, no legend


def test_gradient_norms_of_a_training_result():
    result = train(build(10, 5, "sigmoid", seed=0), steps=1, log_every=1)
    fig, ax = plt.subplots()
    assert plots.gradient_norms(result.grad_norms[0], layer_names=result.layer_names, ax=ax) is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == list(result.layer_names)
    assert ax.get_yscale() == "log"


def test_gradient_norms_rejects():
    with pytest.raises(ValueError, match="layer_names must have 3 entries, one per layer; got 2"):
        plots.gradient_norms([1.0, 2.0, 3.0], layer_names=["a", "b"])
    with pytest.raises(ValueError, match=r"norms must have shape \(n_layers,\) or \(n_runs, n_layers\)"):
        plots.gradient_norms(np.ones((2, 3, 4)))


# --- solved_heatmap ----------------------------------------------------------------------------------


def _rates(rows):
    """A solved_rate-like table from (activation, depth, count, n) rows."""
    return pd.DataFrame(
        [{"activation": a, "depth": d, "n": n, "count": k, "rate": k / n} for a, d, k, n in rows]
    )


RATES = [
    ("sigmoid", 10, 0, 32),
    ("sigmoid", 1, 30, 32),
    ("relu", 1, 20, 32),
    ("relu", 10, 32, 32),
    ("leaky_relu", 3, 31, 32),  # no depth 1 or 10: those cells stay blank
    ("maxout", 1, 7, 8),
]


def test_labels_one_per_activation():
    assert set(plots.LABELS) == set(activations.NAMES)
    assert plots.LABELS["relu"] == "ReLU" and plots.LABELS["leaky_relu"] == "Leaky ReLU"
    assert plots.LABELS["elu"] == "ELU" and plots.LABELS["maxout"] == "Maxout"


def test_solved_heatmap_cells_and_labels():
    ax = plots.solved_heatmap(_rates(RATES), title="XOR solved")
    assert isinstance(ax, Axes)
    # one "k/n" label per row, at (depth column, activation row)
    texts = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert len(ax.texts) == len(RATES)
    names = ["sigmoid", "relu", "leaky_relu", "maxout"]  # order of first appearance
    depths = [1, 3, 10]  # increasing
    expected = {((depths.index(d), names.index(a)), f"{k}/{n}") for a, d, k, n in RATES}
    assert texts == expected
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sigmoid", "ReLU", "Leaky ReLU", "Maxout"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "3", "10"]
    assert ax.get_title() == "XOR solved"
    assert ax.get_xlabel() == "depth (hidden layers)"


def test_solved_heatmap_image_values():
    ax = plots.solved_heatmap(_rates(RATES))
    (image,) = ax.images
    grid = np.ma.filled(np.ma.masked_invalid(np.asarray(image.get_array(), dtype=float)), np.nan)
    expected = np.full((4, 3), np.nan)
    expected[0, 2], expected[0, 0] = 0.0, 30 / 32
    expected[1, 0], expected[1, 2] = 20 / 32, 1.0
    expected[2, 1] = 31 / 32
    expected[3, 0] = 7 / 8
    np.testing.assert_allclose(grid, expected)
    assert image.get_clim() == (0.0, 1.0)
    assert image.get_cmap().name == "cividis"
    # a colour bar from 0 to 1
    colorbars = [a for a in ax.figure.axes if a is not ax]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "fraction of seeds solved"


def test_solved_heatmap_label_contrast():
    ax = plots.solved_heatmap(_rates([("relu", 1, 0, 10), ("relu", 2, 10, 10)]))
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert same_color(colours["0/10"], "white")  # on cividis' dark blue
    assert same_color(colours["10/10"], "black")  # on its yellow


def test_solved_heatmap_unknown_activation_keeps_its_name():
    ax = plots.solved_heatmap(_rates([("softsign", 1, 1, 2)]))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["softsign"]


def test_solved_heatmap_draws_on_the_given_axes():
    fig, ax = plt.subplots()
    assert plots.solved_heatmap(_rates(RATES), ax=ax) is ax
    assert len(ax.texts) == len(RATES) and ax.get_title() == ""


def test_solved_heatmap_accepts_solved_rate_output():
    from relu_vs_sigmoid.experiments import solved_rate

    table = pd.DataFrame(
        {
            "activation": ["relu"] * 4 + ["sigmoid"] * 4,
            "depth": [2, 2, 5, 5] * 2,
            "width": [5] * 8,
            "solved": [True, False, True, True, False, False, False, True],
        }
    )
    ax = plots.solved_heatmap(solved_rate(table))
    assert sorted(t.get_text() for t in ax.texts) == ["0/2", "1/2", "1/2", "2/2"]


def test_solved_heatmap_rejects_duplicate_cells():
    rates = _rates([("relu", 1, 1, 2), ("relu", 1, 2, 2)])
    with pytest.raises(ValueError, match=r"rates must hold one row per \(activation, depth\)"):
        plots.solved_heatmap(rates)


@pytest.mark.parametrize("missing", ["activation", "depth", "n", "count", "rate"])
def test_solved_heatmap_rejects_missing_columns(missing):
    rates = _rates(RATES).drop(columns=[missing])
    with pytest.raises(ValueError, match=rf"rates needs the columns {missing}; it has"):
        plots.solved_heatmap(rates)


# --- outcome_curves, outcome_bars -------------------------------------------------------------------------


def outcome_result(final_loss, accuracy, n_dead_units=None, activation="relu") -> TrainResult:
    loss = np.linspace(0.7, final_loss, 5)
    return TrainResult(
        config={"activation": activation, "widths": (5, 5)},
        seed=0,
        step=np.arange(5, dtype=np.int64) * 100,
        loss=loss,
        accuracy=np.full(5, accuracy),
        grad_norms=np.ones((5, 3)),
        y_hat=np.full((4, 1), 0.5),
        layer_names=("layer1", "layer2", "last"),
        n_dead_units=None if n_dead_units is None else np.asarray(n_dead_units),
    )


def test_outcome_curves_colours_each_run_by_outcome_and_counts_them():
    results = [
        outcome_result(0.01, 1.0, [0, 1]),  # solved
        outcome_result(0.02, 1.0, [1, 0]),  # solved
        outcome_result(0.6931, 0.5, [5, 0]),  # dead layer
        outcome_result(0.4774, 0.75, [2, 3]),  # stuck
    ]
    ax = plots.outcome_curves(results)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["solved (2)", "dead layer (1)", "stuck (1)"]
    runs = [line for line in ax.get_lines() if len(line.get_xdata()) == 5]
    assert [line.get_color() for line in runs] == [
        plots.OUTCOME_STYLES[o]["color"] for o in ("solved", "solved", "dead layer", "stuck")
    ]
    assert len(_ln2_lines(ax)) == 1
    plateaus = [
        float(line.get_ydata()[0])
        for line in ax.get_lines()
        if line.get_linestyle() == ":" and line.get_transform() == ax.get_yaxis_transform()
    ]
    assert plateaus == pytest.approx([0.75 * (np.log(3) - 2 / 3 * np.log(2)), 0.5 * LN2])
    assert ax.get_ylim()[0] == 0.0


def test_outcome_curves_marks_a_diverged_run():
    diverged = fake_result([0.7, np.nan])
    assert outcome(diverged) == "diverged"
    ax = plots.outcome_curves([diverged, outcome_result(0.01, 1.0, [0, 0])])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["solved (1)", "diverged (1)"]
    (mark,) = _marks(ax)
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == (0, 0.7)
    assert same_color(mark.get_color(), plots.OUTCOME_STYLES["diverged"]["color"])


def test_outcome_curves_accuracy_and_errors():
    ax = plots.outcome_curves([outcome_result(0.6931, 0.5, activation="sigmoid")], metric="accuracy")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["stuck (1)"]
    assert ax.get_ylim() == (-0.02, 1.02)
    with pytest.raises(ValueError, match="metric must be one of loss, accuracy; got 'cost'"):
        plots.outcome_curves([outcome_result(0.1, 1.0)], metric="cost")
    with pytest.raises(ValueError, match="at least one TrainResult"):
        plots.outcome_curves([])


def test_outcome_styles_are_distinct():
    assert set(plots.OUTCOME_STYLES) == {"solved", "dead layer", "stuck", "diverged"}
    assert len({s["color"] for s in plots.OUTCOME_STYLES.values()}) == 4
    assert len({str(s["linestyle"]) for s in plots.OUTCOME_STYLES.values()}) == 4


def test_outcome_bars_heights_are_the_counts():
    table = pd.DataFrame(
        {
            "activation": ["sigmoid"] * 3 + ["relu"] * 3,
            "outcome": ["stuck", "stuck", "stuck", "solved", "dead layer", "solved"],
        }
    )
    ax = plots.outcome_bars(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sigmoid", "ReLU"]
    heights = {}
    for container in ax.containers:
        heights[container.get_label()] = [round(p.get_height()) for p in container.patches]
    assert heights == {"solved": [0, 2], "dead layer": [0, 1], "stuck": [3, 0]}
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]
    assert ax.get_ylabel() == "networks (of 3)"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame({"activation": ["relu"]}), "needs the columns outcome"),
        (pd.DataFrame({"activation": [], "outcome": []}), "at least one run"),
        (pd.DataFrame({"activation": ["relu"], "outcome": ["lost"]}), "outcome must be one of"),
    ],
)
def test_outcome_bars_errors(table, message):
    with pytest.raises(ValueError, match=message):
        plots.outcome_bars(table)


# --- hidden_distances, decision_boundary, scope_graph ----------------------------------------------------


def test_hidden_distances_draws_zeros_at_the_floor_and_styles_pairs_by_label():
    d = np.array([[1, 1, 1.4, 1.4, 1, 1], [0.5, 0, 0.2, 0.1, 0, 0.3], [0, 0, 0, 0, 0, 0]], dtype=float)
    ax = plots.hidden_distances(d, floor=1e-9)
    pair_lines = ax.get_lines()[:6]
    assert [line.get_linestyle() for line in pair_lines] == ["-", "-", "--", "--", "-", "-"]  # (0,3), (1,2)
    assert np.all(np.asarray(pair_lines[1].get_ydata(), float)[1:] == 1e-9)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["in", "1", "out"]
    assert ax.get_yscale() == "log" and ax.get_yticklabels()[0].get_text() == "0"
    ax = plots.hidden_distances(d, layer_names=["X", "layer1", "logits"], legend=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["X", "layer1", "logits"]
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="layer_names must hold one name per row of distances \\(3\\)"):
        plots.hidden_distances(d, layer_names=["in", "out"])


@pytest.mark.parametrize(
    ("distances", "message"),
    [(np.ones((3, 5)), "shape \\(layers, 6\\)"), (-np.ones((3, 6)), "non-negative"), (np.ones(6), "shape")],
)
def test_hidden_distances_errors(distances, message):
    with pytest.raises(ValueError, match=message):
        plots.hidden_distances(distances)


def test_decision_boundary_draws_the_half_contour_and_the_four_points():
    ax = plots.decision_boundary(lambda X: 1 / (1 + np.exp(-10 * (X[:, 0] - 0.5))), resolution=11)
    offsets = np.vstack([c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets")][-2:])
    assert sorted(map(tuple, offsets.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["label 1", "label 0"]
    contour = [c for c in ax.collections if type(c).__name__ == "QuadContourSet" and not c.filled]
    assert contour and list(contour[0].levels) == [0.5]


@pytest.mark.parametrize(
    ("predict", "message"),
    [
        (lambda X: np.full((len(X), 2), 0.5), "must return shape"),
        (lambda X: np.full(len(X), 1.5), "probabilities in \\[0, 1\\]"),
        (lambda X: np.full(len(X), np.nan), "probabilities in \\[0, 1\\]"),
    ],
)
def test_decision_boundary_rejects_bad_predictions(predict, message):
    with pytest.raises(ValueError, match=message):
        plots.decision_boundary(predict, resolution=5)


def test_decision_boundary_argument_errors():
    with pytest.raises(TypeError, match="predict must be callable"):
        plots.decision_boundary("net")
    with pytest.raises(ValueError, match="resolution must be an integer >= 2; got 1"):
        plots.decision_boundary(lambda X: np.zeros(len(X)), resolution=1)
    with pytest.raises(ValueError, match="extent must be"):
        plots.decision_boundary(lambda X: np.zeros(len(X)), extent=(1, 0))


def test_scope_graph_one_box_per_scope_and_an_arrow_per_edge(tmp_path):
    from relu_vs_sigmoid.tensorboard import read_graph, scope_graph

    train(build(depth=3, width=5, activation="relu", seed=0), steps=10, logdir=tmp_path)
    graph = scope_graph(read_graph(tmp_path))
    ax = plots.scope_graph(graph)
    boxes = [t.get_text().split()[0] for t in ax.texts if t.get_text().endswith(("op)", "ops)"))]
    assert boxes == list(graph.scopes)
    arrows = [t for t in ax.texts if t.get_text() == ""]
    assert len(arrows) == len(graph.edges)
    assert any("Weight2 [5×5]" in t.get_text() for t in ax.texts)
    with pytest.raises(TypeError, match="graph must be a ScopeGraph"):
        plots.scope_graph(read_graph(tmp_path))
