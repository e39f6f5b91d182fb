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

__version__ = "0.1.0"

BACKENDS = ("tensorflow", "jax", "torch")  # the Keras 3 backends the lab runs on

# Reports count wall time from here, the first import of the lab (TensorFlow's import included);
# in a process forked by `run all --jobs` (lstm_lab.runners.local), from the fork.
STARTED = time.perf_counter()
