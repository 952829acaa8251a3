"""relu_vs_sigmoid.cli: the relu-vs-sigmoid command, its argument errors, its output and its clean-up."""

from __future__ import annotations

import itertools
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib.figure
import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import relu_vs_sigmoid
from relu_vs_sigmoid import activations, cli, data, experiments, models, tensorboard, training
from relu_vs_sigmoid.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ERROR_LINE = re.compile(r"^relu-vs-sigmoid (train|sweep): error: (.*) \(see 'relu-vs-sigmoid \1 --help'\)$")


def run_module(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """``python -m relu_vs_sigmoid ARGS`` in a fresh interpreter (``env`` added to this one's)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "relu_vs_sigmoid", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
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
        ("train", ["--optimizer", "--init", "--logdir", "--overwrite", "--no-progress"]),
        ("sweep", ["--activations", "--depths", "--widths", "--seeds", "--steps", "--learning-rate"]),
        ("sweep", ["--optimizer", "--init", "--out", "--overwrite", "--no-progress"]),
    ],
)
def test_help_explains_every_option(capsys, command, options):
    assert exit_code([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in options:
        assert re.search(rf"^  {option}\b.*\S", help_text, re.MULTILINE), option
    assert ("(default: relu)" if command == "train" else "(default: sigmoid,relu)") in help_text
    assert "(default: 0.1)" in help_text and "(default: sgd)" in help_text


def help_of(command: str, option: str, capsys) -> str:
    """The help paragraph of ``option`` in ``COMMAND --help``, on one line."""
    assert exit_code([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    match = re.search(rf" {option} (?:[A-Z]+ )?(.*?)(?= --[a-z]|$)", text)
    assert match, (option, text)
    return match[1]


@pytest.mark.parametrize(
    ("command", "option", "limit"),
    [
        ("train", "--depth", "1 to 500"),
        ("train", "--width", "1 to 1,000"),
        ("train", "--steps", "at most 100,000,000"),
        ("sweep", "--depths", "each 1 to 500"),
        ("sweep", "--widths", "each 1 to 1,000"),
        ("sweep", "--seeds", "at most 100,000"),
        ("sweep", "--steps", "at most 100,000,000"),
    ],
)
def test_help_states_the_limits(capsys, command, option, limit):
    assert limit in help_of(command, option, capsys)
    if command == "sweep":
        assert exit_code(["sweep", "--help"]) == 0
        assert "at most 100,000 networks" in " ".join(capsys.readouterr().out.split())


def test_no_command_is_an_error(capsys):
    assert exit_code([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


# _choices copies the package's names so that the command line need not import TensorFlow; the package
# re-exports that same tuple (activations.NAMES is _choices.ACTIVATIONS), so comparing the two proves
# nothing. These tests compare what argparse actually offers with what the package implements.


def offered(command: str, option: str, capsys) -> list[str]:
    """The names ``COMMAND OPTION`` accepts, as its error for an unknown name lists them."""
    argv = [command, option, "no-such-name", *(["--out", "unused"] if command == "sweep" else [])]
    assert exit_code(argv) == 2
    match = re.search(r"must be one of (.*); got 'no-such-name'$", error_line(capsys.readouterr().err))
    assert match
    return match[1].split(", ")


@pytest.mark.parametrize(("command", "option"), [("train", "--activation"), ("sweep", "--activations")])
def test_the_activations_offered_are_those_the_package_implements(capsys, command, option):
    names = offered(command, option, capsys)
    assert names == list(activations._FORMULAS)  # the registry: one formula per implemented activation
    assert all(name in help_of(command, option, capsys) for name in names)
    z = np.linspace(-3.0, 3.0, 13, dtype=np.float32)
    for name in names:
        act = activations.get(name)
        assert act.name == name
        inputs = np.stack([z, -0.5 * z], axis=-1) if act.pieces > 1 else z
        # get() must hand out the module's function of that name, not fall through to another one
        np.testing.assert_allclose(act.function(inputs).numpy(), getattr(activations, name)(inputs).numpy())


# What --help says each initialiser is, for a 300 × 300 layer: (bound on |w| or None, standard deviation).
INIT_DISTRIBUTIONS = {
    "uniform": (1.0, 1 / math.sqrt(3)),  # U(-1, 1)
    "glorot": (math.sqrt(6 / 600), math.sqrt(2 / 600)),  # Glorot uniform: U(±√(6 / (fan_in + fan_out)))
    "he": (None, math.sqrt(2 / 300)),  # He normal: N(0, 2 / fan_in), unbounded
}


@pytest.mark.parametrize("command", ["train", "sweep"])
def test_the_inits_offered_are_the_documented_initialisers(capsys, command):
    names = offered(command, "--init", capsys)
    documented = re.findall(r"(\w+) = ", help_of(command, "--init", capsys))
    assert names == documented == list(INIT_DISTRIBUTIONS)
    for name in names:
        bound, std = INIT_DISTRIBUTIONS[name]
        w = models.initial_weights((300, 300), init=name, seed=0)[1]  # the 300 × 300 layer
        assert w.std() == pytest.approx(std, rel=0.02), name
        if bound is None:
            assert np.abs(w).max() > 3 * std, name  # normal tails
        else:
            assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound, name


@pytest.mark.parametrize("command", ["train", "sweep"])
def test_the_optimizers_offered_are_the_documented_ones(capsys, command):
    names = offered(command, "--optimizer", capsys)
    documented = re.findall(r"(\w+) = ", help_of(command, "--optimizer", capsys))
    assert names == documented == ["sgd", "adam"]
    X, y = (np.asarray(a, np.float32) for a in (data.X, data.y))
    for name in names:
        model = models.build(1, 3, "sigmoid", seed=0)
        before = [v.numpy().copy() for v in (*model.weights, *model.biases)]
        grads = [g.numpy() for g in training.loss_and_gradients(model, X, y)[2]]
        training.train(model, steps=1, learning_rate=0.1, optimizer=name, log_every=1)
        for v, w0, g in zip((*model.weights, *model.biases), before, grads, strict=True):
            update = w0 - v.numpy()  # float32: exact to about 1e-7
            if name == "sgd":  # plain gradient descent: w - η g
                np.testing.assert_allclose(update, 0.1 * g, rtol=1e-3, atol=3e-7)
            else:  # Adam's first step, m̂ / √v̂ = g / |g|: η in the gradient's direction
                np.testing.assert_allclose(update, 0.1 * np.sign(g), rtol=1e-3, atol=3e-7)


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


# --- the PNGs are opaque, whatever the user's matplotlibrc says ----------------------------------------

TRANSPARENT_RC = """\
savefig.transparent: True
savefig.facecolor: none
figure.facecolor: none
axes.facecolor: none
"""


@pytest.mark.slow
def test_sweep_pngs_are_opaque_whatever_the_matplotlibrc(tmp_path):
    rc = tmp_path / "rc"
    rc.mkdir()
    (rc / "matplotlibrc").write_text(TRANSPARENT_RC)
    env = {"MATPLOTLIBRC": str(rc)}
    check = "import matplotlib; print(matplotlib.rcParams['savefig.transparent'])"
    done = subprocess.run(
        [sys.executable, "-c", check], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.stdout.strip() == "True", done.stderr  # the rc file is in effect in a fresh interpreter
    out = tmp_path / "results"
    argv = [
        "sweep",
        "--activations",
        "relu",
        "--depths",
        "1",
        "--widths",
        "2,3",
        "--seeds",
        "1",
        "--steps",
        "1",
    ]
    done = run_module(*argv, "--no-progress", "--out", str(out), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == ["solved_w2.png", "solved_w3.png"]
    for png in pngs:
        image = matplotlib.image.imread(png)
        alpha = image[..., 3] if image.shape[-1] == 4 else np.ones(image.shape[:2])
        assert alpha.min() == 1.0, f"{png.name}: {np.mean(alpha < 1):.0%} of the pixels are transparent"
        np.testing.assert_array_equal(image[0, 0, :3], [1.0, 1.0, 1.0])  # a white background


def test_sweep_pngs_are_opaque_under_an_rc_context(monkeypatch, tmp_path):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    out = tmp_path / "results"
    rc = {"savefig.transparent": True, "savefig.facecolor": "none", "figure.facecolor": "none"}
    with matplotlib.rc_context(rc):
        assert main(["sweep", "--seeds", "2", "--out", str(out)]) == 0
    image = matplotlib.image.imread(out / "solved_w5.png")
    assert image.shape[-1] == 4 and image[..., 3].min() == 1.0


# --- absurd sizes: refused at once, naming the option, the limit and the value ------------------------


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    """At most 2 GiB of address space, where the system allows it: should a regression expand a range
    of two billion numbers again, the child fails fast instead of swapping the machine to a halt."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))
    except (ImportError, ValueError, OSError):
        pass


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["sweep", "--depths", "1-2000000000"],
            "argument --depths: depth must be at most 500; got the range 1-2000000000",
        ),
        (
            ["sweep", "--widths", "5,1-2000000000"],
            "argument --widths: width must be at most 1,000; got the range 1-2000000000",
        ),
        (
            ["sweep", "--seeds", "1000000000000"],
            "argument --seeds: seeds must be at most 100,000; got 1000000000000",
        ),
        (
            ["sweep", "--seeds", "9" * 5000],
            "argument --seeds: seeds must be at most 100,000; got 999999999999…9999 (5000 digits)",
        ),
        (["train", "--depth", "2000000000"], "argument --depth: depth must be at most 500; got 2000000000"),
        (
            ["train", "--steps", "1000000000000"],
            "argument --steps: steps must be at most 100,000,000; got 1000000000000",
        ),
    ],
)
def test_absurd_sizes_exit_at_once(tmp_path, argv, message):
    out = tmp_path / "out"
    if argv[0] == "sweep":
        argv = [*argv, "--out", str(out)]
    start = time.monotonic()
    limit = None if sys.platform == "win32" else _limit_memory  # Windows has no preexec_fn
    done = run_module(*argv, cwd=tmp_path, timeout=120, preexec_fn=limit)
    assert done.returncode == 2, done.stderr[-3000:]
    assert error_line(done.stderr) == message
    assert time.monotonic() - start < 60
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--depth", "501"], "argument --depth: depth must be at most 500; got 501"),
        (["train", "--width", "1001"], "argument --width: width must be at most 1,000; got 1001"),
        (
            ["train", "--steps", "100000001"],
            "argument --steps: steps must be at most 100,000,000; got 100000001",
        ),
        (
            ["sweep", "--depths", "2,499-501"],
            "argument --depths: depth must be at most 500; got the range 499-501",
        ),
        (["sweep", "--widths", "1001"], "argument --widths: width must be at most 1,000; got 1001"),
        (["sweep", "--seeds", "100001"], "argument --seeds: seeds must be at most 100,000; got 100001"),
        (
            ["sweep", "--steps", "100000001"],
            "argument --steps: steps must be at most 100,000,000; got 100000001",
        ),
    ],
)
def test_sizes_just_beyond_the_limits(capsys, tmp_path, argv, message):
    out = tmp_path / "out"
    if argv[0] == "sweep":
        argv = [*argv, "--out", str(out)]
    assert exit_code(argv) == 2
    assert error_line(capsys.readouterr().err) == message
    assert not out.exists()


def test_sizes_at_the_limits_are_accepted():
    parse = cli.build_parser().parse_args
    args = parse(["sweep", "--depths", "1-500", "--widths", "1000", "--seeds", "100000", "--out", "results"])
    assert args.depths == list(range(1, 501)) and args.widths == [1000] and args.seeds == 100_000
    assert parse(["train", "--depth", "500", "--width", "1000", "--steps", "100000000"]).steps == 100_000_000
    assert parse(["train", "--seed", "123456789012345678901234567890"]).seed == 123456789012345678901234567890


def test_sweep_of_too_many_networks_is_refused_before_anything(capsys, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(experiments, "sweep", lambda *args, **kwargs: calls.append(1))
    out = tmp_path / "out"
    argv = ["sweep", "--depths", "1-500", "--widths", "1-20", "--seeds", "10", "--out", str(out)]
    assert exit_code(argv) == 2
    captured = capsys.readouterr()
    assert error_line(captured.err) == (
        "the sweep would train 2 activations × 500 depths × 20 widths × 10 seeds = 200,000 networks; "
        "at most 100,000 are allowed: give fewer --activations, --depths, --widths or --seeds"
    )
    assert captured.out == "" and calls == [] and not out.exists()


# --- the package's own refusals are argument errors --------------------------------------------------


@pytest.mark.parametrize("command", ["train", "sweep"])
def test_a_refusal_of_the_training_functions_is_an_argument_error(capsys, monkeypatch, tmp_path, command):
    message = "learning_rate must be finite in float32 (at most 3.4e+38); got 1e+39"

    def refusing(*args, **kwargs):
        raise ValueError(message)

    out = tmp_path / "out"
    if command == "train":
        monkeypatch.setattr(training, "train", refusing)
        argv = ["train", "--no-progress", "--logdir", str(out)]
    else:
        monkeypatch.setattr(experiments, "sweep", refusing)
        argv = ["sweep", "--no-progress", "--out", str(out)]
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert error_line(err) == message
    assert len(err.splitlines()) == 1, err
    assert not out.exists()  # the folder this run created is removed again


def test_train_into_a_logdir_the_package_refuses_is_an_argument_error(capsys, monkeypatch, tmp_path):
    (tmp_path / "events.out.tfevents.1.earlier").write_bytes(b"an earlier run")

    def refusing(model, *, logdir, **kwargs):
        raise tensorboard.LogdirInUseError(f"logdir {str(logdir)!r} already holds TensorBoard event files")

    monkeypatch.setattr(training, "train", refusing)
    assert exit_code(["train", "--logdir", str(tmp_path), "--no-progress"]) == 2
    assert error_line(capsys.readouterr().err) == (
        f"argument --logdir: logdir {str(tmp_path)!r} already holds TensorBoard event files; "
        "pass --overwrite to replace them"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["events.out.tfevents.1.earlier"]


# --- an earlier run's outputs never mix with a new run's ---------------------------------------------


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_sweep_refuses_a_folder_holding_an_earlier_sweep(capsys, monkeypatch, tmp_path):
    calls = []

    def counting_sweep(*args, **kwargs):
        calls.append(1)
        return fake_sweep(*args, **kwargs)

    monkeypatch.setattr(experiments, "sweep", counting_sweep)
    out = tmp_path / "results"
    assert main(["sweep", "--widths", "16", "--seeds", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    before = _contents(out)
    assert exit_code(["sweep", "--widths", "5", "--seeds", "2", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert error_line(captured.err) == (
        f"argument --out: {out} holds the outputs of an earlier sweep (solved_w16.png, sweep.csv); "
        "pass --overwrite to replace them, or choose another folder"
    )
    assert captured.out == ""
    assert calls == [1]  # refused before training
    assert _contents(out) == before


def test_sweep_refusal_lists_many_earlier_outputs_on_one_line(capsys, tmp_path):
    for width in (2, 3, 4, 5):
        (tmp_path / f"solved_w{width}.png").write_bytes(PNG_SIGNATURE)
    assert exit_code(["sweep", "--out", str(tmp_path)]) == 2
    assert "(solved_w2.png, solved_w3.png, solved_w4.png and 1 more)" in error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "name", ["notes.txt", "sweep.csv.bak", "my_solved_w5.png", "solved_w.png", ".sweep.csv.1a2b.tmp"]
)
def test_other_files_are_not_an_earlier_sweep(monkeypatch, tmp_path, name):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    (tmp_path / name).write_text("mine")
    assert main(["sweep", "--seeds", "2", "--out", str(tmp_path)]) == 0
    assert _contents(tmp_path)[name] == b"mine"


def test_sweep_overwrite_replaces_only_the_earlier_outputs(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    out = tmp_path / "results"
    assert main(["sweep", "--widths", "5,16", "--seeds", "2", "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert main(["sweep", "--widths", "5", "--seeds", "3", "--out", str(out), "--overwrite"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "solved_w5.png", "sweep.csv"]
    assert (out / "notes.txt").read_text() == "mine"
    table = pd.read_csv(out / "sweep.csv")
    assert set(table.width) == {5} and set(table.seed) == {0, 1, 2}  # the new sweep's table
    stdout = capsys.readouterr().out
    assert f"removed      {out / 'solved_w16.png'} (of an earlier sweep)" in stdout
    assert f"wrote        {out / 'solved_w5.png'}" in stdout


def test_sweep_overwrite_keeps_the_earlier_outputs_if_the_sweep_fails(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(experiments, "sweep", fake_sweep)
    out = tmp_path / "results"
    assert main(["sweep", "--widths", "16", "--seeds", "2", "--out", str(out)]) == 0
    before = _contents(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments, "sweep", interrupted)
    capsys.readouterr()
    assert main(["sweep", "--widths", "5", "--out", str(out), "--overwrite"]) == 130
    assert capsys.readouterr().err.strip() == f"relu-vs-sigmoid: interrupted; nothing was written to {out}"
    assert _contents(out) == before


def test_overwrite_applies_only_with_logdir(capsys):
    assert exit_code(["train", "--overwrite"]) == 2
    assert error_line(capsys.readouterr().err).startswith("argument --overwrite: applies only with --logdir")


@pytest.mark.slow
def test_train_overwrite_replaces_the_earlier_event_files(capsys, tmp_path):
    logdir = tmp_path / "run"
    argv = ["train", "--activation", "sigmoid", "--depth", "2", "--logdir", str(logdir), "--no-progress"]
    assert main([*argv, "--steps", "20"]) == 0
    (logdir / "notes.txt").write_text("mine")
    before = _contents(logdir)
    capsys.readouterr()
    # without --overwrite, train itself refuses a logdir that holds event files (relu_vs_sigmoid.tensorboard)
    assert exit_code([*argv, "--steps", "30"]) == 2
    message = error_line(capsys.readouterr().err)
    assert message.startswith(f"argument --logdir: logdir {logdir} already holds TensorBoard event files")
    assert message.endswith("; pass --overwrite to replace them")
    assert _contents(logdir) == before
    assert main([*argv, "--steps", "30", "--overwrite"]) == 0
    events = [p.name for p in logdir.iterdir() if "tfevents" in p.name]
    assert len(events) == 1
    assert sorted(p.name for p in logdir.iterdir()) == sorted(
        [*events, "notes.txt"]
    )  # nothing set aside left
    steps, _ = tensorboard.read_scalars(logdir)["cost"]
    assert steps.tolist() == [0, 30]  # the new run alone, not 0, 20 and 0, 30 mixed


def test_train_overwrite_puts_the_earlier_event_files_back_if_training_fails(capsys, monkeypatch, tmp_path):
    earlier = tmp_path / "events.out.tfevents.1.earlier"
    earlier.write_bytes(b"an earlier run")
    (tmp_path / "notes.txt").write_text("mine")
    seen = []

    def training_that_fails(model, *, logdir, **kwargs):
        seen.extend(p.name for p in logdir.iterdir() if "tfevents" in p.name)
        interrupted_training(model, logdir=logdir)

    monkeypatch.setattr(training, "train", training_that_fails)
    assert main(["train", "--logdir", str(tmp_path), "--overwrite", "--no-progress"]) == 130
    assert capsys.readouterr().err.strip() == (
        f"relu-vs-sigmoid: interrupted; the earlier event files of {tmp_path} were put back, "
        "this run's removed"
    )
    assert seen == []  # while training, the earlier event files were out of sight
    assert _contents(tmp_path) == {"events.out.tfevents.1.earlier": b"an earlier run", "notes.txt": b"mine"}
