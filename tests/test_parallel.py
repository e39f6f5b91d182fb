"""``lstm-lab run all --jobs N``: experiments side by side, each held to its share of the cores."""

import json
import os
import re
import time

import pytest

from lstm_lab.commands.run import own_options
from lstm_lab.runners.local import run_scripts, thread_limits

from conftest import run_python

# A stand-in experiment: reports the thread limits it was given, sleeps, exits with its code.
FAKE = """import json, os, sys, time
print(json.dumps({{"name": "{name}", "threads": os.environ.get("TF_NUM_INTRAOP_THREADS"),
                  "options": sys.argv[1:], "keras already imported": "keras" in sys.modules}}),
      flush=True)
time.sleep({seconds})
print("done", flush=True)
if {code} == 3:
    raise ValueError("a bug in the experiment")
sys.exit({code})
"""


def fake_experiments(folder, specs):
    """Write ``NN_name.py`` scripts from ``{name: (seconds, exit code)}``."""
    folder.mkdir()
    for name, (seconds, code) in specs.items():
        (folder / f"{name}.py").write_text(FAKE.format(name=name, seconds=seconds, code=code))
    return folder


def jobs_and_rest(options):
    own, rest = own_options(options)
    return own.jobs, rest


def test_jobs_is_taken_anywhere_among_the_options(capsys):
    assert jobs_and_rest(["--profile", "quick"]) == (1, ["--profile", "quick"])
    assert jobs_and_rest(["--jobs", "2", "--seed", "3"]) == (2, ["--seed", "3"])
    assert jobs_and_rest(["--seed", "3", "--jobs=4"]) == (4, ["--seed", "3"])
    assert own_options(["--keras", "3.12", "--seed", "3"])[0].keras == "3.12"
    for bad in (["--jobs"], ["--jobs", "0"], ["--jobs=two"]):
        with pytest.raises(SystemExit) as stopped:
            own_options(bad)
        assert stopped.value.code == 2
        assert "argument --jobs" in capsys.readouterr().err


def test_thread_limits_hold_every_library_to_one_thread(monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)  # the suite's own limits (conftest.py)
    limits = thread_limits(1)
    assert limits["TF_NUM_INTRAOP_THREADS"] == limits["OMP_NUM_THREADS"] == "1"
    assert "intra_op_parallelism_threads=1" in limits["XLA_FLAGS"]
    assert "xla_cpu_multi_thread_eigen" not in thread_limits(2)["XLA_FLAGS"]


def test_scripts_run_side_by_side_longest_first(tmp_path, capsys):
    folder = fake_experiments(
        tmp_path / "experiments", {"01_short": (0.1, 0), "02_long": (1.5, 1), "03_mid": (0.8, 0)}
    )
    scripts = sorted(folder.glob("*.py"))
    started = time.perf_counter()
    outcomes = run_scripts(
        scripts,
        ["--profile", "quick"],
        jobs=2,
        expected_seconds={"01_short": 1, "02_long": 9, "03_mid": 5},
    )
    elapsed = time.perf_counter() - started
    assert {s.stem: code for s, (code, _, _) in outcomes.items()} == {
        "01_short": 0,
        "02_long": 1,
        "03_mid": 0,
    }
    # Side by side: 1.5 s and 0.8 + 0.1 s at once, not 2.4 s in turn (start-up allowed for).
    assert outcomes[scripts[1]][1] >= 1.5 and elapsed < 2.3 + 1.5
    # GiB; a new Python's peak counts the forking process's memory before the exec: pytest's
    assert all(peak > 0 for _, _, peak in outcomes.values())
    lines = capsys.readouterr().out.splitlines()
    # The longest expected first: the shortest starts only when 03_mid has left a place.
    assert lines.index(next(line for line in lines if line.startswith("01 | {"))) > lines.index(
        next(line for line in lines if line.startswith("== 03_mid"))
    )
    for line in lines:
        assert line.startswith(("01 | ", "02 | ", "03 | ", "== ")), line
    first = json.loads(next(line[5:] for line in lines if line.startswith("02 | {")))
    assert first["threads"] == str(max(1, (os.cpu_count() or 1) // 2))
    assert first["options"] == ["--profile", "quick"]
    assert not first["keras already imported"]  # without preload: a new Python each
    assert "== 02_long: exit 1 in" in "\n".join(lines)


def test_run_all_with_jobs_forks_from_a_preloaded_keras_and_sums_up(tmp_path):
    folder = fake_experiments(
        tmp_path / "experiments", {"01_a": (0, 0), "02_b": (0, 1), "03_c": (0, 3)}
    )
    result = run_python(
        "-m", "lstm_lab", "--experiments-dir", str(folder), "run", "all", "--jobs", "2"
    )
    assert result.returncode == 1
    assert "== summary: 01_a exit 0, 02_b exit 1, 03_c exit 1" in result.stdout
    # the uncaught exception is reported as Python would, behind the script's number
    assert "03 | Traceback" in result.stdout and "03 | ValueError: a bug" in result.stdout
    outputs = [json.loads(line[5:]) for line in result.stdout.splitlines() if " | {" in line]
    assert len(outputs) == 3 and all(output["keras already imported"] for output in outputs)
    assert re.search(r"== 01_a: exit 0 in \d+ s \(peak ", result.stdout)  # each fork's memory
    assert "== 3 experiments in" in result.stdout and "(2 at a time)" in result.stdout
    bad = run_python("-m", "lstm_lab", "--experiments-dir", str(folder), "run", "all", "--jobs=0")
    assert bad.returncode == 2 and "--jobs" in bad.stderr and "Traceback" not in bad.stderr
    run_all = ["-m", "lstm_lab", "--experiments-dir", str(folder), "run", "all"]
    bad = run_python(*run_all, "--jobs", "2", "--backend", "theano")
    assert bad.returncode == 2 and "theano" in bad.stderr and "Traceback" not in bad.stderr
