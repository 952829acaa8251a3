"""``python -m relu_vs_sigmoid``: the ``relu-vs-sigmoid`` command (see :mod:`relu_vs_sigmoid.cli`)."""

from .cli import main

if __name__ == "__main__":  # not when imported, e.g. by a tool that collects every module
    raise SystemExit(main())
