"""The site's build cannot publish a failed or stale result.

Each test builds a small throwaway Sphinx project whose ``conf.py`` runs the real
``docs/conf.py`` with a copy of the real local extensions (docs/_ext: same execution
cache, error handling, checks and ``-W``), with one or two MyST-NB pages written for
the test, as ``nox -s docs`` runs Sphinx (which adds ``-j auto``: the tests that are
about parallel builds pass ``-j 2``). The builds execute real Jupyter kernels, so each
takes a few seconds.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the docs group is installed by `nox -s tests`")

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[1] / "docs"
HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: {kernel}
  display_name: Python 3
{metadata}---
"""


def make_site(root: Path, pages: dict[str, str], *, kernel: str = "python3", metadata: str = "") -> Path:
    """A Sphinx project in ``root/site`` with the real conf.py and the given pages (name → body);
    ``metadata`` is more YAML for the pages' front matter."""
    site = root / "site"
    site.mkdir(parents=True)
    real_conf = DOCS / "conf.py"
    (site / "conf.py").write_text(
        "# Runs the site's real configuration with this folder as its home.\n"
        f"exec(compile(open({str(real_conf)!r}).read(), {str(real_conf)!r}, 'exec'))\n"
    )
    shutil.copytree(DOCS / "_static", site / "_static")
    shutil.copytree(DOCS / "_templates", site / "_templates")
    shutil.copytree(DOCS / "_ext", site / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(DOCS / "references.bib", site / "references.bib")
    profile = site / "_ipython" / "profile_default"
    profile.mkdir(parents=True)
    shutil.copy(DOCS / "_ipython" / "profile_default" / "ipython_kernel_config.py", profile)
    toctree = "\n".join(pages)
    (site / "index.md").write_text(f"# Test site\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, body in pages.items():
        (site / f"{name}.md").write_text(
            HEADER.format(kernel=kernel, metadata=metadata) + textwrap.dedent(body)
        )
    return site


def build(
    site: Path,
    out: Path,
    *options: str,
    pythonpath: Path | None = None,
    environ: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """``sphinx-build -W --keep-going [options] -b html site out``, as the docs session runs it."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0", **(environ or {})}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        *options,
        "-b",
        "html",
        str(site),
        str(out),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def log_of(done: subprocess.CompletedProcess) -> str:
    """What the build printed, without the terminal colour codes of the kernel's traceback."""
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def pasted(page: Path) -> list[str]:
    """The glued values (``{glue:text}``) shown on a built page, in order."""
    return [html.unescape(v) for v in re.findall(r'class="pasted-text">([^<]*)<', page.read_text())]


def test_a_failing_cell_fails_the_build_and_names_the_page_and_the_cell(tmp_path):
    site = make_site(
        tmp_path,
        {
            "failing": """
            # A page whose second cell fails

            ```{code-cell} ipython3
            x = 1
            ```

            ```{code-cell} ipython3
            raise ValueError("the second cell fails on purpose")
            ```
            """
        },
    )
    done = build(site, tmp_path / "html")
    log = log_of(done)
    assert done.returncode != 0, log
    assert "failing.md" in log
    assert 'raise ValueError("the second cell fails on purpose")' in log  # the cell's source
    assert "ValueError: the second cell fails on purpose" in log  # and its traceback
    assert not (tmp_path / "html" / "failing.html").exists()


FAILING_PAGE = """
# A page whose second cell fails

```{code-cell} ipython3
x = 1
```

```{code-cell} ipython3
model = [x]
raise TypeError(f"model must be an MLP, not {type(model).__name__}")
```
"""


def test_a_failing_cell_in_a_parallel_build_is_in_the_builds_own_log(tmp_path):
    """Under -j, a page is read in a forked process whose log is lost when it raises: the page, the
    cell and the traceback must still be in what the build prints, not only in a sphinx-err-*.log."""
    site = make_site(tmp_path, {"failing": FAILING_PAGE, "fine": "# A page that runs\n"})
    done = build(site, tmp_path / "html", "-j", "2")
    log = log_of(done)
    assert done.returncode != 0, log
    assert 'raise TypeError(f"model must be an MLP, not {type(model).__name__}")' in log  # the cell
    assert "TypeError: model must be an MLP, not list" in log  # and the kernel's traceback
    # one error line names the page, the line where the cell starts and the exception
    lines = (site / "failing.md").read_text().splitlines()
    start = [number for number, line in enumerate(lines, 1) if line.startswith("```{code-cell}")][1]
    assert re.search(
        rf"failing\.md:{start}: ERROR: code cell 2 .*TypeError: model must be an MLP, not list", log
    )
    assert not (tmp_path / "html" / "failing.html").exists()


def test_a_cell_timeout_in_a_parallel_build_names_the_page_and_the_cell(tmp_path):
    site = make_site(
        tmp_path,
        {
            "slow": """
            # A page whose cell takes too long

            ```{code-cell} ipython3
            import time

            time.sleep(60)
            ```
            """,
            "fine": "# A page that runs\n",
        },
    )
    done = build(site, tmp_path / "html", "-j", "2", "-D", "nb_execution_timeout=2")
    log = log_of(done)
    assert done.returncode != 0, log
    assert re.search(r"slow\.md:\d+: ERROR: code cell 1 of the page timed out .*CellTimeoutError", log), log
    assert "time.sleep(60)" in log  # the cell
    assert not (tmp_path / "html" / "slow.html").exists()


def test_a_cell_tagged_raises_exception_builds_and_shows_its_error(tmp_path):
    site = make_site(
        tmp_path,
        {
            "raising": """
            # A page that shows an error on purpose

            ```{code-cell} ipython3
            :tags: [raises-exception]

            1 / 0
            ```
            """
        },
    )
    done = build(site, tmp_path / "html")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ZeroDivisionError" in (tmp_path / "html" / "raising.html").read_text()


def test_a_kernel_that_is_not_installed_fails_the_build_clearly(tmp_path):
    site = make_site(
        tmp_path,
        {"page": "# A page\n\n```{code-cell} ipython3\nprint('never runs')\n```\n"},
        kernel="no-such-kernel",
    )
    done = build(site, tmp_path / "html", "-j", "2")
    log = log_of(done)
    assert done.returncode != 0, log
    # the error itself names the page (at its kernelspec), the kernel asked for and those installed
    error = re.search(r"^.*page\.md:\d+: ERROR: .*$", log, re.M)
    assert error, log
    assert "'no-such-kernel'" in error[0] and "installed kernels: " in error[0] and "python3" in error[0]
    assert not (tmp_path / "html" / "page.html").exists()


def test_a_change_under_the_package_reruns_the_cached_pages(tmp_path):
    """The cache is keyed on the installed package's files: a changed result must show up
    on the next build even though no page changed, while an unchanged package hits the cache."""
    package = tmp_path / "fake" / "relu_vs_sigmoid"  # found first, by the build and its kernels
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("ANSWER = 1\n")
    site = make_site(
        tmp_path,
        {
            "answer": """
            # The package's answer

            ```{code-cell} ipython3
            from myst_nb import glue
            import relu_vs_sigmoid

            glue("answer", relu_vs_sigmoid.ANSWER, display=False)
            ```

            The answer is {glue:text}`answer`.
            """
        },
    )
    out = tmp_path / "html"
    first = build(site, out, pythonpath=package.parent)
    assert first.returncode == 0, first.stdout + first.stderr
    assert pasted(out / "answer.html") == ["1"]

    again = build(site, out, pythonpath=package.parent)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Executing notebook" not in again.stdout + again.stderr  # unchanged: served from the cache

    (package / "__init__.py").write_text("ANSWER = 2\n")
    changed = build(site, out, pythonpath=package.parent)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert pasted(out / "answer.html") == ["2"]


def test_two_clean_builds_glue_the_same_numbers_and_offer_the_same_notebook(tmp_path):
    page = {
        "numbers": """
        # Seeded training

        ```{code-cell} ipython3
        from myst_nb import glue
        from relu_vs_sigmoid import train_seeds

        results = train_seeds(range(3), depth=3, width=5, activation="relu", steps=300)
        glue("losses", ", ".join(f"{r.final_loss:.9f}" for r in results), display=False)
        glue("solved", sum(r.solved for r in results), display=False)
        ```

        Final losses {glue:text}`losses`; solved {glue:text}`solved`.
        """
    }
    glued, downloads = [], []
    for name in ("first", "second"):
        site = make_site(tmp_path / name, page)
        done = build(site, tmp_path / name / "html")
        assert done.returncode == 0, done.stdout + done.stderr
        glued.append(pasted(tmp_path / name / "html" / "numbers.html"))
        downloads.append((tmp_path / name / "html" / "_sources" / "numbers.ipynb").read_bytes())
    assert len(glued[0]) == 2 and glued[0][0].count(", ") == 2
    assert glued[0] == glued[1]
    # the page's executed-notebook download, outputs and cell ids included, is the same file
    cells = json.loads(downloads[0])["cells"]
    assert [cell["id"] for cell in cells] == ["cell-00", "cell-01", "cell-02"]  # title, code, text
    assert cells[1]["outputs"]  # the glue calls' display data
    assert downloads[0] == downloads[1]


FLAG_PAGE = {
    "flag": """
    # A setting the kernel inherits

    ```{code-cell} ipython3
    import os

    from myst_nb import glue

    glue("flag", os.environ.get("TF_ENABLE_ONEDNN_OPTS", "unset"), display=False)
    ```

    oneDNN: {glue:text}`flag`.
    """
}


def test_a_changed_environment_setting_reruns_the_cached_pages(tmp_path):
    """TF_ENABLE_ONEDNN_OPTS (and the thread counts, PYTHONHASHSEED, CUDA_VISIBLE_DEVICES, ...) change
    what TensorFlow computes: a page executed under another value is not served from the cache."""
    site = make_site(tmp_path, FLAG_PAGE)
    first = build(site, tmp_path / "html", environ={"TF_ENABLE_ONEDNN_OPTS": "1"})
    assert first.returncode == 0, log_of(first)
    assert pasted(tmp_path / "html" / "flag.html") == ["1"]

    changed = build(site, tmp_path / "html", environ={"TF_ENABLE_ONEDNN_OPTS": "0"})
    assert changed.returncode == 0, log_of(changed)
    assert "Executing notebook" in log_of(changed)
    assert pasted(tmp_path / "html" / "flag.html") == ["0"]

    # the same inputs again, in a new output folder (so the page is read again): served from the cache
    again = build(site, tmp_path / "html2", environ={"TF_ENABLE_ONEDNN_OPTS": "0"})
    assert again.returncode == 0, log_of(again)
    assert "Using cached notebook" in log_of(again) and "Executing notebook" not in log_of(again)
    assert pasted(tmp_path / "html2" / "flag.html") == ["0"]


def test_a_fresh_environment_executes_every_page_again(tmp_path):
    """`sphinx-build -E` (`nox -s docs -- -E`) is a fresh build: no page is served from the cache."""
    site = make_site(tmp_path, FLAG_PAGE)
    first = build(site, tmp_path / "html")
    assert first.returncode == 0, log_of(first)
    fresh = build(site, tmp_path / "html", "-E")
    assert fresh.returncode == 0, log_of(fresh)
    assert "Executing notebook" in log_of(fresh)
    assert "Using cached notebook" not in log_of(fresh)
    records = list((site / "_build" / ".jupyter_cache").glob("*/executed/*"))
    assert len(records) == 1  # the cache holds this execution only


def test_a_numpy_scalar_repr_on_a_page_fails_the_build_naming_the_page(tmp_path):
    site = make_site(
        tmp_path,
        {
            "glued": """
            # A glued NumPy number

            ```{code-cell} ipython3
            import numpy as np
            from myst_nb import glue

            glue("rate", np.float64(0.96875), display=False)
            ```

            Formatted, {glue:text}`rate:.3f` is fine; plain, {glue:text}`rate` shows the repr.
            """
        },
    )
    done = build(site, tmp_path / "html")
    log = log_of(done)
    assert done.returncode != 0, log
    warning = re.search(r"^.*glued\.md: WARNING: .*NumPy scalar repr.*$", log, re.M)
    assert warning, log
    assert "np.float64(0.96875)" in warning[0]
    assert log.count("NumPy scalar repr") == 1  # the formatted value is not one


def test_a_page_run_in_a_temporary_folder_writes_nothing_beside_its_source(tmp_path):
    """What docs/tensorboard.md relies on: with ``mystnb: execution_in_temp: true`` myst-nb runs the
    page in a new, empty folder of its own, so its relative logs/ is neither in docs/ nor shared."""
    page = {
        "logs": """
        # A page that writes logs/

        ```{code-cell} ipython3
        import os
        from pathlib import Path

        from myst_nb import glue

        glue("empty", not any(Path().iterdir()), display=False)
        glue("cwd", os.getcwd(), display=False)
        (Path("logs") / "xor_logs").mkdir(parents=True)
        ```

        Empty at the start: {glue:text}`empty`; in {glue:text}`cwd`.
        """
    }
    site = make_site(tmp_path, page, metadata="mystnb:\n  execution_in_temp: true\n")
    done = build(site, tmp_path / "html")
    assert done.returncode == 0, log_of(done)
    empty, cwd = pasted(tmp_path / "html" / "logs.html")
    assert empty == "True"
    assert not Path(cwd.strip("'")).exists()  # removed after the page ran
    assert not Path(cwd.strip("'")).is_relative_to(site)
    assert not (site / "logs").exists()
