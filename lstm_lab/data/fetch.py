"""Every data file the experiments can read, downloaded into one folder for ``--data-dir``.

``lstm-lab fetch --data-dir DIR`` downloads each file with ``keras.utils.get_file``, checks
its pinned hash, and moves it into ``DIR`` under the name ``--data-dir`` looks for; a file
already there with the right hash is kept. A download goes to ``DIR/.partial/`` first, so an
interrupted one never leaves a truncated file where an experiment would read it.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from lstm_lab.data.imdb import ARCHIVE_ORIGIN, ARCHIVE_SHA256, WORD_INDEX_MD5, WORD_INDEX_ORIGIN
from lstm_lab.data.stocks import PRICES_FILE_NAME
from lstm_lab.data.text import ALICE_ORIGIN, ALICE_SHA256
from lstm_lab.errors import BadInput, DataUnavailable, download_failure

SBUX_ORIGIN = (
    "https://raw.githubusercontent.com/BountyHunter1999/Stock-Price-with-LSTM/"
    "090d9c8be7bec4e6b067a1ce322a5d6d5d1d3881/SBUX.csv"
)
SBUX_SHA256 = "f043b093f9cb37363c52d7c5cd4f2f77f3a80606f1cc43d17ce4f98e4f72cc83"
PARTIAL = ".partial"


@dataclass(frozen=True)
class DataFile:
    name: str
    origin: str
    file_hash: str  # SHA-256, or MD5 where only that is published (32 hex digits)
    size: str
    used_by: str

    def matches(self, path):
        """Whether ``path`` holds this file (its hash is the pinned one)."""
        algorithm = hashlib.md5 if len(self.file_hash) == 32 else hashlib.sha256
        digest = algorithm()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == self.file_hash


DATA_FILES = (
    DataFile(
        "aclImdb_v1.tar.gz",
        ARCHIVE_ORIGIN,
        ARCHIVE_SHA256,
        "84.1 MB",
        "04: the Large Movie Review Dataset (Maas et al., 2011), read without unpacking",
    ),
    DataFile(
        "imdb_word_index.json",
        WORD_INDEX_ORIGIN,
        WORD_INDEX_MD5,
        "1.6 MB",
        "04: Keras's IMDb word index, to number the raw reviews as imdb.npz does",
    ),
    DataFile(
        "alice_in_wonderland_pg11.txt",
        ALICE_ORIGIN,
        ALICE_SHA256,
        "151 KB",
        "05: Alice's Adventures in Wonderland (Project Gutenberg #11)",
    ),
    DataFile(
        PRICES_FILE_NAME,
        SBUX_ORIGIN,
        SBUX_SHA256,
        "17.6 KB",
        "07: Starbucks' daily prices, 2019-12-11 to 2020-12-10, the article's 253 days",
    ),
)


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
