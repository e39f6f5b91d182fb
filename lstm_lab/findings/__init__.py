"""Keras findings: behaviours that contradict Keras's documentation or another backend, each
with a reproduction of a few lines of Keras (``reproductions/<name>.py``) that ends by
printing ``reproduced: ...`` and exiting 0, or ``not reproduced: ...`` (Keras behaves as
documented) and exiting 1. It matches an expected exception by its type and message and lets
any other propagate: anything but those two endings is a crash, never an outcome.

    python -m lstm_lab findings [--keras NAME ...]   # every Keras 3 environment by default
    python -m lstm_lab findings --patches --jobs 1   # each finding's patch-release scan

runs every reproduction on every backend of every Keras environment (and on the patch
releases of each finding's ``scan``) and writes ``results/findings.md`` (+ ``.json``): where
each reproduces, the first release where it does, its history, and the upstream issue
(:mod:`lstm_lab.runners.findings`).
"""

import sys
from dataclasses import dataclass, field
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
    first_release: str = ""  # as measured, to the patch release (results/findings.md)
    fixes: dict = field(default_factory=dict)  # release -> the upstream change that fixed it
    scan: list = field(default_factory=list)  # [{releases, backends}]: the patch-release scan

    @property
    def reproduction(self):
        return FOLDER / "reproductions" / f"{self.name}.py"


def load():
    """``{name: Finding}`` from findings.toml, each with its reproduction file."""
    table = tomllib.loads((FOLDER / "findings.toml").read_text())
    found = {}
    for name, entry in table.items():
        unknown = set(entry) - {"title", "claims", "documented", "upstream", "first_release",
                                "fixes", "scan"}  # fmt: skip
        scanned = entry.get("scan", [])
        scanned = [scanned] if isinstance(scanned, dict) else scanned
        if unknown or any(set(group) != {"releases", "backends"} for group in scanned):
            raise ValueError(f"finding {name}: unknown keys {sorted(unknown)} or a scan "
                             "without both releases and backends")  # fmt: skip
        found[name] = Finding(
            name, entry["title"], tuple(entry["claims"]), entry["documented"], entry["upstream"],
            entry.get("first_release", ""), dict(entry.get("fixes", {})), scanned,
        )  # fmt: skip
        if not found[name].reproduction.is_file():
            raise FileNotFoundError(f"finding {name} has no {found[name].reproduction}")
    return found
