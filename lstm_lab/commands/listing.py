"""``list``: the experiments and their last results."""

from lstm_lab.commands.options import add_results_dir
from lstm_lab.errors import BadInput
from lstm_lab.runners.discover import find_experiments, first_docstring_line, last_result

HELP = "the experiments and their last results"


def add_arguments(parser):
    add_results_dir(parser)


def run(args):
    if not args.results_dir.is_dir():  # a mistyped folder would read as "not run yet" everywhere
        raise BadInput(f"--results-dir {args.results_dir} is not a folder")
    for script in find_experiments(args.experiments_dir).values():
        name = script.stem
        print(f"{name:28s} {first_docstring_line(script)}")
        print(f"{'':28s} [{last_result(args.results_dir, name)}]")
    return 0
