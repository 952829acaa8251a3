"""relu_vs_sigmoid.diagnostics: gradient norms per layer and dead ReLU units."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_unchanged, snapshot

import relu_vs_sigmoid
from relu_vs_sigmoid import data
from relu_vs_sigmoid.diagnostics import dead_units, gradient_norms, has_dead_layer
from relu_vs_sigmoid.models import MLP, build
from relu_vs_sigmoid.training import loss_and_gradients, train

X_XOR, Y_XOR = data.xor()


# --- gradient_norms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "activation"), [(1, "relu"), (3, "sigmoid"), (10, "sigmoid"), (4, "maxout")]
)
def test_gradient_norms_shape_and_values(depth, activation):
    model = build(depth=depth, width=5, activation=activation, seed=0)
    before = snapshot(model)
    norms = gradient_norms(model)
    assert norms.shape == (depth + 1,)
    assert np.all(norms >= 0) and np.all(np.isfinite(norms))
    _, _, grads = loss_and_gradients(model, tf.constant(X_XOR), tf.constant(Y_XOR))
    expected = [np.sqrt(np.sum(g.numpy().astype(np.float64) ** 2)) for g in grads[: depth + 1]]
    np.testing.assert_allclose(norms, expected, rtol=1e-5)
    assert_unchanged(model, before)  # measuring does not train


@pytest.mark.parametrize(("activation", "seed"), [("sigmoid", 0), ("relu", 3), ("tanh", 1)])
def test_gradient_norms_match_the_first_logged_row_of_train(activation, seed):
    model = build(depth=4, width=5, activation=activation, seed=seed)
    norms = gradient_norms(model)
    result = train(model, steps=1, log_every=1)
    np.testing.assert_allclose(norms, result.grad_norms[0], rtol=1e-5)


def test_gradient_norms_vanish_in_the_deep_sigmoid_net():
    norms = gradient_norms(build(depth=10, width=5, activation="sigmoid", seed=0))
    assert norms[0] * 1000 <= norms[-1]


def test_gradient_norms_custom_data():
    model = build(depth=2, width=3, activation="tanh", seed=0, n_inputs=3)
    X = np.array([[0, 1, 2], [1, 0, -1], [0.5, 0.5, 0.5]], dtype=np.float32)
    y = np.array([1, 0, 1])
    norms = gradient_norms(model, X, y)
    _, _, grads = loss_and_gradients(model, tf.constant(X), tf.constant(y[:, None].astype(np.float32)))
    np.testing.assert_allclose(norms, [float(tf.norm(g)) for g in grads[:3]], rtol=1e-6)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.zeros((4, 3)), Y_XOR), ValueError, r"X must have shape \(n, 2\)"),
        ((X_XOR, [0, 1, 2, 0]), ValueError, r"labels 0 and 1"),
        ((X_XOR, [0, 1]), ValueError, r"same number of rows"),
    ],
)
def test_gradient_norms_rejects_bad_data(args, error, match):
    with pytest.raises(error, match=match):
        gradient_norms(build(depth=2, width=3), *args)


def test_gradient_norms_rejects_non_mlp():
    with pytest.raises(TypeError, match="model must be a relu_vs_sigmoid.models.MLP"):
        gradient_norms("model")


# --- dead units ----------------------------------------------------------------------------------------


def _hand_set_relu_net():
    """A relu 2 -> 3 -> 3 -> 1 net with unit 1 of layer 1 dead on the XOR inputs (x >= 0)."""
    model = MLP([3, 3], "relu", seed=0)
    model.weights[0].assign([[1.0, -1.0, 0.5], [1.0, -2.0, 0.5]])
    model.biases[0].assign([0.0, -0.1, 0.2])  # unit 1: -x1 - 2 x2 - 0.1 < 0 for every XOR input
    model.weights[1].assign(np.ones((3, 3), np.float32))
    model.biases[1].assign([0.1, 0.1, 0.1])
    return model


def test_dead_units_detects_a_hand_set_dead_unit():
    model = _hand_set_relu_net()
    dead = dead_units(model)
    assert len(dead) == 2
    assert all(d.dtype == bool for d in dead)
    np.testing.assert_array_equal(dead[0], [False, True, False])
    np.testing.assert_array_equal(dead[1], [False, False, False])
    assert has_dead_layer(model) is False


def test_a_unit_with_zero_pre_activation_everywhere_is_dead():
    # relu'(0) = 0: a unit whose pre-activation is exactly 0 passes no gradient either
    model = _hand_set_relu_net()
    model.weights[0].assign([[1.0, 0.0, 0.5], [1.0, 0.0, 0.5]])
    model.biases[0].assign([0.0, 0.0, 0.2])
    np.testing.assert_array_equal(dead_units(model)[0], [False, True, False])


def test_unit_alive_on_some_input_is_not_dead():
    # (0, 0) gives z = 0, but (1, 1) gives z = 2 > 0: the unit is alive on the data set
    model = _hand_set_relu_net()
    assert not dead_units(model)[0][0]
    # ... and dead on a data set with only the input (0, 0)
    np.testing.assert_array_equal(dead_units(model, [[0.0, 0.0]])[0], [True, True, False])


def test_has_dead_layer_when_a_whole_layer_is_dead():
    model = _hand_set_relu_net()
    model.biases[1].assign([-100.0, -100.0, -100.0])
    dead = dead_units(model)
    np.testing.assert_array_equal(dead[1], [True, True, True])
    assert has_dead_layer(model) is True
    # the network is then constant, and no gradient reaches the layers below
    out = model(X_XOR).numpy()
    np.testing.assert_allclose(out, np.full((4, 1), out[0, 0]))
    _, _, grads = loss_and_gradients(model, tf.constant(X_XOR), tf.constant(Y_XOR))
    np.testing.assert_array_equal(grads[0].numpy(), 0.0)
    np.testing.assert_array_equal(grads[1].numpy(), 0.0)


def test_dead_units_shapes_of_a_built_net():
    model = build(depth=3, width=5, activation="relu", seed=0)
    dead = dead_units(model)
    assert [d.shape for d in dead] == [(5,), (5,), (5,)]
    assert has_dead_layer(build(depth=2, width=5, activation="relu", seed=0)) is False


def test_dead_units_agree_with_the_forward_pass():
    model = build(depth=4, width=6, activation="relu", seed=7)
    fwd = model.forward(X_XOR)
    for d, h in zip(dead_units(model), fwd.activations, strict=True):
        np.testing.assert_array_equal(d, np.all(h.numpy() == 0, axis=0))


@pytest.mark.parametrize(
    ("activation", "params"),
    [
        ("sigmoid", {}),
        ("tanh", {}),
        ("leaky_relu", {}),
        ("leaky_relu", {"negative_slope": 0.0}),
        ("elu", {}),
        ("maxout", {}),
    ],
)
def test_dead_units_requires_relu(activation, params):
    model = build(depth=2, width=3, activation=activation, **params)
    with pytest.raises(
        ValueError, match=rf"dead units are defined for relu networks; got activation '{activation}'"
    ):
        dead_units(model)
    with pytest.raises(ValueError, match="dead units are defined for relu networks"):
        has_dead_layer(model)


def test_dead_units_rejects_bad_input():
    model = build(depth=2, width=3, activation="relu")
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        dead_units(model, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X must be finite"):
        dead_units(model, [[0.0, np.nan]])
    with pytest.raises(TypeError, match="model must be a relu_vs_sigmoid.models.MLP"):
        dead_units(None)


def test_package_reexports():
    assert relu_vs_sigmoid.gradient_norms is gradient_norms
    assert relu_vs_sigmoid.dead_units is dead_units
    assert relu_vs_sigmoid.has_dead_layer is has_dead_layer


@pytest.mark.parametrize("X", [3.0, "xor"])
def test_dead_units_rejects_scalar_input_naming_x(X):
    model = build(depth=2, width=3, activation="relu")
    with pytest.raises((TypeError, ValueError)) as info:
        dead_units(model, X)
    assert str(info.value).startswith("X must"), str(info.value)
