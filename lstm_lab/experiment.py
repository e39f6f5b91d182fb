"""The harness every experiment runs in: its options, its seed, one progress printer, its report.

    lab = Experiment(__doc__, "03_stateful_alphabet", TITLE, PROFILES, argv)
    lab.progress("training the tutorial's model")
    lab.reseed("tutorial model")                   # keras.utils.set_random_seed(--seed)
    lab.report.check("C004-01", documented=1.0, observed=accuracy)
    return lab.finish()                            # report.write(), then remove backups

and at the end of the script ``run(main)``, which turns bad input into one line on stderr
and exit code 2. Every experiment takes ``--profile``, ``--seed``, ``--results-dir``,
``--data-dir`` and ``--verbose``; ``options`` adds its own (``{"--csv": {"type": Path}}``).
"""

import argparse
import hashlib
import signal
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from lstm_lab import BACKENDS, project_root  # noqa: F401 - project_root: commands use it here
from lstm_lab.errors import (
    EXIT_BAD_INPUT,
    EXIT_CRASH,
    BadInput,
    error_summary,
)
from lstm_lab.files import write_file_atomically
from lstm_lab.report.run_report import Report
from lstm_lab.results.layout import crash_file

DEFAULT_SEED = 7  # every experiment's --seed unless given
PROFILES = ("full", "quick")  # full: the documented hyper-parameters; quick: a smoke run
PACKAGE_DIR = Path(__file__).resolve().parent


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (no usage block) and exits 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def experiment_parser(doc):
    """The options every experiment takes; ``doc`` is the experiment's module docstring."""
    parser = OneLineParser(
        description=doc.strip().splitlines()[0],
        epilog="Exit codes: 0 all claims as expected, 1 a verdict differs, 2 bad input, "
        "3 a crash (its traceback beside the results folder).",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="full",
        help="full: the documented hyper-parameters; quick: a seconds-long smoke run",
    )
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        default=DEFAULT_SEED,
        help=f"random seed (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=project_root() / "results",
        help="where results/<experiment>/ is written (default: the project's results/)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="a folder holding local copies of the data files (see the README); experiments "
        "that need none ignore it, so `lstm-lab run all --data-dir DIR` works",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="the Keras backend (default: KERAS_BACKEND if set, else tensorflow); "
        "lstm_lab.backend reads it before Keras is imported",
    )
    parser.add_argument("--verbose", action="store_true", help="show Keras training progress")
    return parser


class Experiment:
    """One run of an experiment: parsed options, the chosen profile's settings, the report.

    Args:
        doc: the experiment's module docstring (its first line is the ``--help`` text).
        name: the results folder's name, e.g. ``"03_stateful_alphabet"``.
        title: the report's title.
        profiles: ``{"full": {...}, "quick": {...}}``; :attr:`settings` is the chosen one.
        argv: the command-line arguments (default ``sys.argv[1:]``).
        options: extra ``add_argument`` calls, ``{"--csv": {"type": Path, "help": ...}}``.
    """

    def __init__(self, doc, name, title, profiles, argv=None, options=None):
        parser = experiment_parser(doc)
        for flag, keywords in (options or {}).items():
            parser.add_argument(flag, **keywords)
        self.args = parser.parse_args(argv)
        data_dir = self.args.data_dir
        if data_dir is not None and not data_dir.is_dir():
            raise BadInput(f"--data-dir {data_dir} is not a directory")
        self.settings = profiles[self.args.profile]
        self.seed = self.args.seed
        self.report = Report(
            name,
            title,
            profile=self.args.profile,
            seed=self.seed,
            results_dir=self.args.results_dir,
        )
        self.report.settings = self.settings
        self.name = name
        self._backups = []
        from lstm_lab.backend import BACKEND, keras

        release = keras.__version__  # imports Keras: its seconds are not the experiment's
        self._started = time.perf_counter()
        RUNNING.append(self)
        # The same seed draws different numbers on each backend: say which one this is.
        self.progress(
            f"{name} on {BACKEND} (Keras {release}), {self.args.profile} profile, seed {self.seed}"
        )

    def seed_for(self, purpose, offset=0):
        """The seed for one random thing (a probe, a data set): ``--seed`` plus ``offset``
        (for runs repeated over several seeds), recorded under ``purpose`` in the report."""
        seed = self.seed + offset
        self.report.seeds[purpose] = seed
        return seed

    def reseed(self, purpose, offset=0):
        """Seed Python, NumPy and the backend before ``purpose`` (a model's weights, its
        training) with :meth:`seed_for`'s seed; returns it."""
        from lstm_lab.backend import keras

        seed = self.seed_for(purpose, offset)
        keras.utils.set_random_seed(seed)
        return seed

    def show_history(self, history, every):
        """With ``--verbose``, print a :func:`lstm_lab.training.loops.compiled_fit` history."""
        if self.args.verbose:
            from lstm_lab.training.loops import print_history

            print_history(history, every)

    def run_identity(self, **details):
        """What makes a training this run's: the experiment, profile, seed, backend, Keras
        and the code, plus ``details`` (say a data fingerprint). A backup is resumed only
        by a run with the same identity."""
        from lstm_lab.backend import keras

        return {
            "experiment": self.name,
            "profile": self.args.profile,
            "seed": self.seed,
            "backend": keras.backend.backend(),
            "keras": keras.__version__,
            "code": code_fingerprint(),
            **details,
        }

    def backup_dir(self, label):
        """``results/.<experiment>.backup-<label>``: where a long training keeps its backup
        (:func:`lstm_lab.training.backup.fit_with_backup`); removed by :meth:`finish`."""
        path = self.args.results_dir / f".{self.name}.backup-{label}"
        self._backups.append(path)
        return path

    def finish(self):
        """Write the report, then remove this run's backups; returns the exit code."""
        from lstm_lab.training.backup import remove_backup

        if INTERRUPTED:  # an interrupt Python swallowed (raised inside a finaliser) still stops it
            raise KeyboardInterrupt
        code = self.report.write()
        for path in self._backups:
            remove_backup(path)
        return code

    def without_data(self, missing, skipped):
        """Go on without data that could not be had (``missing``, a
        :class:`~lstm_lab.errors.DataUnavailable`): ``skipped`` (say "training and the
        accuracy table") is reported as not run, with the reason and where to get the data.
        The claims that need no data are checked all the same."""
        missing = str(missing)
        self.progress(f"{skipped}: not run. {missing[0].upper()}{missing[1:]}")
        self.report.section(
            "Not run for want of data",
            f"{skipped[0].upper()}{skipped[1:]}: not run. {missing[0].upper()}{missing[1:]}. "
            "The README's "
            "Data section lists the files each experiment reads and one command that "
            "downloads them all; then run again with `--data-dir`.",
        )

    def progress(self, message):
        """One line of progress, with the seconds since the experiment started."""
        print(f"[{time.perf_counter() - self._started:6.1f} s] {message}", flush=True)


RUNNING = []  # the Experiment of this process, once main() has made it
INTERRUPTED = []  # the SIGINTs this process received


def _interrupt(signal_number, frame):
    INTERRUPTED.append(signal_number)
    raise KeyboardInterrupt


def run(main):
    """Run an experiment's ``main()`` and exit with its code; bad input exits 2 in one line,
    a crash (any other exception) 3, its traceback written beside the results folder. An
    interrupt (Ctrl-C) exits 130 with nothing written, even where Python swallowed its
    KeyboardInterrupt: :meth:`Experiment.finish` looks for it before writing."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where ignored
        signal.signal(signal.SIGINT, _interrupt)
    try:
        code = main()
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        code = EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: no results were written", file=sys.stderr)
        code = 130
    except Exception as error:  # a crash: never a verdict, whatever it is
        code = EXIT_CRASH
        print(f"crash: {error_summary(error)}; no results were written", file=sys.stderr)
        print(save_crash(error), file=sys.stderr)
    sys.exit(code)


def save_crash(error):
    """Write the traceback of ``error`` beside the running experiment's results folder, with
    its run id; returns a line saying where (or the traceback itself, before the experiment
    knew its results folder)."""
    text = "".join(traceback.format_exception(error))
    if not RUNNING:
        return text
    lab = RUNNING[-1]
    path = crash_file(lab.report.results_dir, lab.name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(path, f"run_id: {lab.report.run_id}\n{text}".encode())
    except (OSError, BadInput):
        return text
    return f"traceback: {path}"


def fingerprint(*arrays):
    """A short SHA-256 of NumPy arrays (their shapes, types and bytes): data identity."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:16]


def code_fingerprint():
    """A short SHA-256 of the library's source and the running script: code identity."""
    digest = hashlib.sha256()
    script = Path(sys.argv[0])
    sources = sorted(PACKAGE_DIR.rglob("*.py")) + ([script] if script.suffix == ".py" else [])
    for source in sources:
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
