"""Choose the Keras backend, then import Keras once (TensorFlow without its start-up chatter).

The backend is ``KERAS_BACKEND`` (tensorflow, jax or torch), TensorFlow if unset, as Keras
itself chooses. Nothing here imports TensorFlow unless the backend is TensorFlow. (Running
every experiment on JAX and torch, with a ``--backend`` option, is issue 10's next step.)

Since TensorFlow 2.19 the C++ start-up messages (oneDNN, CUDA probing, CPU
feature hints) are written by absl before its logging is initialised, so
``TF_CPP_MIN_LOG_LEVEL`` no longer hides them (tensorflow/tensorflow#100442).
We point file descriptor 2 at a temporary file while TensorFlow loads and
probes its devices, then pass every line through except the known noise:
real warnings and errors still reach the user.

Every module of the lab imports Keras from here: ``from lstm_lab.backend import keras``.
"""

import logging
import os
import re
import sys
import tempfile

from lstm_lab import BACKENDS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # still honoured by some messages

START_UP_NOISE = re.compile(
    "|".join(
        [
            r"All log messages before absl::InitializeLog\(\) is called",
            r"oneDNN custom operations are on",
            r"Could not find cuda drivers on your machine",
            r"failed call to cuInit",
            r"This TensorFlow binary is optimized to use available CPU instructions",
            r"To enable the following instructions: .* rebuild TensorFlow",
            r"Unable to register cu(DNN|FFT|BLAS) factory",
            r"TF-TRT Warning: Could not find TensorRT",
            r"computation placer already registered",
        ]
    )
)


def _filter_start_up_noise(text):
    return "".join(
        line for line in text.splitlines(keepends=True) if not START_UP_NOISE.search(line)
    )


def _import_quietly():
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe logs here, not at import
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            sys.stderr.write(_filter_start_up_noise(captured.read().decode(errors="replace")))
            sys.stderr.flush()
    return tf, keras


BACKEND = os.environ.get("KERAS_BACKEND") or "tensorflow"
if BACKEND not in BACKENDS:
    # Keras would fail on it with a traceback.
    print(
        f"error: unknown Keras backend {BACKEND!r} (choose from {', '.join(BACKENDS)})",
        file=sys.stderr,
    )
    sys.exit(2)
os.environ["KERAS_BACKEND"] = BACKEND

if BACKEND == "tensorflow":
    tf, keras = _import_quietly()
else:
    import keras

    tf = None


class _DropIntendedRetracingWarning(logging.Filter):
    """lstm_lab.training.compiled_fit compiles one loop per model on purpose; TensorFlow's
    warning about several tf.functions being traced says nothing useful here."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


if tf is not None:
    tf.get_logger().addFilter(_DropIntendedRetracingWarning())

__all__ = ["BACKEND", "BACKENDS", "keras", "tf"]
