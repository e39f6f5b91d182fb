"""The commands of ``python -m lstm_lab``, one module each.

Each module has ``HELP`` (its line in ``lstm-lab --help``), optionally ``DESCRIPTION`` and
``EPILOG``, ``add_arguments(parser)`` and ``run(args)``, which returns the exit code. What a
command decides beyond its options (which runs to read, what a rate says) lives in
:mod:`lstm_lab.runners`; a command parses, calls and prints.
"""

# command name -> module, in the order ``--help`` lists them
COMMANDS = {
    "list": "listing",
    "run": "run",
    "fetch": "fetch",
    "explain": "explain",
    "report": "report",
    "compare": "compare",
    "conformance": "conformance",
    "findings": "findings",
    "questions": "questions",
    "env": "env",
    "sweep": "sweep",
}
