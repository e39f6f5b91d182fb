"""The results directory: writing a run's folder atomically, reading ``metrics.json`` back,
and the index ``results/README.md``.

A run's files are written into a hidden staging folder beside the final one, which is then
swapped into place, so a crash leaves the previous report whole and never half a new one.
Readers ignore hidden folders, so a staging folder left by a killed process is never read;
the next writer removes it. Writers hold a lock on the results directory (``filelock``)
while they swap a folder and rebuild the index, so concurrent runs never see each other's
half-done work and the index is always built from a consistent set of runs.
"""

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from lstm_lab.claims import VERDICTS, is_as_expected
from lstm_lab.errors import BadInput
from lstm_lab.render import short
from lstm_lab.sources import render_sources

INDEX_NAME = "README.md"
SOURCES_NAME = "sources.md"
LOCK_NAME = ".results.lock"
LOCK_TIMEOUT = 120  # seconds a writer waits for another to finish


def publish(results_dir, name, files):
    """Write ``files`` (file name -> bytes) as ``results_dir/name/`` and rebuild the index,
    under the results directory's lock. Returns the folder."""
    results_dir = Path(results_dir)
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {results_dir}: {error.strerror or error}")
    with locked(results_dir):
        write_folder_atomically(results_dir / name, files)
        write_index(results_dir)
    return results_dir / name


@contextmanager
def locked(results_dir):
    """Hold the results directory's lock; BadInput if another run holds it too long."""
    lock = FileLock(str(Path(results_dir) / LOCK_NAME), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise BadInput(
            f"{results_dir} is locked by another run for over {LOCK_TIMEOUT} s "
            f"(lock file {LOCK_NAME}); try again when it has finished"
        )
    try:
        yield
    finally:
        lock.release()


def check_writable(results_dir):
    """BadInput unless ``results_dir`` exists as a writable folder or could be created.

    Creates nothing: an experiment checks this before it starts, and only writes at the end.
    """
    path = Path(results_dir)
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise BadInput(f"results directory {path} is not writable: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BadInput(f"results directory {path} is not writable: permission denied on {existing}")
    return path


def write_folder_atomically(final, files):
    """Write ``files`` (name -> bytes) as the folder ``final``, replacing it whole."""
    final = Path(final)
    parent, name = final.parent, final.name
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {parent}: {error.strerror or error}")
    remove_stale_staging(parent)
    _recover_interrupted_swap(final)
    staging = parent / f".{name}.tmp-{os.getpid()}"
    previous = parent / f".{name}.old-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for file_name, content in files.items():
            (staging / file_name).write_bytes(content)
        if final.exists():
            final.rename(previous)
        staging.rename(final)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not final.exists():
            previous.rename(final)
        raise BadInput(f"cannot write {final}: {error.strerror or error}")
    shutil.rmtree(previous, ignore_errors=True)


def _process_is_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def remove_stale_staging(parent):
    """Remove ``.*.tmp-PID`` staging folders and files whose process has died (killed while
    writing), with a message; returns what was removed. Live writers' folders are kept."""
    removed = []
    for leftover in sorted(Path(parent).glob(".*.tmp-*")):
        pid_text = leftover.name.rsplit("-", 1)[-1]
        if not pid_text.isdigit() or _process_is_alive(int(pid_text)):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
        print(f"removed {leftover}, left half-written by process {pid_text}, which has ended")
    return removed


def _recover_interrupted_swap(final):
    """A run killed between the two renames leaves ``.name.old-PID``: put it back."""
    if final.exists():
        for leftover in final.parent.glob(f".{final.name}.old-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        return
    for leftover in sorted(final.parent.glob(f".{final.name}.old-*")):
        leftover.rename(final)
        return


def write_file_atomically(path, content):
    path = Path(path)
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        staging.write_bytes(content)
        os.replace(staging, path)
    except OSError as error:
        staging.unlink(missing_ok=True)
        raise BadInput(f"cannot write {path}: {error.strerror or error}")


# -- reading ----------------------------------------------------------------------------
def read_metrics(metrics_file):
    """A run's metrics.json, checked for what the index and ``list`` need; BadInput if not."""
    try:
        data = json.loads(Path(metrics_file).read_text())
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        for key in ("profile", "wall_seconds", "claims"):
            if key not in data:
                raise KeyError(key)
        for claim in data["claims"]:
            for key in ("id", "verdict", "expect"):
                if key not in claim:
                    raise KeyError(key)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BadInput(
            f"{metrics_file} is not a valid metrics file: {type(error).__name__} {error}"
        )
    return data


def verdict_counts(claims):
    """``{"confirmed": n, "refuted": n, "error": n, "not run": n}`` and the ids whose
    verdict was unexpected."""
    counts = {v: sum(c["verdict"] == v for c in claims) for v in VERDICTS}
    unexpected = [c["id"] for c in claims if not is_as_expected(c)]
    return counts, unexpected


def runs_in(results_dir):
    """Every ``results_dir/<experiment>/metrics.json`` in name order, hidden folders left out."""
    return [
        path
        for path in sorted(Path(results_dir).glob("*/metrics.json"))
        if not path.parent.name.startswith(".")
    ]


def links_to_other_runs(results_dir):
    """Index lines that point at the conformance matrix, the per-backend runs and the sweeps."""
    lines = []
    if (results_dir / "conformance.md").exists():
        lines.append(
            "Every claim on every backend, side by side: [conformance.md](conformance.md)."
        )
    for backend_dir in sorted((results_dir / "backends").glob("*/README.md")):
        name = backend_dir.parent.name
        lines.append(f"- The runs on {name}: [backends/{name}](backends/{name}/README.md)")
    for sweep_report in sorted((results_dir / "sweeps").glob("*/report.md")):
        name = sweep_report.parent.name
        lines.append(
            f"- Verdicts across seeds, sweep {name}: [sweeps/{name}](sweeps/{name}/report.md)"
        )
    return lines + ([""] if lines else [])


def results_root(results_dir):
    """The results folder that holds the sweeps and ``sources.md``: ``results_dir`` itself, or
    for a backend's runs (``<root>/backends/<backend>/``) its root."""
    results_dir = Path(results_dir)
    return results_dir.parent.parent if results_dir.parent.name == "backends" else results_dir


def sweeps_covering(results_dir, experiment, backend, profile):
    """``[(name, report.md, seeds)]``: the sweeps with cells of ``experiment`` on ``backend``
    with ``profile``, found in the results root that holds ``results_dir``."""
    root = results_root(results_dir)
    found = []
    for summary_file in sorted((root / "sweeps").glob("*/summary.json")):
        try:
            swept_profile = json.loads(summary_file.read_text()).get("profile")
        except (OSError, ValueError):
            continue
        cells = list(summary_file.parent.glob(f"cells/{backend}/seed-*/{experiment}/metrics.json"))
        if swept_profile == profile and cells:
            found.append((summary_file.parent.name, summary_file.parent / "report.md", len(cells)))
    return found


# -- the index --------------------------------------------------------------------------
def write_index(results_dir):
    """Regenerate ``results/README.md`` from every ``results/*/metrics.json``."""
    results_dir = Path(results_dir)
    rows = []
    for metrics_file in runs_in(results_dir):
        data = read_metrics(metrics_file)
        counts, unexpected = verdict_counts(data["claims"])
        name = metrics_file.parent.name
        rows.append(
            f"| [{name}]({name}/report.md) | {short(data.get('title', ''), 70)} | "
            f"{data['profile']} | {len(data['claims'])} | {counts['confirmed']} | "
            f"{counts['refuted']} | {counts['error']} | {counts['not run']} | "
            f"{'yes' if not unexpected else 'no: ' + ', '.join(unexpected)} | "
            f"{data['wall_seconds']} |"
        )
    sources = os.path.relpath(results_root(results_dir) / SOURCES_NAME, results_dir)
    sources_link = Path(sources).as_posix()
    text = "\n".join(
        [
            "# Results",
            "",
            "Generated by `python -m lstm_lab report` (and after every experiment run) from",
            "`results/*/metrics.json`; do not edit by hand. *refuted* means the source document's",
            "claim does not hold on the installed Keras: a finding, explained in the report.",
            "",
            "| experiment | what | profile | claims | confirmed | refuted | error | not run "
            "| as expected | wall s |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            *links_to_other_runs(results_dir),
            "Where each claim comes from, and what the source documents are: "
            f"[{SOURCES_NAME}]({sources_link}).",
        ]
    )
    write_file_atomically(results_dir / INDEX_NAME, text.encode())
    write_file_atomically(results_root(results_dir) / SOURCES_NAME, render_sources().encode())
    return results_dir / INDEX_NAME
