"""Every Keras finding's reproduction, run on the installed Keras and backend, gives what the
committed results/findings.json measured for this release and backend; a reproduction's
outcome is its own final line and exit code, and anything else is a crash, never "not
reproduced"; the Keras 2 probes judge each claim beside its control."""

import json
import runpy
import sys
import traceback

import pytest

from lstm_lab import findings, project_root
from lstm_lab.backend import BACKEND, keras
from lstm_lab.claims.catalogue import record_of
from lstm_lab.probes import keras2
from lstm_lab.runners.findings import (
    CRASH,
    NOT_REPRODUCED,
    REPRODUCED,
    first_release,
    history,
    keras_release,
    outcome_of,
    render,
    run_cells,
    summary,
)
from lstm_lab.runners.local import Command

from conftest import ROOT

COMMITTED = ROOT / "results" / "findings.json"
CATALOGUE = findings.load()
SLOW = ("test_a_reproduction_that_crashes_is_a_crash_cell_with_its_cause",)


def run_here(finding, capsys):
    """The reproduction in this process, judged as the runner judges a process of it:
    ``(outcome, its verdict line or the crash's cause)``."""
    code, tail = 1, []
    try:
        runpy.run_path(str(finding.reproduction), run_name="__main__")
        code = 0
    except SystemExit as ended:
        code = ended.code
    except Exception:  # as Python reports an uncaught exception, and exits 1
        tail = traceback.format_exc().splitlines()
    return outcome_of(code, capsys.readouterr().out.splitlines() + tail)


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed findings")
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_reproduction_gives_the_committed_outcome_on_the_installed_keras(name, capsys):
    outcome, said = run_here(CATALOGUE[name], capsys)
    committed = json.loads(COMMITTED.read_text())["findings"][name]
    measured = [
        cell
        for column, cell in committed.items()
        if cell["keras"] == keras.__version__ and column.endswith("/" + BACKEND)
    ]
    if not measured:
        assert outcome != CRASH, said
        pytest.skip(f"findings.json has no column for Keras {keras.__version__} on {BACKEND}")
    assert outcome == measured[0]["outcome"], said


def test_every_finding_names_its_claims_upstream_status_and_first_release():
    for finding in CATALOGUE.values():
        assert finding.claims and finding.upstream and finding.documented
        assert finding.first_release.count(".") == 2, finding.name  # a patch release
        for claim_id in finding.claims:
            record_of(claim_id)  # a known claim


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed findings")
def test_each_first_release_in_findings_toml_is_the_one_measured():
    committed = json.loads(COMMITTED.read_text())
    patches = committed.get("patches", {"findings": {}})
    measured = summary(CATALOGUE, committed["findings"], patches)
    for name, finding in CATALOGUE.items():
        assert (measured[name]["first_release"] or "").split(" ")[0] == finding.first_release
    assert measured == committed["summary"]  # findings.json is today's rendering


@pytest.mark.parametrize(
    "code, lines, outcome, said",
    [
        (0, ["reproduced: it is"], REPRODUCED, "reproduced: it is"),
        (1, ["log", "not reproduced: it is not", ""], NOT_REPRODUCED, "not reproduced: it is not"),
        (1, ["Traceback (most recent call last):", '  File "x"', "ValueError: boom"], CRASH,
         "exit code 1: ValueError: boom"),
        (1, [], CRASH, "exit code 1 without a verdict line"),
        (1, ["reproduced: it is"], CRASH, "exit code 1 after the line 'reproduced: it is'"),
        (0, ["not reproduced: no", "Traceback (most recent call last):", "  x", "KeyError: 'k'"],
         CRASH, "exit code 0: KeyError: 'k'"),
        (-9, ["not reproduced: no"], CRASH,
         "killed by SIGKILL after the line 'not reproduced: no'"),
        (-11, [], CRASH, "killed by SIGSEGV"),
        (3, ["Traceback (most recent call last):", "  x",
             "RuntimeError: Exception encountered when calling LSTMCell.call().", "",
             "\x1b[1mThe size of tensor a (4) must match\x1b[0m", "", "Arguments received by x"],
         CRASH, "exit code 3: RuntimeError: The size of tensor a (4) must match"),
    ],
)  # fmt: skip
def test_an_outcome_is_the_final_verdict_line_with_its_exit_code(code, lines, outcome, said):
    assert outcome_of(code, lines) == (outcome, said)


FAKES = {
    "raises": 'raise RuntimeError("boom")',
    "silent": "raise SystemExit(1)",
    "late": 'print("not reproduced: fine")\nraise ValueError("late")',
    "contradicts": 'print("reproduced: yes")\nraise SystemExit(1)',
    "killed": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "bad_input": 'print("not reproduced: x")\nraise SystemExit(2)',
    "not": 'print("not reproduced: as documented")\nraise SystemExit(1)',
    "yes": 'print("reproduced: the bug")\nraise SystemExit(0)',
}


def test_a_reproduction_that_crashes_is_a_crash_cell_with_its_cause(tmp_path):
    cells = []
    for name, body in FAKES.items():
        script = tmp_path / f"{name}.py"
        script.write_text(body + "\n")
        cells.append(Command(f"{name} 9.9/tensorflow", (sys.executable, str(script))))
    results = run_cells(cells, 2, {"9.9": "9.9.9"})
    outcome = {name: results[name]["9.9/tensorflow"]["outcome"] for name in FAKES}
    said = {name: results[name]["9.9/tensorflow"]["said"] for name in FAKES}
    assert outcome == {**dict.fromkeys(FAKES, CRASH), "not": NOT_REPRODUCED, "yes": REPRODUCED}
    assert said["raises"] == "exit code 1: RuntimeError: boom"
    assert said["silent"] == "exit code 1 without a verdict line"
    assert said["late"] == "exit code 1: ValueError: late"
    assert said["killed"] == "killed by SIGKILL"
    assert said["bad_input"] == "exit code 2 after the line 'not reproduced: x'"
    assert results["yes"]["9.9/tensorflow"]["keras"] == "9.9.9"


def _cell(outcome, release):
    return {"outcome": outcome, "keras": release, "said": "x"}


def test_the_first_release_is_the_oldest_that_reproduces():
    cells = {
        "3.12/jax": _cell(NOT_REPRODUCED, "3.12.4"),
        "3.14/jax": _cell(REPRODUCED, "3.14.1"),
        "3.15/torch": _cell(REPRODUCED, "3.15.1"),
        "3.11/torch": _cell(CRASH, "3.11.3"),  # a crash says nothing
    }
    assert first_release(cells) == "3.14.1 (jax); on torch from 3.15.1"
    assert first_release({"3.12/jax": cells["3.12/jax"]}) is None
    oldest = {"3.14/jax": cells["3.14/jax"], "3.11/jax": _cell(CRASH, "3.11.3")}
    assert first_release(oldest) == (
        "3.14.1 (jax, the oldest release where it ran: it may be older)"
    )
    first = {"3.0.0/jax": _cell(REPRODUCED, "3.0.0")}  # nothing older runs Keras 3 code
    assert first_release(first) == "3.0.0 (jax, the first Keras 3 release)"
    cells["3.14.0/jax"] = _cell(REPRODUCED, "3.14.0")  # a patch release measured since
    assert first_release(cells) == "3.14.0 (jax); on torch from 3.15.1"
    assert keras_release("Keras 3.11.3 (TensorFlow 2.20.0), the last") == "3.11.3"
    text = render(
        {"use_cudnn_on_cpu": CATALOGUE["use_cudnn_on_cpu"]},
        {"use_cudnn_on_cpu": cells},
        "a test machine",
    )
    assert "**First release where it reproduces:** 3.14.0 (jax); on torch from 3.15.1" in text
    assert "import keras" in text  # the reproduction itself, as committed


def test_a_fix_and_a_regression_are_named_with_the_change_that_fixed_it():
    cells = {
        "3.8.0/torch": _cell(REPRODUCED, "3.8.0"),
        "3.9.0/torch": _cell(NOT_REPRODUCED, "3.9.0"),
        "3.13/torch": _cell(NOT_REPRODUCED, "3.13.2"),
        "3.14.0/torch": _cell(REPRODUCED, "3.14.0"),
        "3.11/jax": _cell(REPRODUCED, "3.11.3"),
        "3.12.0/jax": _cell(NOT_REPRODUCED, "3.12.0"),
        "3.15-cuda/torch": _cell(NOT_REPRODUCED, "3.15.1"),  # a build, not a release
    }
    assert history(cells, {"3.9.0": "#20916"}) == [
        "fixed in 3.12.0 (jax)",
        "fixed in 3.9.0 by #20916 (torch)",
        "regressed in 3.14.0 (fixed in 3.9.0 by #20916) (torch)",
    ]


def test_every_keras2_probe_has_a_control_known_opposite_its_keras2_expectation():
    release = "2.21.0"  # environments.toml's Keras 2: tf-keras 2.21.0
    assert "tf-keras==2.21.0" in (ROOT / "environments.toml").read_text()
    for claim_id, probe in keras2.PROBES.items():
        expected = record_of(claim_id).expected("tensorflow", "quick", release).verdict
        assert probe.control and probe.known == keras2.OPPOSITE[expected], claim_id


def test_a_keras2_claim_whose_control_is_not_opposite_is_inconclusive(monkeypatch):
    def probe(_keras, control):  # the same outcome whatever the configuration
        return {"holds": True}

    def refused_as_documented(_keras, control):
        return {"refused": keras2.refused(lambda: _raise(control), "reset_states")}

    def _raise(control):
        if not control:
            raise AttributeError("'Sequential' object has no attribute 'reset_states'")

    def another_error(_keras, control):
        return {"refused": keras2.refused(lambda: {}["missing"], "reset_states")}

    monkeypatch.setattr(keras2, "PROBES", {})
    keras2.probe("A", "a configuration that also holds")(probe)
    keras2.probe("B", "a call that does not raise")(refused_as_documented)
    keras2.probe("C", "a call that does not raise")(another_error)
    same, opposite, error = (keras2.judge(claim_id, None) for claim_id in "ABC")
    assert same["verdict"] == "inconclusive" and same["control"]["outcome"] == "confirmed"
    assert "its control (a configuration that also holds) confirmed" in same["evidence"]
    assert set(same["control"]) == {"configuration", "observed", "known", "outcome", "evidence"}
    assert opposite["verdict"] == "confirmed" and opposite["control"]["outcome"] == "refuted"
    assert error["verdict"] == "error", error
    assert "another exception than expected: KeyError" in error["evidence"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--patches", "--only", "no_such_finding"], "--only: no finding no_such_finding"),
        (["--only", "no_such_finding"], "--only: no finding no_such_finding"),
        (["--envs", "envs"], "--envs goes with --patches"),
        (["--only", "stateful_fit_raises", "--matrix-only"], "--matrix-only runs none"),
    ],
)
def test_the_findings_options_are_checked_before_anything_runs(tmp_path, capsys, argv, message):
    from lstm_lab import cli

    code = cli.main(["findings", *argv, "--results-dir", str(tmp_path / "results")])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_only_puts_its_findings_cells_beside_the_committed_ones(tmp_path, monkeypatch, capsys):
    import shutil

    from lstm_lab import cli
    from lstm_lab.runners import findings as finding_runs
    from lstm_lab.runners import versions

    results = tmp_path / "results"
    results.mkdir()
    for name in ("findings.json", "findings-patches.json"):
        shutil.copy(project_root() / "results" / name, results / name)
    committed = json.loads((results / "findings.json").read_text())["findings"]
    cell = {"outcome": "not reproduced", "keras": "3.15.1", "said": "not reproduced: stand-in"}
    ran = {}

    def run_all(selected, environments, backends, pythons, jobs):
        ran.update(selected)
        return {name: {"3.15/torch": cell} for name in selected}

    monkeypatch.setattr(versions, "build_all", lambda chosen, progress: {})
    monkeypatch.setattr(finding_runs, "run_all", run_all)
    argv = ["findings", "--only", "stateful_fit_raises", "--keras", "3.15"]
    assert cli.main([*argv, "--results-dir", str(results)]) == 0, capsys.readouterr().err
    written = json.loads((results / "findings.json").read_text())["findings"]
    assert list(ran) == ["stateful_fit_raises"]
    assert written["stateful_fit_raises"]["3.15/torch"] == cell
    assert (
        written["stateful_fit_raises"]["3.14/torch"]
        == committed["stateful_fit_raises"]["3.14/torch"]
    )
    assert {name: cells for name, cells in written.items() if name != "stateful_fit_raises"} == {
        name: cells for name, cells in committed.items() if name != "stateful_fit_raises"
    }
