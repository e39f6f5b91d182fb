import functools
import inspect
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Several xdist workers share the cores: each test's processes keep to one thread per library,
# as `run all --jobs 2` runs its scripts, so that four threads do not fight over two cores.
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    from lstm_lab.runners.local import thread_limits

    os.environ.update(thread_limits(1))

# The modules that take minutes start first (each stays in one worker, `--dist loadfile`), so
# that the other worker takes the short ones meanwhile.
LONGEST_FIRST = ("test_backends", "test_experiment_04", "test_sweep")

# What starts a process: these helpers, subprocess, and the runners behind the command line.
STARTS_A_PROCESS = (
    r"\b(run_python|run_result|run_quick|run_offline|run_json|subprocess\.|imdb_quick_run)\b"
)


def _process_starters(module):
    """The pattern of calls that start a process in ``module``: the shared ones, and the
    module's own functions that make one."""
    functions = [(name, inspect.unwrap(f)) for name, f in inspect.getmembers(module, callable)]
    names = [
        name
        for name, function in functions  # unwrapped: a cached helper starts a process too
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and re.search(STARTS_A_PROCESS, _source(function))
        and not name.startswith("test_")
    ]
    return re.compile(STARTS_A_PROCESS + "".join(rf"|\b{name}\(" for name in names))


def _source(function):
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` every test that starts a process, itself or through a fixture (found in
    their source), and every test a module lists in ``SLOW`` (those that train for long).
    Put the modules of ``LONGEST_FIRST`` first."""
    first = {name: rank for rank, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: first.get(item.module.__name__, len(first)))  # stable
    patterns = {}
    for item in items:
        module = item.module
        if module not in patterns:
            patterns[module] = _process_starters(module)
        functions = [item.function] + [
            definition.func
            for definitions in item._fixtureinfo.name2fixturedefs.values()
            for definition in definitions
        ]
        starts = any(patterns[module].search(_source(function)) for function in functions)
        if starts or item.originalname in getattr(module, "SLOW", ()):
            item.add_marker("slow")


def expected_verdicts(experiment, profile="full", backend="tensorflow", seed=None):
    """``{claim id: verdict}`` the catalogue expects of an experiment's run here (with the
    default seed unless ``seed`` is given)."""
    from lstm_lab.builds import installed_version
    from lstm_lab.claims import catalogue
    from lstm_lab.experiment import DEFAULT_SEED

    return catalogue.expected_verdicts(
        experiment, backend, profile, installed_version("keras"), seed or DEFAULT_SEED
    )


def run_python(*args, timeout=300, **environment):
    """Run ``python ARGS`` from the project root, with ``environment`` added to this one's;
    returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_result(script, *args, backend, **environment):
    """Run the Python source ``script`` with ``args`` on a Keras ``backend``; returns the
    JSON it printed on its line starting "RESULT "."""
    completed = run_python("-c", script, *args, KERAS_BACKEND=backend, **environment)
    assert completed.returncode == 0, completed.stderr[-2000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


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


def assert_quick_run_as_expected(experiment, results_dir):
    """Run the quick profile of ``experiment`` (``"10_states_carried"``): exit 0, every
    verdict the catalogue's for this Keras, every control opposite. Returns the process and
    the run's metrics."""
    import json

    result, folder = run_quick(experiment, results_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((folder / "metrics.json").read_text())
    found = {claim["id"]: claim["verdict"] for claim in data["claims"]}
    assert found == expected_verdicts(experiment[:2], "quick")
    assert_controls_opposite(data)
    return result, data


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


REVIEWS_PER_CLASS = 1250  # a split of 2,500: the quick profile reads 2,000 and 1,000 of them


@functools.cache
def small_imdb_archive():
    """The first 1,250 positive and 1,250 negative reviews of each split of the shared
    archive, as an aclImdb .tar.gz of their own (built once a session): the quick profile
    reads the same kind of data in a fraction of the time the 100,000-file archive takes."""
    source = shared_file("aclImdb_v1_rebuilt_nofeat.tar.gz")
    target = Path(tempfile.mkdtemp(prefix="small_imdb_")) / "aclImdb_small.tar.gz"
    review = re.compile(r"aclImdb/(train|test)/(pos|neg)/(\d+)_\d+\.txt$")
    with tarfile.open(source, "r:gz") as archive, tarfile.open(target, "w:gz") as small:
        for member in archive:
            match = review.search(member.name)
            if match and int(match.group(3)) < REVIEWS_PER_CLASS:
                small.addfile(member, archive.extractfile(member))
            if member.name.startswith("aclImdb/train/unsup"):
                break  # sorted by name: every labelled review has been read
    return target


def imdb_options():
    """The options that point experiment 04 at a small real archive and the word index."""
    archive = small_imdb_archive()
    return ["--imdb", str(archive), "--word-index", str(shared_file("imdb_word_index.json"))]


@pytest.fixture(scope="session")
def imdb_quick_run(tmp_path_factory):
    """Experiment 04's quick profile on the small archive, run once for every test that
    reads it; returns the CompletedProcess and the results folder."""
    options = imdb_options()
    return run_quick("04_imdb_sentiment", tmp_path_factory.mktemp("imdb_quick"), *options)


def assert_controls_opposite(data):
    """Every claim judged in a run's metrics.json (``data``) has a control that came out as
    its record says it must, and opposite the claim (unless the claim is expected to come out
    as its control did, a finding such as C004-08 on TensorFlow): none is inconclusive."""
    for claim in data["claims"]:
        if claim["verdict"] in ("not run", "error"):
            continue
        control = claim.get("control")
        assert control, f"{claim['id']} was judged without a control"
        assert control["outcome"] == control["known"], (claim["id"], control)
        if claim["expect"] != control["known"]:  # else a finding the lab expects
            assert claim["verdict"] != control["outcome"], (claim["id"], claim["evidence"])
