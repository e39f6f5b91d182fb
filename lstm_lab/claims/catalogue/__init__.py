"""The claims the lab checks: one :class:`~lstm_lab.claims.record.Record` per claim, one
module per source document.

Ids: ``C<source>-<nn>`` for what a source document states or prints (C000 to C004, the
documents of :data:`lstm_lab.claims.sources.SOURCES`), ``K3-<nn>`` for Keras 3's own documents
and issues, ``L-<experiment>-<nn>`` for the lab's own claims. Adding a claim is a record in
its source's module and one ``report.check(id, ...)`` in the experiment it names.
"""

from lstm_lab.claims.catalogue import (
    c000_token_regression,
    c001_stock_volume,
    c002_lstm_theory,
    c003_rnn_basics,
    c004_stateful_lstm,
    keras3,
    lab,
)

RECORDS = {
    record.id: record
    for module in (
        c000_token_regression,
        c001_stock_volume,
        c002_lstm_theory,
        c003_rnn_basics,
        c004_stateful_lstm,
        lab,
        keras3,
    )
    for record in module.RECORDS
}
TRAINING_CLAIMS = sorted(claim_id for claim_id, record in RECORDS.items() if record.seed_rates)


def record_of(claim_id):
    """The record of ``claim_id``; KeyError naming it if the catalogue has none."""
    try:
        return RECORDS[claim_id]
    except KeyError:
        raise KeyError(f"claim id {claim_id!r} is not in lstm_lab.claims.catalogue") from None


def claims_of(experiment):
    """The ids an experiment checks (``"03"``), in catalogue order."""
    return [claim_id for claim_id, record in RECORDS.items() if record.experiment == experiment]


def expected_verdicts(experiment, backend="tensorflow", profile="full", keras_version=None):
    """``{claim id: expected verdict}`` for every claim of ``experiment`` on that run."""
    return {
        claim_id: RECORDS[claim_id].expected(backend, profile, keras_version).verdict
        for claim_id in claims_of(experiment)
    }


def seed_rate(claim_id, profile, backend=None):
    """The :class:`~lstm_lab.claims.record.SeedRate` of a training claim on a profile (and
    backend, where one was measured there), or None: every seed."""
    return RECORDS[claim_id].expected(backend, profile).seed_rate
