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

A claim about training carries its ``seed_rate`` (:class:`lstm_lab.claims.catalogue.SeedRate`, as a
dictionary): where a sweep showed the expected verdict on only some seeds, one run's other
verdict is within that rate, and as expected too.
"""

from dataclasses import asdict, dataclass

from lstm_lab.arrays import jsonable
from lstm_lab.claims.catalogue import source_of, statement_of

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
