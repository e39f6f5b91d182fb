"""A data file an experiment reads: its name in a data folder, where it comes from, its
pinned hash, and what it is. Each reader module declares its files as ``FILES`` and finds
them in a data folder with ``files_in``; :mod:`lstm_lab.data.fetch` and the sweeps read both."""

import hashlib
from dataclasses import dataclass


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
