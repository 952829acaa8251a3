"""Wall time and peak memory of a clean build of the site and of a no-change rebuild.

Runs ``sphinx-build -W --keep-going -b html <docs> <out>`` twice, as a subprocess: first with no
executed-notebook cache and no output folder (a clean build: every page executes), then the same
command again with nothing changed (Sphinx finds nothing out of date; the notebooks are not run).

The build runs on a copy of ``docs/`` in a temporary folder, not on ``docs/`` itself. ``docs/conf.py``
puts the notebook cache at ``<conf.py's folder>/_build/.jupyter_cache/<key>``, where the key digests the
installed package and library versions; no environment variable redirects it. A copy gets a cache of
its own, so the benchmark never moves, deletes or races the cache of ``docs/`` (which conf.py prunes of
every other key, and which a ``nox -s docs`` running at the same time may be writing), and it never
rewrites a tracked file (the landing page saves ``_static/headline.png`` next to the page it runs from).

Memory is measured two ways:

- peak tree RSS: the sum of the resident set sizes of sphinx-build and all its descendants (the
  notebook kernels are separate processes), sampled every 0.2 s. Pages shared between processes
  are counted once per process, so this is an upper bound on the memory the build needs;
- max single-process RSS: ``ru_maxrss`` as ``wait4`` reports it for the build, the largest RSS any
  one process of the tree reached (the same quantity ``getrusage(RUSAGE_CHILDREN)`` gives, but per
  build rather than accumulated over both).

Then the Korean site (docs/ko, which executes nothing and shows the English execution) is built
the same way, after each English build: its clean build must add at most a quarter to the English
clean build's time.

Run::

    python benchmarks/docs.py            # Sphinx's default of one process, as `nox -s docs`
    python benchmarks/docs.py --jobs 2   # passes -j 2 to sphinx-build
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import _machine

try:
    import psutil
except ImportError:  # read /proc instead
    psutil = None

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SAMPLE_SECONDS = 0.2
TARGET_CLEAN_SECONDS, TARGET_REBUILD_SECONDS, TARGET_PEAK_GB = 120.0, 5.0, 4.0
TARGET_KOREAN_SHARE = 0.25  # the Korean site adds at most a quarter to a clean build (issue 12)
GB = 1e9


# --- memory of a process tree -----------------------------------------------------------------------------


def _tree_rss_psutil(pid: int) -> tuple[int, int, int]:
    """(sum of RSS in bytes, largest RSS, number of processes) of ``pid`` and its descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0
    sizes = []
    for process in processes:
        with contextlib.suppress(psutil.Error):  # it exited between the listing and the read
            sizes.append(process.memory_info().rss)
    return sum(sizes), max(sizes, default=0), len(sizes)


def _tree_rss_proc(pid: int) -> tuple[int, int, int]:
    """As :func:`_tree_rss_psutil`, from the parent links in /proc/*/stat and VmRSS in /proc/*/status."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    sizes, stack = [], [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        sizes.append(int(match.group(1)) * 1024 if match else 0)
    return sum(sizes), max(sizes, default=0), len(sizes)


tree_rss = _tree_rss_psutil if psutil is not None else _tree_rss_proc


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree every :data:`SAMPLE_SECONDS` until :meth:`stop`."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_total = self.peak_single = self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            total, single, count = tree_rss(self.pid)
            self.peak_total = max(self.peak_total, total)
            self.peak_single = max(self.peak_single, single)
            self.peak_processes = max(self.peak_processes, count)
            if self._stop_event.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --- one build --------------------------------------------------------------------------------------------


@dataclass
class Build:
    """What one sphinx-build run took."""

    name: str
    returncode: int
    seconds: float
    peak_tree_rss: int  # bytes, sampled
    max_single_rss: int  # bytes, ru_maxrss from wait4
    peak_processes: int
    executed: list[tuple[str, float]]  # (page, seconds) per notebook myst-nb executed
    cached: int  # notebooks taken from the cache
    environment: str  # Sphinx's "updating environment: ..." summary
    log: Path


def sphinx_command(source: Path, out: Path, jobs: str | None) -> list[str]:
    """The `nox -s docs` command line, with the sphinx-build next to this Python."""
    executable = Path(sys.executable).with_name("sphinx-build")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "sphinx"]
    command += ["-W", "--keep-going", "-b", "html", str(source), str(out)]
    return command + (["-j", jobs] if jobs is not None else [])


def run_build(name: str, command: list[str], log: Path) -> Build:
    """Run ``command`` with its output in ``log``; time it and sample its memory."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONHASHSEED", "0")
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        try:
            # wait4 rather than wait: it also returns the build's resource usage, ru_maxrss included
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # Ctrl-C: do not leave the build running
            process.kill()
            process.wait()
            raise
        finally:
            sampler.stop()
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    executed = [  # myst-nb logs "<page path>: Executed notebook in 12.34 seconds [mystnb]"
        (Path(page).name, float(page_seconds))
        for page, page_seconds in re.findall(
            r"^(\S+?):? Executed notebook in ([\d.]+) seconds", text, re.MULTILINE
        )
    ]
    environment = re.findall(r"updating environment: (.*)", text)
    return Build(
        name=name,
        returncode=process.returncode,
        seconds=seconds,
        peak_tree_rss=sampler.peak_total,
        # ru_maxrss (KiB on Linux) covers the processes the build waited for; a sample, any still running
        max_single_rss=max(usage.ru_maxrss * 1024, sampler.peak_single),
        peak_processes=sampler.peak_processes,
        executed=executed,
        cached=text.count("Using cached notebook"),
        environment=environment[-1].strip() if environment else "",
        log=log,
    )


# --- report -----------------------------------------------------------------------------------------------


def table(builds: list[Build]) -> str:
    header = (
        "build",
        "wall seconds",
        "peak tree RSS (GB)",
        "max single-process RSS (GB)",
        "processes",
        "pages run",
    )
    rows = [
        (
            b.name,
            f"{b.seconds:.1f}",
            f"{b.peak_tree_rss / GB:.2f}",
            f"{b.max_single_rss / GB:.2f}",
            str(b.peak_processes),
            f"{len(b.executed)} executed, {b.cached} cached",
        )
        for b in builds
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def targets(clean: Build, korean: Build, rebuild: Build, korean_rebuild: Build) -> list[str]:
    peak = max(build.peak_tree_rss for build in (clean, korean, rebuild, korean_rebuild)) / GB
    checks = (
        ("clean build", clean.seconds, TARGET_CLEAN_SECONDS, "s"),
        ("Korean build, share of the clean build", korean.seconds / clean.seconds, TARGET_KOREAN_SHARE, "×"),
        ("no-change rebuild", rebuild.seconds, TARGET_REBUILD_SECONDS, "s"),
        ("no-change Korean rebuild", korean_rebuild.seconds, TARGET_REBUILD_SECONDS, "s"),
        ("peak tree RSS", peak, TARGET_PEAK_GB, "GB"),
    )
    return [
        f"{'PASS' if value <= target else 'MISS'}  {what}: {value:.2f} {unit} (target ≤ {target:g} {unit})"
        for what, value, target, unit in checks
    ]


def report(builds: list[Build]) -> None:
    """Print the table, where the clean build's time went, and the targets (once both builds are done)."""
    print()
    print(table(builds))
    for build in builds:
        print(f"Sphinx environment, {build.name}: {build.environment or '?'}")
    clean = builds[0]
    if clean.executed:
        executed = sorted(clean.executed, key=lambda page: -page[1])
        total = sum(seconds for _, seconds in executed)
        print(f"Clean build: notebooks executed in {total:.1f} s of its {clean.seconds:.1f} s:")
        for page, seconds in executed:
            print(f"  {seconds:7.1f} s  {page}")
    if len(builds) == 4:
        for build in builds[1:]:
            if build.executed:
                print(f"note: the {build.name} executed {len(build.executed)} notebook(s)")
        print("\nTargets:")
        print("\n".join(targets(*builds)))


def failure(build: Build) -> None:
    """Print why a build failed: its warnings and errors, and the end of its log."""
    lines = build.log.read_text(errors="replace").splitlines()
    problems = [  # Sphinx's warnings and errors, not the absl start-up line of every TensorFlow process
        line for line in lines if re.search(r"\b(WARNING|ERROR|CRITICAL):", line) and "absl::" not in line
    ]
    print("\n".join(problems[:40] or lines[-40:]))
    print(f"\nthe {build.name} build failed with exit code {build.returncode}; its log: {build.log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--jobs",
        metavar="N",
        default="auto",
        help="passed to sphinx-build -j (a number or 'auto'; 'auto', as in the docs session, by default)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (build output and logs)"
    )
    args = parser.parse_args(argv)

    print(
        "\n".join(_machine.describe(("sphinx", "myst-nb", "jupyter-cache", "tensorflow", "relu-vs-sigmoid")))
    )
    print(f"memory      sampled every {SAMPLE_SECONDS} s with {'psutil' if psutil else '/proc'}")
    work = Path(tempfile.mkdtemp(prefix="relu-vs-sigmoid-docs-bench-"))
    builds: list[Build] = []
    try:
        source = work / "docs"
        shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build"))  # no cache, no old output
        command = sphinx_command(source, work / "_build" / "html", args.jobs)
        korean = sphinx_command(source / "ko", work / "_build" / "ko" / "html", args.jobs)
        print(f"command     {' '.join(command)}\nthen        {' '.join(korean)}\n", flush=True)
        runs = (
            ("clean", command),
            ("Korean", korean),
            ("no-change rebuild", command),
            ("Korean rebuild", korean),
        )
        for name, run in runs:
            print(f"{name} ...", flush=True)
            builds.append(run_build(name, run, work / f"{name.replace(' ', '-')}.log"))
            if builds[-1].returncode != 0:
                failure(builds[-1])
                break
        report(builds)
        return 0 if builds[-1].returncode == 0 else 1
    finally:
        if args.keep or (builds and builds[-1].returncode != 0):
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
