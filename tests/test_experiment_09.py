"""The quick profile of experiment 09 on TensorFlow (the CPU side of every K3 claim)."""

import json

from conftest import run_quick


def test_quick_run_checks_every_k3_claim_and_leaves_the_gpu_ones_not_run(results_dir):
    result, folder = run_quick("09_backends_and_kernels", results_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((folder / "metrics.json").read_text())
    assert data["backend"] == "tensorflow" and data["device"] == "cpu"
    found = {claim["id"]: claim for claim in data["claims"]}
    assert sorted(found) == [f"K3-{i:02d}" for i in range(1, 11)]
    for claim_id in ("K3-03", "K3-04"):  # need a GPU: not run, the reason as evidence
        assert found[claim_id]["verdict"] == "not run"
        assert "needs a CUDA GPU" in found[claim_id]["evidence"]
    confirmed = {i for i, c in found.items() if c["verdict"] == "confirmed"}
    assert confirmed == {f"K3-{i:02d}" for i in (1, 2, 5, 6, 7, 8, 9, 10)}
    # On a CPU, use_cudnn=True raises on TensorFlow, with a message that says what to do.
    assert "Pass use_cudnn='auto'" in found["K3-02"]["evidence"]
    assert "not run" in (folder / "report.md").read_text()
