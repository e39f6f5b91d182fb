"""Numbers and arrays as the lab compares and stores them: plain JSON types, float64 arrays
from any backend's tensors, the largest difference, and every number of a nested dictionary
by name.
"""

import math

import numpy as np


def jsonable(value):
    """Plain JSON types for NumPy values, tuples and nested containers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def as_float64(value):
    """Numbers, arrays or a backend's tensors as a float64 NumPy array (``np.asarray`` alone
    fails on a torch tensor that requires grad)."""
    if not isinstance(value, (np.ndarray, np.generic, list, tuple, int, float)):
        from lstm_lab.backend import to_numpy

        value = to_numpy(value)
    return np.asarray(value, dtype=np.float64)


def max_abs_difference(a, b):
    """The largest absolute difference between two arrays (or numbers), as a float."""
    return float(np.max(np.abs(as_float64(a) - as_float64(b))))


def numbers_in(metrics, prefix=""):
    """``{"a/b": 0.5, ...}``: the finite numbers of a (nested) metrics dictionary."""
    found = {}
    for name, value in metrics.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            found.update(numbers_in(value, key + "/"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value):
                found[key] = float(value)
    return found
