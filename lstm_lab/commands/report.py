"""``report``: regenerate the results index."""

from lstm_lab.commands.options import add_results_dir
from lstm_lab.errors import BadInput
from lstm_lab.files import locked
from lstm_lab.report.index import write_index
from lstm_lab.results.layout import read_metrics, runs_in

HELP = "regenerate results/README.md"


def add_arguments(parser):
    add_results_dir(parser)


def run(args):
    if not args.results_dir.is_dir():
        raise BadInput(f"no results directory at {args.results_dir}")
    for metrics in runs_in(args.results_dir):  # refused before the lock file is made
        read_metrics(metrics)
    with locked(args.results_dir):
        index = write_index(args.results_dir)
    print(f"wrote {index}")
    return 0
