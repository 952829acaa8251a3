"""TensorBoard logs of a training run, and readers that load them back.

:func:`relu_vs_sigmoid.training.train` with ``logdir=...`` writes, through a
:class:`Writer`:

- the graph of the cost, traced once: the chain ``layer1 → … → layerL → last``
  of the model's name scopes, then ``cost``;
- scalars ``cost`` and ``accuracy`` (the lecture's two curves) and
  ``gradient_norm/layer{i}`` / ``gradient_norm/last`` at every logged step;
- histograms ``layer{i}/Weight{i}``, ``layer{i}/activation`` and
  ``last/Weight{L+1}`` at every logged step.

View them with ``tensorboard --logdir DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing import event_accumulator

__all__ = ["Writer", "read_scalars", "read_tags", "read_graph"]


class Writer:
    """Writes one run's TensorBoard events into ``logdir``.

    Parameters
    ----------
    logdir : str or Path
        The folder for the event file; created if missing.
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
    OSError
        If ``logdir`` cannot be created or written.
    """

    def __init__(self, logdir, model, X, y, cost: Callable):
        if not isinstance(logdir, (str, os.PathLike)):
            raise TypeError(f"logdir must be a str or path; got {type(logdir).__name__}")
        Path(logdir).mkdir(parents=True, exist_ok=True)
        self._writer = tf.summary.create_file_writer(str(logdir))
        self._model, self._X = model, X

        @tf.function
        def cost_graph(X, y):
            logits = model.logits(X)
            with tf.name_scope("cost"):
                return cost(y, logits)

        with self._writer.as_default():
            tf.summary.graph(cost_graph.get_concrete_function(X, y).graph)

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


def _load(logdir) -> event_accumulator.EventAccumulator:
    """Load every event of ``logdir`` (one run: the event files directly inside it)."""
    path = Path(logdir)
    if not any(path.glob("events.out.tfevents.*")):
        raise FileNotFoundError(f"logdir has no TensorBoard event files: {str(logdir)!r}")
    events = event_accumulator.EventAccumulator(
        str(path), size_guidance={event_accumulator.TENSORS: 0, event_accumulator.GRAPH: 1}
    )
    events.Reload()
    return events


def read_tags(logdir) -> dict[str, list[str]]:
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
    """
    events = _load(logdir)
    tags: dict[str, list[str]] = {}
    for tag in sorted(events.Tags()[event_accumulator.TENSORS]):
        plugin = events.SummaryMetadata(tag).plugin_data.plugin_name
        tags.setdefault(plugin, []).append(tag)
    return tags


def read_scalars(logdir) -> dict[str, tuple[np.ndarray, np.ndarray]]:
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
    events = _load(logdir)
    out = {}
    for tag in sorted(events.Tags()[event_accumulator.TENSORS]):
        if events.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
            continue
        points = sorted((e.step, float(tf.make_ndarray(e.tensor_proto))) for e in events.Tensors(tag))
        out[tag] = (np.array([p[0] for p in points], dtype=np.int64), np.array([p[1] for p in points]))
    return out


def read_graph(logdir):
    """The graph written to ``logdir``, as a ``GraphDef`` protocol buffer (TensorBoard's copy of
    TensorFlow's message); ``graph.node`` lists the operations, whose names carry the name scopes.

    Raises
    ------
    FileNotFoundError
        If ``logdir`` holds no event file, or its event files hold no graph.
    """
    events = _load(logdir)
    if not events.Tags()[event_accumulator.GRAPH]:
        raise FileNotFoundError(f"no graph in the event files of {str(logdir)!r}")
    return events.Graph()
