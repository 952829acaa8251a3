"""relu_vs_sigmoid.experiments: sweeps as tidy tables, Wilson intervals, solved rates, born-dead rates."""

from __future__ import annotations

import math
import re
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relu_vs_sigmoid import experiments
from relu_vs_sigmoid.diagnostics import has_dead_layer
from relu_vs_sigmoid.experiments import (
    COLUMNS,
    born_dead,
    results_table,
    solved_rate,
    sweep,
    wilson_interval,
)
from relu_vs_sigmoid.models import MLP, build
from relu_vs_sigmoid.training import TrainResult, is_solved, train, train_many

# --- sweep -------------------------------------------------------------------------------------------

SWEEP = dict(
    activations=["tanh", "relu", "maxout"],  # not alphabetical: the table keeps this order
    depths=[3, 1],
    widths=[4, 3],
    seeds=[2, 0],
)
SCHEDULE = dict(steps=300, learning_rate=0.1, log_every=100)


@pytest.fixture(scope="module")
def swept():
    """24 networks in 8 batches (about 3 s)."""
    return sweep(**SWEEP, **SCHEDULE)


def _row(table: pd.DataFrame, activation: str, depth: int, width: int, seed: int) -> pd.Series:
    match = table[
        (table["activation"] == activation)
        & (table["depth"] == depth)
        & (table["width"] == width)
        & (table["seed"] == seed)
    ]
    assert len(match) == 1
    return match.iloc[0]


@pytest.mark.slow
def test_sweep_columns_and_row_count(swept):
    assert tuple(swept.columns) == COLUMNS
    assert len(swept) == 3 * 2 * 2 * 2
    # every combination exactly once
    combos = set(zip(swept["activation"], swept["depth"], swept["width"], swept["seed"], strict=True))
    assert len(combos) == 24
    assert set(swept["activation"]) == {"tanh", "relu", "maxout"}
    assert set(swept["depth"]) == {1, 3} and set(swept["width"]) == {3, 4} and set(swept["seed"]) == {0, 2}
    assert (swept["init"] == "uniform").all() and (swept["optimizer"] == "sgd").all()
    assert (swept["steps"] == 300).all() and (swept["learning_rate"] == 0.1).all()
    assert pd.api.types.is_string_dtype(swept["activation"])  # plain strings, not a categorical


@pytest.mark.slow
def test_sweep_sort_order(swept):
    # activation in the order given, then depth, width and seed ascending
    expected = [
        (a, d, w, s) for a in ["tanh", "relu", "maxout"] for d in [1, 3] for w in [3, 4] for s in [0, 2]
    ]
    got = list(zip(swept["activation"], swept["depth"], swept["width"], swept["seed"], strict=True))
    assert got == expected
    assert list(swept.index) == list(range(24))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("activation", "depth", "width", "seed"),
    [("relu", 3, 4, 2), ("relu", 3, 3, 2), ("maxout", 1, 3, 0), ("tanh", 3, 3, 0), ("maxout", 3, 4, 2)],
)
def test_sweep_row_equals_train(swept, activation, depth, width, seed):
    row = _row(swept, activation, depth, width, seed)
    single = train(build(depth, width, activation, seed=seed), **SCHEDULE)
    assert row["final_loss"] == pytest.approx(single.final_loss, abs=1e-5)
    assert row["final_accuracy"] == single.final_accuracy
    assert bool(row["solved"]) is single.solved
    assert bool(row["diverged"]) is single.diverged
    if single.first_solved_step is None:
        assert row["first_solved_step"] is pd.NA
    else:
        assert row["first_solved_step"] == single.first_solved_step
    if activation == "relu":
        assert row["dead_units"] == int(single.n_dead_units.sum())
        assert bool(row["dead_layer"]) is single.dead_layer
    else:
        assert row["dead_units"] is pd.NA and row["dead_layer"] is pd.NA


@pytest.mark.slow
def test_sweep_dead_units_only_for_relu(swept):
    relu = swept[swept["activation"] == "relu"]
    other = swept[swept["activation"] != "relu"]
    assert relu["dead_units"].notna().all() and relu["dead_layer"].notna().all()
    assert other["dead_units"].isna().all() and other["dead_layer"].isna().all()
    # a relu network has at most depth * width dead units
    assert (relu["dead_units"] >= 0).all()
    assert (relu["dead_units"] <= relu["depth"] * relu["width"]).all()
    assert swept["dead_units"].dtype == "Int64" and swept["dead_layer"].dtype == "boolean"


@pytest.mark.slow
def test_sweep_first_solved_step_is_consistent(swept):
    for row in swept.itertuples():
        if row.solved:
            assert row.first_solved_step is not pd.NA and row.first_solved_step <= row.steps
        if row.first_solved_step is pd.NA:
            assert not row.solved


SWEEP_TINY = dict(activations=["relu"], depths=[1], widths=[2], seeds=[0], steps=5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"activations": ["relu", "softplus"]}, ValueError, r"activation must be one of .*'softplus'"),
        ({"activations": [3]}, TypeError, r"activation must be a string"),
        ({"activations": []}, ValueError, r"activations must hold at least one value; got none"),
        ({"activations": ["relu", "relu"]}, ValueError, r"activations must not repeat a value; got relu"),
        ({"depths": [2, 0]}, ValueError, r"depth must be an integer >= 1; got 0"),
        ({"depths": []}, ValueError, r"depths must hold at least one value; got none"),
        ({"depths": [1, 1]}, ValueError, r"depths must not repeat a value; got 1"),
        ({"depths": 3}, TypeError, r"depths must be a sequence; got 3"),
        ({"widths": [0]}, ValueError, r"width must be an integer >= 1; got 0"),
        ({"widths": [2.5]}, TypeError, r"width must be an integer >= 1; got 2.5"),
        ({"widths": ()}, ValueError, r"widths must hold at least one value"),
        ({"seeds": [0, 3, 0]}, ValueError, r"seeds must not repeat a value; got 0 more than once"),
        ({"seeds": [-1]}, ValueError, r"seed must be an integer >= 0; got -1"),
        ({"seeds": [True]}, TypeError, r"seed must be an integer"),
        ({"seeds": range(0)}, ValueError, r"seeds must hold at least one value; got none"),
        ({"init": "bogus"}, ValueError, r"init must be one of uniform, glorot, he; got 'bogus'"),
        ({"steps": 0}, ValueError, r"steps must be an integer >= 1; got 0"),
        ({"learning_rate": -0.1}, ValueError, r"learning_rate must be > 0"),
        ({"optimizer": "rmsprop"}, ValueError, r"optimizer must be one of sgd, adam"),
        ({"log_every": 0}, ValueError, r"log_every must be an integer >= 1; got 0"),
    ],
)
def test_sweep_rejects_before_training(monkeypatch, kwargs, error, match):
    calls = []
    monkeypatch.setattr(experiments, "train_members", lambda *a, **k: calls.append(1))
    with pytest.raises(error, match=match):
        sweep(**{**SWEEP_TINY, **kwargs})
    assert calls == []


def test_sweep_progress_false_writes_nothing(capfd):
    capfd.readouterr()
    table = sweep(**SWEEP_TINY, progress=False)
    out, err = capfd.readouterr()
    assert err == "" and out == ""
    assert len(table) == 1


def test_sweep_progress_true_writes_a_bar(capsys):
    capsys.readouterr()
    sweep(**SWEEP_TINY, progress=True)
    err = capsys.readouterr().err
    assert "net-step" in err and "%" in err


# --- results_table -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_results():
    """Three relu and two sigmoid networks of depth 2, trained together (about 1 s)."""
    nets = [build(2, 5, "relu", seed=s) for s in range(3)] + [build(2, 5, "sigmoid", seed=s) for s in (0, 1)]
    return train_many(nets, steps=1500, learning_rate=0.1, log_every=100)


def test_results_table_values_and_dtypes(mixed_results):
    table = results_table(mixed_results)
    assert tuple(table.columns) == COLUMNS and len(table) == 5
    assert table["width"].dtype == "Int64"
    assert table["first_solved_step"].dtype == "Int64"
    assert table["dead_units"].dtype == "Int64"
    assert table["dead_layer"].dtype == "boolean"
    assert table["solved"].dtype == bool and table["diverged"].dtype == bool
    assert table["final_loss"].dtype == np.float64
    for row, r in zip(table.itertuples(), mixed_results, strict=True):
        assert row.activation == r.config["activation"] and row.seed == r.seed
        assert row.depth == 2 and row.width == 5 and row.steps == 1500 and row.learning_rate == 0.1
        assert row.final_loss == r.final_loss and row.final_accuracy == r.final_accuracy
        assert row.solved is r.solved or row.solved == r.solved
        if r.first_solved_step is None:
            assert row.first_solved_step is pd.NA
        else:
            assert row.first_solved_step == r.first_solved_step
        if r.config["activation"] == "relu":
            assert row.dead_units == int(r.n_dead_units.sum())
            assert row.dead_layer == r.dead_layer
        else:
            assert row.dead_units is pd.NA and row.dead_layer is pd.NA
    # the relu networks solve XOR at depth 2; the sigmoid ones have at least a logged row
    assert table.loc[table["activation"] == "relu", "solved"].all()
    assert table.loc[table["activation"] == "relu", "first_solved_step"].notna().all()


def test_results_table_rejects_non_results(mixed_results):
    with pytest.raises(TypeError, match=r"results\[1\] must be a TrainResult; got str"):
        results_table([mixed_results[0], "not a result"])
    with pytest.raises(TypeError, match=r"results\[0\] must be a TrainResult; got dict"):
        results_table([{"seed": 0}])


def test_results_table_empty_has_the_columns():
    table = results_table([])
    assert tuple(table.columns) == COLUMNS and len(table) == 0


def test_results_table_width_is_na_for_mixed_widths():
    r = train(MLP([5, 4], "relu", seed=0), steps=5, log_every=5)
    table = results_table([r])
    assert table["width"].iloc[0] is pd.NA
    assert table["depth"].iloc[0] == 2
    assert table["dead_units"].iloc[0] == int(r.n_dead_units.sum())


# --- wilson_interval -----------------------------------------------------------------------------------


def _wilson_closed_form(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson (1927); Brown, Cai & DasGupta (2001), eq. 4."""
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    p = k / n
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return center - half, center + half


@given(
    st.integers(1, 2000),
    st.data(),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999]) | st.floats(0.01, 0.999),
)
def test_wilson_interval_matches_the_closed_form(n, draw, confidence):
    k = draw.draw(st.integers(0, n), label="k")
    low, high = wilson_interval(k, n, confidence)
    expected_low, expected_high = _wilson_closed_form(k, n, confidence)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)
    assert 0.0 <= low <= k / n <= high <= 1.0
    # symmetric under swapping successes and failures
    low2, high2 = wilson_interval(n - k, n, confidence)
    assert low == pytest.approx(1 - high2, abs=1e-9) and high == pytest.approx(1 - low2, abs=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5, 32, 100, 1000])
def test_wilson_interval_edges_stay_in_the_unit_interval(n):
    low, high = wilson_interval(0, n)
    assert low == 0.0 and 0 < high < 1
    low, high = wilson_interval(n, n)
    assert high == 1.0 and 0 < low < 1


def test_wilson_interval_known_values():
    assert wilson_interval(14, 32) == pytest.approx((0.2817, 0.6067), abs=1e-4)
    assert wilson_interval(0, 32) == pytest.approx((0.0, 0.1072), abs=1e-4)
    # wider for higher confidence, narrower for more trials
    assert wilson_interval(5, 10, 0.99)[0] < wilson_interval(5, 10, 0.9)[0]
    assert wilson_interval(50, 100)[1] - wilson_interval(50, 100)[0] < 0.2
    # plain floats, not NumPy scalars (np.float64 is a subclass of float, so isinstance cannot tell)
    assert all(type(bound) is float for bound in (*wilson_interval(3, 10), *wilson_interval(0, 1)))
    assert wilson_interval(np.int64(3), np.int64(10)) == wilson_interval(3, 10)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 0), ValueError, r"n must be an integer >= 1; got 0"),
        ((3, 2), ValueError, r"successes must be <= n = 2; got 3"),
        ((-1, 5), ValueError, r"successes must be an integer >= 0; got -1"),
        ((1, 5, 0.0), ValueError, r"confidence must be strictly between 0 and 1; got 0.0"),
        ((1, 5, 1.0), ValueError, r"confidence must be strictly between 0 and 1; got 1.0"),
        ((1, 5, 1.5), ValueError, r"confidence must be in \[0, 1\]"),
        ((1, 5, float("nan")), ValueError, r"confidence must be finite"),
        ((1, 5, "0.95"), TypeError, r"confidence must be a number"),
        ((1.5, 5), TypeError, r"successes must be an integer"),
        ((1, 5.0), TypeError, r"n must be an integer"),
        ((True, 5), TypeError, r"successes must be an integer"),
    ],
)
def test_wilson_interval_rejects(args, error, match):
    with pytest.raises(error, match=match):
        wilson_interval(*args)


# --- solved_rate ---------------------------------------------------------------------------------------


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "activation": ["relu"] * 5 + ["sigmoid"] * 3 + ["relu"] * 2,
            "depth": [2] * 5 + [2] * 3 + [10] * 2,
            "width": [5] * 10,
            "solved": [True, True, False, True, False, False, False, True, False, False],
            "dead_layer": pd.array(
                [False, pd.NA, True, False, True, pd.NA, pd.NA, pd.NA, True, True], dtype="boolean"
            ),
        }
    )


def test_solved_rate_counts_per_group():
    rates = solved_rate(_table())
    assert list(rates.columns) == ["activation", "depth", "width", "n", "count", "rate", "low", "high"]
    assert list(zip(rates["activation"], rates["depth"], strict=True)) == [
        ("relu", 2),
        ("sigmoid", 2),
        ("relu", 10),
    ]
    assert rates["n"].tolist() == [5, 3, 2]
    assert rates["count"].tolist() == [3, 1, 0]
    np.testing.assert_allclose(rates["rate"], [3 / 5, 1 / 3, 0.0])
    for row in rates.itertuples():
        assert (row.low, row.high) == pytest.approx(wilson_interval(row.count, row.n))


def test_solved_rate_drops_missing_values():
    rates = solved_rate(_table(), by=["activation", "depth"], column="dead_layer")
    # sigmoid has no non-missing dead_layer: left out; relu depth 2 has one <NA> among five
    assert list(zip(rates["activation"], rates["depth"], strict=True)) == [("relu", 2), ("relu", 10)]
    assert rates["n"].tolist() == [4, 2]
    assert rates["count"].tolist() == [2, 2]
    np.testing.assert_allclose(rates["rate"], [0.5, 1.0])
    assert (rates["low"].iloc[1], rates["high"].iloc[1]) == pytest.approx(wilson_interval(2, 2))


def test_solved_rate_confidence_and_single_key():
    rates = solved_rate(_table(), by=["activation"], confidence=0.5)
    assert rates["activation"].tolist() == ["relu", "sigmoid"]
    assert rates["n"].tolist() == [7, 3] and rates["count"].tolist() == [3, 1]
    assert (rates["low"].iloc[0], rates["high"].iloc[0]) == pytest.approx(wilson_interval(3, 7, 0.5))


def test_solved_rate_keeps_networks_of_mixed_widths():
    # results_table gives width <NA> to networks whose hidden layers differ in width; grouping by
    # the default ("activation", "depth", "width") must still count them, not drop them silently
    table = _table()
    table["width"] = pd.array([pd.NA] * 5 + [5] * 5, dtype="Int64")
    rates = solved_rate(table)
    assert rates["n"].sum() == len(table)
    relu2 = rates[(rates["activation"] == "relu") & (rates["depth"] == 2)]
    assert relu2["n"].tolist() == [5] and relu2["count"].tolist() == [3]
    assert relu2["width"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"column": "nope"}, r"'nope' is not a column of the table; it has activation, depth"),
        ({"by": ["activation", "lr"]}, r"'lr' is not a column of the table"),
    ],
)
def test_solved_rate_rejects_unknown_columns(kwargs, match):
    with pytest.raises(ValueError, match=match):
        solved_rate(_table(), **kwargs)


# --- born_dead -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def born300():
    return born_dead(depths=range(1, 13), width=5, seeds=range(300))


@pytest.mark.slow
@pytest.mark.parametrize("depth", [3, 10])
def test_born_dead_counts_match_has_dead_layer(born300, depth):
    expected = sum(has_dead_layer(build(depth, 5, "relu", seed=s)) for s in range(300))
    row = born300[born300["depth"] == depth].iloc[0]
    assert row["count"] == expected
    assert row["n"] == 300
    assert row["rate"] == pytest.approx(expected / 300)
    assert (row["low"], row["high"]) == pytest.approx(wilson_interval(expected, 300))


def test_born_dead_table(born300):
    assert list(born300.columns) == ["depth", "n", "count", "rate", "low", "high", "unit_dead", "estimate"]
    assert born300["depth"].tolist() == list(range(1, 13))
    counts = born300["count"].to_numpy()
    assert np.all(np.diff(counts) >= 0)  # a network dead at depth d is dead at every deeper depth
    assert counts[-1] > counts[0]
    assert born300["estimate"].between(0, 1).all() and born300["unit_dead"].between(0, 1).all()
    assert np.all(np.diff(born300["estimate"]) >= 0)
    assert (born300["low"] <= born300["rate"]).all() and (born300["rate"] <= born300["high"]).all()


def test_born_dead_estimate_formula(born300):
    q = born300["unit_dead"].to_numpy()
    for d in (1, 4, 12):
        expected = 1 - np.prod([1 - q_l**5 for q_l in q[:d]])
        assert born300["estimate"].iloc[d - 1] == pytest.approx(expected, rel=1e-12)


def test_born_dead_depth_subset_agrees_with_full_table(born300):
    small = born_dead(depths=[10, 3], width=5, seeds=range(300))
    assert small["depth"].tolist() == [10, 3]
    for row in small.itertuples():
        full = born300[born300["depth"] == row.depth].iloc[0]
        assert row.count == full["count"] and row.unit_dead == pytest.approx(full["unit_dead"])


def test_born_dead_layer1_unit_dead_is_a_quarter():
    n = 20_000
    table = born_dead(depths=[1], width=5, seeds=range(n))
    q = table["unit_dead"].iloc[0]
    se = math.sqrt(0.25 * 0.75 / (n * 5))  # units of layer 1 are independent
    assert abs(q - 0.25) < 4 * se
    # one layer-1 network is born dead iff all five of its units are: about 4^-5 of them
    assert table["count"].iloc[0] == pytest.approx(n * 0.25**5, abs=4 * math.sqrt(n * 0.25**5))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"depths": [0, 2]}, ValueError, r"depth must be an integer >= 1; got 0"),
        ({"depths": []}, ValueError, r"depths must hold at least one value"),
        ({"depths": [2, 2]}, ValueError, r"depths must not repeat a value"),
        ({"width": 0}, ValueError, r"width must be an integer >= 1; got 0"),
        ({"width": 2.0}, TypeError, r"width must be an integer"),
        ({"seeds": []}, ValueError, r"seeds must hold at least one value"),
        ({"seeds": [0, -3]}, ValueError, r"seed must be an integer >= 0; got -3"),
        ({"seeds": [1, 1]}, ValueError, r"seeds must not repeat a value"),
        ({"init": "normal"}, ValueError, r"init must be one of uniform, glorot, he; got 'normal'"),
        ({"confidence": 1.0}, ValueError, r"confidence must be strictly between 0 and 1"),
    ],
)
def test_born_dead_rejects(kwargs, error, match):
    with pytest.raises(error, match=match):
        born_dead(**{"depths": [1, 2], "width": 3, "seeds": range(5), **kwargs})


# --- consistency with TrainResult ----------------------------------------------------------------------


def test_first_solved_step_in_table_uses_is_solved(mixed_results):
    table = results_table(mixed_results)
    expected = []
    for r in mixed_results:
        rows = zip(r.step, r.loss, r.accuracy, strict=True)
        solved_rows = [int(s) for s, loss, acc in rows if is_solved(loss, acc)]
        expected.append(solved_rows[0] if solved_rows else None)
    got = [None if v is pd.NA else int(v) for v in table["first_solved_step"]]
    assert got == expected
    assert any(step is not None for step in expected)  # the relu runs solve: the comparison is not all NA
    assert table["solved"].tolist() == [is_solved(r.final_loss, r.final_accuracy) for r in mixed_results]


# --- outcome ---------------------------------------------------------------------------------------------


def _result(loss, accuracy, n_dead_units=None):
    return TrainResult(
        config={"activation": "relu", "widths": (5, 5)},
        seed=0,
        step=np.array([0, 100]),
        loss=np.array([0.7, loss]),
        accuracy=np.array([0.5, accuracy]),
        grad_norms=np.ones((2, 3)),
        y_hat=np.full((4, 1), 0.5),
        n_dead_units=None if n_dead_units is None else np.array(n_dead_units),
    )


@pytest.mark.parametrize(
    ("loss", "accuracy", "dead", "expected"),
    [
        (0.01, 1.0, [5, 0], "solved"),  # solved wins, even with a (then harmless) count
        (0.6931, 0.5, [0, 5], "dead layer"),
        (0.4774, 0.75, [4, 4], "stuck"),
        (0.6931, 0.5, None, "stuck"),  # not relu: no dead layers
        (float("inf"), 0.5, [5, 5], "diverged"),
        (float("nan"), 0.5, None, "diverged"),
        (0.2, 1.0, None, "stuck"),  # right side of 0.5 everywhere, but cost above SOLVED_LOSS
    ],
)
def test_outcome(loss, accuracy, dead, expected):
    assert experiments.outcome(_result(loss, accuracy, dead)) == expected
    assert expected in experiments.OUTCOMES


def test_outcome_column_matches_outcome(swept):
    assert set(swept["outcome"]) <= set(experiments.OUTCOMES)
    # both kinds occur, so that the checks below compare something
    assert {"solved", "stuck"} <= set(swept["outcome"])
    assert (swept["outcome"] == "solved").equals(swept["solved"].astype(bool))
    relu = swept[swept.activation == "relu"]
    assert ((relu["outcome"] == "dead layer") == (relu["dead_layer"].astype(bool) & ~relu["solved"])).all()


def test_outcome_rejects_other_objects():
    with pytest.raises(TypeError, match="result must be a TrainResult; got dict"):
        experiments.outcome({})


# --- doctests print plain numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("module", ["cli", "plots", "experiments"])
def test_doctest_outputs_show_no_numpy_scalar_reprs(module):
    """NumPy 2 prints np.int64(3) where NumPy 1 printed 3: an example must convert (int(), float(),
    .tolist()) so that it reads, and passes, the same under both."""
    import doctest
    import importlib

    mod = importlib.import_module(f"relu_vs_sigmoid.{module}")
    examples = [e for t in doctest.DocTestFinder().find(mod) for e in t.examples]
    assert examples, module
    pattern = re.compile(r"np\.(int|uint|float|complex|bool)\w*\(|np\.(True|False)_")
    shown = [e.want for e in examples if pattern.search(e.want)]
    assert shown == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seeds": range(10**12)}, "seeds must hold at most 100,000 values; got more"),
        ({"seeds": iter(range(10**12))}, "seeds must hold at most 100,000 values; got more"),
        ({"depths": [10**9]}, r"depth must be an integer in \[1, 1000\]; got 1000000000"),
    ],
)
@pytest.mark.parametrize("function", [experiments.sweep, experiments.born_dead])
def test_absurd_sweep_sizes_fail_at_once(function, kwargs, message):
    """A huge range of seeds or depth is refused before anything is expanded or drawn (a billion-layer
    tuple, a trillion-seed list), not after exhausting memory."""
    with pytest.raises(ValueError, match=message):
        function(**kwargs)
