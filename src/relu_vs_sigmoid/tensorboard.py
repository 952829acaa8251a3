"""TensorBoard logs of a training run, and readers that load them back.

:func:`relu_vs_sigmoid.training.train` with ``logdir=...`` writes, through a
:class:`Writer`:

- the graph of the cost, traced once: the chain ``layer1 → … → layerL → last``
  of the model's name scopes, then ``cost``;
- scalars ``cost`` and ``accuracy`` (the lecture's two curves) and
  ``gradient_norm/layer{i}`` / ``gradient_norm/last`` at every logged step;
- histograms ``layer{i}/Weight{i}``, ``layer{i}/activation`` and
  ``last/Weight{L+1}`` at every logged step.

Each run writes into a folder of its own: :func:`check_logdir` (which
:class:`Writer`, and so ``train``, applies) refuses a folder that already
holds event files, because TensorBoard and :func:`read_scalars` would merge
the two runs into one series (steps 0, 0, 100, 100, …).

View them with ``tensorboard --logdir DIR``, or read them back here:
:func:`read_scalars`, :func:`read_tags`, :func:`read_graph`, and
:func:`scope_graph`, which groups the graph by name scope as TensorBoard's
*Graphs* tab first draws it (drawn by :func:`relu_vs_sigmoid.plots.scope_graph`).

Writing and reading event files needs the ``tensorboard`` package (a dependency
of this one, which TensorFlow itself no longer installs); it is imported only
then, so training without a ``logdir`` works without it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import tensorflow as tf

if TYPE_CHECKING:
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.compat.proto.node_def_pb2 import NodeDef

    from .models import MLP

__all__ = [
    "Writer",
    "LogdirInUseError",
    "check_logdir",
    "read_scalars",
    "read_tags",
    "read_graph",
    "ScopeGraph",
    "scope_graph",
]

_INSTALL = "pip install tensorboard"
_EVENT_ACCUMULATOR = "tensorboard.backend.event_processing.event_accumulator"  # TensorBoard's own reader


def _tensorboard(task: str, module: str) -> ModuleType:
    """Import ``module`` of the tensorboard package, or say what to install to do ``task``."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModuleNotFoundError(
            f"{task} needs the tensorboard package, which could not be imported ({error}); "
            f"install it with: {_INSTALL}",
            name="tensorboard",
        ) from error


class LogdirInUseError(ValueError):
    """A logdir already holds an earlier run's TensorBoard event files (see :func:`check_logdir`)."""


def check_logdir(logdir: object) -> Path:
    """Return ``logdir`` as a Path if a new run may write into it: a folder without event files.

    A folder that does not exist yet, or holds no TensorBoard event file
    (a file whose name contains ``tfevents``, as TensorBoard counts them) at
    any depth, is fine. One that holds some is refused: a second run's events
    would be read back with the first's as one run.

    Raises
    ------
    TypeError
        If ``logdir`` is not a str or path.
    LogdirInUseError
        (a ValueError) If ``logdir`` already holds event files; the one-line
        message names the folder and one of the files.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_logdir(Path(folder) / "run1").name  # a new folder
    'run1'
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "events.out.tfevents.1.host.1.v2").write_bytes(b"")
    ...     check_logdir(folder)
    Traceback (most recent call last):
    ...
    relu_vs_sigmoid.tensorboard.LogdirInUseError: logdir ... already holds TensorBoard event files
    (events.out.tfevents.1.host.1.v2), ...:
    give each run its own folder, or delete the old event files first
    """
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"logdir must be a str or path; got {type(logdir).__name__}")
    path = Path(logdir)
    if path.is_dir():
        found = next((p for p in path.rglob("*tfevents*") if not p.is_dir()), None)
        if found is not None:
            raise LogdirInUseError(
                f"logdir {path} already holds TensorBoard event files ({found.relative_to(path)}), which"
                " would be read as one run with this one's: give each run its own folder, or delete"
                " the old event files first"
            )
    return path


class Writer:
    """Writes one run's TensorBoard events into ``logdir``.

    Parameters
    ----------
    logdir : str or Path
        The folder for the event file; created if missing. It must not hold
        event files already (see :func:`check_logdir`).
    model : MLP
        The network being trained.
    X, y : tf.Tensor
        The training data, shapes (n, n_inputs) and (n, 1).
    cost : callable
        ``cost(y, logits)``, the scalar loss whose graph is traced.

    Raises
    ------
    TypeError
        If ``logdir`` is not a path.
    ValueError
        If ``logdir`` already holds TensorBoard event files.
    ModuleNotFoundError
        If the tensorboard package cannot be imported (``pip install tensorboard``).
    OSError
        If ``logdir`` cannot be created or written.
    """

    def __init__(
        self,
        logdir: str | os.PathLike[str],
        model: MLP,
        X: tf.Tensor,
        y: tf.Tensor,
        cost: Callable[[tf.Tensor, tf.Tensor], tf.Tensor],
    ) -> None:
        path = check_logdir(logdir)
        _tensorboard("writing TensorBoard logs (logdir=...)", "tensorboard.summary.v2")
        path.mkdir(parents=True, exist_ok=True)
        self._writer = tf.summary.create_file_writer(str(path))
        self._model, self._X = model, X

        def cost_graph(X: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
            logits = model.logits(X)
            with tf.name_scope("cost"):
                return cost(y, logits)

        with self._writer.as_default():
            traced = tf.function(cost_graph).get_concrete_function(X, y)
            tf.summary.graph(traced.graph)

    def log(self, step: int, loss: float, accuracy: float, grad_norms: np.ndarray) -> None:
        """Write the scalars and histograms of one logged step."""
        model = self._model
        fwd = model.forward(self._X)
        with self._writer.as_default(step=step):
            tf.summary.scalar("cost", loss)
            tf.summary.scalar("accuracy", accuracy)
            for name, norm in zip(model.layer_names, grad_norms, strict=True):
                tf.summary.scalar(f"gradient_norm/{name}", norm)
            for i, (scope, W) in enumerate(zip(model.layer_names, model.weights, strict=True), start=1):
                tf.summary.histogram(f"{scope}/Weight{i}", W)
                if i <= model.depth:
                    tf.summary.histogram(f"{scope}/activation", fwd.activations[i - 1])

    def close(self) -> None:
        """Flush the event file to disk and close it."""
        self._writer.flush()
        self._writer.close()


class _Events:
    """The events of one run, loaded by TensorBoard's EventAccumulator, and the names of its kinds."""

    def __init__(self, logdir: str | os.PathLike[str]) -> None:
        path = Path(logdir)
        if not any(path.glob("events.out.tfevents.*")):
            raise FileNotFoundError(f"logdir has no TensorBoard event files: {str(logdir)!r}")
        ea = _tensorboard("reading TensorBoard logs", _EVENT_ACCUMULATOR)
        self.TENSORS, self.GRAPH = ea.TENSORS, ea.GRAPH
        self.accumulator = ea.EventAccumulator(str(path), size_guidance={ea.TENSORS: 0, ea.GRAPH: 1})
        self.accumulator.Reload()


def read_tags(logdir: str | os.PathLike[str]) -> dict[str, list[str]]:
    """The tags in ``logdir``'s event files, grouped by TensorBoard plugin.

    Parameters
    ----------
    logdir : str or Path
        The folder one run wrote its ``events.out.tfevents.*`` files into.

    Returns
    -------
    dict
        ``{"scalars": [...], "histograms": [...], ...}``, each list sorted.

    Raises
    ------
    FileNotFoundError
        If ``logdir`` holds no event file.
    ModuleNotFoundError
        If the tensorboard package cannot be imported (``pip install tensorboard``).
    """
    loaded = _Events(logdir)
    events = loaded.accumulator
    tags: dict[str, list[str]] = {}
    for tag in sorted(events.Tags()[loaded.TENSORS]):
        plugin = events.SummaryMetadata(tag).plugin_data.plugin_name
        tags.setdefault(plugin, []).append(tag)
    return tags


def read_scalars(logdir: str | os.PathLike[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Load every scalar series that ``logdir``'s event files hold.

    Parameters
    ----------
    logdir : str or Path
        The folder one run wrote its ``events.out.tfevents.*`` files into.

    Returns
    -------
    dict
        ``{tag: (steps, values)}``, with ``steps`` an int64 array of shape
        (n_logged,) and ``values`` a float64 array of the same shape, in step order.

    Raises
    ------
    FileNotFoundError
        If ``logdir`` holds no event file.
    ModuleNotFoundError
        If the tensorboard package cannot be imported (``pip install tensorboard``).

    Examples
    --------
    >>> import tempfile
    >>> from relu_vs_sigmoid import build, train
    >>> with tempfile.TemporaryDirectory() as logdir:
    ...     _ = train(build(depth=2, seed=0), steps=20, log_every=10, logdir=logdir)
    ...     scalars = read_scalars(logdir)
    >>> scalars["cost"][0].tolist()
    [0, 10, 20]
    """
    loaded = _Events(logdir)
    events = loaded.accumulator
    out = {}
    for tag in sorted(events.Tags()[loaded.TENSORS]):
        if events.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
            continue
        points = sorted((e.step, float(tf.make_ndarray(e.tensor_proto))) for e in events.Tensors(tag))
        out[tag] = (np.array([p[0] for p in points], dtype=np.int64), np.array([p[1] for p in points]))
    return out


def read_graph(logdir: str | os.PathLike[str]) -> GraphDef:
    """The graph written to ``logdir``, as a ``GraphDef`` protocol buffer (TensorBoard's copy of
    TensorFlow's message); ``graph.node`` lists the operations, whose names carry the name scopes.

    Raises
    ------
    FileNotFoundError
        If ``logdir`` holds no event file, or its event files hold no graph.
    ModuleNotFoundError
        If the tensorboard package cannot be imported (``pip install tensorboard``).
    """
    loaded = _Events(logdir)
    if not loaded.accumulator.Tags()[loaded.GRAPH]:
        raise FileNotFoundError(f"no graph in the event files of {str(logdir)!r}")
    return loaded.accumulator.Graph()


@dataclass(frozen=True)
class ScopeGraph:
    """A logged graph grouped by top-level name scope, as TensorBoard's *Graphs* tab first draws it.

    Attributes
    ----------
    scopes : tuple of str
        The top-level scopes in the order the graph defines them, e.g. ``("X", "y",
        "layer1", …, "layer10", "last", "cost")``; the function's own output
        scaffolding (``Identity``, ``NoOp``) is left out.
    edges : tuple of (str, str)
        ``(source, target)`` for every pair of scopes where an operation of
        ``target`` reads an output of ``source`` (data inputs, not control
        dependencies), in the order of ``scopes``.
    n_ops : dict of str to int
        The number of operations (graph nodes) in each scope.
    variables : dict of str to tuple of (str, tuple of int)
        For each scope, the variables it reads, with their shapes. The graph names
        a captured variable only ``resource``; the one that a scope's ``MatMul``
        reads is listed as ``Weight{i}`` and the one its ``add`` reads as
        ``Bias{i}``, ``i`` being the layer's number (the names of
        :class:`relu_vs_sigmoid.models.MLP`'s variables).
    """

    scopes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    n_ops: dict[str, int]
    variables: dict[str, tuple[tuple[str, tuple[int, ...]], ...]]


_SCAFFOLDING = ("Identity", "NoOp")


def scope_graph(graph_def: GraphDef) -> ScopeGraph:
    """Group a logged graph (from :func:`read_graph`) by top-level name scope.

    Parameters
    ----------
    graph_def : GraphDef
        As returned by :func:`read_graph`.

    Returns
    -------
    ScopeGraph

    Raises
    ------
    TypeError
        If ``graph_def`` has no ``node`` list (is not a GraphDef).
    ValueError
        If the graph holds no operation outside the scaffolding.

    Examples
    --------
    >>> import tempfile
    >>> from relu_vs_sigmoid import build, train
    >>> logdir = tempfile.mkdtemp()
    >>> _ = train(build(depth=2, width=5, activation="relu", seed=0), steps=10, logdir=logdir)
    >>> graph = scope_graph(read_graph(logdir))
    >>> graph.scopes
    ('X', 'y', 'layer1', 'layer2', 'last', 'cost')
    >>> graph.variables["layer2"]
    (('Weight2', (5, 5)), ('Bias2', (5,)))
    """
    nodes = getattr(graph_def, "node", None)
    if nodes is None:
        raise TypeError(
            f"graph_def must be a GraphDef, as read_graph returns; got {type(graph_def).__name__}"
        )
    scope_of = {node.name: node.name.split("/")[0] for node in nodes}
    scopes: list[str] = []
    n_ops: dict[str, int] = {}
    for node in nodes:
        scope = scope_of[node.name]
        if scope in _SCAFFOLDING:
            continue
        if scope not in n_ops:
            scopes.append(scope)
            n_ops[scope] = 0
        n_ops[scope] += 1
    if not scopes:
        raise ValueError("graph_def holds no operation outside the function's output scaffolding")
    found: set[tuple[str, str]] = set()
    variables: dict[str, list[tuple[str, tuple[int, ...]]]] = {scope: [] for scope in scopes}
    by_name = {node.name: node for node in nodes}
    for node in nodes:
        target = scope_of[node.name]
        if target in _SCAFFOLDING:
            continue
        for name in node.input:
            if name.startswith("^"):
                continue  # a control dependency
            source_node = by_name.get(name.split(":")[0])
            if source_node is None:
                continue
            source = scope_of[source_node.name]
            if source != target and source not in _SCAFFOLDING:
                found.add((source, target))
            if source_node.op == "ReadVariableOp" and node.op in ("MatMul", "AddV2", "Add", "BiasAdd"):
                kind = "Weight" if node.op == "MatMul" else "Bias"
                variables[target].append((f"{kind}{_layer_number(target, scopes)}", _shape(source_node)))
    order = {scope: i for i, scope in enumerate(scopes)}
    edges = tuple(sorted(found, key=lambda edge: (order[edge[1]], order[edge[0]])))
    return ScopeGraph(tuple(scopes), edges, n_ops, {scope: tuple(v) for scope, v in variables.items()})


def _layer_number(scope: str, scopes: list[str]) -> int:
    """``layer3`` is layer 3; ``last`` comes after the highest-numbered layer."""
    if scope.startswith("layer") and scope[5:].isdigit():
        return int(scope[5:])
    numbers = [int(s[5:]) for s in scopes if s.startswith("layer") and s[5:].isdigit()]
    return max(numbers, default=0) + 1


def _shape(node: NodeDef) -> tuple[int, ...]:
    """The first output shape recorded on a node, or () if none is."""
    shapes = node.attr["_output_shapes"].list.shape if "_output_shapes" in node.attr else []
    return tuple(int(d.size) for d in shapes[0].dim) if shapes else ()
