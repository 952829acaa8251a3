"""relu_vs_sigmoid.diagnostics: gradient norms per layer, dead ReLU units and revivals, distances between
the inputs' representations, and the plateau costs of merged inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_unchanged, np_activation, snapshot

import relu_vs_sigmoid
from relu_vs_sigmoid import data
from relu_vs_sigmoid.diagnostics import (
    dead_units,
    gradient_norms,
    has_dead_layer,
    hidden_distances,
    input_pairs,
    merged_cost,
    revived_units,
)
from relu_vs_sigmoid.models import MLP, build
from relu_vs_sigmoid.training import loss_and_gradients, train, train_many

X_XOR, Y_XOR = data.xor()


# --- gradient_norms -----------------------------------------------------------------------------------


def _np_gradient_norms(model, X, y) -> np.ndarray:
    """Backpropagation by hand, in float64 NumPy: the norm of d(mean cross-entropy)/d(W_i) per layer.

    Independent of TensorFlow's autodiff (which gradient_norms uses): the chain rule written out, with
    the activations' derivatives in closed form (relu'(0) = 0, Maxout's 1 for the largest piece).
    """
    name, pieces = model.activation.name, model.activation.pieces
    Ws = [w.numpy().astype(np.float64) for w in model.weights]
    bs = [b.numpy().astype(np.float64) for b in model.biases]
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    hs, zs = [X], []
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        zs.append(hs[-1] @ W + b)
        z = zs[-1].reshape(len(X), -1, pieces) if pieces > 1 else zs[-1]
        hs.append(z.max(axis=-1) if pieces > 1 else np_activation(name, z))
    logits = hs[-1] @ Ws[-1] + bs[-1]
    delta = (1.0 / (1.0 + np.exp(-logits)) - y) / len(X)  # dL/dlogits of the mean cross-entropy
    norms = [np.linalg.norm(hs[-1].T @ delta)]
    back = delta @ Ws[-1].T  # dL/dh of the top hidden layer
    for i in reversed(range(len(zs))):
        z = zs[i]
        if pieces > 1:
            z3 = z.reshape(len(X), -1, pieces)
            winner = np.eye(pieces)[z3.argmax(axis=-1)]  # (n, width, pieces)
            dz = (back[..., None] * winner).reshape(z.shape)
        else:
            derivative = {
                "sigmoid": lambda v: np_activation("sigmoid", v) * (1 - np_activation("sigmoid", v)),
                "tanh": lambda v: 1 - np.tanh(v) ** 2,
                "relu": lambda v: (v > 0).astype(np.float64),
            }[name]
            dz = back * derivative(z)
        norms.append(np.linalg.norm(hs[i].T @ dz))
        back = dz @ Ws[i].T
    return np.array(norms[::-1])


def test_gradient_norms_of_a_hand_set_net_in_closed_form():
    # 2 -> 1 -> 1, sigmoid, every weight and bias 0 except the output weight 1. Each input's hidden unit
    # is sigmoid(0) = 1/2, its logit 1/2, its prediction p = sigmoid(1/2), and dL/dlogit = (p - y_i) / 4.
    # The output weight's gradient: sum_i (1/2)(p - y_i)/4 = (p - 1/2)/2 = tanh(1/4)/4 (2 sigmoid(x) - 1 =
    # tanh(x/2)). Each first-layer weight: sigmoid'(0) = 1/4 times sum_i x_ij (p - y_i)/4 over the two
    # inputs with x_j = 1, labels 1 and 0: (2p - 1)/16 = tanh(1/4)/16 each, a norm of sqrt(2) tanh(1/4)/16.
    model = MLP([1], "sigmoid", seed=0)
    model.weights[0].assign([[0.0], [0.0]])
    model.weights[1].assign([[1.0]])
    norms = gradient_norms(model)
    t = math.tanh(0.25)
    np.testing.assert_allclose(norms, [math.sqrt(2) * t / 16, t / 4], rtol=1e-6)
    np.testing.assert_allclose(norms, [0.0216480, 0.0612297], rtol=1e-5)


@pytest.mark.parametrize(
    ("depth", "activation"), [(1, "relu"), (3, "sigmoid"), (10, "sigmoid"), (4, "maxout"), (3, "tanh")]
)
def test_gradient_norms_shape_and_values(depth, activation):
    model = build(depth=depth, width=5, activation=activation, seed=0)
    before = snapshot(model)
    norms = gradient_norms(model)
    assert norms.shape == (depth + 1,)
    assert np.all(norms >= 0) and np.all(np.isfinite(norms))
    np.testing.assert_allclose(norms, _np_gradient_norms(model, X_XOR, Y_XOR), rtol=1e-4)
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
    np.testing.assert_allclose(norms, _np_gradient_norms(model, X, y), rtol=1e-5)
    assert not np.allclose(norms, gradient_norms(model, X, 1 - y))  # the labels are used


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


# --- merged_cost: the plateaus of failed runs -----------------------------------------------------------


def _entropy(p):
    return -p * np.log(p) - (1 - p) * np.log(1 - p)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([[0, 1, 2, 3]], np.log(2)),  # all four inputs merged: the output ignores the input
        ([[0, 1, 2], [3]], 0.75 * _entropy(2 / 3)),  # (0,0), (0,1), (1,0) merged: two 1s and a 0
        ([[1, 2, 3], [0]], 0.75 * _entropy(2 / 3)),
        ([[0, 1], [2], [3]], 0.5 * np.log(2)),  # one opposite-label pair merged, the rest fitted
        ([[0, 1], [2, 3]], np.log(2)),  # both opposite-label pairs merged: all four at 0.5
        ([[1, 2], [0, 3]], 0.0),  # merging same-label pairs costs nothing
        ([[0], [1], [2], [3]], 0.0),
    ],
)
def test_merged_cost_of_xor_groupings(groups, expected):
    assert merged_cost(groups) == pytest.approx(expected, abs=1e-12)


def test_merged_cost_with_other_labels():
    assert merged_cost([[0, 1, 2]], y=[1, 1, 0]) == pytest.approx(_entropy(2 / 3))
    assert merged_cost([[0], [1, 2]], y=np.array([[1.0], [0.0], [1.0]])) == pytest.approx(2 / 3 * np.log(2))


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([[0, 1, 2]], "partition the rows 0 to 3"),  # row 3 missing
        ([[0, 1, 2, 3], [3]], "partition the rows 0 to 3"),  # row 3 twice
        ([[0, 1, 2, 3, 4]], "partition the rows 0 to 3"),
        ([[0, 1, 2, 3], []], "non-empty"),
        ([0, 1, 2, 3], "sequence of sequences"),
    ],
)
def test_merged_cost_rejects_a_bad_partition(groups, message):
    with pytest.raises(ValueError, match=message):
        merged_cost(groups)


def test_merged_cost_rejects_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match="labels 0 and 1 only; got"):
        merged_cost([[0, 1]], y=[0, 2])


@pytest.fixture(scope="module")
def relu_depth10():
    """The relu page's experiment: 32 ReLU nets of depth 10, width 5, lr 0.1, 5,000 steps."""
    nets = [build(depth=10, width=5, activation="relu", seed=s) for s in range(32)]
    born = [dead_units(net) for net in nets]
    results = train_many(nets, steps=5000, learning_rate=0.1)
    return nets, born, results


@pytest.mark.slow
def test_every_failed_relu_run_ends_on_a_merged_cost_plateau(relu_depth10):
    nets, _, results = relu_depth10
    plateaus = {
        "all merged": merged_cost([[0, 1, 2, 3]]),
        "three merged": merged_cost([[0, 1, 2], [3]]),
        "one pair merged": merged_cost([[0, 1], [2], [3]]),
    }
    failed = [(net, r) for net, r in zip(nets, results, strict=True) if not r.solved]
    assert failed, "the page's claim needs failed seeds"
    landed = {}
    for net, r in failed:
        assert not r.diverged
        name, cost = min(plateaus.items(), key=lambda item: abs(item[1] - r.final_loss))
        assert abs(r.final_loss - cost) < 0.01, (r.seed, r.final_loss)
        landed.setdefault(name, []).append(r.seed)
        if has_dead_layer(net):  # a dead layer: the output ignores the input
            assert name == "all merged"
    assert {"all merged", "three merged"} <= set(landed)


@pytest.mark.slow
def test_dead_units_revive_above_layer_1_and_nowhere_else(relu_depth10):
    nets, born, results = relu_depth10
    after = [dead_units(net) for net in nets]
    revived = sum(revived_units(b, a) for b, a in zip(born, after, strict=True))
    assert revived[0] == 0  # layer 1 reads X, which never changes
    assert revived[1:].sum() > 0  # a unit higher up can come back as the layers below it train
    for b, a in zip(born, after, strict=True):  # a layer born fully dead stays fully dead
        for layer_before, layer_after in zip(b, a, strict=True):
            if layer_before.all():
                assert layer_after.all()


def test_dead_units_revive_in_a_short_training():
    nets = [build(depth=10, width=5, activation="relu", seed=s) for s in range(8)]
    born = [dead_units(net) for net in nets]
    train_many(nets, steps=200, learning_rate=0.1)
    after = [dead_units(net) for net in nets]
    revived = sum(revived_units(b, a) for b, a in zip(born, after, strict=True))
    assert revived[0] == 0  # layer 1 reads X, which never changes
    assert revived[1:].sum() > 0  # measured: 54 of the 142 units born dead in layers 2-10
    for b, a in zip(born, after, strict=True):
        for layer_before, layer_after in zip(b, a, strict=True):
            if layer_before.all():
                assert layer_after.all()


def test_a_fully_dead_layer_never_revives():
    net = build(depth=4, width=5, activation="relu", seed=1)
    net.biases[1].assign(tf.fill([5], -50.0))  # layer 2 dead on every input
    born = dead_units(net)
    assert born[1].all() and not born[0].all()
    train_many([net], steps=200, learning_rate=0.1)
    after = dead_units(net)
    assert revived_units(born, after)[1:].tolist() == [0, 0, 0]  # nor any layer above it (its input is 0)
    assert after[1].all()
    assert np.all(hidden_distances(net)[2:] == 0)  # every input merged from layer 2 up


def test_revived_units_counts_per_layer():
    before = (np.array([True, True, False]), np.array([True, False]))
    after = (np.array([True, False, True]), np.array([False, False]))
    assert revived_units(before, after).tolist() == [1, 1]
    assert revived_units(after, before).tolist() == [1, 0]  # (0-based) unit 2 of layer 1 died instead


@pytest.mark.parametrize(
    ("initial", "final", "message"),
    [
        ((np.array([True]),), (np.array([True]), np.array([False])), "one mask per hidden layer"),
        ((np.array([True, False]),), (np.array([True]),), "layer 1 has bool"),
        ((np.array([1, 0]),), (np.array([1, 0]),), "boolean array"),
    ],
)
def test_revived_units_rejects_mismatched_masks(initial, final, message):
    with pytest.raises(ValueError, match=message):
        revived_units(initial, final)


# --- hidden_distances -------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "maxout"])
def test_hidden_distances_shape_and_rows(activation):
    model = build(depth=3, width=5, activation=activation, seed=1)
    d = hidden_distances(model)
    assert d.shape == (3 + 2, 6)
    fwd = model.forward(X_XOR)
    layers = [X_XOR, *(h.numpy() for h in fwd.activations), fwd.logits.numpy()]
    for row, h in zip(d, layers, strict=True):
        for column, (i, j) in enumerate(input_pairs(4)):
            assert row[column] == pytest.approx(float(np.sqrt(np.sum((h[i] - h[j]) ** 2))), rel=1e-6)
    assert d[0].tolist() == pytest.approx([1, 1, np.sqrt(2), np.sqrt(2), 1, 1])


def test_hidden_distances_are_zero_after_a_dead_layer():
    model = build(depth=4, width=5, activation="relu", seed=0)
    model.biases[1].assign(tf.fill([5], -100.0))  # layer 2 is dead on every input
    d = hidden_distances(model)
    assert np.all(d[2:] == 0) and np.all(d[1] > 0)


def test_hidden_distances_needs_two_inputs():
    with pytest.raises(ValueError, match="at least 2 inputs"):
        hidden_distances(build(depth=2, width=5, seed=0), X=[[0.0, 1.0]])


def test_hidden_distances_of_a_hand_set_net():
    # relu 2 -> 2 -> 1 with the identity as first layer: on XOR's inputs (all >= 0) the hidden layer
    # is the input itself; the logit is x1 + x2, which merges (0, 1) and (1, 0).
    model = MLP([2], "relu", seed=0)
    model.weights[0].assign(np.eye(2, dtype=np.float32))
    model.weights[1].assign([[1.0], [1.0]])
    d = hidden_distances(model)
    r2 = math.sqrt(2)
    # pairs (0,1) (0,2) (0,3) (1,2) (1,3) (2,3) of the inputs (0,0) (0,1) (1,0) (1,1)
    np.testing.assert_allclose(d, [[1, 1, r2, r2, 1, 1], [1, 1, r2, r2, 1, 1], [1, 1, 2, 0, 1, 1]], atol=1e-7)


def test_input_pairs_order():
    assert input_pairs(3) == [(0, 1), (0, 2), (1, 2)]
