"""lstm-lab: run what LSTM tutorials claim on the installed Keras, and check it.

The modules stand in layers, lowest first; a module imports only from its own layer or
below (``tests/test_layers.py`` checks every import, those inside functions too):

    foundation   errors arrays builds files backend
    results      results
    claims       claims
    measures     data models references probes training
    report       report
    harness      experiment environments
    runners      runners findings explain
    commands     commands cli __main__
"""

import time
from pathlib import Path

__version__ = "0.1.0"

BACKENDS = ("tensorflow", "jax", "torch")  # the Keras 3 backends the lab runs on

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENTS_FILE = "environments.toml"  # the Keras environments the lab measures in
CONSTRAINTS_FILE = "constraints.txt"  # the README's install, pinned
CACHE_HOME = Path.home() / ".cache" / "lstm-lab"  # what the lab builds once per machine


def project_root():
    """The checkout that holds ``experiments/``, or the working directory if installed elsewhere."""
    return PROJECT_DIR if (PROJECT_DIR / "experiments").is_dir() else Path.cwd()


# Reports count wall time from here, the first import of the lab (TensorFlow's import included);
# in a process forked by `run all --jobs` (lstm_lab.runners.local), from the fork.
STARTED = time.perf_counter()
