"""The pages' execution cache, one jupyter-cache folder per state of everything their results depend on.

jupyter-cache matches an executed notebook on its code cells (and kernel name) alone, so a changed
package, library, interpreter or environment setting would otherwise leave a page showing results that
the current code no longer gives. This extension sets ``nb_execution_cache_path`` to
``<execution_cache_root>/<key>``, where the key is a digest of the *execution inputs*:

- the files of the modules named in ``execution_cache_modules`` (the package the kernels import, found
  as the build finds it, so ``PYTHONPATH`` counts);
- the versions of the distributions in ``execution_cache_distributions`` and of everything they
  require (TensorFlow, TensorBoard, NumPy, ..., ipykernel, IPython, matplotlib-inline, nbclient, ...);
- the Python version and build, the platform and the CPU's instruction-set flags (TensorFlow picks its
  kernels by them);
- the environment variables matching ``execution_cache_environ`` (fnmatch patterns; a leading ``!``
  leaves a name out), which the kernels inherit: TensorFlow's ``TF_ENABLE_ONEDNN_OPTS``,
  ``TF_DETERMINISTIC_OPS`` and thread counts, OpenMP/MKL threads, ``CUDA_VISIBLE_DEVICES``,
  ``PYTHONHASHSEED``, ... (their values are written to ``inputs.json`` and to the log, so the patterns
  name settings only, never variables that may hold secrets: no ``TF_*``, which takes in Terraform's
  ``TF_VAR_*``);
- the files a kernel reads as it starts: the IPython profile in ``$IPYTHONDIR``, the Jupyter kernel
  specs, and any ``matplotlibrc``.

A changed key is a changed configuration value, so Sphinx reads every page again and each one executes
afresh into the new folder; the folders of other keys are deleted (their inputs are gone), and the log
names the inputs that changed. ``sphinx-build -E`` (a fresh environment) also empties the cache, so that
every page executes. Each folder keeps its inputs in ``inputs.json``.

The cache's database is created here, once, in the main process: with ``sphinx-build -j``, parallel
readers would otherwise race to create its tables ("table settings already exists").
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

INPUTS_FILE = "inputs.json"
DEFAULT_ENVIRON = (
    # TensorFlow's settings that change what it computes (TF_* as a whole would take in Terraform's
    # TF_VAR_*, which may hold secrets, and TF_CPP_* log levels, whose output goes to the build log only)
    "TF_ENABLE_*",  # TF_ENABLE_ONEDNN_OPTS, ...
    "TF_DISABLE_*",
    "TF_ONEDNN_*",
    "TF_MKL_*",
    "TF_DETERMINISTIC_OPS",
    "TF_CUDNN_*",
    "TF_NUM_INTEROP_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_XLA_FLAGS",
    "TF_GPU_*",
    "TF_FORCE_*",
    "TF_USE_*",
    "TF2_BEHAVIOR",
    "XLA_FLAGS",
    "KERAS_BACKEND",
    "CUDA_VISIBLE_DEVICES",
    "CUDA_DEVICE_ORDER",
    "NVIDIA_TF32_OVERRIDE",
    "OMP_*",  # thread counts and affinity of the math libraries
    "KMP_*",
    "MKL_*",
    "OPENBLAS_*",
    "PYTHONHASHSEED",
    "PYTHONPATH",
    "PYTHONWARNINGS",
    "MPLBACKEND",
    "MATPLOTLIBRC",
    "MPLCONFIGDIR",
    "IPYTHONDIR",
    "JUPYTER_PATH",
)


def environ_inputs(patterns: list[str] | tuple[str, ...], environ: dict[str, str] | None = None) -> dict:
    """The environment variables that match ``patterns`` (``!pattern`` leaves names out), by name."""
    environ = dict(os.environ if environ is None else environ)
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    return {
        name: environ[name]
        for name in sorted(environ)
        if any(fnmatchcase(name, p) for p in include) and not any(fnmatchcase(name, p) for p in exclude)
    }


def distribution_versions(roots: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{name: version}`` of the distributions ``roots`` and of everything they require, recursively
    (requirements whose markers hold here; extras are not followed)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    versions: dict[str, str] = {}
    todo = [str(root) for root in roots]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in versions:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
            continue
        versions[name] = dist.version
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return dict(sorted(versions.items()))


def module_digest(module: str) -> str:
    """A digest of the files of ``module`` as the build imports it (its package folder, or its file)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} is not installed; run `nox -s docs`, or `pip install .` first")
    origin = Path(spec.origin)
    root = origin.parent if spec.submodule_search_locations else origin
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) or [origin]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _cpu_flags() -> str:
    """The CPU's instruction-set flags (Linux), or what the platform says about the processor."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("flags", "Features")):
                    flags = " ".join(sorted(line.split(":", 1)[1].split()))
                    return hashlib.sha256(flags.encode()).hexdigest()[:16]
    except OSError:
        pass
    return platform.processor()


def startup_files(confdir: Path) -> dict[str, str | None]:
    """Digests of the files a kernel reads as it starts: its IPython profile, the kernel specs, and
    the ``matplotlibrc`` files matplotlib would find (a page runs in its own folder, or a new one)."""
    files: dict[str, str | None] = {}
    ipython = Path(os.environ.get("IPYTHONDIR", Path.home() / ".ipython")) / "profile_default"
    startup = [*ipython.glob("startup/*.py"), *ipython.glob("startup/*.ipy")]  # what IPython runs
    for path in sorted([*ipython.glob("*.py"), *startup]):
        files[f"ipython:{path.relative_to(ipython).as_posix()}"] = _file_digest(path)
    from jupyter_client.kernelspec import KernelSpecManager

    for name, spec in sorted(KernelSpecManager().get_all_specs().items()):
        files[f"kernelspec:{name}"] = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    candidates = [confdir / "matplotlibrc", config_home / "matplotlib" / "matplotlibrc"]
    candidates.append(Path.home() / ".matplotlib" / "matplotlibrc")
    for variable in ("MATPLOTLIBRC", "MPLCONFIGDIR"):
        if os.environ.get(variable):
            folder = Path(os.environ[variable])
            candidates.append(folder if folder.is_file() else folder / "matplotlibrc")
    for path in candidates:
        if path.is_file():
            files[f"matplotlibrc:{path}"] = _file_digest(path)
    return files


def execution_inputs(config: Config, confdir: Path) -> dict[str, Any]:
    """Everything the pages' results depend on besides their cells, as ``{input: value}``."""
    inputs: dict[str, Any] = {
        "python": sys.version,
        "implementation": sys.implementation.cache_tag,
        "platform": f"{platform.system()} {platform.machine()}",
        "cpu": _cpu_flags(),
    }
    for module in config.execution_cache_modules:
        inputs[f"files:{module}"] = module_digest(module)
    for name, version in distribution_versions(config.execution_cache_distributions).items():
        inputs[f"dist:{name}"] = version
    for name, value in environ_inputs(config.execution_cache_environ).items():
        inputs[f"env:{name}"] = value
    inputs.update(startup_files(confdir))
    return inputs


def execution_key(inputs: dict[str, Any]) -> str:
    """The cache folder's name: a digest of the execution inputs."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The inputs that differ between two sets, as ``name: old -> new``."""
    names = sorted(set(old) | set(new))
    return [
        f"{n}: {old.get(n, '(unset)')} -> {new.get(n, '(unset)')}" for n in names if old.get(n) != new.get(n)
    ]


def _set_cache_path(app: Sphinx, config: Config) -> None:
    """config-inited: point myst-nb at the folder for today's inputs (before Sphinx compares the
    configuration with the last build's, so that a new key makes every page be read again)."""
    inputs = execution_inputs(config, Path(app.confdir))
    root = Path(app.confdir, config.execution_cache_root)
    config.nb_execution_cache_path = str(root / execution_key(inputs))
    app._execution_cache_inputs = inputs  # type: ignore[attr-defined]  # for _prepare_cache


def _fresh_environment(app: Sphinx) -> bool:
    """Whether this build was asked for a fresh environment (``sphinx-build -E``).

    Sphinx 9 keeps the flag to itself (there is no ``app.freshenv``), but a fresh environment has read
    no page yet although the last build's pickled environment is on disk. (The same holds when that
    pickle could not be loaded, after a Sphinx upgrade: the pages then execute again too.)
    """
    if hasattr(app, "freshenv"):
        return bool(app.freshenv)
    return not app.env.all_docs and Path(app.doctreedir, ENV_PICKLE_FILENAME).is_file()


def _prepare_cache(app: Sphinx) -> None:
    """builder-inited: drop caches made for other inputs (or all of them for -E), create the cache."""
    from jupyter_cache import get_cache

    path = Path(app.config.nb_execution_cache_path)
    inputs: dict[str, Any] = app._execution_cache_inputs  # type: ignore[attr-defined]
    fresh = _fresh_environment(app)
    if path.parent.is_dir():
        for folder in sorted(path.parent.iterdir()):
            if folder == path and not fresh:
                continue
            if folder != path:
                try:
                    old = json.loads((folder / INPUTS_FILE).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    old = {}
                changed = changes(old, inputs) if old else ["(inputs not recorded)"]
                logger.info(
                    "execution cache %s is for other inputs, deleted: %s", folder.name, "; ".join(changed)
                )
            shutil.rmtree(folder, ignore_errors=True)
    if fresh:
        logger.info("fresh environment (-E): the execution cache is emptied, every page executes")
    path.mkdir(parents=True, exist_ok=True)
    (path / INPUTS_FILE).write_text(json.dumps(inputs, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    get_cache(str(path)).list_cache_records()


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_config_value("execution_cache_root", "_build/.jupyter_cache", "env", str)
    app.add_config_value("execution_cache_modules", ("relu_vs_sigmoid",), "env", (list, tuple))
    app.add_config_value("execution_cache_distributions", ("relu-vs-sigmoid",), "env", (list, tuple))
    app.add_config_value("execution_cache_environ", DEFAULT_ENVIRON, "env", (list, tuple))
    app.connect("config-inited", _set_cache_path)
    app.connect("builder-inited", _prepare_cache, priority=400)  # before myst-nb reads the configuration
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
