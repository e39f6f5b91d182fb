"""The claims the lab checks: one :class:`~lstm_lab.claims.record.Record` per claim, one TOML
file per source document beside this module.

Ids: ``C<source>-<nn>`` for what a source document states or prints (C000 to C004, the
documents of :data:`lstm_lab.claims.sources.SOURCES`), ``K3-<nn>`` for Keras 3's own documents
and issues (``keras3.toml``), ``L-<experiment>-<nn>`` for the lab's own claims (``lab.toml``),
``Q<question>-<nn>`` for what a question people ask states (``questions.toml``).
Adding a claim is a table in its source's file and one ``report.check(id, ...)`` in the
experiment it names. A table's fields are the record's; an expectation is an inline table
``{ verdict = ..., why = ... }``, a seed rate ``{ at_least = ..., of = ..., sweep = ... }``
keyed by profile (or ``"full on torch"``).
"""

from pathlib import Path

from lstm_lab.claims.record import BuildExpectation, Record, SeedRate

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FOLDER = Path(__file__).resolve().parent

# What a source states that the lab cannot check with a control (its own settings or
# drawings): no claim, but a line of the experiment's set-up section, which says so.
SETTINGS = {
    "C001-05": "07's set-up: the figure of actual and predicted volume, split at day 200, is "
    "the lab's own drawing of the source's plot; nothing about it could come out otherwise",
    "C003-04": "06's set-up: the sine task's windows, hidden size, optimizer, iterations and "
    "carried state are the lab's settings, copied from the source; read back, they could not "
    "come out otherwise",
}


def _expected(entry):
    return entry["verdict"], entry["why"]


def _record(claim_id, table):
    table = dict(table)
    by_keras = tuple(
        (entry["releases"], entry["verdict"], entry["why"], entry.get("backend"))
        for entry in table.pop("by_keras", [])
    )
    by_backend = {b: _expected(entry) for b, entry in table.pop("by_backend", {}).items()}
    by_build = {
        backend: BuildExpectation(
            entry["trait"], _expected(entry["with_trait"]), _expected(entry["without_trait"])
        )
        for backend, entry in table.pop("by_build", {}).items()
    }
    seed_rates = {}
    for key, rate in table.pop("seed_rates", {}).items():
        profile, _, backend = key.partition(" on ")
        rate = {k: tuple(v) if isinstance(v, list) else v for k, v in rate.items()}
        seed_rates[(profile, backend) if backend else profile] = SeedRate(**rate)
    return Record(
        claim_id,
        by_keras=by_keras,
        by_backend=by_backend,
        by_build=by_build,
        seed_rates=seed_rates,
        **table,
    )


def load(folder=FOLDER):
    """``{claim id: Record}`` from every ``*.toml`` in ``folder``, in file and table order."""
    records = {}
    for path in sorted(folder.glob("*.toml")):
        with open(path, "rb") as file:
            for claim_id, table in tomllib.load(file).items():
                if claim_id in records:
                    raise ValueError(f"{path.name}: claim {claim_id} is also in another file")
                try:
                    records[claim_id] = _record(claim_id, table)
                except TypeError as error:  # a field the record does not have
                    raise ValueError(f"{path.name}: claim {claim_id}: {error}") from None
    return records


RECORDS = load()
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


def expected_verdicts(
    experiment, backend="tensorflow", profile="full", keras_version=None, seed=None
):
    """``{claim id: expected verdict}`` for every claim of ``experiment`` on that run."""
    return {
        claim_id: RECORDS[claim_id].expected(backend, profile, keras_version, seed).verdict
        for claim_id in claims_of(experiment)
    }


def seed_rate(claim_id, profile, backend=None):
    """The :class:`~lstm_lab.claims.record.SeedRate` of a training claim on a profile (and
    backend, where one was measured there), or None: every seed."""
    return RECORDS[claim_id].expected(backend, profile).seed_rate
