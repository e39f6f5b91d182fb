"""Every data file the experiments can read, downloaded into one folder for ``--data-dir``.

``lstm-lab fetch --data-dir DIR`` downloads each file with ``keras.utils.get_file``, checks
its pinned hash, and moves it into ``DIR`` under the name ``--data-dir`` looks for; a file
already there with the right hash is kept. A download goes to ``DIR/.partial/`` first, so an
interrupted one never leaves a truncated file where an experiment would read it.
"""

import os
from pathlib import Path

from lstm_lab.data import imdb, stocks, text
from lstm_lab.data.data_file import DataFile
from lstm_lab.errors import BadInput, DataUnavailable, download_failure

PARTIAL = ".partial"
READERS = (imdb, text, stocks)  # each declares FILES, its EXPERIMENT and files_in(data_dir)
DATA_FILES = tuple(data_file for reader in READERS for data_file in reader.FILES)
__all__ = ["DATA_FILES", "DataFile", "fetch_all", "files_for"]


def files_for(experiment, data_dir):
    """``{name: path}``: the files of ``data_dir`` that ``experiment`` reads, found by the
    readers the experiment uses (so only those travel to a sweep's cells)."""
    if data_dir is None:
        return {}
    found = [
        path for reader in READERS if reader.EXPERIMENT == experiment
        for path in reader.files_in(data_dir) if path is not None
    ]  # fmt: skip
    paths = [Path(path) for path in found]
    if any(path.is_dir() for path in paths):
        raise BadInput(f"{experiment} would read a folder of {data_dir}; give it as an archive")
    return {path.name: path for path in paths}


def fetch_all(data_dir, progress=print):
    """Download every :data:`DATA_FILES` entry missing from ``data_dir``; returns their paths.

    Tries every file; then raises :class:`DataUnavailable` naming each one that could not be
    downloaded and why. The files fetched stay.
    """
    from lstm_lab.backend import keras

    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {data_dir}: {error.strerror or error}")
    if not os.access(data_dir, os.W_OK):  # get_file would quietly write to /tmp instead
        raise BadInput(f"{data_dir} is not writable")
    paths, failures = [], []
    for number, data_file in enumerate(DATA_FILES, 1):
        target = data_dir / data_file.name
        step = f"[{number}/{len(DATA_FILES)}] {data_file.name} ({data_file.size})"
        if target.exists() and data_file.matches(target):
            progress(f"{step}: already here")
            paths.append(target)
            continue
        progress(f"{step}: downloading")
        try:
            downloaded = keras.utils.get_file(
                data_file.name,
                origin=data_file.origin,
                file_hash=data_file.file_hash,
                cache_dir=str(data_dir),
                cache_subdir=PARTIAL,
            )
        except Exception as error:  # get_file raises a bare Exception: its text is the cause
            failures.append(f"{data_file.name} ({download_failure(error)})")
            progress(f"{step}: failed: {download_failure(error)}")
            continue
        os.replace(downloaded, target)
        paths.append(target)
    partial = data_dir / PARTIAL
    if partial.is_dir() and not any(partial.iterdir()):
        partial.rmdir()
    if failures:
        raise DataUnavailable(
            f"{len(failures)} of {len(DATA_FILES)} files could not be downloaded: "
            f"{'; '.join(failures)}"
            + (f". The other {len(paths)} are in {data_dir}" if paths else "")
            + "; run the command again to fetch what is missing"
        )
    return paths
