"""relu_vs_sigmoid.activations: values and derivatives against closed forms, and argument checks."""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import tensorflow as tf
from conftest import np_activation
from hypothesis import assume, given
from hypothesis import strategies as st

from relu_vs_sigmoid import activations as A

ELEMENTWISE = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")

# float32 pre-activations of any small shape; the reference is evaluated on the same float32 values.
pre_activations = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=6),
    elements=st.floats(-40.0, 40.0, width=32, allow_subnormal=False),
)
slopes = st.one_of(st.sampled_from([0.0, 0.01, 0.1, 0.2, 0.5, 1.0]), st.floats(0.0, 1.0))
alphas = st.one_of(st.sampled_from([1.0, 0.5, 2.0]), st.floats(0.01, 10.0))
# away from the kink at 0 (and from where float32 sigmoid/tanh saturate, for the derivative tests)
off_kink = st.floats(-8.0, 8.0, width=32, allow_subnormal=False).filter(lambda v: abs(v) > 1e-2)


def _np(t) -> np.ndarray:
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


def _close(got, want, *, rtol=1e-5, atol=1e-6):
    got = _np(got)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=atol)


def _autodiff(fn, z) -> np.ndarray:
    z = tf.constant(z, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = fn(z)
    return tape.gradient(out, z).numpy()


def _central_difference(fn64, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return (fn64(z + h) - fn64(z - h)) / (2 * h)


# --- values -------------------------------------------------------------------------------------


@given(pre_activations)
def test_sigmoid_matches_closed_form(z):
    out = A.sigmoid(z)
    assert out.shape == z.shape
    _close(out, np_activation("sigmoid", z))
    assert np.all((_np(out) >= 0) & (_np(out) <= 1))


@given(pre_activations)
def test_tanh_matches_closed_form(z):
    out = A.tanh(z)
    assert out.shape == z.shape
    _close(out, np.tanh(z.astype(np.float64)))


@given(pre_activations)
def test_relu_matches_closed_form(z):
    out = A.relu(z)
    assert out.shape == z.shape
    np.testing.assert_array_equal(_np(out), np.maximum(z, 0))


@given(pre_activations, slopes)
def test_leaky_relu_matches_closed_form(z, a):
    out = A.leaky_relu(z, a)
    assert out.shape == z.shape
    _close(out, np_activation("leaky_relu", z, negative_slope=a))


@pytest.mark.parametrize("a", [0.0, 0.01, 0.1, 0.2, 1.0])
def test_leaky_relu_slopes_exact_points(a):
    z = np.array([-3.0, -1.0, 0.0, 2.0], dtype=np.float32)
    np.testing.assert_allclose(A.leaky_relu(z, a).numpy(), [-3 * a, -a, 0.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(A.get("leaky_relu", negative_slope=a)(z).numpy(), [-3 * a, -a, 0.0, 2.0])


def test_leaky_relu_default_slope_is_point_one():
    np.testing.assert_allclose(A.leaky_relu([-2.0]).numpy(), [-0.2], rtol=1e-6)
    np.testing.assert_allclose(A.get("leaky_relu")([-2.0]).numpy(), [-0.2], rtol=1e-6)


@given(pre_activations, alphas)
def test_elu_matches_closed_form(z, alpha):
    out = A.elu(z, alpha)
    assert out.shape == z.shape
    _close(out, np_activation("elu", z, alpha=alpha))
    assert np.all(_np(out) >= -alpha * (1 + 1e-6))


def test_elu_large_input_does_not_overflow():
    out = A.elu([1e30, -1e30, 88.0, 100.0], 2.0).numpy()
    np.testing.assert_allclose(out, [1e30, -2.0, 88.0, 100.0], rtol=1e-6)
    grad = A.get("elu", alpha=2.0).derivative([1e30, -1e30, 100.0]).numpy()
    np.testing.assert_array_equal(grad, [1.0, 0.0, 1.0])


@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(2, 5)).map(
            lambda s: s[: 1 + (s[1] % 2)] + s[2:]
        ),
        elements=st.floats(-100.0, 100.0, width=32, allow_subnormal=False),
    )
)
def test_maxout_is_max_over_last_axis(z):
    out = A.maxout(z)
    assert out.shape == z.shape[:-1]
    np.testing.assert_array_equal(_np(out), z.max(axis=-1))
    # through the Activation object as well
    np.testing.assert_array_equal(_np(A.get("maxout")(z)), z.max(axis=-1))


def test_maxout_lecture_example():
    np.testing.assert_array_equal(A.maxout([[1.0, -2.0], [0.5, 3.0]]).numpy(), [1.0, 3.0])
    np.testing.assert_array_equal(A.maxout([[1.0, -2.0, 7.0]]).numpy(), [7.0])


@pytest.mark.parametrize("shape", [(), (3, 1), (1,)])
def test_maxout_rejects_fewer_than_two_pieces(shape):
    with pytest.raises(ValueError, match=r"maxout needs z of shape \(..., k\) with k >= 2"):
        A.maxout(np.zeros(shape, dtype=np.float32))


def test_maxout_rejects_zero_pieces():
    with pytest.raises(ValueError, match=r"k >= 2"):
        A.maxout(np.zeros((3, 0), dtype=np.float32))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_accepts_python_scalars_and_lists(name):
    act = A.get(name)
    out = act([[-1.0, 0.0, 2.0]])
    assert out.dtype == tf.float32 and out.shape == (1, 3)
    _close(out, np_activation(name, [[-1.0, 0.0, 2.0]]))
    assert act(0.5).shape == ()


# --- derivatives ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("sigmoid", {}),
        ("tanh", {}),
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.1}),
        ("leaky_relu", {"negative_slope": 0.0}),
        ("leaky_relu", {"negative_slope": 0.37}),
        ("leaky_relu", {"negative_slope": 1.0}),
        ("elu", {"alpha": 1.0}),
        ("elu", {"alpha": 0.3}),
        ("elu", {"alpha": 4.0}),
    ],
)
@given(z=st.lists(off_kink, min_size=1, max_size=8))
def test_derivative_matches_finite_differences_and_autodiff(name, params, z):
    z = np.array(z, dtype=np.float32)
    act = A.get(name, **params)
    d = act.derivative(z)
    assert d.shape == z.shape and d.dtype == tf.float32
    fd = _central_difference(lambda v: np_activation(name, v, **params), z)
    np.testing.assert_allclose(d.numpy(), fd, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d.numpy(), _autodiff(act, z), rtol=1e-6, atol=1e-7)


@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 4), st.integers(2, 4)),
        elements=st.floats(-10, 10, width=32, allow_subnormal=False),
    )
)
def test_maxout_derivative_is_one_hot_of_the_largest_piece(z):
    top2 = np.sort(z, axis=-1)[:, -2:]
    assume(np.all(top2[:, 1] - top2[:, 0] > 1e-3))  # no ties: the derivative is defined
    d = A.get("maxout").derivative(z).numpy()
    assert d.shape == z.shape
    np.testing.assert_array_equal(d, np.eye(z.shape[-1])[z.argmax(axis=-1)])
    # finite differences of max over the last axis, one piece at a time
    h = 1e-5
    z64 = z.astype(np.float64)
    for j in range(z.shape[-1]):
        e = np.zeros_like(z64)
        e[:, j] = h
        fd = (z64 + e).max(axis=-1) - (z64 - e).max(axis=-1)
        np.testing.assert_allclose(d[:, j], fd / (2 * h), atol=1e-6)
    np.testing.assert_allclose(d, _autodiff(A.maxout, z), atol=1e-7)


def test_sigmoid_derivative_at_most_a_quarter_with_maximum_at_zero():
    z = np.linspace(-20, 20, 4001, dtype=np.float32)  # includes 0 exactly
    d = A.get("sigmoid").derivative(z).numpy()
    assert np.all(d <= 0.25)
    assert d[np.argmax(d)] == 0.25 and z[np.argmax(d)] == 0.0
    assert float(A.get("sigmoid").derivative(0.0)) == 0.25
    # decreasing in |z|
    assert np.all(np.diff(d[z >= 0]) <= 0) and np.all(np.diff(d[z <= 0]) >= 0)


@given(st.floats(-30.0, 30.0, width=32, allow_subnormal=False))
def test_sigmoid_derivative_bound_property(z):
    d = float(A.get("sigmoid").derivative(z))
    assert 0.0 <= d <= 0.25
    s = 1 / (1 + math.exp(-z))
    assert d == pytest.approx(s * (1 - s), rel=1e-4, abs=1e-7)


def test_tanh_derivative_at_most_one():
    z = np.linspace(-10, 10, 2001, dtype=np.float32)
    d = A.get("tanh").derivative(z).numpy()
    assert np.all(d <= 1.0) and float(A.get("tanh").derivative(0.0)) == 1.0


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("relu", {}, 0.0),
        ("leaky_relu", {}, 0.1),
        ("leaky_relu", {"negative_slope": 0.25}, 0.25),
        ("leaky_relu", {"negative_slope": 0.0}, 0.0),
        ("elu", {}, 1.0),
        ("elu", {"alpha": 0.5}, 0.5),
        ("elu", {"alpha": 3.0}, 3.0),
        ("sigmoid", {}, 0.25),
        ("tanh", {}, 1.0),
    ],
)
def test_derivative_at_the_kink_follows_tensorflow(name, params, expected):
    act = A.get(name, **params)
    assert float(act.derivative(0.0)) == pytest.approx(expected, rel=1e-7)
    assert float(_autodiff(act, 0.0)) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_far_from_zero(name):
    act = A.get(name)
    d = act.derivative([-50.0, 50.0]).numpy()
    expected = {
        "sigmoid": [0.0, 0.0],
        "tanh": [0.0, 0.0],
        "relu": [0.0, 1.0],
        "leaky_relu": [0.1, 1.0],
        "elu": [0.0, 1.0],
    }[name]
    np.testing.assert_allclose(d, expected, atol=1e-12, rtol=1e-6)


# --- get -----------------------------------------------------------------------------------------


def test_names():
    assert A.NAMES == ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout")


@pytest.mark.parametrize("name", A.NAMES)
def test_get_by_name(name):
    act = A.get(name)
    assert isinstance(act, A.Activation)
    assert act.name == name
    assert act.pieces == (2 if name == "maxout" else 1)
    assert isinstance(act.formula, str) and act.formula
    assert "<" not in act.formula  # every placeholder filled in


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_get_returns_the_module_function(name):
    assert A.get(name).function is getattr(A, name)


def test_get_binds_parameters():
    leaky = A.get("leaky_relu", negative_slope=0.3)
    np.testing.assert_allclose(leaky([-1.0]).numpy(), [-0.3], rtol=1e-6)
    np.testing.assert_allclose(leaky.derivative([-1.0]).numpy(), [0.3], rtol=1e-6)
    assert "a = 0.3" in leaky.formula
    elu = A.get("elu", alpha=2.0)
    np.testing.assert_allclose(elu([-1.0]).numpy(), [2.0 * math.expm1(-1.0)], rtol=1e-6)
    assert r"\alpha = 2" in elu.formula
    maxout = A.get("maxout", pieces=3)
    assert maxout.pieces == 3 and "<k>" not in maxout.formula and "3" in maxout.formula


def test_activation_is_frozen():
    act = A.get("relu")
    with pytest.raises(AttributeError):
        act.name = "sigmoid"


# --- argument checks -----------------------------------------------------------------------------


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as info:
        A.get("Relu6")
    message = str(info.value)
    assert "activation" in message and "'Relu6'" in message
    for name in A.NAMES:
        assert name in message


@pytest.mark.parametrize("name", ["", "RELU", "softplus", " relu"])
def test_unknown_names_rejected(name):
    with pytest.raises(
        ValueError, match="activation must be one of sigmoid, tanh, relu, leaky_relu, elu, maxout"
    ):
        A.get(name)


@pytest.mark.parametrize("name", [None, 3, b"relu", ["relu"], A.relu])
def test_non_string_name_is_a_type_error(name):
    with pytest.raises(TypeError, match="activation must be a string"):
        A.get(name)


@pytest.mark.parametrize(
    ("slope", "error", "match"),
    [
        (-0.1, ValueError, r"negative_slope must be in \[0, 1\]; got -0.1"),
        (1.5, ValueError, r"negative_slope must be in \[0, 1\]; got 1.5"),
        (float("nan"), ValueError, r"negative_slope must be finite"),
        (float("inf"), ValueError, r"negative_slope must be finite"),
        ("0.1", TypeError, r"negative_slope must be a number"),
        (True, TypeError, r"negative_slope must be a number"),
    ],
)
def test_bad_negative_slope(slope, error, match):
    with pytest.raises(error, match=match):
        A.get("leaky_relu", negative_slope=slope)
    with pytest.raises(error, match=match):
        A.leaky_relu([1.0], slope)


@pytest.mark.parametrize(
    ("alpha", "error", "match"),
    [
        (0.0, ValueError, r"alpha must be > 0; got 0.0"),
        (-1.0, ValueError, r"alpha must be > 0; got -1.0"),
        (float("nan"), ValueError, r"alpha must be finite"),
        (float("-inf"), ValueError, r"alpha must be finite"),
        ("1", TypeError, r"alpha must be a number"),
        (False, TypeError, r"alpha must be a number"),
    ],
)
def test_bad_alpha(alpha, error, match):
    with pytest.raises(error, match=match):
        A.get("elu", alpha=alpha)
    with pytest.raises(error, match=match):
        A.elu([1.0], alpha)


@pytest.mark.parametrize(
    ("pieces", "error", "match"),
    [
        (1, ValueError, r"pieces must be an integer >= 2; got 1"),
        (0, ValueError, r"pieces must be an integer >= 2; got 0"),
        (-3, ValueError, r"pieces must be an integer >= 2"),
        (2.0, TypeError, r"pieces must be an integer >= 2; got 2.0"),
        (2.5, TypeError, r"pieces must be an integer"),
        (True, TypeError, r"pieces must be an integer >= 2; got True"),
        ("2", TypeError, r"pieces must be an integer"),
    ],
)
def test_bad_pieces(pieces, error, match):
    with pytest.raises(error, match=match):
        A.get("maxout", pieces=pieces)


def test_numpy_integer_pieces_accepted():
    assert A.get("maxout", pieces=np.int64(4)).pieces == 4


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        (
            "relu",
            {"negative_slope": 0.1},
            r"negative_slope applies only to leaky_relu; got negative_slope=0.1 for 'relu'",
        ),
        ("sigmoid", {"alpha": 1.0}, r"alpha applies only to elu; got alpha=1.0 for 'sigmoid'"),
        ("elu", {"pieces": 2}, r"pieces applies only to maxout; got pieces=2 for 'elu'"),
        ("leaky_relu", {"alpha": 1.0}, r"alpha applies only to elu"),
        ("maxout", {"negative_slope": 0.2}, r"negative_slope applies only to leaky_relu"),
        ("tanh", {"pieces": 3}, r"pieces applies only to maxout"),
    ],
)
def test_parameter_for_the_wrong_activation(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        A.get(name, **kwargs)


def test_parameters_are_keyword_only():
    with pytest.raises(TypeError):
        A.get("leaky_relu", 0.2)
