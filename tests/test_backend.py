from lstm_lab.backend import _filter_start_up_noise, backend_from_command_line

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


NO_TENSORFLOW = """
import sys
import numpy as np
from lstm_lab.backend import BACKEND, keras
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((3, 2)), keras.layers.LSTM(2)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((4, 3, 2)), np.zeros((4, 2)), verbose=0)
print(BACKEND, keras.backend.backend(), "tensorflow" in sys.modules)
"""


def test_the_backend_option_is_read_before_keras_and_tensorflow_stays_out():
    for backend in ("jax", "torch"):
        result = run_python("-c", NO_TENSORFLOW, "--backend", backend)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.split() == [backend, backend, "False"]
        assert "cuda drivers" not in result.stderr  # TensorFlow's start-up chatter


def test_an_unknown_backend_is_one_line_and_exit_2():
    result = run_python("experiments/01_return_sequences_and_state.py", "--backend=theano")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: unknown Keras backend 'theano' (choose from tensorflow, jax, torch)"
    )


def test_backend_from_command_line():
    assert backend_from_command_line(["--profile", "quick", "--backend", "jax"]) == "jax"
    assert backend_from_command_line(["--backend=torch"]) == "torch"
    assert backend_from_command_line(["--profile", "quick"]) is None


def test_compiler_caches_live_with_the_lab_unless_given(tmp_path):
    """JAX's compiled programs and TorchInductor's kernels go under the lab's cache on their
    backend, a folder given in the environment wins, and TensorFlow sets neither."""
    import os
    import subprocess
    import sys

    from lstm_lab import CACHE_HOME

    variables = ("JAX_COMPILATION_CACHE_DIR", "TORCHINDUCTOR_CACHE_DIR")
    script = f"import os, lstm_lab.backend; print([os.environ.get(v) for v in {variables!r}])"

    def cache_dirs(backend, **given):
        environment = {k: v for k, v in os.environ.items() if k not in variables}
        environment.update(KERAS_BACKEND=backend, **given)
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=environment
        )
        return result.stdout.strip()

    assert cache_dirs("jax") == str([str(CACHE_HOME / "jax"), None])
    assert cache_dirs("torch") == str([None, str(CACHE_HOME / "torchinductor")])
    assert cache_dirs("torch", TORCHINDUCTOR_CACHE_DIR=str(tmp_path)) == str([None, str(tmp_path)])
    assert cache_dirs("tensorflow") == str([None, None])
