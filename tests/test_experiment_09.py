"""The quick profile of experiment 09 on TensorFlow (the CPU side of every K3 claim)."""

import json

from conftest import assert_controls_opposite, run_quick


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
    assert_controls_opposite(data)
    # On a CPU, use_cudnn=True raises on TensorFlow, with a message that says what to do;
    # its control, use_cudnn=False, raises nothing.
    assert "Pass use_cudnn='auto'" in found["K3-02"]["evidence"]
    assert found["K3-02"]["observed"]["LSTM, use_cudnn=True"]["type"] == "ValueError"
    assert set(found["K3-02"]["control"]["observed"].values()) == {None}
    # A model saved on TensorFlow names Keras's own Adam, not a backend's (K3-09 on torch).
    assert "names the optimizer keras.optimizers.Adam" in found["K3-09"]["evidence"]
    assert "not run" in (folder / "report.md").read_text()


def test_each_case_matches_the_expected_error_by_type_and_message():
    from lstm_lab.probes.kernels import each_case

    refusal = {"type": "ValueError", "match": "cuDNN is not supported"}
    documented = {"use_cudnn=True": refusal, "auto": None}

    def error(kind, message):
        return {"type": kind, "types": [kind, "Exception"], "message": message}

    refused = error("ValueError", "use_cudnn=True was specified, but cuDNN is not supported")
    assert each_case(documented, {"use_cudnn=True": refused, "auto": None}).agrees
    runs = each_case(documented, {"use_cudnn=True": None, "auto": None})
    assert not runs.agrees and not runs.failed  # refuted: no exception where one is documented
    other = each_case(documented, {"use_cudnn=True": error("TypeError", "x"), "auto": None})
    assert other.failed.startswith("use_cudnn=True: another exception")  # an error verdict
    crash = each_case(documented, {"use_cudnn=True": refused, "auto": error("KeyError", "k")})
    assert "auto: raised KeyError" in crash.failed
    refusal_where_it_runs = each_case(documented, {"use_cudnn=True": refused, "auto": refused})
    assert not refusal_where_it_runs.agrees and not refusal_where_it_runs.failed
