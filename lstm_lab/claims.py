"""Claim records and the comparisons that decide their verdicts.

A claim is something a source document states or prints. An experiment
observes the same thing on the installed Keras and compares:

    claim = check("C004-02", documented="BCDEF", observed="BCDEF",
                  compare=same_labels, expect="confirmed")

Verdicts: ``confirmed`` (the observation agrees within the tolerance),
``refuted`` (it does not: a finding, with evidence), ``error`` (the check
failed to run: Keras raised where it should not) and ``not run`` (the check
needs what this run does not have, such as a GPU; the reason is the evidence,
and it never counts as confirmed). ``expect`` is what the lab expects on the
installed Keras; an experiment exits 1 when a verdict differs from its expectation.

A claim about training carries its ``seed_rate`` (:class:`lstm_lab.catalogue.SeedRate`, as a
dictionary): where a sweep showed the expected verdict on only some seeds, one run's other
verdict is within that rate, and as expected too.
"""

from dataclasses import asdict, dataclass

import numpy as np

from lstm_lab.catalogue import source_of, statement_of

VERDICTS = ("confirmed", "refuted", "error", "not run")


@dataclass
class Claim:
    id: str
    source: str
    statement: str
    documented: object
    observed: object
    tolerance: str | None
    expect: str
    verdict: str
    evidence: str
    seed_rate: dict | None = None

    @property
    def as_expected(self):
        return is_as_expected(
            {"verdict": self.verdict, "expect": self.expect, "seed_rate": self.seed_rate}
        )

    def to_dict(self):
        return jsonable(asdict(self))


def is_as_expected(claim):
    """Whether a claim (a metrics.json dictionary) has the verdict the lab expects, or one
    within its seed rate."""
    if claim["verdict"] == claim["expect"]:
        return True
    return within_seed_rate(claim)


def within_seed_rate(claim):
    """Whether a claim's unexpected confirmed or refuted verdict is allowed by its seed rate."""
    rate = claim.get("seed_rate")
    return (
        rate is not None
        and rate["at_least"] < rate["of"]
        and claim["verdict"] in ("confirmed", "refuted")
    )


@dataclass(frozen=True)
class Comparison:
    agrees: bool
    detail: str


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


def check(claim_id, documented, observed, compare, expect="confirmed", evidence="", tolerance=None):
    """Compare an observation with the documented value and record the verdict.

    ``tolerance`` describes one applied before the comparison (for example the
    threshold that turned differences into the booleans compared here); by
    default it is the comparison's own.
    """
    if expect not in ("confirmed", "refuted"):
        raise ValueError(f"expect must be 'confirmed' or 'refuted', not {expect!r}")
    result = compare(documented, observed)
    return Claim(
        id=claim_id,
        source=source_of(claim_id),
        statement=statement_of(claim_id),
        documented=jsonable(documented),
        observed=jsonable(observed),
        tolerance=tolerance or getattr(compare, "tolerance", None),
        expect=expect,
        verdict="confirmed" if result.agrees else "refuted",
        evidence="; ".join(part for part in (result.detail, evidence) if part),
    )


def check_failed(claim_id, reason, documented=None, expect="confirmed"):
    """A claim whose check failed: verdict ``error``, with the reason as evidence."""
    return _unchecked(claim_id, "error", reason, documented, expect)


def check_not_run(claim_id, reason, documented=None):
    """A claim this run cannot check (a GPU-only check on a CPU): verdict ``not run``, which
    is what the lab expects there; the reason is the evidence."""
    return _unchecked(claim_id, "not run", reason, documented, "not run")


def _unchecked(claim_id, verdict, reason, documented, expect):
    return Claim(
        id=claim_id,
        source=source_of(claim_id),
        statement=statement_of(claim_id),
        documented=jsonable(documented),
        observed=None,
        tolerance=None,
        expect=expect,
        verdict=verdict,
        evidence=reason,
    )
