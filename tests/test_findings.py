"""Every Keras finding's reproduction, run on the installed Keras and backend, gives what the
committed results/findings.json measured for this release and backend."""

import json
import runpy

import pytest

from lstm_lab import findings
from lstm_lab.backend import BACKEND, keras
from lstm_lab.runners.findings import OUTCOMES, first_release, keras_release, render

from conftest import ROOT

COMMITTED = ROOT / "results" / "findings.json"
CATALOGUE = findings.load()


def run_here(finding, capsys):
    """The reproduction in this process: ``(outcome, the line it printed last)``."""
    with pytest.raises(SystemExit) as ended:
        runpy.run_path(str(finding.reproduction), run_name="__main__")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return OUTCOMES.get(ended.value.code, f"crashed ({ended.value.code})"), lines[-1]


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed findings")
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_reproduction_gives_the_committed_outcome_on_the_installed_keras(name, capsys):
    outcome, said = run_here(CATALOGUE[name], capsys)
    assert outcome in OUTCOMES.values(), said
    assert said.startswith(outcome + ":")
    committed = json.loads(COMMITTED.read_text())["findings"][name]
    measured = [
        cell
        for column, cell in committed.items()
        if cell["keras"] == keras.__version__ and column.endswith("/" + BACKEND)
    ]
    if not measured:
        pytest.skip(f"findings.json has no column for Keras {keras.__version__} on {BACKEND}")
    assert outcome == measured[0]["outcome"], said


def test_every_finding_names_its_claims_and_upstream_status():
    from lstm_lab.claims.catalogue import record_of

    for finding in CATALOGUE.values():
        assert finding.claims and finding.upstream and finding.documented
        for claim_id in finding.claims:
            record_of(claim_id)  # a known claim


def test_the_first_release_is_the_oldest_that_reproduces():
    cells = {
        "3.12/jax": {"outcome": "not reproduced", "keras": "3.12.4", "said": "x"},
        "3.14/jax": {"outcome": "reproduced", "keras": "3.14.1", "said": "y"},
        "3.15/torch": {"outcome": "reproduced", "keras": "3.15.1", "said": "z"},
    }
    assert first_release(cells) == "3.14.1 (jax)"
    assert first_release({"3.12/jax": cells["3.12/jax"]}) is None
    oldest = {"3.14/jax": cells["3.14/jax"]}
    assert first_release(oldest) == "3.14.1 (jax, the oldest release measured: it may be older)"
    assert keras_release("Keras 3.11.3 (TensorFlow 2.20.0), the last") == "3.11.3"
    text = render(
        {"use_cudnn_on_cpu": CATALOGUE["use_cudnn_on_cpu"]},
        {"use_cudnn_on_cpu": cells},
        "a test machine",
    )
    assert "**First release where it reproduces:** 3.14.1 (jax)" in text
    assert "import keras" in text  # the reproduction itself, as committed
