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
