"""Keras findings: behaviours that contradict Keras's documentation or another backend, each
with a reproduction of a few lines of Keras (``reproductions/<name>.py``) that exits 0 where
it reproduces and 1 where Keras behaves as documented.

    python -m lstm_lab findings --keras 3.12 3.13 3.14 3.15

runs every reproduction on every backend of every Keras environment and writes
``results/findings.md`` (+ ``.json``): where each reproduces, the first release where it does,
and the upstream issue (:mod:`lstm_lab.runners.findings`).
"""

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Finding:
    name: str
    title: str
    claims: tuple
    documented: str
    upstream: str

    @property
    def reproduction(self):
        return FOLDER / "reproductions" / f"{self.name}.py"


def load():
    """``{name: Finding}`` from findings.toml, each with its reproduction file."""
    table = tomllib.loads((FOLDER / "findings.toml").read_text())
    found = {}
    for name, entry in table.items():
        found[name] = Finding(
            name, entry["title"], tuple(entry["claims"]), entry["documented"], entry["upstream"]
        )
        if not found[name].reproduction.is_file():
            raise FileNotFoundError(f"finding {name} has no {found[name].reproduction}")
    return found
