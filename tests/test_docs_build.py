"""The site's build cannot publish a failed or stale result.

Each test builds a small throwaway Sphinx project whose ``conf.py`` runs the real
``docs/conf.py`` (same extensions, execution cache, error handling and ``-W``), with
one or two MyST-NB pages written for the test, exactly as ``nox -s docs`` runs
Sphinx. The builds execute real Jupyter kernels, so each takes a few seconds.
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
---
"""


def make_site(root: Path, pages: dict[str, str], *, kernel: str = "python3") -> Path:
    """A Sphinx project in ``root/site`` with the real conf.py and the given pages (name → body)."""
    site = root / "site"
    site.mkdir(parents=True)
    real_conf = DOCS / "conf.py"
    (site / "conf.py").write_text(
        "# Runs the site's real configuration with this folder as its home.\n"
        f"exec(compile(open({str(real_conf)!r}).read(), {str(real_conf)!r}, 'exec'))\n"
    )
    shutil.copytree(DOCS / "_static", site / "_static")
    shutil.copy(DOCS / "references.bib", site / "references.bib")
    profile = site / "_ipython" / "profile_default"
    profile.mkdir(parents=True)
    shutil.copy(DOCS / "_ipython" / "profile_default" / "ipython_kernel_config.py", profile)
    toctree = "\n".join(pages)
    (site / "index.md").write_text(f"# Test site\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, body in pages.items():
        (site / f"{name}.md").write_text(HEADER.format(kernel=kernel) + textwrap.dedent(body))
    return site


def build(site: Path, out: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """``sphinx-build -W --keep-going -b html site out``, as the docs session runs it."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(site), str(out)]
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
    done = build(site, tmp_path / "html")
    log = log_of(done)
    assert done.returncode != 0, log
    assert "no-such-kernel" in log
    assert "page.md" in log


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
