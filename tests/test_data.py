"""relu_vs_sigmoid.data: the XOR set and check_data."""

from __future__ import annotations

import numpy as np
import pytest

from relu_vs_sigmoid import data


def test_xor_values_shapes_dtypes():
    X, y = data.xor()
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert X.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    # y is exactly the XOR of the two inputs
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]).astype(np.float32))


def test_xor_returns_fresh_writable_copies():
    X, y = data.xor()
    assert X.flags.writeable and y.flags.writeable
    X[:] = 7.0
    y[:] = 1.0
    X2, y2 = data.xor()
    np.testing.assert_array_equal(X2, data.X)
    np.testing.assert_array_equal(y2, data.y)
    assert X2[0, 0] == 0.0 and y2[0, 0] == 0.0


def test_module_constants_are_read_only():
    assert not data.X.flags.writeable
    assert not data.y.flags.writeable
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0


def test_check_data_accepts_lists_ints_and_flat_labels():
    X, y = data.check_data([[0, 1], [1, 1]], [1, 0])
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert X.shape == (2, 2) and y.shape == (2, 1)
    np.testing.assert_array_equal(y[:, 0], [1.0, 0.0])


def test_check_data_n_inputs():
    X, y = data.check_data(np.zeros((3, 5)), np.ones((3, 1)), n_inputs=5)
    assert X.shape == (3, 5) and y.shape == (3, 1)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 5\)"):
        data.check_data(np.zeros((3, 2)), np.ones(3), n_inputs=5)


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        (np.zeros((4, 3)), np.zeros((4, 1)), ValueError, r"X must have shape \(n, 2\).*\(4, 3\)"),
        (np.zeros(4), np.zeros(4), ValueError, r"X must have shape"),
        (np.zeros((0, 2)), np.zeros((0, 1)), ValueError, r"n >= 1"),
        (np.zeros((4, 2)), np.zeros((4, 2)), ValueError, r"y must have shape \(n, 1\) or \(n,\)"),
        (np.zeros((4, 2)), np.zeros((3, 1)), ValueError, r"same number of rows; got 4 and 3"),
        ([[0, np.nan], [1, 1]], [0, 1], ValueError, r"X must be finite; got nan"),
        ([[0, np.inf], [1, 1]], [0, 1], ValueError, r"X must be finite; got inf"),
        ([[0, 1], [1, 1]], [0, np.nan], ValueError, r"y must be finite"),
        ([[0, 1], [1, 1]], [0, 2], ValueError, r"labels 0 and 1; got 2\.0"),
        ([[0, 1], [1, 1]], [0.5, 1], ValueError, r"labels 0 and 1; got 0\.5"),
        ([[0, 1], [1, 1]], [-1, 1], ValueError, r"labels 0 and 1; got -1\.0"),
        ("abc", [0], TypeError, r"X must be an array of numbers"),
        ([["a", "b"]], [0], TypeError, r"X must be an array of numbers"),
        ([[0, 1]], ["1"], TypeError, r"y must be an array of numbers"),
        ([[True, False]], [1], TypeError, r"X must be an array of numbers; got dtype bool"),
        ([[0, None]], [1], TypeError, r"X must be an array of numbers; got dtype object"),
    ],
)
def test_check_data_rejects(X, y, error, match):
    with pytest.raises(error, match=match):
        data.check_data(X, y)


def test_check_data_rejects_values_beyond_float32_cleanly():
    # finite in float64, infinite in float32: refused with the value, and no overflow warning on the way
    # (the suite turns warnings into errors)
    with pytest.raises(ValueError, match=r"^X must fit in float32 \(\|value\| <= 3\.4e38\); got 1e\+39$"):
        data.check_data([[0.0, 1e39], [1.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match=r"^X must fit in float32 .*; got -5e\+38$"):
        data.check_inputs([[-5e38, 0.0]])
    # the largest float32 itself fits
    X, _ = data.check_data([[0.0, float(np.finfo(np.float32).max)]], [1])
    assert X[0, 1] == np.finfo(np.float32).max
