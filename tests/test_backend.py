from lstm_lab.backend import _filter_start_up_noise

from conftest import run_python


def test_importing_the_backend_prints_no_start_up_noise():
    result = run_python("-c", "import lstm_lab.backend")
    assert result.returncode == 0
    for noise in ["oneDNN", "cuInit", "absl::InitializeLog", "cpu_feature_guard", "cuda drivers"]:
        assert noise not in result.stderr
    assert result.stdout == ""


def test_the_filter_keeps_real_messages():
    captured = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1 port.cc:153] oneDNN custom operations are on. You may see...\n"
        "E0000 00:00:1 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error\n"
        "E0000 00:00:1 something.cc:1] a real error\n"
        "UserWarning: a real warning\n"
    )
    assert _filter_start_up_noise(captured) == (
        "E0000 00:00:1 something.cc:1] a real error\nUserWarning: a real warning\n"
    )
