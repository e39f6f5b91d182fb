"""The quick profile of experiment 07 on the seed's SBUX.csv (found through --data-dir)."""

import json

from conftest import run_quick, shared_file


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    data_dir = shared_file("SBUX.csv").parent
    result, folder = run_quick("07_stock_volume", tmp_path, "--data-dir", data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"] for c in data["claims"]} == {f"C001-0{i}" for i in range(1, 8)}
    assert all(c["verdict"] == c["expect"] == "confirmed" for c in data["claims"])
    assert set(data["metrics"]["test_rmse"]) >= {"training mean", "previous day's volume"}
    assert (tmp_path / "07_stock_volume" / "actual_vs_predicted.png").exists()
