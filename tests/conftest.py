"""Shared helpers for the test suite: a Hypothesis profile, a float64 NumPy reference of the
network's forward pass, and weight snapshots."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
from hypothesis import settings

# TensorFlow's first call of every op is slow, so no per-example deadline; 50 examples keep the
# property tests to a few seconds.
settings.register_profile("default", deadline=None, max_examples=50)
settings.register_profile("thorough", deadline=None, max_examples=1000)  # HYPOTHESIS_PROFILE=thorough
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def np_activation(
    name: str, z: np.ndarray, *, negative_slope: float = 0.1, alpha: float = 1.0, pieces: int = 2
):
    """Closed forms of the package's activations in float64."""
    z = np.asarray(z, dtype=np.float64)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, negative_slope * z)
    if name == "elu":
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))
    if name == "maxout":
        return z.max(axis=-1)
    raise AssertionError(name)


def np_forward(model, X) -> tuple[np.ndarray, np.ndarray]:
    """The model's (logits, y_hat) recomputed in float64 NumPy from its current variables."""
    act = model.activation
    params = {"negative_slope": 0.1, "alpha": 1.0}
    for key in ("negative_slope", "alpha"):
        if model.config.get(key) is not None:
            params[key] = model.config[key]
    h = np.asarray(X, dtype=np.float64)
    for W, b, width in zip(model.weights[:-1], model.biases[:-1], model.widths, strict=True):
        z = h @ W.numpy().astype(np.float64) + b.numpy().astype(np.float64)
        if act.pieces > 1:
            h = np_activation("maxout", z.reshape(len(h), width, act.pieces))
        else:
            h = np_activation(act.name, z, **params)
    logits = h @ model.weights[-1].numpy().astype(np.float64) + model.biases[-1].numpy().astype(np.float64)
    return logits, 1.0 / (1.0 + np.exp(-logits))


def np_bce(y, logits) -> float:
    """Mean binary cross-entropy in nats, the naive closed form, float64."""
    y = np.asarray(y, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def snapshot(model) -> list[np.ndarray]:
    """Copies of every variable of ``model`` (weights, then biases)."""
    return [v.numpy().copy() for v in (*model.weights, *model.biases)]


def assert_unchanged(model, before: list[np.ndarray]) -> None:
    after = snapshot(model)
    assert len(after) == len(before)
    for a, b in zip(after, before, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def xor_data():
    from relu_vs_sigmoid.data import xor

    return xor()
