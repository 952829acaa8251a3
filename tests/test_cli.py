"""relu_vs_sigmoid.cli: the relu-vs-sigmoid command, its argument errors, its output and its clean-up."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.figure
import pandas as pd
import pytest

import relu_vs_sigmoid
from relu_vs_sigmoid import activations, cli, experiments, models, training
from relu_vs_sigmoid.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ERROR_LINE = re.compile(r"^relu-vs-sigmoid (train|sweep): error: (.*) \(see 'relu-vs-sigmoid \1 --help'\)$")


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m relu_vs_sigmoid ARGS`` in a fresh interpreter."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", "relu_vs_sigmoid", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def error_line(stderr: str) -> str:
    """The message of the one ``error:`` line of an argument error, without its pointer to ``--help``."""
    lines = [line for line in stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, stderr
    match = ERROR_LINE.match(lines[0])
    assert match, lines[0]
    return match[2]


def exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(argv)
    return info.value.code


def _can_write(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder this process cannot create files in: a folder of mode 0555, or /sys if we are root
    (root ignores file modes, but sysfs refuses new files to everyone)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if _can_write(folder):
            folder = Path("/sys")
            if not folder.is_dir() or _can_write(folder):
                pytest.skip("no folder here refuses new files to this user")
        yield folder
    finally:
        (tmp_path / "read-only").chmod(0o755)


# --- the program: help, version, python -m --------------------------------------------------------


def test_help_in_a_subprocess(tmp_path):
    done = run_module("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: relu-vs-sigmoid")
    assert "train" in done.stdout and "sweep" in done.stdout


def test_bad_argument_in_a_subprocess(tmp_path):
    done = run_module("train", "--depth", "0", cwd=tmp_path)
    assert done.returncode == 2
    assert error_line(done.stderr) == "argument --depth: depth must be an integer >= 1; got 0"
    assert len(done.stderr.splitlines()) == 1, done.stderr  # one line: no usage block, no TensorFlow log
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


HELP_IMPORTS = """
import sys
from relu_vs_sigmoid.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print("tensorflow" in sys.modules)
"""


def test_help_does_not_import_tensorflow(tmp_path):
    done = subprocess.run([sys.executable, "-c", HELP_IMPORTS], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"


CLI_ALONE = """
import sys, types
# A stand-in for relu_vs_sigmoid/__init__.py, which imports TensorFlow: load cli.py and what it imports only.
package = types.ModuleType("relu_vs_sigmoid")
package.__path__ = [{folder!r}]
package.__version__ = "0+test"
sys.modules["relu_vs_sigmoid"] = package
from relu_vs_sigmoid.cli import main
for argv in (["--help"], ["sweep", "--help"], ["train", "--depth", "0"], ["sweep", "--out", {file!r}]):
    try:
        main(argv)
    except SystemExit:
        pass
print("tensorflow" in sys.modules, "matplotlib" in sys.modules)
"""


def test_cli_module_imports_no_tensorflow_for_help_and_argument_errors(tmp_path):
    file = tmp_path / "a-file"
    file.touch()
    code = CLI_ALONE.format(folder=str(Path(cli.__file__).parent), file=str(file))
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False False"
    assert done.stderr.count("error:") == 2


def test_version(capsys):
    assert exit_code(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"relu-vs-sigmoid {relu_vs_sigmoid.__version__}"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("train", ["--activation", "--depth", "--width", "--seed", "--steps", "--learning-rate"]),
        ("train", ["--optimizer", "--init", "--logdir", "--no-progress"]),
        ("sweep", ["--activations", "--depths", "--widths", "--seeds", "--steps", "--learning-rate"]),
        ("sweep", ["--optimizer", "--init", "--out", "--no-progress"]),
    ],
)
def test_help_explains_every_option(capsys, command, options):
    assert exit_code([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in options:
        assert re.search(rf"^  {option}\b.*\S", help_text, re.MULTILINE), option
    assert "(default: relu)" in help_text or "(default: sigmoid,relu)" in help_text
    assert "(default: 0.1)" in help_text and "(default: sgd)" in help_text


def test_no_command_is_an_error(capsys):
    assert exit_code([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_the_copied_names_agree_with_the_package():
    assert cli.ACTIVATIONS == activations.NAMES
    assert cli.INITS == models.INITS
    assert cli.OPTIMIZERS == training.OPTIMIZERS


# --- arguments -------------------------------------------------------------------------------------


def test_lists_and_ranges():
    parse = cli.build_parser().parse_args
    args = parse(["sweep", "--depths", "1-4,8,12", "--widths", " 3 , 5 ", "--out", "results"])
    assert args.depths == [1, 2, 3, 4, 8, 12] and args.widths == [3, 5]
    assert parse(["sweep", "--depths", "7-7", "--out", "results"]).depths == [7]
    args = parse(["sweep", "--activations", "relu,tanh", "--seeds", "3", "--out", "results"])
    assert args.activations == ["relu", "tanh"] and args.seeds == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["train", "--activation", "Relu6"],
            "argument --activation: activation must be one of sigmoid, tanh",
        ),
        (["sweep", "--activations", "sigmoid,Relu6"], "argument --activations: activation must be one of"),
        (["sweep", "--activations", "relu,relu"], "argument --activations: activations must not repeat"),
        (["train", "--depth", "0"], "argument --depth: depth must be an integer >= 1; got 0"),
        (["train", "--depth", "2.5"], "argument --depth: depth must be an integer >= 1; got '2.5'"),
        (["sweep", "--depths", "0,2"], "argument --depths: depth must be an integer >= 1; got 0"),
        (["sweep", "--depths", "5-2"], "argument --depths: the range 5-2 of depths is empty"),
        (["sweep", "--depths", "1-4,3"], "argument --depths: depths must not repeat a value; got 3"),
        (["sweep", "--depths", "1-"], "argument --depths: depths must be integers or ranges like 1-12"),
        (["train", "--width", "0"], "argument --width: width must be an integer >= 1; got 0"),
        (["sweep", "--widths", "0"], "argument --widths: width must be an integer >= 1; got 0"),
        (["train", "--seed", "-1"], "argument --seed: seed must be an integer >= 0; got -1"),
        (["train", "--steps", "0"], "argument --steps: steps must be an integer >= 1; got 0"),
        (["train", "--steps", "-5"], "argument --steps: steps must be an integer >= 1; got -5"),
        (["sweep", "--steps", "0"], "argument --steps: steps must be an integer >= 1; got 0"),
        (["sweep", "--seeds", "0"], "argument --seeds: seeds must be an integer >= 1; got 0"),
        (["train", "--learning-rate", "0"], "argument --learning-rate: learning_rate must be > 0; got 0.0"),
        (["train", "--learning-rate", "-0.1"], "argument --learning-rate: learning_rate must be > 0"),
        (["sweep", "--learning-rate", "nan"], "argument --learning-rate: learning_rate must be finite"),
        (["sweep", "--learning-rate", "fast"], "argument --learning-rate: learning_rate must be a number"),
        (["train", "--init", "xavier"], "argument --init: init must be one of uniform, glorot, he"),
        (["sweep", "--optimizer", "rmsprop"], "argument --optimizer: optimizer must be one of sgd, adam"),
    ],
)
def test_bad_arguments(capsys, tmp_path, argv, message):
    out = tmp_path / "out"
    if argv[0] == "sweep":
        argv = [*argv, "--out", str(out)]
    assert exit_code(argv) == 2
    captured = capsys.readouterr()
    assert error_line(captured.err).startswith(message)
    assert captured.out == ""
    assert not out.exists()


def test_an_error_of_the_package_is_an_argument_error(capsys, monkeypatch):
    def build(*args, **kwargs):
        raise ValueError("width must be an integer >= 1; got 0")

    monkeypatch.setattr(models, "build", build)
    assert exit_code(["train", "--no-progress"]) == 2
    assert error_line(capsys.readouterr().err) == "width must be an integer >= 1; got 0"


@pytest.mark.parametrize("option", ["--out", "--logdir"])
def test_a_folder_that_is_a_file(capsys, tmp_path, option):
    file = tmp_path / "results"
    file.write_text("not a folder")
    argv = ["sweep", "--out", str(file)] if option == "--out" else ["train", "--logdir", str(file)]
    assert exit_code(argv) == 2
    assert error_line(capsys.readouterr().err) == f"argument {option}: {file} exists and is not a directory"
    assert exit_code([argv[0], option, str(file / "inside")]) == 2
    assert error_line(capsys.readouterr().err).startswith(f"argument {option}: cannot write to {file}/inside")
    assert file.read_text() == "not a folder"


@pytest.mark.parametrize("option", ["--out", "--logdir"])
def test_a_folder_in_a_read_only_folder(capsys, read_only_dir, option):
    target = read_only_dir / "relu-vs-sigmoid-test" / "results"
    command = "sweep" if option == "--out" else "train"
    assert exit_code([command, option, str(target)]) == 2
    assert error_line(capsys.readouterr().err).startswith(f"argument {option}: cannot write to {target}")
    assert not target.parent.exists()


# --- train -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_train_solves_xor(capsys):
    argv = ["train", "--activation", "relu", "--depth", "2", "--width", "5", "--seed", "0", "--steps", "2000"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "MLP(2→5→5→1, activation='relu', init='uniform', seed=0)" in out
    assert re.search(r"^final loss\s+0\.\d{4} nats", out, re.MULTILINE)
    assert re.search(r"^accuracy\s+1\.00 ", out, re.MULTILINE)
    assert re.search(r"^solved\s+yes", out, re.MULTILINE)
    predictions = re.findall(r"^\s+([01])\s+([01]) -> (0\.\d{4}|1\.0000)\s+\(([01])\)$", out, re.MULTILINE)
    assert [(x1, x2, label) for x1, x2, _, label in predictions] == [
        ("0", "0", "0"),
        ("0", "1", "1"),
        ("1", "0", "1"),
        ("1", "1", "0"),
    ]
    assert re.search(r"^dead units\s+\d \d of 5 in layer1 … layer2", out, re.MULTILINE)
    assert "step" in captured.err  # the progress bar


def test_train_with_logdir(capsys, tmp_path):
    logdir = tmp_path / "runs" / "sigmoid"
    argv = ["train", "--activation", "sigmoid", "--depth", "2", "--steps", "20", "--logdir", str(logdir)]
    assert main([*argv, "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert list(logdir.glob("events.out.tfevents.*"))
    assert f"tensorboard --logdir {logdir}" in captured.out
    assert "dead units" not in captured.out  # counted for relu only
    assert re.search(r"^solved\s+no", captured.out, re.MULTILINE)
    assert "step" not in captured.err  # --no-progress


def interrupted_training(model, *, logdir, **kwargs):
    (logdir / "events.out.tfevents.partial").write_bytes(b"half an event")
    raise KeyboardInterrupt


def test_train_interrupted_removes_the_logdir_it_created(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(training, "train", interrupted_training)
    logdir = tmp_path / "runs" / "relu"
    assert main(["train", "--logdir", str(logdir)]) == 130
    assert capsys.readouterr().err.strip() == f"relu-vs-sigmoid: interrupted; removed {logdir}"
    assert not (tmp_path / "runs").exists()


def test_train_interrupted_leaves_an_existing_logdir(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(training, "train", interrupted_training)
    assert main(["train", "--logdir", str(tmp_path)]) == 130
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"relu-vs-sigmoid: interrupted; {tmp_path} existed before this run and was left")
    assert (tmp_path / "events.out.tfevents.partial").exists()


def test_train_failing_is_not_an_argument_error(monkeypatch, tmp_path):
    def failing(model, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(training, "train", failing)
    logdir = tmp_path / "run"
    with pytest.raises(RuntimeError, match="out of memory") as info:
        main(["train", "--logdir", str(logdir)])
    assert info.value.__notes__ == [f"removed {logdir}"]
    assert not logdir.exists()


# --- sweep -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sweep_writes_the_table_and_a_heatmap(capsys, tmp_path):
    out = tmp_path / "results"
    argv = ["sweep", "--activations", "sigmoid,relu", "--depths", "1,2", "--seeds", "2", "--steps", "300"]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns) == list(experiments.COLUMNS)
    assert len(table) == 2 * 2 * 2
    assert set(zip(table.activation, table.depth, table.seed, strict=True)) == set(
        itertools.product(["sigmoid", "relu"], [1, 2], [0, 1])
    )
    assert (out / "solved_w5.png").read_bytes().startswith(PNG_SIGNATURE)
    assert sorted(p.name for p in out.iterdir()) == ["solved_w5.png", "sweep.csv"]  # no temporaries left
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "sweep.csv").stat().st_mode & 0o777 == 0o666 & ~umask  # not tempfile's private 0600
    captured = capsys.readouterr()
    assert re.search(r"^depth\s+1\s+2$", captured.out, re.MULTILINE)
    assert re.search(r"^sigmoid\s+\d/2\s+\d/2$", captured.out, re.MULTILINE)
    assert f"wrote        {out / 'sweep.csv'}" in captured.out
    assert f"wrote        {out / 'solved_w5.png'}" in captured.out
    assert "net-step" not in captured.err  # --no-progress


def fake_sweep(activations, depths, widths, seeds, **kwargs):
    """A table shaped like experiments.sweep's, without training: seed 0 solves, the others do not."""
    rows = [
        dict.fromkeys(experiments.COLUMNS)
        | {"activation": a, "depth": d, "width": w, "seed": s, "solved": s == 0}
        for a, d, w, s in itertools.product(activations, depths, widths, seeds)
    ]
    return pd.DataFrame(rows, columns=list(experiments.COLUMNS))


def test_sweep_of_several_widths_with_a_fake_sweep(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    out = tmp_path / "results"
    assert main(["sweep", "--depths", "1-3", "--widths", "2,5", "--seeds", "4", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["solved_w2.png", "solved_w5.png", "sweep.csv"]
    captured = capsys.readouterr().out
    assert captured.count("relu     1/4  1/4  1/4") == 2


def test_sweep_interrupted_leaves_nothing(capsys, monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments, "sweep", interrupted)
    out = tmp_path / "new" / "results"
    assert main(["sweep", "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip() == f"relu-vs-sigmoid: interrupted; nothing was written to {out}"
    assert not (tmp_path / "new").exists()


def half_written_png(self, file, **kwargs):
    file.write(PNG_SIGNATURE + b"half a heatmap")
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("existed", [False, True])
def test_sweep_failing_to_write_a_png_leaves_nothing(monkeypatch, tmp_path, existed):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", half_written_png)
    out = tmp_path / "results"
    if existed:
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match="No space left") as info:
        main(["sweep", "--seeds", "2", "--out", str(out)])
    assert info.value.__notes__ == [f"nothing was written to {out}"]
    if existed:
        assert [p.name for p in out.iterdir()] == ["notes.txt"]
    else:
        assert not out.exists()
