"""lstm-lab: run what LSTM tutorials claim on the installed Keras, and check it."""

import time

__version__ = "0.1.0"

BACKENDS = ("tensorflow", "jax", "torch")  # the Keras 3 backends the lab runs on

# Reports count wall time from here, the first import of the lab (TensorFlow's import included);
# in a process forked by `run all --jobs` (lstm_lab.runners.local), from the fork.
STARTED = time.perf_counter()
