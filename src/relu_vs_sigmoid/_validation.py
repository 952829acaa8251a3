"""Argument checks shared by the package: each raises a sentence naming the argument,
what is allowed and what was received."""

from __future__ import annotations

import math
import numbers
from collections import Counter


def check_int(value, name: str, *, minimum: int) -> int:
    """An integer (not a bool) >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def check_number(value, name: str) -> float:
    """A finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return float(value)


def check_positive(value, name: str) -> float:
    """A finite number > 0."""
    value = check_number(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value!r}")
    return value


def check_unit_interval(value, name: str) -> float:
    """A finite number in [0, 1]."""
    value = check_number(value, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {value!r}")
    return value


def check_unique(values: list, name: str) -> list:
    """A list in which no value appears twice; returned as given."""
    repeated = [v for v, k in Counter(values).items() if k > 1]
    if repeated:
        listed = ", ".join(map(str, repeated))
        raise ValueError(f"{name} must not repeat a value; got {listed} more than once")
    return values


def check_choice(value, name: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value
