"""``compare COMMITTED REGENERATED``: do regenerated runs give what the committed ones say?"""

from pathlib import Path

from lstm_lab.errors import BadInput

HELP = "compare regenerated runs with the committed ones: verdicts, controls, metrics"
DESCRIPTION = (
    "For every run under REGENERATED, the run at the same place under COMMITTED: the same "
    "verdicts, expectations and control outcomes, and every metric within the tolerance the "
    "committed run states (run ids and wall times aside). Exit 0 when every run regenerates "
    "its committed one, 1 when one differs."
)


def add_arguments(parser):
    parser.add_argument("committed", type=Path, help="the results folder, e.g. results/")
    parser.add_argument("regenerated", type=Path, help="the same runs made again")


def run(args):
    from lstm_lab.runners.regenerated import compare_folders

    for folder in (args.committed, args.regenerated):
        if not folder.is_dir():
            raise BadInput(f"no results folder at {folder}")
    found = compare_folders(args.committed, args.regenerated)
    for place, differences in found.items():
        print(f"{place}: {'; '.join(differences) or 'as committed'}")
    differing = [place for place, differences in found.items() if differences]
    print(
        f"{len(found) - len(differing)} of {len(found)} runs regenerate their committed run"
        + (f"; differing: {', '.join(differing)}" if differing else "")
    )
    return 1 if differing else 0
