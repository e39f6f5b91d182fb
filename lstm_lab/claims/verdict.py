"""A checked claim: the comparison's verdict beside what the catalogue expects of this run.

An experiment observes what a source states and compares:

    claim = check("C004-02", documented="BCDEF", observed="BCDEF", compare=same_labels,
                  backend="tensorflow", profile="full")

Verdicts: ``confirmed`` (the observation agrees within the tolerance), ``refuted`` (it does
not: a finding, with evidence), ``inconclusive`` (the claim's control, the same probe on a
configuration whose outcome is known to be the opposite of the claim's expected one, did not
come out that way: the probe could not have said otherwise, and that is never as expected),
``error`` (the check failed to run: Keras raised where it should not, or another exception than the
one expected) and ``not run`` (the check needs what this run does not have, such as a GPU
or the data; the reason is the evidence, and it never counts as confirmed). ``expect`` is
what the claim's record (:mod:`lstm_lab.claims.record`) expects on this backend, build,
Keras release and profile; an experiment exits 1 when a verdict differs from its
expectation. Each function here builds the final :class:`Claim` in one step.

A claim about training carries its ``seed_rate`` (:class:`~lstm_lab.claims.record.SeedRate`,
as a dictionary): where a sweep showed the expected verdict on only some seeds, one run's
other verdict is within that rate, and as expected too.
"""

from dataclasses import asdict, dataclass

from lstm_lab.arrays import jsonable
from lstm_lab.builds import installed_version, measured_keras_releases
from lstm_lab.claims.catalogue import record_of
from lstm_lab.claims.record import OPPOSITE, VERDICTS
from lstm_lab.claims.sources import SOURCES

# The Keras releases of environments.toml, where every expectation was measured (a test
# checks them against results/versions.md); on another release a differing verdict is new.
MEASURED_RELEASES = measured_keras_releases()

__all__ = ["VERDICTS", "Claim", "check", "check_failed", "check_not_run", "is_as_expected"]


@dataclass(frozen=True)
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
    control: dict | None = None

    @property
    def as_expected(self):
        return is_as_expected(self.to_dict())

    def to_dict(self):
        return jsonable(asdict(self))


def is_as_expected(claim):
    """Whether a claim (as a run's metrics hold it) has the verdict the lab expects, or one
    within its seed rate."""
    return claim["verdict"] == claim["expect"] or within_seed_rate(claim)


def within_seed_rate(claim):
    """Whether a claim's unexpected confirmed or refuted verdict is allowed by its seed rate."""
    rate = claim.get("seed_rate")
    return (
        rate is not None
        and rate["at_least"] < rate["of"]
        and claim["verdict"] in ("confirmed", "refuted")
    )


def _judged(
    claim_id,
    verdict,
    evidence,
    *,
    documented,
    observed,
    tolerance,
    backend,
    profile,
    seed=None,
    control=None,
):
    """The final Claim for ``verdict``, with the record's expectation on this run: where the
    backend or build expects another verdict the reason joins the evidence, and so does a
    seed rate's when this verdict is not the expected one."""
    record = record_of(claim_id)
    expected = record.expected(backend, profile, installed_version("keras"), seed)
    if expected.why:
        evidence += f" [expected {expected.verdict} on {backend}: {expected.why}]"
    rate = expected.seed_rate
    if rate and rate.why and verdict != expected.verdict:
        evidence += f" [{rate}: {rate.why}]"
    release = installed_version("keras")
    if release and release not in MEASURED_RELEASES and verdict != expected.verdict:
        evidence += (
            f" [a new finding: Keras {release} is not among the releases the lab's expectations "
            f"were measured on ({', '.join(MEASURED_RELEASES)}, results/versions.md)]"
        )
    return Claim(
        id=claim_id,
        source=record.cites or SOURCES[record.source].title,
        statement=record.statement,
        documented=jsonable(documented),
        observed=jsonable(observed),
        tolerance=tolerance,
        expect=expected.verdict,
        verdict=verdict,
        evidence=evidence,
        seed_rate=rate.to_dict() if rate else None,
        control=control,
    )


def _verdict_of(result):
    if result.failed:
        return "error"
    return "confirmed" if result.agrees else "refuted"


def check(
    claim_id,
    documented,
    observed,
    compare,
    evidence="",
    tolerance=None,
    *,
    control,
    control_evidence="",
    backend="tensorflow",
    profile="full",
    seed=None,
):
    """Compare an observation with the documented value and judge it, beside its control.

    ``control`` is what the same probe observed, in the same run, on the configuration the
    claim's record names as its control; it is compared with ``documented`` in the same way,
    and must come out as the record's ``control_outcome`` (the opposite of what the claim is
    expected to show), or the verdict is ``inconclusive``: only then could the check have
    come out the other way. A claim that comes out as its control did is a finding.
    ``tolerance`` describes one applied before the comparison (for example the threshold
    that turned differences into the booleans compared here); by default it is the
    comparison's own.
    """
    record = record_of(claim_id)
    result, control_result = compare(documented, observed), compare(documented, control)
    verdict, control_verdict = _verdict_of(result), _verdict_of(control_result)
    evidence = "; ".join(part for part in (result.failed or result.detail, evidence) if part)
    known = record.control_outcome
    if verdict in OPPOSITE and control_verdict != known:
        evidence = (
            f"inconclusive: the claim came out {verdict}, and its control "
            f"({record.control}) came out {control_verdict} where {known} is known "
            f"({control_result.failed or control_result.detail}); {evidence}"
        )
        verdict = "inconclusive"
    return _judged(
        claim_id,
        verdict,
        evidence,
        documented=documented,
        observed=observed,
        tolerance=tolerance or getattr(compare, "tolerance", None),
        backend=backend,
        profile=profile,
        seed=seed,
        control={
            "configuration": record.control,
            "observed": jsonable(control),
            "known": known,
            "outcome": control_verdict,
            "evidence": "; ".join(
                part
                for part in (control_result.failed or control_result.detail, control_evidence)
                if part
            ),
        },
    )


def check_failed(
    claim_id, reason, documented=None, *, backend="tensorflow", profile="full", seed=None
):
    """A claim whose check failed: verdict ``error``, with the reason as evidence."""
    return _judged(
        claim_id,
        "error",
        reason,
        documented=documented,
        observed=None,
        tolerance=None,
        backend=backend,
        profile=profile,
        seed=seed,
    )


def check_not_run(claim_id, reason, documented=None):
    """A claim this run cannot check (a GPU-only check on a CPU): verdict ``not run``, which
    is what the lab expects there; the reason is the evidence."""
    record = record_of(claim_id)
    return Claim(
        id=claim_id,
        source=record.cites or SOURCES[record.source].title,
        statement=record.statement,
        documented=jsonable(documented),
        observed=None,
        tolerance=None,
        expect="not run",
        verdict="not run",
        evidence=reason,
    )
