"""The rules every matrix (backends, Keras releases) reads its runs by, in one place.

A runner gives each run it starts an id (``LSTM_LAB_RUN_ID``) and reads that run's
metrics only if the run exited 0 or 1 and the file carries that id: a run that crashed
(exit 3, or any other code, or a signal) is an *error* cell with its cause, never the
metrics an earlier run left in the same folder.
"""

import signal
import uuid

from lstm_lab.claims.catalogue import SETTINGS, claims_of
from lstm_lab.claims.verdict import is_as_expected
from lstm_lab.errors import (
    EXIT_AS_EXPECTED,
    EXIT_BAD_INPUT,
    EXIT_CRASH,
    EXIT_VERDICT_DIFFERS,
    BadInput,
)
from lstm_lab.results.layout import RUN_ID_VARIABLE, crash_file, metrics_file, read_metrics


def new_run_id():
    return uuid.uuid4().hex[:12]


def run_variables(run_id):
    """The environment variables that give a run its id."""
    return {RUN_ID_VARIABLE: run_id}


def exit_cause(code):
    """A non-verdict exit code in words: ``"bad input (exit 2)"``, ``"killed by SIGSEGV"``."""
    if code is None:
        return "it did not run"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return {EXIT_BAD_INPUT: "bad input (exit 2)", EXIT_CRASH: "a crash (exit 3)"}.get(
        code, f"exit code {code}"
    )


def crash_cause(results_dir, experiment, run_id):
    """The last line of the traceback a crashed run left (its exception), or ''."""
    path = crash_file(results_dir, experiment)
    try:
        first, *rest = path.read_text().splitlines()
    except (OSError, ValueError):
        return ""
    if run_id is not None and first != f"run_id: {run_id}":
        return ""
    lines = [line for line in rest if line.strip()]
    return f"{lines[-1].strip()} (traceback: {path})" if lines else ""


def read_run(results_dir, experiment, profile, *, code=None, run_id=None):
    """``(metrics, None)`` for a run that gave verdicts, else ``(None, its cause)``.

    ``code`` and ``run_id`` are those of the run this runner just started; both None: no run
    was started (``--matrix-only``) and the committed metrics are read as they are."""
    started = run_id is not None
    if started and code not in (EXIT_AS_EXPECTED, EXIT_VERDICT_DIFFERS):
        cause = exit_cause(code)
        crash = crash_cause(results_dir, experiment, run_id)
        return None, f"{cause}: {crash}" if crash else cause
    path = metrics_file(results_dir, experiment)
    if not path.exists():
        return None, f"it wrote no {path.name}" if started else "no run in the results"
    data = read_metrics(path)
    if started and data.get("run_id") != run_id:
        return None, (
            f"exit {code} without writing its {path.name} (the one there is run "
            f"{data.get('run_id', 'without an id')}, not {run_id}): a crash before its report"
        )
    if data["profile"] != profile:
        raise BadInput(f"{path} is a {data['profile']} run, not {profile}")
    return data, None


def error_cells(experiment, cause):
    """A failed run's cells: each claim of ``experiment`` (``"03_stateful_alphabet"``) as an
    *error* whose evidence is the run's cause."""
    return [
        {"id": claim_id, "verdict": "error", "expect": None, "observed": None, "evidence": cause}
        for claim_id in claims_of(experiment[:2])
    ]


BEFORE_CONTROLS = (
    "These cells come from runs made before every claim had a control (their verdicts stand "
    "as measured then, without a control beside them); the next run of the command replaces "
    "them."
)


def judged_claims(data):
    """A run's claims but those turned into settings since (:data:`SETTINGS`), and whether
    the run judged them without controls (measured before the lab had them: ``True``)."""
    claims = [claim for claim in data["claims"] if claim["id"] not in SETTINGS]
    judged = [claim for claim in claims if claim["verdict"] not in ("not run", "error")]
    return claims, bool(judged) and not any(claim.get("control") for claim in judged)


def cell(claim):
    """What a matrix keeps of one claim of a run."""
    keys = ("verdict", "expect", "seed_rate", "observed", "evidence", "control")
    return {key: claim.get(key) for key in keys}


def is_unexpected(entry):
    return entry["expect"] is not None and not is_as_expected(entry)


def matrix_exit_code(matrix):
    """A matrix command's exit code: 3 when a run failed (crashed, bad input, killed), 1 when
    a verdict is not the one expected, else 0."""
    if matrix["failed"]:
        return EXIT_CRASH
    unexpected = any(
        is_unexpected(entry)
        for row in matrix["claims"].values()
        for entry in row["verdicts"].values()
    )
    return EXIT_VERDICT_DIFFERS if unexpected else EXIT_AS_EXPECTED
