"""The XOR data set, and the checks every function applies to ``X`` and ``y``.

XOR is the smallest problem a single linear unit cannot solve (Minsky & Papert
1969), which is why the lecture uses it: any network that solves it must use
its hidden layers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["X", "y", "xor", "check_data", "check_inputs"]

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
"""The four XOR inputs, shape (4, 2), float32."""
X.flags.writeable = False

y = np.array([[0], [1], [1], [0]], dtype=np.float32)
"""The XOR labels, shape (4, 1), float32: 1 where exactly one input is 1."""
y.flags.writeable = False


def xor() -> tuple[np.ndarray, np.ndarray]:
    """Return fresh, writable copies of the XOR inputs and labels.

    Returns
    -------
    X : numpy.ndarray
        Shape (4, 2), float32, the inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : numpy.ndarray
        Shape (4, 1), float32, the labels 0, 1, 1, 0.

    Examples
    --------
    >>> X, y = xor()
    >>> X.shape, y.shape, X.dtype
    ((4, 2), (4, 1), dtype('float32'))
    >>> y.ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    return X.copy(), y.copy()


def check_data(X: ArrayLike, y: ArrayLike, *, n_inputs: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Validate a data set and return it as float32 arrays.

    Parameters
    ----------
    X : array_like
        Shape (n, n_inputs): one row per example. Must be finite.
    y : array_like
        Shape (n, 1) or (n,): binary labels in {0, 1}, one per row of ``X``.
    n_inputs : int
        The number of input features the model expects.

    Returns
    -------
    X, y : numpy.ndarray
        float32 arrays of shapes (n, n_inputs) and (n, 1).

    Raises
    ------
    ValueError
        If a shape is wrong, the lengths differ, a value is NaN or infinite,
        or a label is not 0 or 1.
    TypeError
        If ``X`` or ``y`` is not numeric.

    Examples
    --------
    >>> X_checked, y_checked = check_data([[0, 1]], [1])
    >>> y_checked.shape
    (1, 1)
    >>> check_data([[0, 1]], [2])
    Traceback (most recent call last):
    ...
    ValueError: y must contain only the labels 0 and 1; got 2.0
    """
    X_arr = check_inputs(X, n_inputs=n_inputs)
    y_arr = _as_float_array(y, "y")
    if y_arr.ndim == 1:
        y_arr = y_arr[:, None]
    if y_arr.ndim != 2 or y_arr.shape[1] != 1:
        raise ValueError(f"y must have shape (n, 1) or (n,); got shape {y_arr.shape}")
    if y_arr.shape[0] != X_arr.shape[0]:
        raise ValueError(
            f"X and y must have the same number of rows; got {X_arr.shape[0]} and {y_arr.shape[0]}"
        )
    _check_finite(y_arr, "y")
    bad = y_arr[(y_arr != 0) & (y_arr != 1)]
    if bad.size:
        raise ValueError(f"y must contain only the labels 0 and 1; got {bad[0]}")
    return X_arr, y_arr


def check_inputs(X: ArrayLike, *, n_inputs: int = 2) -> np.ndarray:
    """Validate inputs alone (no labels) and return them as a float32 array of shape (n, n_inputs).

    Raises ``TypeError`` for non-numeric ``X`` and ``ValueError`` for a wrong
    shape or a NaN or infinite value, as :func:`check_data` does.

    Parameters
    ----------
    X : array_like
        Shape (n, n_inputs), n ≥ 1, finite.
    n_inputs : int
        The number of input features the model expects.

    Examples
    --------
    >>> check_inputs([[0, 1], [1, 1]]).shape
    (2, 2)
    """
    X_arr = _as_float_array(X, "X")
    if X_arr.ndim != 2 or X_arr.shape[1] != n_inputs or X_arr.shape[0] < 1:
        raise ValueError(f"X must have shape (n, {n_inputs}) with n >= 1; got shape {X_arr.shape}")
    return _check_finite(X_arr, "X")


def _check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {arr[~np.isfinite(arr)][0]}")
    return arr


def _as_float_array(value: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of numbers; got dtype {arr.dtype}")
    too_big = np.isfinite(arr) & (np.abs(arr.astype(np.float64)) > np.finfo(np.float32).max)
    if np.any(too_big):
        raise ValueError(f"{name} must fit in float32 (|value| <= 3.4e38); got {arr[too_big].flat[0]}")
    return arr.astype(np.float32)
