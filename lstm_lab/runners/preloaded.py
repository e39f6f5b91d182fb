"""Keras and its backend, imported without starting the backend's runtime.

``lstm-lab run all --jobs N`` has a fork server import this module once; every experiment
then runs in a process forked from it, so none spends the seconds that importing Keras with
TensorFlow takes (lstm_lab.runners.local). The backend is ``KERAS_BACKEND``'s.
"""

from lstm_lab.backend import import_before_forking

import_before_forking()
