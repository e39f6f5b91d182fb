"""Choose the Keras backend, then import Keras once (TensorFlow without its start-up chatter).

The backend is the command line's ``--backend NAME`` (every experiment takes it), else
``KERAS_BACKEND``, else TensorFlow, as Keras itself chooses. Keras fixes its backend when it
is first imported, so the option is read here, from ``sys.argv``, before that import; the
experiment's own parser then validates and documents it. Nothing here imports TensorFlow
unless the backend is TensorFlow, and the start-up filter below applies to TensorFlow only.

Since TensorFlow 2.19 the C++ start-up messages (oneDNN, CUDA probing, CPU
feature hints, oneDNN's one-time note on boolean tensors) are written by absl
before its logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL`` no longer hides
them (tensorflow/tensorflow#100442).
We point file descriptor 2 at a temporary file while TensorFlow loads and
probes its devices, then pass every line through except the known noise:
real warnings and errors still reach the user.

Every module of the lab imports Keras from here: ``from lstm_lab.backend import keras``.
"""

import contextlib
import functools
import importlib.util
import logging
import os
import re
import sys
import tempfile
import types

from lstm_lab import BACKENDS, CACHE_HOME

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
            r"oneDNN supports DT_BOOL only on platforms with AVX-512",
        ]
    )
)


def _filter_start_up_noise(text):
    return "".join(
        line for line in text.splitlines(keepends=True) if not START_UP_NOISE.search(line)
    )


@contextlib.contextmanager
def _stderr_filtered():
    """File descriptor 2 goes to a temporary file; at the end its lines, less the known
    noise, go to standard error."""
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            sys.stderr.write(_filter_start_up_noise(captured.read().decode(errors="replace")))
            sys.stderr.flush()


def _import_quietly():
    with _stderr_filtered():
        import keras
        import tensorflow as tf

        tf.config.list_physical_devices()  # the CUDA probe logs here, not at import
        # oneDNN logs once per process, the first time it meets a boolean tensor (a mask,
        # say) on a CPU without AVX-512, at error level, when the run is long under way.
        # Meet one here, where the line is filtered.
        tf.transpose(tf.constant([[True]]))
    return tf, keras


def backend_from_command_line(argv):
    """The value of ``--backend NAME`` or ``--backend=NAME`` in ``argv``, or None."""
    for i, argument in enumerate(argv):
        if argument == "--backend" and i + 1 < len(argv):
            return argv[i + 1]
        if argument.startswith("--backend="):
            return argument.split("=", 1)[1]
    return None


def _hide_tensorflow_from_keras():
    """On JAX and torch, make Keras behave as if TensorFlow were not installed.

    Keras imports TensorFlow on any backend when it is installed (``set_random_seed`` seeds
    it, saving and the trainers look for ``tf.data``): seconds and TensorFlow's start-up chatter
    for nothing, since the lab feeds NumPy arrays. Keras asks its lazy module whether
    TensorFlow is ``available`` first, so answering no there runs the lab on JAX and torch
    exactly as on a machine without TensorFlow. A private attribute: if Keras renames it,
    this does nothing and Keras imports TensorFlow as before.
    """
    from keras.src.utils import module_utils

    lazy_tensorflow = getattr(module_utils, "tensorflow", None)
    if lazy_tensorflow is not None and hasattr(lazy_tensorflow, "_available"):
        lazy_tensorflow._available = False


BACKEND = backend_from_command_line(sys.argv[1:]) or os.environ.get("KERAS_BACKEND") or "tensorflow"
if BACKEND not in BACKENDS:
    # Keras would fail on it with a traceback.
    print(
        f"error: unknown Keras backend {BACKEND!r} (choose from {', '.join(BACKENDS)})",
        file=sys.stderr,
    )
    sys.exit(2)
os.environ["KERAS_BACKEND"] = BACKEND
if BACKEND == "jax":
    # Keras on JAX compiles every eager op and every layer's loop with XLA, in every process:
    # JAX's on-disk cache lets later runs, and the processes they start, load them instead.
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(CACHE_HOME / "jax"))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    # A size limit makes JAX lock the cache while it reads or writes an entry, which
    # processes running side by side need.
    os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(2**30))
if BACKEND == "torch":
    # TorchInductor's kernels for the compiled training step (lstm_lab.training.torch_step)
    # kept beside JAX's, not under /tmp, which a reboot may empty.
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(CACHE_HOME / "torchinductor"))
_PACKAGE = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[BACKEND]
if importlib.util.find_spec(_PACKAGE) is None:
    print(
        f"error: the {BACKEND} backend is not installed (pip install -e '.[{BACKEND}]', "
        f"or choose another with --backend)",
        file=sys.stderr,
    )
    sys.exit(2)


def import_before_forking():
    """Import Keras (and TensorFlow, its start-up lines filtered) without starting the
    backend's runtime: its threads, devices and caches. Processes forked from this one after
    that (lstm_lab.runners.local) skip the seconds the import takes and start the runtime
    themselves, each with its own threads."""
    if BACKEND == "tensorflow":
        with _stderr_filtered():
            import keras  # noqa: F401  (imports TensorFlow)
    else:
        import keras  # noqa: F401

        _hide_tensorflow_from_keras()


@functools.cache
def _loaded():
    """``{"keras": module, "tensorflow": module or None}``, imported once, on first use."""
    if BACKEND == "tensorflow":
        tensorflow, keras_module = _import_quietly()
        tensorflow.get_logger().addFilter(_DropIntendedRetracingWarning())
        return {"keras": keras_module, "tensorflow": tensorflow}
    import keras as keras_module

    _hide_tensorflow_from_keras()
    return {"keras": keras_module, "tensorflow": None}


class _ImportedOnFirstUse(types.ModuleType):
    """Stands for Keras (or TensorFlow) and imports it when an attribute is first read, so
    that what never trains, such as an experiment's ``--help``, starts in a fraction of a
    second instead of the seconds TensorFlow takes to load."""

    def __getattr__(self, attribute):
        value = getattr(_loaded()[self.__name__], attribute)
        setattr(self, attribute, value)  # the next read skips this method
        return value


keras = _ImportedOnFirstUse("keras")
tf = _ImportedOnFirstUse("tensorflow") if BACKEND == "tensorflow" else None


def to_numpy(tensor):
    """A backend tensor (or a NumPy array) as a NumPy array. ``np.asarray`` fails on a torch
    tensor that requires grad, which is what a torch-backend model returns."""
    return keras.ops.convert_to_numpy(tensor)


def backend_versions():
    """The versions of the backend's own packages: jax and jaxlib, or torch (TensorFlow's
    is among every report's versions)."""
    from importlib import metadata

    packages = {"jax": ["jax", "jaxlib"], "torch": ["torch"]}.get(BACKEND, [])
    return {package: metadata.version(package) for package in packages}


def device_description():
    """What the backend computes on: ``"cpu"``, or ``"gpu: <name>"`` for the first GPU."""
    if BACKEND == "tensorflow":
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"gpu: {details.get('device_name', gpus[0].name)}"
        return "cpu"
    if BACKEND == "jax":
        import jax

        device = jax.devices()[0]
        return "cpu" if device.platform == "cpu" else f"gpu: {device.device_kind}"
    import torch

    return f"gpu: {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "cpu"


def has_gpu():
    return device_description() != "cpu"


class _DropIntendedRetracingWarning(logging.Filter):
    """lstm_lab.training.loops.compiled_fit compiles one loop per model on purpose; TensorFlow's
    warning about several tf.functions being traced says nothing useful here."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


__all__ = [
    "BACKEND",
    "BACKENDS",
    "backend_versions",
    "device_description",
    "has_gpu",
    "import_before_forking",
    "keras",
    "tf",
    "to_numpy",
]
