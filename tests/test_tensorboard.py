"""relu_vs_sigmoid.tensorboard: what train(logdir=...) writes, read back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_unchanged, snapshot
from tensorboard.backend.event_processing import event_accumulator

from relu_vs_sigmoid import tensorboard as tb
from relu_vs_sigmoid.models import build
from relu_vs_sigmoid.training import train

DEPTH, WIDTH = 3, 5


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("logs") / "run"  # does not exist yet: train creates it
    model = build(depth=DEPTH, width=WIDTH, activation="relu", seed=0)
    result = train(model, steps=50, log_every=10, learning_rate=0.1, logdir=logdir)
    return logdir, model, result


def _histogram_counts(logdir, tag) -> list[float]:
    events = event_accumulator.EventAccumulator(str(logdir), size_guidance={event_accumulator.TENSORS: 0})
    events.Reload()
    return [float(tf.make_ndarray(e.tensor_proto)[:, 2].sum()) for e in events.Tensors(tag)]


def test_event_file_written(run):
    logdir, _, _ = run
    assert logdir.is_dir()
    assert list(logdir.glob("events.out.tfevents.*"))


def test_tags(run):
    logdir, _, _ = run
    tags = tb.read_tags(logdir)
    layers = [f"layer{i}" for i in range(1, DEPTH + 1)]
    assert sorted(tags["scalars"]) == sorted(
        ["cost", "accuracy", *(f"gradient_norm/{name}" for name in (*layers, "last"))]
    )
    assert sorted(tags["histograms"]) == sorted(
        [
            *(f"layer{i}/Weight{i}" for i in range(1, DEPTH + 1)),
            *(f"layer{i}/activation" for i in range(1, DEPTH + 1)),
            f"last/Weight{DEPTH + 1}",
        ]
    )
    assert tags["scalars"] == sorted(tags["scalars"]) and tags["histograms"] == sorted(tags["histograms"])


def test_scalars_match_the_result(run):
    logdir, _, result = run
    scalars = tb.read_scalars(logdir)
    steps, cost = scalars["cost"]
    assert steps.dtype == np.int64 and cost.dtype == np.float64
    np.testing.assert_array_equal(steps, [0, 10, 20, 30, 40, 50])
    np.testing.assert_allclose(cost, result.loss, rtol=1e-6)
    steps, accuracy = scalars["accuracy"]
    np.testing.assert_array_equal(steps, result.step)
    np.testing.assert_allclose(accuracy, result.accuracy, rtol=1e-6)
    for i, name in enumerate(result.layer_names):
        steps, norms = scalars[f"gradient_norm/{name}"]
        np.testing.assert_array_equal(steps, result.step)
        np.testing.assert_allclose(norms, result.grad_norms[:, i], rtol=1e-6)


def test_histograms_hold_every_weight_and_activation(run):
    logdir, _, result = run
    n_logged = len(result.step)
    assert _histogram_counts(logdir, "layer1/Weight1") == [2.0 * WIDTH] * n_logged
    assert _histogram_counts(logdir, "layer2/Weight2") == [float(WIDTH * WIDTH)] * n_logged
    assert _histogram_counts(logdir, f"last/Weight{DEPTH + 1}") == [float(WIDTH)] * n_logged
    assert _histogram_counts(logdir, "layer1/activation") == [4.0 * WIDTH] * n_logged  # 4 XOR inputs


def test_graph_has_the_lectures_scopes(run):
    logdir, _, _ = run
    graph = tb.read_graph(logdir)
    # a GraphDef protocol buffer (TensorBoard's copy of the class, not tf.compat.v1.GraphDef itself)
    assert type(graph).__name__ == "GraphDef"
    names = [node.name for node in graph.node]
    scopes = {name.split("/")[0] for name in names if "/" in name}
    assert scopes == {*(f"layer{i}" for i in range(1, DEPTH + 1)), "last", "cost"}
    for i in range(1, DEPTH + 1):
        assert f"layer{i}/MatMul" in names and f"layer{i}/Relu" in names
    assert "last/MatMul" in names and "last/Sigmoid" in names


def test_str_logdir_and_deeper_net(tmp_path):
    logdir = str(tmp_path / "a" / "b")
    result = train(
        build(depth=10, width=5, activation="sigmoid", seed=0), steps=3, log_every=1, logdir=logdir
    )
    scalars = tb.read_scalars(logdir)
    np.testing.assert_array_equal(scalars["cost"][0], [0, 1, 2, 3])
    np.testing.assert_allclose(scalars["cost"][1], result.loss, rtol=1e-6)
    scopes = {n.name.split("/")[0] for n in tb.read_graph(Path(logdir)).node if "/" in n.name}
    assert scopes == {*(f"layer{i}" for i in range(1, 11)), "last", "cost"}
    assert "last/Weight11" in tb.read_tags(logdir)["histograms"]


def test_diverged_run_still_writes_its_log(tmp_path):
    result = train(
        build(2, 5, "maxout", seed=0), steps=300, learning_rate=1e6, log_every=100, logdir=tmp_path
    )
    assert result.diverged
    steps, cost = tb.read_scalars(tmp_path)["cost"]
    np.testing.assert_array_equal(steps, result.step)
    assert np.isfinite(cost[0]) and not np.isfinite(cost[-1])


@pytest.mark.parametrize("reader", [tb.read_tags, tb.read_scalars, tb.read_graph])
def test_readers_raise_on_a_folder_without_events(tmp_path, reader):
    with pytest.raises(FileNotFoundError, match="logdir has no TensorBoard event files"):
        reader(tmp_path)
    with pytest.raises(FileNotFoundError):
        reader(tmp_path / "missing")


def test_read_graph_raises_when_no_graph_was_written(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        tf.summary.scalar("cost", 0.5)
    writer.close()
    assert tb.read_scalars(tmp_path)["cost"][1].tolist() == [0.5]
    with pytest.raises(FileNotFoundError, match="no graph in the event files"):
        tb.read_graph(tmp_path)


@pytest.mark.parametrize("logdir", [3, 1.5, b"logs", ["logs"]])
def test_logdir_of_wrong_type_raises_before_training(tmp_path, monkeypatch, logdir):
    monkeypatch.chdir(tmp_path)
    model = build(depth=2, width=3, activation="relu", seed=0)
    before = snapshot(model)
    with pytest.raises(TypeError, match="logdir must be a str or path"):
        train(model, steps=10, logdir=logdir)
    assert_unchanged(model, before)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_scope_graph_of_a_real_log(run):
    logdir, model, _ = run
    graph = tb.scope_graph(tb.read_graph(logdir))
    assert graph.scopes == ("X", "y", "layer1", "layer2", "layer3", "last", "cost")
    assert graph.edges == (
        ("X", "layer1"),
        ("layer1", "layer2"),
        ("layer2", "layer3"),
        ("layer3", "last"),
        ("y", "cost"),
        ("last", "cost"),
    )
    assert graph.variables["layer1"] == (("Weight1", (2, 5)), ("Bias1", (5,)))
    assert graph.variables["last"] == (("Weight4", (5, 1)), ("Bias4", (1,)))
    assert graph.variables["X"] == () and graph.variables["cost"] == ()
    assert graph.n_ops["X"] == 1 and all(n >= 5 for s, n in graph.n_ops.items() if s.startswith("layer"))
    assert sum(graph.n_ops.values()) == len(tb.read_graph(logdir).node) - 2  # less Identity and NoOp


def test_scope_graph_rejects_what_is_not_a_graph():
    with pytest.raises(TypeError, match="graph_def must be a GraphDef"):
        tb.scope_graph("graph")


# --- one run per folder ----------------------------------------------------------------------------------


def test_a_second_run_into_the_same_logdir_is_refused(tmp_path):
    logdir = tmp_path / "run"
    train(build(2, 3, "relu", seed=0), steps=20, log_every=10, logdir=logdir)
    model = build(2, 3, "relu", seed=1)
    before = snapshot(model)
    files = sorted(logdir.iterdir())
    with pytest.raises(ValueError) as info:
        train(model, steps=20, log_every=10, logdir=logdir)
    message = str(info.value)
    assert message.startswith(f"logdir {logdir} already holds TensorBoard event files (events.out.tfevents.")
    assert message.endswith("give each run its own folder, or delete the old event files first")
    assert "\n" not in message  # one line, as the command line prints it
    assert_unchanged(model, before)  # refused before the first update
    assert sorted(logdir.iterdir()) == files  # and before writing anything
    # the first run's logs are still one run's: each step once (two runs gave steps 0 0 10 10 20 20)
    np.testing.assert_array_equal(tb.read_scalars(logdir)["cost"][0], [0, 10, 20])


def test_event_files_anywhere_inside_the_logdir_are_refused(tmp_path):
    train(build(1, 2, "relu", seed=0), steps=2, logdir=tmp_path / "runs" / "relu")
    with pytest.raises(
        ValueError, match=r"already holds TensorBoard event files \(relu/events\.out\.tfevents\."
    ):
        train(build(1, 2, "relu", seed=0), steps=2, logdir=tmp_path / "runs")
    # TensorBoard counts every file with "tfevents" in its name
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "old.tfevents.bak").write_bytes(b"")
    with pytest.raises(ValueError, match=r"\(old\.tfevents\.bak\)"):
        tb.check_logdir(str(tmp_path / "other"))


def test_folders_without_event_files_are_accepted(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes")
    (tmp_path / "sub").mkdir()
    assert tb.check_logdir(tmp_path) == tmp_path
    assert tb.check_logdir(tmp_path / "missing" / "run") == tmp_path / "missing" / "run"
    train(build(1, 2, "relu", seed=0), steps=2, logdir=tmp_path)  # next to other files
    assert (tmp_path / "notes.txt").read_text() == "my notes"
    np.testing.assert_array_equal(tb.read_scalars(tmp_path)["cost"][0], [0, 2])


def test_each_run_in_its_own_folder_keeps_its_own_steps(tmp_path):
    for name in ("a", "b"):
        train(build(1, 2, "relu", seed=0), steps=20, log_every=10, logdir=tmp_path / name)
    for name in ("a", "b"):
        np.testing.assert_array_equal(tb.read_scalars(tmp_path / name)["cost"][0], [0, 10, 20])


# --- without the tensorboard package ------------------------------------------------------------------------

WITHOUT_TENSORBOARD = textwrap.dedent(
    """
    import sys

    sys.modules["tensorboard"] = None  # as if it were not installed: importing it fails
    import relu_vs_sigmoid
    from relu_vs_sigmoid import build, train

    result = train(build(depth=1, width=2, activation="relu", seed=0), steps=10)
    print("trained", int(result.step[-1]))
    for call in (
        lambda: train(build(depth=1, width=2, activation="relu", seed=0), steps=10, logdir=sys.argv[1]),
        lambda: relu_vs_sigmoid.tensorboard.read_scalars(sys.argv[2]),
    ):
        try:
            call()
        except ImportError as error:
            print(type(error).__name__, "|", error)
    """
)


def test_training_without_a_logdir_does_not_need_tensorboard(tmp_path, run):
    logdir, _, _ = run  # a real log, for the reader
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", WITHOUT_TENSORBOARD, str(tmp_path / "logs"), str(logdir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    trained, writing, reading = done.stdout.splitlines()
    assert trained == "trained 10"
    for line, task in (
        (writing, "writing TensorBoard logs (logdir=...)"),
        (reading, "reading TensorBoard logs"),
    ):
        assert line.startswith(f"ModuleNotFoundError | {task} needs the tensorboard package"), line
        assert line.endswith("install it with: pip install tensorboard"), line
    assert not (tmp_path / "logs").exists()  # refused before creating the folder
