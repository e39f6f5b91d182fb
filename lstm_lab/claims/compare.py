"""The comparisons that decide a verdict: each takes the documented and the observed value
and returns a :class:`Comparison` (whether they agree, and how, in words).
"""

from dataclasses import dataclass

import numpy as np

from lstm_lab.arrays import as_float64, jsonable


@dataclass(frozen=True)
class Comparison:
    agrees: bool
    detail: str


def _as_shape(value):
    return tuple(None if d is None else int(d) for d in value)


def same_shape(documented, observed):
    """Shapes as tuples; ``None`` stands for an unknown (batch) dimension."""
    doc, obs = _as_shape(documented), _as_shape(observed)
    return Comparison(doc == obs, f"shape {obs} vs documented {doc}")


def exactly(documented, observed):
    """Exact equality: numbers, strings, booleans, dicts, or arrays element by element."""
    if isinstance(documented, dict) and isinstance(observed, dict):
        differing = [k for k in documented if observed.get(k) != documented[k]]
        missing = [k for k in observed if k not in documented]
        agrees = not differing and not missing
        detail = "all entries equal" if agrees else f"entries differ: {differing + missing}"
        return Comparison(agrees, detail)
    if isinstance(documented, str) or isinstance(observed, str):
        agrees = documented == observed
        return Comparison(agrees, "equal" if agrees else f"{observed!r}, not {documented!r}")
    try:
        doc, obs = np.asarray(documented), np.asarray(observed)
    except ValueError:  # ragged, e.g. a list of shapes: compare as plain data
        agrees = jsonable(documented) == jsonable(observed)
        return Comparison(
            agrees, "equal" if agrees else f"{jsonable(observed)}, not {jsonable(documented)}"
        )
    if doc.shape != obs.shape:
        return Comparison(False, f"shape {obs.shape} vs documented {doc.shape}")
    unequal = int(np.sum(doc != obs))
    return Comparison(unequal == 0, "equal" if unequal == 0 else f"{unequal} value(s) differ")


def same_labels(documented, observed):
    """Categorical labels position by position (a string is a sequence of one-letter labels)."""
    doc, obs = list(documented), list(observed)
    agree = sum(d == o for d, o in zip(doc, obs))
    if len(doc) != len(obs):
        return Comparison(False, f"{len(obs)} labels vs {len(doc)} documented")
    if agree == len(doc):
        return Comparison(True, f"all {len(doc)} labels agree")
    first = next(i for i, (d, o) in enumerate(zip(doc, obs)) if d != o)
    return Comparison(
        False,
        f"{agree}/{len(doc)} labels agree; first difference at position {first}: "
        f"{obs[first]!r} instead of {doc[first]!r}",
    )


class within:
    """Numbers or arrays equal within ``atol + rtol * |documented|`` element by element."""

    def __init__(self, atol, rtol=0.0):
        self.atol, self.rtol = atol, rtol

    @property
    def tolerance(self):
        return f"atol {self.atol:g}" + (f", rtol {self.rtol:g}" if self.rtol else "")

    def __call__(self, documented, observed):
        doc, obs = as_float64(documented), as_float64(observed)
        if doc.shape != obs.shape:
            return Comparison(False, f"shape {obs.shape} vs documented {doc.shape}")
        error = float(np.max(np.abs(obs - doc))) if doc.size else 0.0
        agrees = bool(np.allclose(obs, doc, atol=self.atol, rtol=self.rtol))
        return Comparison(agrees, f"max abs difference {error:.3g} ({self.tolerance})")
