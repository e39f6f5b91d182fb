"""``questions``: results/questions.md, each question people ask answered by the verdicts of
its claims in the committed full runs and version matrix."""

from lstm_lab.commands.options import add_results_dir

HELP = "write results/questions.md: the questions people ask, answered by the lab's verdicts"


def add_arguments(parser):
    add_results_dir(parser)


def run(args):
    from lstm_lab.report.questions import write_questions

    print(f"-> {write_questions(args.results_dir)}")
    return 0
