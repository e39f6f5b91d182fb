"""The committed matrix pages are what the committed runs give: a run regenerated without
its page rebuilt fails here (06's torch evidence once stayed stale in conformance.json)."""

import json

import pytest

from lstm_lab import BACKENDS, environments
from lstm_lab.runners import conformance, versions
from lstm_lab.runners.discover import find_experiments

from conftest import ROOT

RESULTS = ROOT / "results"
NAMES = [script.stem for script in find_experiments(ROOT / "experiments").values()]


def _committed(name):
    path = RESULTS / f"{name}.json"
    if not path.exists():
        pytest.skip(f"no committed {path.name}")
    return json.loads(path.read_text()), (RESULTS / f"{name}.md").read_text()


def _as_json(matrix):
    return json.loads(json.dumps(matrix))


def test_the_backend_matrix_page_is_the_committed_runs():
    page, text = _committed("conformance")
    matrix = conformance.collect(NAMES, BACKENDS, RESULTS, {}, page["profile"])
    assert _as_json(matrix) == page, "rebuild it: python -m lstm_lab conformance --matrix-only"
    assert conformance.render(matrix) == text


def test_the_version_matrix_page_is_the_committed_runs():
    page, text = _committed("versions")
    every = list(environments.load().values())
    matrix = versions.collect(every, BACKENDS, NAMES, RESULTS, page["profile"])
    rebuild = "python -m lstm_lab conformance --matrix-only --profile quick --keras 2"
    assert _as_json(matrix) == page, f"rebuild it: {rebuild}"
    assert versions.render(matrix) == text
