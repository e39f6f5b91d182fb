"""Faults: a write killed half-way leaves a usable results directory, concurrent writers
never corrupt it, and an interrupt stops a run before it writes. (Interrupted and killed
trainings resuming to the same numbers: tests/test_experiment_04.py.)"""

import json
import os
import signal
import subprocess
import sys

from lstm_lab.report.index import publish
from lstm_lab.results.layout import read_metrics, runs_in

from conftest import ROOT


def slow_writer_script(results_dir):
    """A process that writes one file of a report, then sleeps: killed there, it leaves a
    half-written staging folder."""
    return f"""
import time
from pathlib import Path
from lstm_lab.report.index import publish
real_write = Path.write_bytes
def slow_write(self, data):
    real_write(self, data)
    print("written", self.name, flush=True)
    time.sleep(60)
Path.write_bytes = slow_write
publish({str(results_dir)!r}, "03_half", {{"metrics.json": b"{{}}", "report.md": b"x"}})
"""


def test_a_write_killed_half_way_leaves_a_usable_results_directory(tmp_path, capsys):
    results_dir = tmp_path / "results"
    claim = {"id": "C004-01", "verdict": "confirmed", "expect": "confirmed"}
    good = {"title": "Good", "profile": "quick", "wall_seconds": 1.0, "claims": [claim]}
    publish(results_dir, "01_good", {"metrics.json": json.dumps(good).encode()})
    writer = subprocess.Popen(
        [sys.executable, "-c", slow_writer_script(results_dir)], cwd=ROOT, stdout=subprocess.PIPE
    )
    assert writer.stdout.readline().startswith(b"written")  # one file in, the rest not
    writer.kill()
    writer.wait()
    leftovers = list(results_dir.glob(".03_half.tmp-*"))
    assert len(leftovers) == 1

    assert [p.parent.name for p in runs_in(results_dir)] == ["01_good"]  # readers ignore it
    publish(results_dir, "02_next", {"metrics.json": json.dumps(good).encode()})
    assert not leftovers[0].exists()  # the next writer removed it
    assert f"left half-written by process {writer.pid}" in capsys.readouterr().out
    assert [p.parent.name for p in runs_in(results_dir)] == ["01_good", "02_next"]
    assert not (results_dir / "03_half").exists()


WRITER = """
import json, sys
from lstm_lab.report.index import publish
results_dir, writer = sys.argv[1], int(sys.argv[2])
for write in range(15):
    name = f"0{1 + (writer + write) % 2}_shared"
    claim = {"id": "C004-01", "verdict": "confirmed", "expect": "confirmed"}
    data = {"title": f"writer {writer}", "profile": "quick", "wall_seconds": write,
            "claims": [claim]}
    files = {"metrics.json": json.dumps(data).encode(), "report.md": b"r", "a.png": b"p"}
    publish(results_dir, name, files)
"""


def test_concurrent_writers_never_corrupt_the_results_directory(tmp_path):
    results_dir = tmp_path / "results"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(results_dir), str(n)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for n in range(8)
    ]
    errors = [w.communicate(timeout=300)[1].decode() for w in writers]
    assert [w.returncode for w in writers] == [0] * 8, errors
    for name in ("01_shared", "02_shared"):
        assert sorted(p.name for p in (results_dir / name).iterdir()) == [
            "a.png",
            "metrics.json",
            "report.md",
        ]
        read_metrics(results_dir / name / "metrics.json")
    index = (results_dir / "README.md").read_text()
    assert "[01_shared]" in index and "[02_shared]" in index
    hidden = [p.name for p in results_dir.iterdir() if p.name.startswith(".")]
    assert set(hidden) <= {".results.lock"}, hidden
    assert os.listdir(results_dir)  # sanity: the folder is there and readable


SWALLOWED_INTERRUPT = """
import os
import signal
from types import SimpleNamespace

from lstm_lab import experiment


class Finaliser:
    def __del__(self):  # Python prints the KeyboardInterrupt raised in here and goes on
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(10))


def main():
    Finaliser()
    print("main went on")
    lab = SimpleNamespace(report=SimpleNamespace(write=lambda: print("written") or 0), _backups=[])
    return experiment.Experiment.finish(lab)


experiment.run(main)
"""


def test_an_interrupt_python_swallowed_still_stops_the_run_before_it_writes(tmp_path):
    script = tmp_path / "swallowed.py"
    script.write_text(SWALLOWED_INTERRUPT)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert "main went on" in result.stdout and "Exception ignored in" in result.stderr
    assert result.returncode == 130 and "written" not in result.stdout
    assert "interrupted: no results were written" in result.stderr
