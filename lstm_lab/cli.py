"""The command line ``python -m lstm_lab`` (also installed as ``lstm-lab``).

    python -m lstm_lab list                   the experiments and their last results
    python -m lstm_lab run 03 [options]       run one experiment (options go to it)
    python -m lstm_lab run all [options]      run every experiment in order
    python -m lstm_lab run all --jobs 2 ...   two at a time, one thread each (faster on a
                                              small CPU)
    python -m lstm_lab fetch [--data-dir DIR] download the data files into one folder (data/)
    python -m lstm_lab explain SPEC           what a recurrent layer returns, named and proven
    python -m lstm_lab report                 regenerate results/README.md
    python -m lstm_lab compare OLD NEW        do regenerated runs give the committed ones?
    python -m lstm_lab conformance [options]  every experiment on every backend, side by side
    python -m lstm_lab conformance --keras NAME [NAME ...]
                                              ... and on each Keras release (results/versions.md)
    python -m lstm_lab questions              results/questions.md from the committed matrices
    python -m lstm_lab env list|build [NAME]  the Keras environments, built by uv
    python -m lstm_lab findings --keras ...   every Keras finding's reproduction, everywhere
    python -m lstm_lab sweep [options]        experiments x backends x seeds on Ray: verdict rates

Each command is a module of :mod:`lstm_lab.commands`. Exit codes: 0 every claim as
expected, 1 a verdict differs from its expectation, 2 bad input (one line on stderr,
nothing half-written), 3 a crash (an experiment's, or a run a runner started: never read
as a verdict).
"""

import importlib
import os
import sys
from pathlib import Path

from lstm_lab.commands import COMMANDS
from lstm_lab.errors import EXIT_BAD_INPUT, BadInput
from lstm_lab.experiment import OneLineParser, project_root

EXIT_CODES = (
    "Exit codes: 0 every verdict as expected, 1 a verdict differs from the lab's expectation, "
    "2 bad input, 3 a crash. 'lstm-lab COMMAND --help' describes each command."
)


def build_parser():
    parser = OneLineParser(
        prog="lstm-lab",
        description="Run the experiments that check what LSTM tutorials claim on the installed "
        "Keras, and compare their verdicts across backends and seeds.",
        epilog=EXIT_CODES,
    )
    parser.add_argument(
        "--experiments-dir",
        type=Path,
        default=project_root() / "experiments",
        help="where the NN_name.py experiment scripts are (default: the project's experiments/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"lstm_lab.commands.{module_name}")
        command = commands.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", None),
            epilog=getattr(module, "EPILOG", None),
        )
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.invocation = sys.argv[1:] if argv is None else list(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the try, not at exit
        return code
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `lstm-lab list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 0
