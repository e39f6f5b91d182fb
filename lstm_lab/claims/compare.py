"""The comparisons that decide a verdict: each takes the documented and the observed value
and returns a :class:`Comparison` (whether they agree, and how, in words).
"""

from dataclasses import dataclass

import numpy as np

from lstm_lab.arrays import as_float64, jsonable


@dataclass(frozen=True)
class Comparison:
    """``agrees``: the verdict's comparison; ``failed``: why the observation is not one the
    comparison can judge (another exception than the one expected), which makes an *error*."""

    agrees: bool
    detail: str
    failed: str = ""


def raised(call):
    """What ``call()`` raises, as :func:`same_error` compares it: ``None`` when it returns,
    else ``{"type": class name, "types": the class names of its MRO, "message": one line}``."""
    from lstm_lab.errors import error_summary

    try:
        call()
    except Exception as error:  # which exception it is, is the observation
        summary = error_summary(error)
        return {
            "type": type(error).__name__,
            "types": [cls.__name__ for cls in type(error).__mro__],
            "message": summary.split(": ", 1)[-1],
        }
    return None


def same_error(documented, observed):
    """An expected exception (``{"type", "match"}``, a claim record's ``raises``) against
    :func:`raised`'s observation: it agrees when the call raised that class (or a subclass)
    with a message matching the pattern; no exception disagrees, and so does an error whose
    message matches ``unchecked`` (the backend's own, where Keras makes no such check); another
    exception is not a judgement but a failure (verdict *error*, with its message)."""
    import re

    if observed is None:
        return Comparison(False, f"no exception; expected {documented['type']}")
    described = f"{observed['type']}: {observed['message']}"
    expected_type = documented["type"] in observed.get("types", [observed["type"]])
    if expected_type and re.search(documented["match"], observed["message"]):
        return Comparison(True, f"raised {described}")
    unchecked = documented.get("unchecked")
    if unchecked and re.search(unchecked, observed["message"]):
        return Comparison(False, f"{described} (the backend's own error: Keras did not check)")
    if not expected_type:
        return Comparison(False, described, failed=f"another exception than expected: {described}")
    return Comparison(
        False,
        described,
        failed=f"{described} (expected a message matching {documented['match']!r})",
    )


def in_every_case(compare):
    """``compare`` on each case of a dict of observations (``{case: observed}`` against one
    documented value): all agree; a case that plainly disagrees (not a failure) refutes;
    else a failure in any case is the failure (verdict *error*)."""

    def judge(documented, observed):
        results = {case: compare(documented, value) for case, value in observed.items()}
        detail = "; ".join(f"{case}: {r.failed or r.detail}" for case, r in results.items())
        refuting = any(not r.agrees and not r.failed for r in results.values())
        failed = any(r.failed for r in results.values()) and not refuting
        return Comparison(all(r.agrees for r in results.values()), detail, detail if failed else "")

    return judge


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
