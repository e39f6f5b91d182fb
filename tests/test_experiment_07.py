"""The quick profile of experiment 07 on the source's SBUX.csv (found through --data-dir)."""

import json

import numpy as np
import pandas as pd

from conftest import assert_controls_opposite, run_quick, shared_file

CLAIMS = {"C001-01", "C001-02", "C001-03", "C001-04", "C001-06", "C001-07"}


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    data_dir = shared_file("SBUX.csv").parent
    result, folder = run_quick("07_stock_volume", tmp_path, "--data-dir", data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"] for c in data["claims"]} == CLAIMS
    assert all(c["verdict"] == c["expect"] == "confirmed" for c in data["claims"])
    assert_controls_opposite(data)
    # Observed from the file and from Keras, and each beside a control that came out refuted.
    claims = {c["id"]: c for c in data["claims"]}
    assert claims["C001-01"]["control"]["observed"]["rows"] == 200
    assert claims["C001-03"]["observed"] == [["LSTM", 64], ["ReLU", 0], ["Dense", 384],
                                             ["Dense", 129]]  # fmt: skip
    assert set(data["metrics"]["test_rmse"]) >= {"training mean", "previous day's volume"}
    assert (tmp_path / "07_stock_volume" / "actual_vs_predicted.png").exists()


def test_on_the_synthetic_series_the_claims_about_the_sources_prices_are_not_run(tmp_path):
    result, folder = run_quick("07_stock_volume", tmp_path)  # no data: synthetic prices
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert_controls_opposite(data)
    claims = {c["id"]: c for c in data["claims"]}
    for claim_id in ("C001-04", "C001-06"):
        assert claims[claim_id]["verdict"] == "not run"
        assert "synthetic series" in claims[claim_id]["evidence"]
        assert "this run observed" in claims[claim_id]["evidence"]
    for claim_id in ("C001-01", "C001-02"):  # they count the source's own rows
        assert claims[claim_id]["verdict"] == "not run"
        assert "source's SBUX.csv" in claims[claim_id]["evidence"]
    assert claims["C001-07"]["verdict"] == "confirmed"  # one time step: true of any prices


def test_on_prices_of_your_own_the_claims_about_the_sources_data_are_not_run(tmp_path):
    # 1,200 trading days with the source's columns: a well-formed file that is not SBUX's.
    days = pd.bdate_range("2015-01-02", periods=1200)
    rng = np.random.default_rng(3)
    close = 50 + np.cumsum(rng.normal(0, 0.5, len(days)))
    volume = rng.integers(10**6, 10**7, len(days))
    frame = pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Open": close + 0.1,
                          "High": close + 0.5, "Low": close - 0.5, "Close": close,
                          "Adj Close": close, "Volume": volume})  # fmt: skip
    csv = tmp_path / "mine.csv"
    frame.to_csv(csv, index=False)
    result, folder = run_quick("07_stock_volume", tmp_path / "results", "--csv", csv)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert_controls_opposite(data)
    claims = {c["id"]: c for c in data["claims"]}
    for claim_id in ("C001-01", "C001-02"):
        assert claims[claim_id]["verdict"] == "not run", claim_id
        assert "this run observed" in claims[claim_id]["evidence"]
    assert '"rows": 1200' in claims["C001-01"]["evidence"]
    # Measured seed by seed on the source's prices: on yours the comparison is reported, not
    # judged against those expectations.
    for claim_id in ("C001-04", "C001-06"):
        assert claims[claim_id]["verdict"] == "not run", claim_id
        assert "this run observed" in claims[claim_id]["evidence"]
