"""The site's configuration and local Sphinx extensions (docs/conf.py, docs/_ext), checked without a
build, and the pages' own promises that need no kernel; tests/test_docs_build.py builds small sites."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the docs group is installed by `nox -s tests`")
jupytext = pytest.importorskip("jupytext", reason="the docs group is installed by `nox -s tests`")

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXTENSIONS = sorted(path.stem for path in (DOCS / "_ext").glob("*.py"))


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_site_ext_{name}", DOCS / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _conf() -> ast.Module:
    return ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))


def _conf_values() -> dict[str, object]:
    """conf.py's plain assignments whose value is a literal."""
    values = {}
    for node in _conf().body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


# --- conf.py is configuration; the machinery is in docs/_ext ----------------------------------------------


def test_conf_defines_no_functions_and_touches_no_cache():
    tree = _conf()
    defined = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert defined == []
    calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not {call for call in calls if re.search(r"get_cache|rmtree|mkdir|unlink|write", call)}


def test_every_local_extension_is_listed_documented_and_parallel_safe():
    assert set(EXTENSIONS) >= {
        "accessible_html",
        "executed_notebooks",
        "execution_cache",
        "execution_errors",
        "numpy_reprs",
        "languages",
        "translated_pages",
        "korean_search",
    }
    korean_only = {"translated_pages", "korean_search"}  # the Korean site's (docs/ko/conf.py)
    assert set(EXTENSIONS) - korean_only <= set(_conf_values()["extensions"])
    korean_conf = (DOCS / "ko" / "conf.py").read_text(encoding="utf-8")
    assert all(f'"{name}"' in korean_conf for name in korean_only)
    app = types.SimpleNamespace(**{name: lambda *a, **k: None for name in _APP_METHODS})
    for name in EXTENSIONS:
        module = _load(name)
        assert (module.__doc__ or "").strip(), name
        metadata = module.setup(app)
        assert metadata["parallel_read_safe"] is True and metadata["parallel_write_safe"] is True, name


_APP_METHODS = (
    "setup_extension",
    "add_config_value",
    "connect",
    "add_node",
    "add_source_parser",
    "add_env_collector",
)


# --- the execution cache's key ----------------------------------------------------------------------------


def _inputs(monkeypatch, **environ: str) -> dict[str, object]:
    cache = _load("execution_cache")
    values = _conf_values()
    settings = {
        "execution_cache_environ": cache.DEFAULT_ENVIRON
    }  # the extension's default, unless conf sets it
    settings.update({k: v for k, v in values.items() if k.startswith("execution_cache_")})
    config = types.SimpleNamespace(**settings)
    monkeypatch.setenv("IPYTHONDIR", str(DOCS / "_ipython"))  # as conf.py sets it for the kernels
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return cache.execution_inputs(config, DOCS)


def test_the_cache_key_covers_the_libraries_the_kernel_and_the_interpreter(monkeypatch):
    inputs = _inputs(monkeypatch)
    for dist in ("tensorflow", "tensorboard", "numpy", "matplotlib", "pandas", "scipy", "keras"):
        assert f"dist:{dist}" in inputs, dist
    for dist in ("ipykernel", "ipython", "matplotlib-inline", "jupyter-client", "nbclient", "myst-nb"):
        assert f"dist:{dist}" in inputs, dist
    assert inputs["python"] == sys.version
    assert "files:relu_vs_sigmoid" in inputs
    assert any(name.startswith("ipython:") for name in inputs)  # the kernels' profile (docs/_ipython)
    assert "kernelspec:python3" in inputs


def test_the_cache_key_covers_settings_that_change_tensorflows_numerics(monkeypatch):
    cache = _load("execution_cache")
    settings = [
        ("TF_ENABLE_ONEDNN_OPTS", "0"),
        ("TF_DETERMINISTIC_OPS", "1"),
        ("TF_NUM_INTRAOP_THREADS", "1"),
        ("OMP_NUM_THREADS", "1"),
        ("CUDA_VISIBLE_DEVICES", "-1"),
        ("PYTHONHASHSEED", "1"),
    ]
    for name, _ in settings:
        monkeypatch.delenv(name, raising=False)
    base = _inputs(monkeypatch)
    for name, value in settings:
        changed = _inputs(monkeypatch, **{name: value})
        assert changed[f"env:{name}"] == value
        assert cache.execution_key(changed) != cache.execution_key(base), name
        monkeypatch.delenv(name)
    # log levels and other programs' TF_ variables (Terraform's may hold secrets) are left out
    quiet = _inputs(monkeypatch, TF_CPP_MIN_LOG_LEVEL="3", TF_VAR_token="secret", TF_CLI_CONFIG_FILE="/x")
    assert cache.execution_key(quiet) == cache.execution_key(base)


def test_the_environment_patterns_include_and_exclude():
    cache = _load("execution_cache")
    environ = {"TF_A": "1", "TF_CPP_X": "2", "OMP_NUM_THREADS": "4", "HOME": "/root"}
    assert cache.environ_inputs(["TF_*", "!TF_CPP_*", "OMP_*"], environ) == {
        "OMP_NUM_THREADS": "4",
        "TF_A": "1",
    }


# --- NumPy scalar reprs -----------------------------------------------------------------------------------


def test_the_numpy_repr_check_finds_results_and_spares_highlighted_code():
    reprs = _load("numpy_reprs").numpy_reprs
    glued = '<section id="results"><p>Rate <span class="pasted-text">np.float64(0.96875)</span>.</p>'
    assert reprs(glued) == [("Rate np.float64(0.96875).", "results")]
    doctest = '<dt id="relu_vs_sigmoid.training.train">\n<span class="go">(np.int64(2000), (21, 3))</span>'
    assert reprs(doctest) == [("(np.int64(2000), (21, 3))", "relu_vs_sigmoid.training.train")]
    assert reprs("<pre>(np.True_, np.str_(&#39;a&#39;))</pre>")[0][0] == "(np.True_, np.str_('a'))"
    code = '<span class="n">np</span><span class="o">.</span><span class="n">float64</span>'
    code += '<span class="p">(</span>'
    assert reprs(code + "\n<p>np.mean(x), np.float64 and np.int64s</p>") == []


def test_no_page_of_the_built_site_shows_a_numpy_scalar_repr():
    """What the build's numpy_reprs check enforces, on the last full build (`nox -s docs`)."""
    html = DOCS / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.skip("the site is not built (`nox -s docs`)")
    reprs = _load("numpy_reprs").numpy_reprs
    found = {page.name: reprs(page.read_text(encoding="utf-8")) for page in sorted(html.glob("*.html"))}
    assert {name: hits for name, hits in found.items() if hits} == {}


# --- the TensorBoard page ---------------------------------------------------------------------------------


def test_the_tensorboard_page_logs_into_its_own_new_folder_and_says_where():
    """The page's logs go to logs/ in the folder it runs in: for the build, a new temporary folder
    (never docs/, never a fixed folder that another build or user could own), for a reader, the
    notebook's folder; the `tensorboard --logdir` line names that folder."""
    page = DOCS / "tensorboard.md"
    notebook = jupytext.read(page)
    assert notebook.metadata.get("mystnb", {}).get("execution_in_temp") is True
    first = next(c.source for c in notebook.cells if c.cell_type == "code")
    assert "tempfile" not in first and "/tmp" not in first
    [assignment] = [
        node
        for node in ast.walk(ast.parse(first))
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["logs"]
    ]
    logs = eval(compile(ast.Expression(assignment.value), "logs", "eval"), {"Path": Path})
    assert not logs.is_absolute() and ".." not in logs.parts
    assert "shutil.rmtree(logs" in first  # a reader's rerun starts with empty folders
    consoles = re.findall(r"tensorboard --logdir ([^\s`]+)", page.read_text(encoding="utf-8"))
    assert consoles and set(consoles) == {logs.as_posix()}
