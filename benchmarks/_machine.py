"""What a benchmark ran on: date, CPU, cores, RAM, load and library versions, as printable lines.

Shared by ``training.py`` and ``docs.py``; reads ``/proc`` and ``importlib.metadata`` only, so it
imports no heavy library.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import sys
from pathlib import Path


def cpu_model() -> str:
    """The ``model name`` of the first CPU in /proc/cpuinfo (Linux), else what :mod:`platform` says."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def total_ram_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError, AttributeError):
        return None


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def describe(distributions: tuple[str, ...]) -> list[str]:
    """Lines describing the machine, the Python and the versions of ``distributions``."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "n/a"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    ram = total_ram_gb()
    return [
        f"date        {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"CPU         {cpu_model()} ({platform.machine()})",
        f"cores       os.cpu_count()={os.cpu_count()}, usable by this process (sched_getaffinity)={affinity}",
        f"RAM         {'unknown' if ram is None else f'{ram:.1f} GB'} total",
        f"load avg    {load} (1, 5, 15 min, at start; near 0 on a quiet machine)",
        f"Python      {platform.python_version()} ({sys.executable})",
        "versions    " + "; ".join(f"{d} {version(d)}" for d in distributions),
    ]
