import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_python(*args, timeout=300):
    """Run ``python ARGS`` from the project root; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def results_dir(tmp_path):
    return tmp_path / "results"


SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_file(name):
    """A file of ../shared/data, or skip the test where that folder is absent (it is in CI)."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def run_quick(experiment, results_dir, *options):
    """Run ``experiments/<experiment>.py --profile quick`` into ``results_dir``.

    Returns the CompletedProcess and the experiment's results folder."""
    result = run_python(
        f"experiments/{experiment}.py", "--profile", "quick", "--results-dir", results_dir, *options
    )
    return result, results_dir / experiment


# Runs a script as on a machine without a network: every download Keras tries fails the way
# keras.utils.get_file fails offline (whatever is in the Keras cache).
OFFLINE = """
import runpy, sys
from lstm_lab.backend import keras

def offline(*args, **kwargs):
    raise Exception("URL fetch failure on https://example.org: None -- [Errno -3] offline")

keras.utils.get_file = offline
sys.modules["keras.src.datasets.imdb"].get_file = offline  # imdb.load_data's own reference
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
"""


def run_offline(experiment, results_dir, *options):
    """:func:`run_quick`, offline (see ``OFFLINE``) and without a data folder."""
    result = run_python(
        "-c",
        OFFLINE,
        f"experiments/{experiment}.py",
        "--profile",
        "quick",
        "--results-dir",
        results_dir,
        *options,
    )
    return result, results_dir / experiment


def imdb_options():
    """The options that point experiment 04 at the shared reviews and word index."""
    archive = shared_file("aclImdb_v1_rebuilt_nofeat.tar.gz")
    return ["--imdb", str(archive), "--word-index", str(shared_file("imdb_word_index.json"))]


@pytest.fixture(scope="session")
def imdb_quick_run(tmp_path_factory):
    """Experiment 04's quick profile on the shared reviews, run once for every test that
    reads it (about 40 s); returns the CompletedProcess and the results folder."""
    options = imdb_options()
    return run_quick("04_imdb_sentiment", tmp_path_factory.mktemp("imdb_quick"), *options)
