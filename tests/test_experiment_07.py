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


def test_on_the_synthetic_series_the_claims_about_the_seeds_prices_are_not_run(tmp_path):
    result, folder = run_quick("07_stock_volume", tmp_path)  # no data: synthetic prices
    assert result.returncode == 0, result.stdout + result.stderr
    claims = {c["id"]: c for c in json.loads((folder / "metrics.json").read_text())["claims"]}
    for claim_id in ("C001-04", "C001-06"):
        assert claims[claim_id]["verdict"] == "not run"
        assert "synthetic series" in claims[claim_id]["evidence"]
        assert "this run observed" in claims[claim_id]["evidence"]
    assert claims["C001-02"]["verdict"] == "confirmed"  # the shapes hold on any prices
