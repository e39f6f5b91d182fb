"""The quick profile of experiment 02, end to end, into a temporary results directory."""

import json

import pytest

from conftest import ROOT, assert_controls_opposite, expected_verdicts, run_python

EXPECTED = expected_verdicts("02", profile="quick")  # from the catalogue, on the installed Keras
NEEDS_TORCH = ("C003-01", "C003-02", "L-02-03")


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    result = run_python(
        "experiments/02_layer_anatomy.py", "--profile", "quick", "--results-dir", tmp_path
    )
    data = json.loads((tmp_path / "02_layer_anatomy" / "metrics.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert result.returncode == 0, result.stdout + result.stderr
    assert_controls_opposite(data)
    if data["metrics"]["torch"] is None:  # checked by the test below
        return
    assert verdicts == EXPECTED
    assert data["metrics"]["shape_table_rows"] == 48  # LSTM only in the quick profile
    assert (
        "| LSTM | Bidirectional concat | True | True | 2 |"
        in (tmp_path / "02_layer_anatomy" / "report.md").read_text()
    )


# As if torch were not installed (the import system finds no module named torch). An
# installed torch whose import fails otherwise makes the claims errors:
# tests/test_torch_mapping.py shows it on torch_or_reason, without a run of its own.
NO_TORCH = "ModuleNotFoundError(f'No module named {name!r}', name=name)"


@pytest.mark.parametrize("error, verdict, exit_code", [(NO_TORCH, "not run", 0)])
def test_without_a_working_torch_its_three_claims_say_why(tmp_path, error, verdict, exit_code):
    # A missing optional dependency is no failure: the claims that need PyTorch say why they
    # did not run, and the run exits 0. An installed torch that fails to import is an error.
    script = str(ROOT / "experiments" / "02_layer_anatomy.py")
    code = (
        "import importlib.abc, runpy, sys\n"
        "class NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        f"            raise {error}\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        f"sys.argv = [{script!r}, '--profile', 'quick', '--results-dir', {str(tmp_path)!r}]\n"
        f"runpy.run_path({script!r}, run_name='__main__')\n"
    )
    result = run_python("-c", code)
    assert result.returncode == exit_code, result.stdout + result.stderr
    data = json.loads((tmp_path / "02_layer_anatomy" / "metrics.json").read_text())
    claims = {c["id"]: c for c in data["claims"]}
    for claim_id in NEEDS_TORCH:
        claim = claims.pop(claim_id)
        assert claim["verdict"] == verdict, claim
        if verdict == "error":
            assert "OSError: libtorch_cpu.so: cannot open shared object file" in claim["evidence"]
    assert {i: c["verdict"] for i, c in claims.items()} == {
        k: v for k, v in EXPECTED.items() if k not in NEEDS_TORCH
    }
    assert_controls_opposite(data)
