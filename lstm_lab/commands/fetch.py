"""``fetch``: download every data file the experiments read into one folder."""

from pathlib import Path

from lstm_lab.experiment import project_root

HELP = "download every data file the experiments read (about 86 MB) into one folder"
DESCRIPTION = (
    "Download the IMDb reviews and word index (04), Alice in Wonderland (05) and the Starbucks "
    "prices (07), each checked against its pinned hash, into DATA_DIR for --data-dir. Files "
    "already there are kept."
)


def add_arguments(parser):
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=project_root() / "data",
        help="where to put them (default: the project's data/, which git ignores)",
    )


def run(args):
    from lstm_lab.data.fetch import fetch_all

    paths = fetch_all(args.data_dir, progress=lambda line: print(line, flush=True))
    print(
        f"{len(paths)} data files in {args.data_dir}; run everything with: "
        f"python -m lstm_lab run all --data-dir {args.data_dir}"
    )
    return 0
