"""Argument checks shared by the package: each raises a sentence naming the argument,
what is allowed and what was received."""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Hashable
from typing import TypeVar

H = TypeVar("H", bound=Hashable)

FLOAT32_MAX = (2 - 2**-23) * 2**127
"""The largest finite float32, 3.4028234663852886e+38 (exact in float64)."""

FLOAT32_TINY = 2.0**-149
"""The smallest positive float32 (a subnormal), 1.401298464324817e-45: anything smaller rounds to 0."""


def check_int(value: object, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """An integer (not a bool) >= minimum, and <= maximum if one is given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {number}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be an integer in [{minimum}, {maximum}]; got {number}")
    return number


def check_number(value: object, name: str) -> float:
    """A finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return float(value)


def check_positive(value: object, name: str) -> float:
    """A finite number > 0."""
    number = check_number(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be > 0; got {number!r}")
    return number


def check_positive_float32(value: object, name: str) -> float:
    """A number > 0 that stays positive and finite in float32: in [FLOAT32_TINY, FLOAT32_MAX].

    For a value that TensorFlow computes with in float32, such as a learning rate: 1e39 is finite in
    float64 but would turn into infinity there, and 1e-46 into 0.
    """
    number = check_positive(value, name)
    if not FLOAT32_TINY <= number <= FLOAT32_MAX:
        raise ValueError(
            f"{name} must be in [{FLOAT32_TINY!r}, {FLOAT32_MAX!r}], the positive finite float32 numbers"
            f" (training runs in float32); got {number!r}"
        )
    return number


def check_unit_interval(value: object, name: str) -> float:
    """A finite number in [0, 1]."""
    number = check_number(value, name)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {number!r}")
    return number


def check_unique(values: list[H], name: str) -> list[H]:
    """A list in which no value appears twice; returned as given."""
    repeated = [v for v, k in Counter(values).items() if k > 1]
    if repeated:
        listed = ", ".join(map(str, repeated))
        raise ValueError(f"{name} must not repeat a value; got {listed} more than once")
    return values


def check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value
