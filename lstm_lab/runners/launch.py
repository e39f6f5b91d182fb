"""How the lab starts an experiment in a fresh Python: the same command a user types, with
this interpreter. Every runner (``run``, ``run all --jobs``, ``conformance``, ``sweep``)
builds its commands here."""

import sys


def script_command(script, *options):
    """``python experiments/NN_name.py OPTIONS`` with this interpreter."""
    return [sys.executable, str(script), *map(str, options)]


def lab_command(*arguments):
    """``python -m lstm_lab ARGUMENTS`` with this interpreter (for a machine whose
    experiments folder this one does not know, such as a Ray worker's)."""
    return [sys.executable, "-m", "lstm_lab", *map(str, arguments)]
