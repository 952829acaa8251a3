"""The ``relu-vs-sigmoid`` command: train one network, or sweep many, from a shell.

::

    relu-vs-sigmoid train --activation relu --depth 10 --seed 0 --steps 10000 --logdir runs/relu
    relu-vs-sigmoid sweep --activations sigmoid,relu --depths 1-12 --seeds 16 --out results

``train`` prints the network, its final loss, accuracy and predictions on the four
XOR inputs (and, for relu, the dead units per hidden layer); with ``--logdir`` it
also writes TensorBoard logs. ``sweep`` trains one network per (activation,
depth, width, seed) and writes the table of runs (``sweep.csv``, the columns of
:data:`relu_vs_sigmoid.experiments.COLUMNS`) and, per width, a depth × activation
heatmap of the fraction of seeds solved (``solved_w{width}.png``, opaque white
whatever the user's matplotlibrc says).

Every argument is checked before anything is trained: a bad one, or a size
beyond :data:`MAX_DEPTH`, :data:`MAX_WIDTH`, :data:`MAX_SEEDS`,
:data:`MAX_NETWORKS` or :data:`MAX_STEPS`, exits with status 2 and an ``error:``
line naming it. The outputs of an earlier run never mix with a new run's: a
folder that holds them (``sweep --out``: ``sweep.csv`` and ``solved_w*.png``;
``train --logdir``: TensorBoard event files) is refused unless ``--overwrite``
is given, which replaces them (and only them). Results are written all or
nothing: to temporary files that are moved into place only when the whole
command has succeeded. Ctrl-C exits with status 130. TensorFlow is imported
only once a command runs, so that ``--help`` and argument errors need not wait for it.
"""

from __future__ import annotations

import argparse
import math
import re
import secrets
import shlex
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Literal, NoReturn, TextIO, TypeVar, overload

from . import __version__
from ._choices import ACTIVATIONS, INITS, OPTIMIZERS  # TensorFlow-free: --help and errors stay fast
from ._validation import check_choice, check_int, check_positive, check_unique

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main", "build_parser", "MAX_DEPTH", "MAX_WIDTH", "MAX_SEEDS", "MAX_NETWORKS", "MAX_STEPS"]

PROG = "relu-vs-sigmoid"

INTERRUPTED = 130  # the shell's status for a process stopped by SIGINT (128 + 2)

MAX_DEPTH = 500
"""The most hidden layers ``--depth`` and ``--depths`` accept."""

MAX_WIDTH = 1_000
"""The most units per hidden layer ``--width`` and ``--widths`` accept."""

MAX_SEEDS = 100_000
"""The most seeds ``sweep --seeds`` accepts."""

MAX_NETWORKS = 100_000
"""The most networks one sweep trains: activations × depths × widths × seeds."""

MAX_STEPS = 100_000_000
"""The most gradient updates ``--steps`` accepts (the lecture trains 10,000)."""

SWEEP_OUTPUTS = re.compile(r"sweep\.csv|solved_w\d+\.png")
"""The names of the files ``sweep`` writes into ``--out``."""

EVENT_FILES = re.compile(r".*tfevents.*")
"""The names of TensorBoard event files: TensorBoard reads every file whose name holds "tfevents"."""

T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (``sys.argv[1:]`` if None) and return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name, e.g. ``["train", "--depth", "2"]``.

    Returns
    -------
    int
        0 on success (whether or not the networks solved XOR), 130 if interrupted by Ctrl-C.

    Raises
    ------
    SystemExit
        With status 0 after ``--help`` or ``--version``, and with status 2
        (after printing an ``error:`` line on stderr) for a bad argument,
        including one the package's own checks reject. Errors while training
        or writing are not caught: they propagate after the partial output has
        been removed.
    """
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt as exc:
        print("; ".join([f"{PROG}: interrupted", *getattr(exc, "__notes__", [])]), file=sys.stderr)
        return INTERRUPTED
    return status


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each option's default, except None and those of flags; keep the indented example lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = text.splitlines()
        return "\n".join(
            indent + line if line.startswith(" ") else textwrap.fill(line, width, initial_indent=indent)
            for line in lines
        )

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.nargs == 0:  # "--no-progress (default: True)" would confuse
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, with exit status 2 (argparse's usage
    block is left out: ``--help`` shows it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``relu-vs-sigmoid`` and its subcommands ``train`` and ``sweep``.

    Returns
    -------
    argparse.ArgumentParser
        Parsed arguments carry ``command`` (the subcommand's name), ``run``
        (its function, called as ``run(args)``) and ``error`` (the subcommand
        parser's :meth:`~argparse.ArgumentParser.error`, for errors found after parsing).

    Examples
    --------
    >>> args = build_parser().parse_args(["sweep", "--depths", "1-4,8", "--out", "results"])
    >>> args.activations, args.depths, args.widths, args.seeds, args.overwrite
    (['sigmoid', 'relu'], [1, 2, 3, 4, 8], [5], 16, False)
    """
    parser = _Parser(
        prog=PROG,
        description="Train fully connected networks on XOR and see why deep sigmoid networks stop "
        "learning while ReLU networks (often) do not.",
        epilog="examples:\n"
        f"  {PROG} train --activation sigmoid --depth 10\n"
        f"  {PROG} train --activation relu --depth 10 --logdir runs/relu\n"
        f"  {PROG} sweep --activations sigmoid,relu --depths 1-12 --seeds 16 --out results\n\n"
        f"Run '{PROG} COMMAND --help' for the options of each command.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train one network and print its loss, accuracy and predictions",
        description="Train one network of DEPTH hidden layers of WIDTH units on XOR by full-batch "
        "gradient descent, then print its final loss, accuracy, whether it solved XOR, its "
        "predictions on the four inputs and, for relu, the dead units of each hidden layer.",
        formatter_class=_HelpFormatter,
    )
    train.add_argument(
        "--activation",
        default="relu",
        type=_name("activation", ACTIVATIONS),
        metavar="NAME",
        help=f"hidden activation: {', '.join(ACTIVATIONS)}",
    )
    train.add_argument(
        "--depth",
        default=10,
        type=_integer("depth", minimum=1, maximum=MAX_DEPTH),
        help=f"hidden layers, 1 to {MAX_DEPTH:,}",
    )
    train.add_argument(
        "--width",
        default=5,
        type=_integer("width", minimum=1, maximum=MAX_WIDTH),
        help=f"units per hidden layer, 1 to {MAX_WIDTH:,}",
    )
    train.add_argument(
        "--seed", default=0, type=_integer("seed", minimum=0), help="seed of the initial weights"
    )
    _add_training_options(train, steps=10_000)
    train.add_argument(
        "--logdir",
        type=Path,
        metavar="DIR",
        help="write TensorBoard logs (graph, cost, accuracy, gradient norms, histograms) into DIR; "
        "view them with 'tensorboard --logdir DIR'. A DIR that already holds TensorBoard event files "
        "is refused (TensorBoard would show two runs as one); see --overwrite",
    )
    train.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the event files of an earlier run directly in --logdir DIR: they are set aside "
        "while training, deleted once it has succeeded, and put back if it fails; other files and "
        "folders in DIR (other runs' logs included) are left alone",
    )
    train.set_defaults(run=_train, error=train.error)

    sweep = commands.add_parser(
        "sweep",
        help="train one network per activation, depth, width and seed; write a table and heatmaps",
        description="Train one network per (activation, depth, width, seed) on XOR, with the same "
        "schedule, and write DIR/sweep.csv (one row per network) and, per width, "
        "DIR/solved_w{width}.png (the fraction of seeds that solved XOR, by activation and depth). "
        f"One sweep trains at most {MAX_NETWORKS:,} networks (activations × depths × widths × seeds). "
        "Nothing is written unless the whole sweep succeeds.",
        epilog="Lists are comma-separated; --depths and --widths also take ranges: 1-12, 1-4,8,12.",
        formatter_class=_HelpFormatter,
    )
    sweep.add_argument(
        "--activations",
        default="sigmoid,relu",
        type=_names("activation", ACTIVATIONS),
        metavar="NAMES",
        help=f"hidden activations, from {', '.join(ACTIVATIONS)}",
    )
    sweep.add_argument(
        "--depths",
        default="2,10",
        type=_integers("depth", minimum=1, maximum=MAX_DEPTH),
        metavar="LIST",
        help=f"numbers of hidden layers, each 1 to {MAX_DEPTH:,}",
    )
    sweep.add_argument(
        "--widths",
        default="5",
        type=_integers("width", minimum=1, maximum=MAX_WIDTH),
        metavar="LIST",
        help=f"units per hidden layer, each 1 to {MAX_WIDTH:,}",
    )
    sweep.add_argument(
        "--seeds",
        default=16,
        type=_integer("seeds", minimum=1, maximum=MAX_SEEDS),
        metavar="N",
        help=f"train seeds 0, 1, …, N-1 of every network; N at most {MAX_SEEDS:,}",
    )
    _add_training_options(sweep, steps=2_000)
    sweep.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder for sweep.csv and the heatmaps; created if missing. A DIR that holds the outputs "
        "of an earlier sweep (sweep.csv, solved_w*.png) is refused, unless --overwrite is given",
    )
    sweep.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the outputs of an earlier sweep in DIR: once this sweep has succeeded, every "
        "sweep.csv and solved_w*.png in DIR is removed before the new files are moved into place; "
        "other files in DIR are left alone",
    )
    sweep.set_defaults(run=_sweep, error=sweep.error)
    return parser


def _add_training_options(parser: argparse.ArgumentParser, *, steps: int) -> None:
    """The options ``train`` and ``sweep`` share: the network's initialiser and the training schedule."""
    parser.add_argument(
        "--init",
        default="uniform",
        type=_name("init", INITS),
        metavar="NAME",
        help="weight initialiser: uniform = U(-1, 1) as in the lecture, "
        "glorot = Glorot uniform, he = He normal",
    )
    parser.add_argument(
        "--steps",
        default=steps,
        type=_integer("steps", minimum=1, maximum=MAX_STEPS),
        help=f"gradient updates on the four XOR examples, at most {MAX_STEPS:,}",
    )
    parser.add_argument(
        "--learning-rate",
        default=0.1,
        type=_positive("learning_rate"),
        metavar="RATE",
        help="step size of each update",
    )
    parser.add_argument(
        "--optimizer",
        default="sgd",
        type=_name("optimizer", OPTIMIZERS),
        metavar="NAME",
        help="sgd = plain gradient descent as in the lecture, adam = the Adam optimizer",
    )
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="do not show progress bars on stderr"
    )


# Argument types: each turns one command-line string into a value, checked by the package's own
# relu_vs_sigmoid._validation functions, so that the error names the argument as the package would.


def _argument_type(parse: Callable[[str], T], name: str) -> Callable[[str], T]:
    """Wrap ``parse(text)`` so that its ValueError or TypeError becomes argparse's one-line error."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = name  # argparse shows it in some messages
    return convert


def _bounded(digits: str, name: str, *, minimum: int, maximum: int | None, shown: str | None = None) -> int:
    """The integer written ``digits`` (an optional sign, then digits), checked against both bounds.

    A value above ``maximum`` is refused from its number of digits, before it is converted, so that
    a thousand-digit argument costs nothing; the message quotes ``shown`` (default: the value).
    """
    magnitude = digits.lstrip("+-").lstrip("0")
    if maximum is not None and not digits.startswith("-") and len(magnitude) > len(str(maximum)):
        raise ValueError(f"{name} must be at most {maximum:,}; got {shown or _shorten(digits)}")
    value = check_int(int(digits), name, minimum=minimum)
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}; got {shown or value}")
    return value


def _shorten(digits: str) -> str:
    """``digits`` as given, or its first and last digits and its length if it is very long."""
    return digits if len(digits) <= 24 else f"{digits[:12]}…{digits[-4:]} ({len(digits)} digits)"


def _integer(name: str, *, minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An integer >= ``minimum`` (and <= ``maximum``, if given)."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
            raise ValueError(f"{name} must be an integer >= {minimum}; got {text!r}")
        return _bounded(text.strip(), name, minimum=minimum, maximum=maximum)

    return _argument_type(parse, name)


def _integers(name: str, *, minimum: int, maximum: int) -> Callable[[str], list[int]]:
    """A comma-separated list of integers and ranges ``low-high`` (both included), without repeats,
    each in [minimum, maximum]. A range is checked before it is expanded: ``1-2000000000`` is refused
    at once, not after building a list of two billion numbers."""
    plural = f"{name}s"

    def parse(text: str) -> list[int]:
        values: list[int] = []
        for part in text.split(","):
            match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if match is None:
                raise ValueError(
                    f"{plural} must be integers or ranges like 1-12, separated by commas; got {text!r}"
                )
            if match[2] is None:
                values.append(_bounded(match[1], name, minimum=minimum, maximum=maximum))
                continue
            span = f"the range {_shorten(match[1])}-{_shorten(match[2])}"
            low = _bounded(match[1], name, minimum=minimum, maximum=maximum, shown=span)
            high = _bounded(match[2], name, minimum=minimum, maximum=maximum, shown=span)
            if high < low:
                raise ValueError(
                    f"the range {part.strip()} of {plural} is empty; write it low-high with low <= high"
                )
            values.extend(range(low, high + 1))
        check_unique(values, plural)
        return values

    return _argument_type(parse, plural)


def _positive(name: str) -> Callable[[str], float]:
    """A finite number > 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{name} must be a number > 0; got {text!r}") from None
        return check_positive(value, name)

    return _argument_type(parse, name)


def _name(name: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    """One name from ``choices``."""
    return _argument_type(lambda text: check_choice(text.strip(), name, choices), name)


def _names(name: str, choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    """A comma-separated list of names from ``choices``, without repeats."""
    plural = f"{name}s"

    def parse(text: str) -> list[str]:
        values = [check_choice(part.strip(), name, choices) for part in text.split(",")]
        check_unique(values, plural)
        return values

    return _argument_type(parse, plural)


# The commands. Each is called as command(args) after parsing; args.error() reports a bad argument found
# only now (a folder that cannot be written or holds an earlier run's outputs, anything the package's
# own checks reject) as argparse would: one line on stderr, exit status 2.


def _train(args: argparse.Namespace) -> int:
    """``relu-vs-sigmoid train``: build and train one network, print what it learned."""
    error: Callable[[str], NoReturn] = args.error
    logdir: Path | None = args.logdir
    if args.overwrite and logdir is None:
        error("argument --overwrite: applies only with --logdir, to replace an earlier run's event files")
    created: list[Path] = []
    if logdir is not None:
        try:
            created = _make_writable_dir(logdir)
        except OSError as exc:
            error(f"argument --logdir: {_reason(logdir, exc)}")
    started = False
    earlier: _SetAside | None = None
    try:
        from . import data, models, training  # TensorFlow: imported only now that there is work to do
        from .tensorboard import LogdirInUseError

        try:
            model = models.build(args.depth, args.width, args.activation, init=args.init, seed=args.seed)
        except (ValueError, TypeError) as exc:
            error(str(exc))
        print(f"network      {model!r}")
        print(f"training     {args.steps} steps of {args.optimizer}, learning rate {args.learning_rate:g}")
        sys.stdout.flush()  # before the progress bar appears on stderr
        if args.overwrite and logdir is not None:
            earlier = _SetAside(logdir, EVENT_FILES)
        started = True
        try:
            result = training.train(
                model,
                steps=args.steps,
                learning_rate=args.learning_rate,
                optimizer=args.optimizer,
                logdir=logdir,
                progress=args.progress,
            )
        except LogdirInUseError as exc:  # train refuses to mix two runs' logs
            if logdir is not None and _matching(logdir, EVENT_FILES) and not args.overwrite:
                error(f"argument --logdir: {exc}; pass --overwrite to replace them")
            error(str(exc))
        except (ValueError, TypeError) as exc:  # train's argument checks, made before any update
            error(str(exc))
    except BaseException as exc:
        if created and logdir is not None:  # a new folder: nothing of an earlier run in it
            shutil.rmtree(created[0], ignore_errors=True)
            exc.add_note(f"removed {logdir}")
        elif earlier is not None and earlier.held_any:
            exc.add_note(earlier.restore())
        elif logdir is not None and started:
            exc.add_note(f"{logdir} existed before this run and was left as is; it may hold partial logs")
        raise
    if earlier is not None:
        earlier.drop()

    n_right = round(result.final_accuracy * len(data.y))
    print(f"final loss   {result.final_loss:.4f} nats (always guessing 0.5 costs ln 2 = {training.LN2:.4f})")
    print(f"accuracy     {result.final_accuracy:.2f} ({n_right} of {len(data.y)} XOR inputs right)")
    if result.diverged:
        print(f"diverged     yes: the loss stopped being finite at step {result.step[-1]}")
    print(
        f"solved       {'yes' if result.solved else 'no'} "
        f"(solved = all {len(data.y)} right and loss < {training.SOLVED_LOSS} nats)"
    )
    print("predictions  x1 x2 -> y_hat   (label)")
    for (x1, x2), y_hat, label in zip(data.X, result.y_hat.ravel(), data.y.ravel(), strict=True):
        print(f"             {x1:2.0f} {x2:2.0f} -> {y_hat:.4f}  ({label:.0f})")
    if result.n_dead_units is not None:
        counts = " ".join(str(n) for n in result.n_dead_units)
        print(f"dead units   {counts} of {args.width} in layer1 … layer{args.depth} (0 on all four inputs)")
    if logdir is not None:
        print(f"TensorBoard  logs in {logdir}")
        print(f"             view them with: tensorboard --logdir {shlex.quote(str(logdir))}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """``relu-vs-sigmoid sweep``: train every network, write the table and the heatmaps all or nothing."""
    error: Callable[[str], NoReturn] = args.error
    out: Path = args.out
    sizes = {"activation": len(args.activations), "depth": len(args.depths), "width": len(args.widths)}
    counts = " × ".join(f"{n} {name}{'s' if n > 1 else ''}" for name, n in sizes.items())
    n_networks = math.prod(sizes.values()) * args.seeds
    if n_networks > MAX_NETWORKS:
        error(
            f"the sweep would train {counts} × {args.seeds} seeds = {n_networks:,} networks; at most "
            f"{MAX_NETWORKS:,} are allowed: give fewer --activations, --depths, --widths or --seeds"
        )
    try:
        outputs = _Outputs(out, SWEEP_OUTPUTS)
    except OSError as exc:
        error(f"argument --out: {_reason(out, exc)}")
    if outputs.earlier and not args.overwrite:
        outputs.discard()
        error(
            f"argument --out: {out} holds the outputs of an earlier sweep ({_listing(outputs.earlier)}); "
            "pass --overwrite to replace them, or choose another folder"
        )
    try:
        _draw_off_screen()
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure

        from . import experiments, plots  # TensorFlow: imported only now that there is work to do

        print(f"sweep        {n_networks} networks: {counts} × {args.seeds} seeds, init {args.init}")
        print(f"training     {args.steps} steps of {args.optimizer}, learning rate {args.learning_rate:g}")
        sys.stdout.flush()  # before the progress bar appears on stderr
        try:
            table = experiments.sweep(
                args.activations,
                args.depths,
                args.widths,
                range(args.seeds),
                init=args.init,
                steps=args.steps,
                learning_rate=args.learning_rate,
                optimizer=args.optimizer,
                progress=args.progress,
            )
        except (ValueError, TypeError) as exc:  # sweep's argument checks, made before any training
            error(str(exc))
        with outputs.temporary("sweep.csv", "w") as file:
            table.to_csv(file, index=False)
        summaries = []
        for width in args.widths:
            rates = experiments.solved_rate(table[table.width == width], by=["activation", "depth"])
            summaries.append((width, _solved_grid(rates, args.activations)))
            title = f"XOR solved, width {width}, {args.seeds} seeds, {args.steps} steps"
            fig = plots.solved_heatmap(rates, title=title).figure
            if not isinstance(fig, Figure):  # solved_heatmap draws on a figure of its own
                raise TypeError(f"solved_heatmap drew on a {type(fig).__name__}, not a Figure")
            try:
                with outputs.temporary(f"solved_w{width}.png", "wb") as file:
                    # Opaque white, whatever the user's matplotlibrc says (savefig.transparent,
                    # savefig.facecolor): a transparent heatmap is unreadable in a dark viewer.
                    fig.savefig(file, format="png", dpi=150, transparent=False, facecolor="white")
            finally:
                plt.close(fig)
        written = outputs.commit()
    except BaseException as exc:
        exc.add_note(outputs.discard())
        raise

    for width, grid in summaries:
        print(f"\nwidth {width}: runs that solved XOR (k of n seeds), by activation and depth")
        print(grid)
    print()
    for path in outputs.removed:
        print(f"removed      {path} (of an earlier sweep)")
    for path in written:
        print(f"wrote        {path}")
    return 0


def _solved_grid(rates: pd.DataFrame, activations: list[str]) -> str:
    """The ``k/n`` counts of :func:`~relu_vs_sigmoid.experiments.solved_rate` as activation × depth text."""
    cells = rates.assign(solved=rates["count"].astype(str) + "/" + rates["n"].astype(str))
    grid = cells.pivot(index="activation", columns="depth", values="solved").reindex(activations)
    grid.index.name = None
    return grid.to_string()


def _draw_off_screen() -> None:
    """Select matplotlib's Agg backend, unless pyplot is already in use (then leave its backend alone)."""
    if "matplotlib.pyplot" not in sys.modules:
        import matplotlib

        matplotlib.use("Agg")


# Folders that are written all or nothing, and never mix two runs' outputs.


def _make_writable_dir(path: Path) -> list[Path]:
    """Create ``path`` (and missing parents) and check that a file can be written in it.

    Returns the folders created, outermost first; on failure removes them again and raises OSError.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    created: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
        if not path.is_dir():
            raise NotADirectoryError(f"{path} exists and is not a directory")
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError:
        _remove_empty(created)
        raise
    return created


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (outermost first) that are empty, innermost first."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return


def _reason(path: Path, exc: OSError) -> str:
    """One line saying why ``path`` cannot be written."""
    if isinstance(exc, NotADirectoryError) and exc.strerror is None:
        return str(exc)
    return f"cannot write to {path}: {exc.strerror or exc}"


def _matching(folder: Path, names: re.Pattern[str]) -> list[Path]:
    """The files directly in ``folder`` (symbolic links included, folders not) whose whole name matches."""
    return sorted(
        path
        for path in folder.iterdir()
        if names.fullmatch(path.name) and (path.is_symlink() or not path.is_dir())
    )


def _listing(paths: list[Path], most: int = 3) -> str:
    """The names of ``paths``, the first ``most`` of them and how many more: one short line."""
    names = ", ".join(path.name for path in paths[:most])
    return names if len(paths) <= most else f"{names} and {len(paths) - most} more"


class _Outputs:
    """Files written into one folder all or nothing, replacing an earlier run's outputs.

    Creating it creates the folder if needed and checks that it can be written
    (raising OSError otherwise); :attr:`earlier` lists the files already there
    whose names match ``outputs``. Each :meth:`temporary` file is written under a
    hidden temporary name next to its final one; :meth:`commit` removes the
    earlier outputs, then moves the temporaries into place; :meth:`discard`
    removes the temporaries, and the folder if this object created it and it is
    empty. The temporaries are opened with ``open(..., "x")`` rather than
    :mod:`tempfile`, so that the files end up with the usual permissions (0666
    minus the umask), not tempfile's private 0600.
    """

    def __init__(self, folder: Path, outputs: re.Pattern[str]) -> None:
        self.folder = folder
        self._created = _make_writable_dir(folder)
        self.earlier: list[Path] = _matching(folder, outputs)
        self.removed: list[Path] = []  # earlier outputs that commit removed
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)
        self._committed: list[Path] = []

    @overload
    def temporary(self, name: str, mode: Literal["w"]) -> TextIO: ...

    @overload
    def temporary(self, name: str, mode: Literal["wb"]) -> BinaryIO: ...

    def temporary(self, name: str, mode: Literal["w", "wb"]) -> IO[Any]:
        """Open a new temporary file for the final file ``folder/name``: text ("w", UTF-8, newlines
        as written) or binary ("wb")."""
        path = self.folder / f".{name}.{secrets.token_hex(4)}.tmp"
        if mode == "w":
            file: IO[Any] = open(path, "x", encoding="utf-8", newline="")  # noqa: SIM115 - the caller closes it
        else:
            file = open(path, "xb")  # noqa: SIM115
        self._pending.append((path, self.folder / name))
        return file

    def commit(self) -> list[Path]:
        """Remove the earlier outputs that no new file replaces, then move every temporary file into
        place (replacing the others); return the final paths."""
        finals = {final for _, final in self._pending}
        for path in self.earlier:
            if path not in finals and path not in self.removed:
                path.unlink(missing_ok=True)
                self.removed.append(path)
        while self._pending:
            temporary, final = self._pending[0]
            temporary.replace(final)
            self._committed.append(final)
            self._pending.pop(0)
        return self._committed

    def discard(self) -> str:
        """Remove the temporary files (and the folder, if created here and empty); say what is left."""
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending = []
        _remove_empty(self._created)
        removed = f"; removed {', '.join(map(str, self.removed))} of an earlier sweep" if self.removed else ""
        if self._committed:  # only if moving the files into place failed half-way
            return f"only {', '.join(map(str, self._committed))} was written{removed}"
        return f"nothing was written to {self.folder}{removed}"


class _SetAside:
    """The TensorBoard event files of an earlier run, moved out of the way while a new run writes its own.

    Creating it renames every file of ``folder`` whose name matches ``names`` to a hidden name in
    the same folder without "tfevents" in it (so that neither TensorBoard nor the package counts it
    as an event file), e.g. ``.replaced-1a2b3c4d.events.out.tf-events.1700000000.host.1.v2``.
    :meth:`drop` deletes them once the new run has succeeded; :meth:`restore` deletes the new
    run's event files and puts the earlier ones back.
    """

    def __init__(self, folder: Path, names: re.Pattern[str]) -> None:
        self.folder = folder
        self._names = names
        self._moved: list[tuple[Path, Path]] = []  # (original, set aside)
        token = secrets.token_hex(4)
        try:
            for path in _matching(folder, names):
                aside = folder / f".replaced-{token}.{path.name.replace('tfevents', 'tf-events')}"
                path.rename(aside)
                self._moved.append((path, aside))
        except BaseException:
            self._put_back()  # only the files moved so far: the others are still in place
            raise

    def drop(self) -> None:
        """Delete the earlier files; one that cannot be deleted is reported on stderr and kept."""
        for original, aside in self._moved:
            try:
                aside.unlink(missing_ok=True)
            except OSError as exc:
                print(f"{PROG}: could not remove {aside} (was {original.name}): {exc}", file=sys.stderr)
        self._moved = []

    @property
    def held_any(self) -> bool:
        """Whether any file was set aside (and not yet dropped or restored)."""
        return bool(self._moved)

    def restore(self) -> str:
        """Delete the files matching ``names`` that appeared since, put the earlier ones back; say so."""
        for path in _matching(self.folder, self._names):
            path.unlink(missing_ok=True)
        self._put_back()
        return f"the earlier event files of {self.folder} were put back, this run's removed"

    def _put_back(self) -> None:
        while self._moved:
            original, aside = self._moved[-1]
            aside.rename(original)
            self._moved.pop()
