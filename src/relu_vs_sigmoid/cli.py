"""The ``relu-vs-sigmoid`` command: train one network, or sweep many, from a shell.

::

    relu-vs-sigmoid train --activation relu --depth 10 --seed 0 --steps 10000 --logdir runs/relu
    relu-vs-sigmoid sweep --activations sigmoid,relu --depths 1-12 --seeds 16 --out results

``train`` prints the network, its final loss, accuracy and predictions on the four
XOR inputs (and, for relu, the dead units per hidden layer); with ``--logdir`` it
also writes TensorBoard logs. ``sweep`` trains one network per (activation,
depth, width, seed) and writes the table of runs (``sweep.csv``, the columns of
:data:`relu_vs_sigmoid.experiments.COLUMNS`) and, per width, a depth × activation
heatmap of the fraction of seeds solved (``solved_w{width}.png``).

Every argument is checked before anything is trained: a bad one exits with
status 2 and an ``error:`` line naming it. Results are written all or nothing:
to temporary files that are moved into place only when the whole command has
succeeded. Ctrl-C exits with status 130. TensorFlow is imported only once a
command runs, so that ``--help`` and argument errors need not wait for it.
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
from pathlib import Path

from . import __version__
from ._choices import ACTIVATIONS, INITS, OPTIMIZERS  # TensorFlow-free: --help and errors stay fast
from ._validation import check_choice, check_int, check_positive, check_unique

__all__ = ["main", "build_parser"]

PROG = "relu-vs-sigmoid"

INTERRUPTED = 130  # the shell's status for a process stopped by SIGINT (128 + 2)


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
        (after printing the usage and an ``error:`` line on stderr) for a bad
        argument. Errors while training or writing are not caught: they
        propagate after the partial output has been removed.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt as exc:
        print("; ".join([f"{PROG}: interrupted", *getattr(exc, "__notes__", [])]), file=sys.stderr)
        return INTERRUPTED


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each option's default, except None and those of flags; keep the indented example lines."""

    def _fill_text(self, text, width, indent):
        lines = text.splitlines()
        return "\n".join(
            indent + line if line.startswith(" ") else textwrap.fill(line, width, initial_indent=indent)
            for line in lines
        )

    def _get_help_string(self, action):
        if action.default is None or action.nargs == 0:  # "--no-progress (default: True)" would confuse
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, with exit status 2 (argparse's usage
    block is left out: ``--help`` shows it)."""

    def error(self, message: str):
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
    >>> args.activations, args.depths, args.widths, args.seeds
    (['sigmoid', 'relu'], [1, 2, 3, 4, 8], [5], 16)
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
    train.add_argument("--depth", default=10, type=_integer("depth", minimum=1), help="hidden layers")
    train.add_argument("--width", default=5, type=_integer("width", minimum=1), help="units per hidden layer")
    train.add_argument(
        "--seed", default=0, type=_integer("seed", minimum=0), help="seed of the initial weights"
    )
    _add_training_options(train, steps=10_000)
    train.add_argument(
        "--logdir",
        type=Path,
        metavar="DIR",
        help="write TensorBoard logs (graph, cost, accuracy, gradient norms, histograms) into DIR; "
        "view them with 'tensorboard --logdir DIR'",
    )
    train.set_defaults(run=_train, error=train.error)

    sweep = commands.add_parser(
        "sweep",
        help="train one network per activation, depth, width and seed; write a table and heatmaps",
        description="Train one network per (activation, depth, width, seed) on XOR, with the same "
        "schedule, and write DIR/sweep.csv (one row per network) and, per width, "
        "DIR/solved_w{width}.png (the fraction of seeds that solved XOR, by activation and depth). "
        "Files of the same names in DIR are replaced; nothing is written unless the whole sweep succeeds.",
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
        type=_integers("depth", minimum=1),
        metavar="LIST",
        help="numbers of hidden layers",
    )
    sweep.add_argument(
        "--widths",
        default="5",
        type=_integers("width", minimum=1),
        metavar="LIST",
        help="units per hidden layer",
    )
    sweep.add_argument(
        "--seeds",
        default=16,
        type=_integer("seeds", minimum=1),
        metavar="N",
        help="train seeds 0, 1, …, N-1 of every network",
    )
    _add_training_options(sweep, steps=2_000)
    sweep.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder for sweep.csv and the heatmaps; created if missing",
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
        type=_integer("steps", minimum=1),
        help="gradient updates on the four XOR examples",
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
        help="sgd = plain gradient descent as in the lecture, or adam",
    )
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="do not show progress bars on stderr"
    )


# Argument types: each turns one command-line string into a value, checked by the package's own
# relu_vs_sigmoid._validation functions, so that the error names the argument as the package would.


def _argument_type(parse, name: str):
    """Wrap ``parse(text)`` so that its ValueError or TypeError becomes argparse's one-line error."""

    def convert(text: str):
        try:
            return parse(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = name  # argparse shows it in some messages
    return convert


def _integer(name: str, *, minimum: int):
    """An integer >= ``minimum``."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
            raise ValueError(f"{name} must be an integer >= {minimum}; got {text!r}")
        return check_int(int(text), name, minimum=minimum)

    return _argument_type(parse, name)


def _integers(name: str, *, minimum: int):
    """A comma-separated list of integers and ranges ``low-high`` (both included), without repeats."""
    plural = f"{name}s"

    def parse(text: str) -> list[int]:
        values = []
        for part in text.split(","):
            match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if match is None:
                raise ValueError(
                    f"{plural} must be integers or ranges like 1-12, separated by commas; got {text!r}"
                )
            low, high = int(match[1]), int(match[2] or match[1])
            if high < low:
                raise ValueError(
                    f"the range {part.strip()} of {plural} is empty; write it low-high with low <= high"
                )
            values.extend(check_int(v, name, minimum=minimum) for v in range(low, high + 1))
        check_unique(values, plural)
        return values

    return _argument_type(parse, plural)


def _positive(name: str):
    """A finite number > 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{name} must be a number > 0; got {text!r}") from None
        return check_positive(value, name)

    return _argument_type(parse, name)


def _name(name: str, choices: tuple[str, ...]):
    """One name from ``choices``."""
    return _argument_type(lambda text: check_choice(text.strip(), name, choices), name)


def _names(name: str, choices: tuple[str, ...]):
    """A comma-separated list of names from ``choices``, without repeats."""
    plural = f"{name}s"

    def parse(text: str) -> list[str]:
        values = [check_choice(part.strip(), name, choices) for part in text.split(",")]
        check_unique(values, plural)
        return values

    return _argument_type(parse, plural)


# The commands. Each is called as command(args) after parsing; args.error() reports a bad argument found
# only now (a folder that cannot be written, anything the package's constructors reject) as argparse would.


def _train(args: argparse.Namespace) -> int:
    """``relu-vs-sigmoid train``: build and train one network, print what it learned."""
    created = []
    if args.logdir is not None:
        try:
            created = _make_writable_dir(args.logdir)
        except OSError as exc:
            args.error(f"argument --logdir: {_reason(args.logdir, exc)}")
    started = False
    try:
        from . import data, models, training  # TensorFlow: imported only now that there is work to do

        try:
            model = models.build(args.depth, args.width, args.activation, init=args.init, seed=args.seed)
        except (ValueError, TypeError) as exc:
            args.error(str(exc))
        print(f"network      {model!r}")
        print(f"training     {args.steps} steps of {args.optimizer}, learning rate {args.learning_rate:g}")
        sys.stdout.flush()  # before the progress bar appears on stderr
        started = True
        result = training.train(
            model,
            steps=args.steps,
            learning_rate=args.learning_rate,
            optimizer=args.optimizer,
            logdir=args.logdir,
            progress=args.progress,
        )
    except BaseException as exc:
        if created:
            shutil.rmtree(created[0], ignore_errors=True)
            exc.add_note(f"removed {args.logdir}")
        elif args.logdir is not None and started:
            exc.add_note(
                f"{args.logdir} existed before this run and was left as is; it may hold partial logs"
            )
        raise

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
    if args.logdir is not None:
        print(f"TensorBoard  logs in {args.logdir}")
        print(f"             view them with: tensorboard --logdir {shlex.quote(str(args.logdir))}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """``relu-vs-sigmoid sweep``: train every network, write the table and the heatmaps all or nothing."""
    try:
        outputs = _Outputs(args.out)
    except OSError as exc:
        args.error(f"argument --out: {_reason(args.out, exc)}")
    try:
        _draw_off_screen()
        import matplotlib.pyplot as plt

        from . import experiments, plots  # TensorFlow: imported only now that there is work to do

        sizes = {"activation": len(args.activations), "depth": len(args.depths), "width": len(args.widths)}
        counts = " × ".join(f"{n} {name}{'s' if n > 1 else ''}" for name, n in sizes.items())
        n_networks = math.prod(sizes.values()) * args.seeds
        print(f"sweep        {n_networks} networks: {counts} × {args.seeds} seeds, init {args.init}")
        print(f"training     {args.steps} steps of {args.optimizer}, learning rate {args.learning_rate:g}")
        sys.stdout.flush()  # before the progress bar appears on stderr
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
        with outputs.temporary("sweep.csv", "w", newline="") as file:
            table.to_csv(file, index=False)
        summaries = []
        for width in args.widths:
            rates = experiments.solved_rate(table[table.width == width], by=["activation", "depth"])
            summaries.append((width, _solved_grid(rates, args.activations)))
            title = f"XOR solved, width {width}, {args.seeds} seeds, {args.steps} steps"
            fig = plots.solved_heatmap(rates, title=title).figure
            try:
                with outputs.temporary(f"solved_w{width}.png", "wb") as file:
                    fig.savefig(file, format="png", dpi=150)
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
    for path in written:
        print(f"wrote        {path}")
    return 0


def _solved_grid(rates, activations: list[str]) -> str:
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


# Folders that are written all or nothing.


def _make_writable_dir(path: Path) -> list[Path]:
    """Create ``path`` (and missing parents) and check that a file can be written in it.

    Returns the folders created, outermost first; on failure removes them again and raises OSError.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    created = []
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


class _Outputs:
    """Files written into one folder all or nothing.

    Creating it creates the folder if needed and checks that it can be written
    (raising OSError otherwise). Each :meth:`temporary` file is written under a
    hidden temporary name next to its final one; :meth:`commit` moves them all
    into place; :meth:`discard` removes them, and the folder if this object
    created it and it is empty. The temporaries are opened with ``open(..., "x")``
    rather than :mod:`tempfile`, so that the files end up with the usual
    permissions (0666 minus the umask), not tempfile's private 0600.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._created = _make_writable_dir(folder)
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)
        self._committed: list[Path] = []

    def temporary(self, name: str, mode: str, **kwargs):
        """Open a new temporary file for the final file ``folder/name``; ``mode`` is "w" or "wb"."""
        path = self.folder / f".{name}.{secrets.token_hex(4)}.tmp"
        file = open(path, mode.replace("w", "x"), **kwargs)  # noqa: SIM115 - the caller closes it
        self._pending.append((path, self.folder / name))
        return file

    def commit(self) -> list[Path]:
        """Move every temporary file into place; return the final paths."""
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
        if self._committed:  # only if moving the files into place failed half-way
            return f"only {', '.join(map(str, self._committed))} was written"
        return f"nothing was written to {self.folder}"
