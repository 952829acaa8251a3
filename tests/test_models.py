"""relu_vs_sigmoid.models: the lecture's MLP, its variables, name scopes, initialisers and checks."""

from __future__ import annotations

import contextlib
import itertools
import re
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from conftest import np_activation, np_forward

try:
    import resource
except ImportError:  # not on Windows
    resource = None

from relu_vs_sigmoid import activations, data, models
from relu_vs_sigmoid.models import INITS, MLP, Forward, build, check_model, initial_weights


def _graph_ops(model, n_inputs=2):
    fn = tf.function(model.forward)
    graph = fn.get_concrete_function(tf.TensorSpec([None, n_inputs], tf.float32)).graph
    return graph, [op.name for op in graph.get_operations()]


# --- variables -----------------------------------------------------------------------------------


def test_lecture_network_variables():
    net = MLP([5, 4])
    assert [v.name for v in net.weights] == ["Weight1:0", "Weight2:0", "Weight3:0"]
    assert [v.name for v in net.biases] == ["Bias1:0", "Bias2:0", "Bias3:0"]
    assert [tuple(v.shape) for v in net.weights] == [(2, 5), (5, 4), (4, 1)]
    assert [tuple(v.shape) for v in net.biases] == [(5,), (4,), (1,)]
    assert all(v.dtype == tf.float32 for v in (*net.weights, *net.biases))
    assert all(v.trainable for v in (*net.weights, *net.biases))
    # tf.Module tracks exactly these six variables
    assert len(net.trainable_variables) == 6
    assert net.depth == 2 and net.widths == (5, 4)
    assert net.activation.name == "sigmoid" and net.init == "uniform" and net.seed == 0


def test_deep_network_variables():
    net = build(depth=10, width=5)
    assert net.depth == 10
    assert [v.name for v in net.weights] == [f"Weight{i}:0" for i in range(1, 12)]
    assert [v.name for v in net.biases] == [f"Bias{i}:0" for i in range(1, 12)]
    assert [tuple(v.shape) for v in net.weights] == [(2, 5)] + [(5, 5)] * 9 + [(5, 1)]
    assert [tuple(v.shape) for v in net.biases] == [(5,)] * 10 + [(1,)]
    assert net.layer_names == (*(f"layer{i}" for i in range(1, 11)), "last")
    assert repr(net) == "MLP(2→5→5→5→5→5→5→5→5→5→5→1, activation='sigmoid', init='uniform', seed=0)"


def test_build_defaults_are_the_lecture_deep_net():
    net = build()
    assert net.widths == (5,) * 10 and net.activation.name == "sigmoid"


def test_n_inputs():
    net = build(depth=2, width=3, n_inputs=4)
    assert tuple(net.weights[0].shape) == (4, 3)
    assert net(np.zeros((7, 4), np.float32)).shape == (7, 1)


@pytest.mark.parametrize("pieces", [2, 3])
def test_maxout_weight_shapes(pieces):
    net = build(depth=3, width=4, activation="maxout", pieces=pieces)
    assert net.activation.pieces == pieces
    assert [tuple(w.shape) for w in net.weights] == [
        (2, 4 * pieces),
        (4, 4 * pieces),
        (4, 4 * pieces),
        (4, 1),
    ]
    assert [tuple(b.shape) for b in net.biases] == [(4 * pieces,)] * 3 + [(1,)]
    fwd = net.forward(np.zeros((6, 2), np.float32))
    assert [tuple(z.shape) for z in fwd.pre_activations] == [(6, 4 * pieces)] * 3
    assert [tuple(h.shape) for h in fwd.activations] == [(6, 4)] * 3


def test_config():
    net = build(depth=3, width=4, activation="leaky_relu", init="he", seed=7, negative_slope=0.2)
    assert net.config == {
        "activation": "leaky_relu",
        "depth": 3,
        "widths": (4, 4, 4),
        "init": "he",
        "seed": 7,
        "negative_slope": 0.2,
        "alpha": None,
        "pieces": None,
    }


# --- name scopes ---------------------------------------------------------------------------------


def test_name_scopes_of_the_deep_network():
    net = build(depth=10, width=5, activation="relu")
    graph, names = _graph_ops(net)
    scopes = {name.split("/")[0] for name in names if "/" in name}
    assert scopes == {*(f"layer{i}" for i in range(1, 11)), "last"}
    for scope in net.layer_names:
        for op in ("MatMul", "add"):
            assert f"{scope}/{op}" in names
    for i in range(1, 11):
        assert f"layer{i}/Relu" in names
    assert "last/Sigmoid" in names
    # the chain layer1 -> layer2 -> ... -> layer10 -> last
    assert graph.get_operation_by_name("layer1/MatMul").inputs[0].op.name == "X"
    for i in range(2, 11):
        assert graph.get_operation_by_name(f"layer{i}/MatMul").inputs[0].op.name.startswith(f"layer{i - 1}/")
    assert graph.get_operation_by_name("last/MatMul").inputs[0].op.name.startswith("layer10/")
    # every computation (not the inputs, outputs or the function's bookkeeping) sits in a layer scope
    unscoped = [n for n in names if "/" not in n and n not in ("X", "NoOp") and not n.startswith("Identity")]
    assert unscoped == []


@pytest.mark.parametrize("activation", activations.NAMES)
def test_name_scopes_for_every_activation(activation):
    net = build(depth=2, width=3, activation=activation)
    _, names = _graph_ops(net)
    assert {n.split("/")[0] for n in names if "/" in n} == {"layer1", "layer2", "last"}


# --- forward pass --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activation", "params"),
    [
        ("sigmoid", {}),
        ("tanh", {}),
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.3}),
        ("elu", {"alpha": 0.7}),
        ("maxout", {}),
        ("maxout", {"pieces": 3}),
    ],
)
def test_forward_matches_numpy_reference(activation, params):
    net = build(depth=3, width=4, activation=activation, seed=5, **params)
    X = np.random.default_rng(0).normal(size=(9, 2)).astype(np.float32)
    fwd = net.forward(X)
    assert isinstance(fwd, Forward)
    logits, y_hat = np_forward(net, X)
    np.testing.assert_allclose(fwd.logits.numpy(), logits, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(fwd.y_hat.numpy(), y_hat, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(net(X).numpy(), fwd.y_hat.numpy())
    np.testing.assert_allclose(net.logits(X).numpy(), fwd.logits.numpy())
    # the hidden activations are the activation of the pre-activations, by the float64 closed form
    # (not by the package's own activation, which the forward pass itself calls)
    act = net.activation
    for z, h in zip(fwd.pre_activations, fwd.activations, strict=True):
        if act.pieces > 1:
            np.testing.assert_array_equal(h.numpy(), z.numpy().reshape(len(X), 4, act.pieces).max(-1))
        else:
            expected = np_activation(activation, z.numpy(), **params)
            np.testing.assert_allclose(h.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", activations.NAMES)
def test_output_is_a_probability(activation):
    net = build(depth=4, width=5, activation=activation, seed=1)
    X = np.random.default_rng(1).uniform(-1, 1, size=(50, 2)).astype(np.float32)
    out = net(X).numpy()
    assert out.shape == (50, 1) and out.dtype == np.float32
    assert np.all((out > 0) & (out < 1))
    X_xor, _ = data.xor()
    assert net(X_xor).shape == (4, 1)


def test_forward_accepts_lists():
    net = MLP([3], seed=1)
    out = net([[0.0, 1.0], [1.0, 1.0]])
    assert out.shape == (2, 1)
    np.testing.assert_array_equal(out.numpy(), net(np.array([[0, 1], [1, 1]], np.float32)).numpy())
    np.testing.assert_allclose(out.numpy(), np_forward(net, [[0.0, 1.0], [1.0, 1.0]])[1], rtol=1e-5)


# --- initialisers --------------------------------------------------------------------------------


def _all_weights(net):
    return np.concatenate([w.numpy().ravel() for w in net.weights])


def test_inits():
    assert INITS == ("uniform", "glorot", "he")


def test_uniform_init():
    net = build(depth=3, width=200, init="uniform", seed=0)
    w = _all_weights(net)
    assert np.all(w >= -1) and np.all(w <= 1)
    assert w.min() < -0.99 and w.max() > 0.99  # the whole of U(-1, 1) is used
    assert abs(w.mean()) < 0.01
    assert np.var(w) == pytest.approx(1 / 3, rel=0.03)


@pytest.mark.parametrize("init", INITS)
def test_biases_start_at_zero(init):
    net = build(depth=3, width=6, activation="maxout", init=init, seed=2)
    for b in net.biases:
        np.testing.assert_array_equal(b.numpy(), 0.0)


def test_glorot_limits():
    net = build(depth=2, width=300, init="glorot", seed=0)
    for w in net.weights:
        fan_in, fan_out = w.shape
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        values = w.numpy()
        assert np.all(np.abs(values) <= limit)
        if values.size >= 300:  # enough samples to reach the edges of U(-limit, limit)
            assert np.abs(values).max() > 0.95 * limit
    W2 = net.weights[1].numpy()
    assert np.var(W2) == pytest.approx(np.sqrt(6 / 600) ** 2 / 3, rel=0.03)


def test_glorot_uses_maxout_fan_out():
    net = build(depth=1, width=50, activation="maxout", pieces=4, init="glorot", seed=0)
    W1 = net.weights[0].numpy()  # (2, 200)
    limit = np.sqrt(6.0 / (2 + 200))
    assert np.all(np.abs(W1) <= limit) and np.abs(W1).max() > 0.9 * limit


def test_he_std():
    net = build(depth=2, width=400, init="he", seed=0)
    W1, W2, W3 = (w.numpy() for w in net.weights)
    # N(0, 2 / fan_in): std sqrt(2 / 2) = 1 for the first layer, sqrt(2 / 400) for the others
    assert W2.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # 160000 samples
    assert abs(W2.mean()) < 0.002
    assert W1.std() == pytest.approx(1.0, rel=0.1)  # 800 samples
    assert W3.std() == pytest.approx(np.sqrt(2 / 400), rel=0.2)  # 400 samples
    # a normal, not a uniform: some weights beyond sqrt(3) standard deviations
    assert np.abs(W2).max() > 3 * np.sqrt(2 / 400)


def test_same_seed_same_weights_different_seed_different_weights():
    a = build(depth=3, width=4, seed=11)
    b = build(depth=3, width=4, seed=11)
    c = build(depth=3, width=4, seed=12)
    for wa, wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())
    assert all(
        not np.array_equal(wa.numpy(), wc.numpy()) for wa, wc in zip(a.weights, c.weights, strict=True)
    )


def test_seed_is_independent_of_global_random_state():
    tf.random.set_seed(123)
    np.random.seed(123)
    a = build(depth=2, width=3, seed=4)
    tf.random.set_seed(999)
    np.random.seed(999)
    b = build(depth=2, width=3, seed=4)
    for wa, wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())


def test_weights_reproduce_numpy_generator():
    net = build(depth=1, width=3, seed=42)
    rng = np.random.default_rng(42)
    np.testing.assert_array_equal(net.weights[0].numpy(), rng.uniform(-1, 1, size=(2, 3)).astype(np.float32))
    np.testing.assert_array_equal(net.weights[1].numpy(), rng.uniform(-1, 1, size=(3, 1)).astype(np.float32))


# --- argument checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"depth": 0}, ValueError, r"depth must be an integer >= 1; got 0"),
        ({"depth": -2}, ValueError, r"depth must be an integer >= 1; got -2"),
        ({"depth": 2.0}, TypeError, r"depth must be an integer >= 1; got 2.0"),
        ({"depth": True}, TypeError, r"depth must be an integer >= 1; got True"),
        ({"depth": "3"}, TypeError, r"depth must be an integer"),
        ({"width": 0}, ValueError, r"width must be an integer >= 1; got 0"),
        ({"width": -5}, ValueError, r"width must be an integer >= 1; got -5"),
        ({"width": 5.0}, TypeError, r"width must be an integer >= 1; got 5.0"),
        ({"width": True}, TypeError, r"width must be an integer >= 1; got True"),
        ({"activation": "softplus"}, ValueError, r"activation must be one of sigmoid, tanh, relu"),
        ({"activation": None}, TypeError, r"activation must be a string"),
        ({"init": "xavier"}, ValueError, r"init must be one of uniform, glorot, he; got 'xavier'"),
        ({"init": None}, ValueError, r"init must be one of uniform, glorot, he"),
        ({"seed": -1}, ValueError, r"seed must be an integer >= 0; got -1"),
        ({"seed": True}, TypeError, r"seed must be an integer >= 0; got True"),
        ({"seed": 1.0}, TypeError, r"seed must be an integer"),
        ({"seed": None}, TypeError, r"seed must be an integer"),
        ({"n_inputs": 0}, ValueError, r"n_inputs must be an integer >= 1"),
        ({"activation": "relu", "alpha": 1.0}, ValueError, r"alpha applies only to elu"),
        ({"activation": "maxout", "pieces": 1}, ValueError, r"pieces must be an integer >= 2"),
        (
            {"activation": "leaky_relu", "negative_slope": 2.0},
            ValueError,
            r"negative_slope must be in \[0, 1\]",
        ),
        ({"activation": "elu", "alpha": 0.0}, ValueError, r"alpha must be > 0"),
    ],
)
def test_build_rejects(kwargs, error, match):
    with pytest.raises(error, match=match):
        build(**kwargs)


@pytest.mark.parametrize("kwarg", [{"widht": 5}, {"learning_rate": 0.1}, {"activations": "relu"}])
def test_build_rejects_unknown_keyword(kwarg):
    with pytest.raises(TypeError, match=next(iter(kwarg))):
        build(depth=2, width=3, **kwarg)


@pytest.mark.parametrize(
    ("widths", "error", "match"),
    [
        ([], ValueError, r"depth \(the number of hidden widths\) must be an integer >= 1; got 0"),
        ([5, 0], ValueError, r"width must be an integer >= 1; got 0"),
        ([5, -1], ValueError, r"width must be an integer >= 1"),
        ([5, 2.5], TypeError, r"width must be an integer"),
        ([True], TypeError, r"width must be an integer >= 1; got True"),
        (5, TypeError, r"widths must be a sequence of integers"),
        ("55", TypeError, r"widths must be a sequence of integers"),
        (None, TypeError, r"widths must be a sequence of integers"),
    ],
)
def test_mlp_rejects_widths(widths, error, match):
    with pytest.raises(error, match=match):
        MLP(widths)


# --- size limits: an absurd network is refused at once, before anything is allocated ----------------------


def _cap_address_space(headroom: int):
    """Cap this process's address space at its current size plus ``headroom`` bytes, where the system
    allows it (Linux); return the function that lifts the cap again."""
    status = Path("/proc/self/status")
    if resource is None or not status.exists():
        return lambda: None
    size = int(re.search(r"VmSize:\s+(\d+) kB", status.read_text()).group(1)) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + headroom if hard == resource.RLIM_INFINITY else min(size + headroom, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _allocates_at_most(limit: int):
    """Fail if the block allocates more than ``limit`` bytes at its peak (NumPy's arrays included).

    Meanwhile the address space is capped 2 GB above its size, so that code which does try to allocate
    an absurd network fails with MemoryError here instead of exhausting the machine's memory.
    """
    lift = _cap_address_space(2 * 1024**3)
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        lift()
    assert peak <= limit, f"allocated {peak} bytes"


def test_size_limits():
    assert models.MAX_DEPTH == 1_000 and models.MAX_PARAMETERS == 100_000_000
    # generous for real use: the site's deepest and widest networks, and width 1024 at depth 30
    for depth, width in [(30, 5), (10, 64), (30, 1024), (96, 1024)]:
        fan_ins, fan_outs = (2, *[width] * depth), (*[width] * depth, 1)
        assert sum((a + 1) * b for a, b in zip(fan_ins, fan_outs, strict=True)) <= models.MAX_PARAMETERS


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: build(depth=1, width=10**9),
            r"^width=1000000000 at depth=1 makes a network of 4000000001 parameters \(weights and biases\); "
            r"at most 100000000 are allowed \(relu_vs_sigmoid.models.MAX_PARAMETERS\)",
        ),
        (lambda: build(width=10**9), r"^width=1000000000 at depth=10 makes a network of \d+ parameters"),
        (lambda: build(depth=10**9), r"^depth must be an integer in \[1, 1000\]; got 1000000000$"),
        (lambda: build(depth=1001), r"^depth must be an integer in \[1, 1000\]; got 1001$"),
        (
            lambda: build(depth=2, width=10**4),
            r"^width=10000 at depth=2 makes a network of 100050001 parameters",
        ),
        (lambda: MLP([5, 10**9]), r"^widths=\(5, 1000000000\) makes a network of \d+ parameters"),
        (
            lambda: MLP([5] * 1001),
            r"^depth \(the number of hidden widths\) must be an integer in \[1, 1000\]; got 1001$",
        ),
        (
            lambda: build(depth=1, width=10**5, activation="maxout", pieces=10**4),
            r"^width=100000 at depth=1, pieces=10000 makes a network of \d+ parameters",
        ),
        (lambda: build(depth=1, width=5, n_inputs=10**9), r"^width=5 at depth=1, n_inputs=1000000000 makes"),
        (lambda: initial_weights([10**9]), r"^width=1000000000 at depth=1 makes a network of 4000000001"),
        # a million layers, given as a range so that the test itself allocates nothing
        (lambda: initial_weights(range(1, 10**6 + 1)), r"^depth \(the number of hidden widths\) must be an"),
        (lambda: MLP(range(1, 10**6 + 1)), r"^depth \(the number of hidden widths\) must be an integer in"),
    ],
)
def test_absurd_sizes_fail_at_once(call, match):
    with _allocates_at_most(1_000_000), pytest.raises(ValueError, match=match):
        call()


def test_the_largest_allowed_depth_builds():
    net = build(depth=models.MAX_DEPTH, width=1, seed=0)
    assert net.depth == 1000 and len(net.weights) == 1001


def test_mlp_options_are_keyword_only():
    with pytest.raises(TypeError):
        MLP([5], "relu", "he")


def test_check_model():
    net = build(depth=1, width=2)
    assert check_model(net) is net
    for bad in (None, "model", tf.Module(), [net]):
        with pytest.raises(TypeError, match=r"model must be a relu_vs_sigmoid.models.MLP; got"):
            check_model(bad)


# --- initial_weights ---------------------------------------------------------------------------------


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("seed", [0, 7, 123456])
@pytest.mark.parametrize(
    ("widths", "activation", "params"),
    [
        ([5, 4], "sigmoid", {}),
        ([5] * 10, "relu", {}),
        ([3, 6, 2], "maxout", {"pieces": 2}),
        ([4, 4], "maxout", {"pieces": 3}),
        ([2], "elu", {"n_inputs": 3}),
    ],
)
def test_initial_weights_are_the_mlps(init, seed, widths, activation, params):
    pieces = params.get("pieces", 1)
    n_inputs = params.get("n_inputs", 2)
    net = MLP(widths, activation, init=init, seed=seed, **params)
    drawn = initial_weights(widths, init=init, seed=seed, n_inputs=n_inputs, pieces=pieces)
    assert len(drawn) == len(widths) + 1
    for w, v in zip(drawn, net.weights, strict=True):
        assert isinstance(w, np.ndarray) and w.dtype == np.float32
        assert w.shape == tuple(v.shape)
        np.testing.assert_array_equal(w, v.numpy())
    assert [w.shape for w in drawn] == [
        (n_inputs, widths[0] * pieces),
        *((a, b * pieces) for a, b in itertools.pairwise(widths)),
        (widths[-1], 1),
    ]


def test_initial_weights_defaults():
    drawn = initial_weights([5, 4])
    net = MLP([5, 4])  # uniform, seed 0, two inputs, one piece
    for w, v in zip(drawn, net.weights, strict=True):
        np.testing.assert_array_equal(w, v.numpy())


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("seed", [0, 3, 99])
def test_initial_weights_prefix_property(init, seed):
    deep = initial_weights([5] * 12, init=init, seed=seed)
    for k in range(1, 12):
        shallow = initial_weights([5] * k, init=init, seed=seed)
        for a, b in zip(deep[:k], shallow[:k], strict=True):
            np.testing.assert_array_equal(a, b)
        # the output layer of the shallow net is not the deep net's layer k + 1
        assert shallow[k].shape == (5, 1) and deep[k].shape == (5, 5)
    # the same for the MLPs built from them, and for widths that vary
    deep_net, shallow_net = build(12, 5, init=init, seed=seed), build(3, 5, init=init, seed=seed)
    for a, b in zip(deep_net.weights[:3], shallow_net.weights[:3], strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    uneven = initial_weights([6, 3, 8, 2], init=init, seed=seed)
    for a, b in zip(uneven[:2], initial_weights([6, 3], init=init, seed=seed)[:2], strict=True):
        np.testing.assert_array_equal(a, b)


def test_initial_weights_differ_by_seed_and_init():
    a = initial_weights([5, 5], seed=1)
    assert not np.array_equal(a[0], initial_weights([5, 5], seed=2)[0])
    assert not np.array_equal(a[0], initial_weights([5, 5], seed=1, init="he")[0])
    # the seed alone decides: the global random state plays no part
    np.random.seed(0)
    b = initial_weights([5, 5], seed=1)
    np.random.seed(1)
    c = initial_weights([5, 5], seed=1)
    for x, y, z in zip(a, b, c, strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([5],), {"init": "xavier"}, ValueError, r"init must be one of uniform, glorot, he; got 'xavier'"),
        (([5],), {"init": None}, ValueError, r"init must be one of"),
        (([5],), {"seed": -1}, ValueError, r"seed must be an integer >= 0; got -1"),
        (([5],), {"seed": 1.5}, TypeError, r"seed must be an integer"),
        (([5],), {"seed": True}, TypeError, r"seed must be an integer >= 0; got True"),
        (([5, 0],), {}, ValueError, r"width must be an integer >= 1; got 0"),
        (([5, 2.5],), {}, TypeError, r"width must be an integer >= 1; got 2.5"),
        (([5],), {"n_inputs": 0}, ValueError, r"n_inputs must be an integer >= 1; got 0"),
        (([5],), {"n_inputs": 2.0}, TypeError, r"n_inputs must be an integer"),
        (([5],), {"pieces": 0}, ValueError, r"pieces must be an integer >= 1; got 0"),
        (([5],), {"pieces": "2"}, TypeError, r"pieces must be an integer"),
        ((5,), {}, TypeError, r"widths"),
        ((None,), {}, TypeError, r"widths"),
    ],
)
def test_initial_weights_rejects(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        initial_weights(*args, **kwargs)


def test_initial_weights_options_are_keyword_only():
    with pytest.raises(TypeError):
        initial_weights([5], "he")
