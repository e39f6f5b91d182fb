"""Files written whole or not at all, and the results directory's lock.

A folder is written into a hidden staging folder beside the final one, which is then swapped
into place, so a crash leaves the previous version whole and never half a new one. Readers
ignore hidden folders, so a staging folder left by a killed process is never read; the next
writer removes it. Writers hold a lock on the results directory (``filelock``) while they swap
a folder and rebuild the index.
"""

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from lstm_lab.errors import BadInput

LOCK_NAME = ".results.lock"


LOCK_TIMEOUT = 120  # seconds a writer waits for another to finish


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
    try:  # root passes os.access on a read-only file system: only a write tells
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise BadInput(
            f"results directory {path} is not writable: {error.strerror or error} on {existing}"
        )
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
    """``content`` (bytes) in ``path``, written whole or not at all: into a hidden file
    beside it, then renamed over it. BadInput naming the path if it cannot be written."""
    path = Path(path)
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        staging.write_bytes(content)
        os.replace(staging, path)
    except OSError as error:
        staging.unlink(missing_ok=True)
        raise BadInput(f"cannot write {path}: {error.strerror or error}")


def write_json_atomically(path, data):
    """``data`` as JSON in ``path``, written whole or not at all."""
    write_file_atomically(path, json.dumps(data).encode())


def write_json_and_markdown(results_dir, stem, data, markdown):
    """``<stem>.json`` (``data``) and ``<stem>.md`` (``markdown``) in ``results_dir``, each
    written atomically under the results lock; returns the Markdown file's path."""
    results_dir = Path(results_dir)
    with locked(results_dir):
        write_file_atomically(
            results_dir / f"{stem}.json",
            (json.dumps(data, indent=2, allow_nan=False) + "\n").encode(),
        )
        write_file_atomically(results_dir / f"{stem}.md", markdown.encode())
    return results_dir / f"{stem}.md"
