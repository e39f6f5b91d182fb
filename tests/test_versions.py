"""The Keras environments (environments.toml), the version matrix built from hand-made runs,
and the catalogue's release-keyed expectations checked against the committed matrix."""

import json

import pytest

from lstm_lab import environments
from lstm_lab.claims.catalogue import record_of
from lstm_lab.errors import BadInput
from lstm_lab.results.layout import version_results_dir
from lstm_lab.runners import versions

from conftest import ROOT

CONSTRAINTS = (ROOT / "constraints.txt").read_text()


def test_the_environment_list_names_keras_2_and_each_supported_keras_3():
    known = environments.load()
    assert {"2", "3.12", "3.13", "3.14", "3.15"} <= set(known)
    assert known["2"].keras2 and known["2"].backends == ("tensorflow",)
    assert known["3.15"].pins == ()  # the README's install itself
    for environment in known.values():
        assert set(environment.backends) <= {"tensorflow", "jax", "torch"}


def test_an_environment_replaces_only_the_constraints_of_what_it_pins():
    environment = environments.find("3.12")
    kept = environments.constraints_for(environment, CONSTRAINTS)
    assert "keras==3.15.1" in CONSTRAINTS and "keras==" not in kept
    pinned_keras = CONSTRAINTS.count("\nkeras==")  # one line per Python range
    assert kept.count("==") == CONSTRAINTS.count("==") - pinned_keras  # every other pin stays
    wanted = environments.requirements(environment)
    assert "keras==3.12.4" in wanted and not any(r.startswith("keras>=") for r in wanted)
    assert any(r.startswith("tensorflow") for r in wanted)  # its backends' extras


def test_an_environment_folder_changes_with_its_constraints_and_python():
    environment = environments.find("keras-3.13")  # the folder's name works too
    same = environments.folder(environment, CONSTRAINTS, "3.11")
    assert same == environments.folder(environment, CONSTRAINTS, "3.11")
    assert same != environments.folder(environment, CONSTRAINTS + "x==1\n", "3.11")
    assert same != environments.folder(environment, CONSTRAINTS, "3.12")
    assert same.name.startswith("keras-3.13-")


def test_an_unknown_or_malformed_environment_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no Keras environment '9.9' .*known: 2, "):
        environments.find("9.9")
    listing = tmp_path / "environments.toml"
    listing.write_text('[environments."x"]\npins = []\n')
    with pytest.raises(BadInput, match="needs a title and backends"):
        environments.load(listing)
    listing.write_text("[environments\n")
    with pytest.raises(BadInput, match="cannot read the environment list"):
        environments.load(listing)


def _run(results, keras, backend, name, verdicts, profile="quick", version=None):
    folder = version_results_dir(results, keras, backend) / name
    folder.mkdir(parents=True)
    claims = [
        {
            "id": claim_id,
            "verdict": verdict,
            "expect": expect,
            "observed": None,
            "evidence": f"{claim_id} on {keras}/{backend}",
        }
        for claim_id, (verdict, expect) in verdicts.items()
    ]
    data = {
        "profile": profile,
        "wall_seconds": 1.0,
        "claims": claims,
        "versions": {"keras": version or keras + ".0", backend: "1.0"},
    }
    (folder / "metrics.json").write_text(json.dumps(data))


def test_the_matrix_finds_the_first_release_that_changes_a_verdict(tmp_path):
    results = tmp_path / "results"
    known = environments.load()
    chosen = [known["2"], known["3.12"], known["3.15"]]
    _run(
        results,
        "2",
        "tensorflow",
        "keras2_probes",
        {"A": ("confirmed", "confirmed"), "B": ("refuted", "refuted")},
        version="2.21.0",
    )
    for keras, a in [("3.12", "confirmed"), ("3.15", "refuted")]:
        _run(
            results,
            keras,
            "tensorflow",
            "01_x",
            {"A": (a, "confirmed"), "B": ("refuted", "refuted")},
        )
    _run(results, "3.12", "jax", "01_x", {"A": ("confirmed", "confirmed")})
    matrix = versions.collect(
        chosen,
        ["tensorflow", "jax"],
        ["01_x"],
        results,
        "quick",
        codes={"3.15/jax 01": (139, "r1")},
    )
    a, b = matrix["claims"]["A"], matrix["claims"]["B"]
    assert a["changes"] == [
        {
            "backend": "tensorflow",
            "from": "3.12.0",
            "to": "3.15.0",
            "was": "confirmed",
            "now": "refuted",
            "column": "3.15/tensorflow",
        }
    ]
    assert a["unexpected"] == ["3.15/tensorflow"]
    assert a["era"].startswith("held on Keras 2, changed in Keras 3 (refuted from 3.15.0")
    assert b["changes"] == [] and b["era"] == "wrong on both"
    assert matrix["failed"] == [
        {"column": "3.15/jax", "experiment": "01_x", "why": "exit code 139"}
    ]
    text = versions.render(matrix)
    assert text.index("| A |") < text.index("| B |")  # the changing row first
    assert "**refuted** (expected confirmed)" in text
    assert "01_x in 3.15/jax: exit code 139" in text
    assert matrix["not_measured"] == []
    rebuilt = versions.collect(chosen, ["tensorflow", "jax"], ["01_x"], results, "quick")
    assert rebuilt["failed"] == []  # --matrix-only: a cell never run is not a failure
    assert rebuilt["not_measured"] == [{"column": "3.15/jax", "experiment": "01_x"}]
    assert "## Not measured\n\n- 3.15/jax: 01" in versions.render(rebuilt)


def test_a_build_column_is_compared_with_its_release_not_counted_as_a_release(tmp_path):
    results = tmp_path / "results"
    known = environments.load()
    chosen = [known["3.15"], known["3.15-cuda"]]
    _run(results, "3.15", "torch", "09_x", {"K": ("confirmed", "confirmed")}, version="3.15.1")
    _run(results, "3.15-cuda", "torch", "09_x", {"K": ("refuted", "refuted")}, version="3.15.1")
    matrix = versions.collect(chosen, ["torch"], ["09_x"], results, "quick")
    row = matrix["claims"]["K"]
    assert row["changes"] == [] and row["unexpected"] == []
    assert row["build_changes"][0]["build"] == "torch CUDA build"
    text = versions.render(matrix)
    assert "Keras 3.15.1 torch (torch CUDA build)" in text
    assert "confirmed on the default build, refuted with the torch CUDA build" in text


def test_a_run_of_another_profile_is_refused(tmp_path):
    results = tmp_path / "results"
    _run(results, "3.12", "tensorflow", "01_x", {"A": ("confirmed", "confirmed")}, "full")
    with pytest.raises(BadInput, match="is a full run, not quick"):
        versions.collect([environments.find("3.12")], ["tensorflow"], ["01_x"], results, "quick")


COMMITTED = ROOT / "results" / "versions.json"


def _measured_cells():
    matrix = json.loads(COMMITTED.read_text())
    for claim_id, row in matrix["claims"].items():
        for key, entry in row["verdicts"].items():
            yield claim_id, matrix["columns"][key], entry, matrix["profile"]


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed version matrix")
def test_every_release_keyed_expectation_is_what_the_committed_matrix_measured():
    """Each expectation is tested against the run that measured it: the catalogue, asked
    for that release and backend, expects the verdict the committed matrix recorded (a
    training claim whose seed rate admits either verdict on one seed is left out)."""
    from lstm_lab.experiment import DEFAULT_SEED

    differing, checked = [], 0
    for claim_id, column, entry, profile in _measured_cells():
        if entry["verdict"] == "not run" or not entry.get("control"):
            continue  # a run from before controls: versions.md lists it, the next run replaces it
        record = record_of(claim_id)
        checked += 1
        keras = column["keras"]
        expected = record.expected(column["backend"], profile, keras, DEFAULT_SEED)
        if column["backend"] in record.by_build:  # as measured with or without the build
            build = record.by_build[column["backend"]]
            verdict = (build.with_trait if column["build"] else build.without_trait)[0]
            expected = type(expected)(verdict, None, expected.seed_rate)
        if expected.seed_rate is not None and expected.seed_rate.required(1) == 0:
            continue
        if expected.verdict != entry["verdict"]:
            differing.append(
                f"{claim_id} on Keras {keras} {column['backend']}: measured "
                f"{entry['verdict']}, expected {expected.verdict}"
            )
    assert differing == [] and checked > 0


def test_another_keras_3_runs_an_experiment_in_one_command(tmp_path):
    """``run 01 --keras 3.12``: uv builds the 3.12 environment (once; later runs reuse it)
    and experiment 01's quick profile runs there with the checkout's lab."""
    from conftest import run_python

    if environments.find("3.12").name and not environments.uv_command():
        pytest.skip("uv is not installed")
    done = run_python(
        "-m",
        "lstm_lab",
        "run",
        "01",
        "--keras",
        "3.12",
        "--profile",
        "quick",
        "--results-dir",
        tmp_path,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    metrics = json.loads((tmp_path / "01_return_sequences_and_state" / "metrics.json").read_text())
    assert metrics["versions"]["keras"] == "3.12.4"
    assert all(claim["verdict"] == claim["expect"] for claim in metrics["claims"])


def test_run_with_an_unknown_keras_or_backend_is_one_line_and_exit_2():
    from conftest import run_python

    done = run_python("-m", "lstm_lab", "run", "01", "--keras", "9.9")
    assert done.returncode == 2 and done.stderr.startswith("error: no Keras environment '9.9'")
    done = run_python("-m", "lstm_lab", "run", "01", "--keras", "2")
    assert done.returncode == 2 and "runs the Keras 2 probes" in done.stderr


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed version matrix")
def test_the_releases_expectations_come_from_are_the_committed_matrix_s():
    from lstm_lab.claims.verdict import MEASURED_RELEASES

    matrix = json.loads(COMMITTED.read_text())
    measured = {c["keras"] for c in matrix["columns"].values() if not c["keras2"]}
    assert set(MEASURED_RELEASES) == measured


def test_a_differing_verdict_on_an_unmeasured_release_is_called_a_new_finding(monkeypatch):
    from lstm_lab.claims import verdict
    from lstm_lab.claims.compare import same_shape

    monkeypatch.setattr(verdict, "installed_version", lambda name: "3.99.0")
    claim = verdict.check("C002-06", (6, 1), (6, 2), same_shape, control=(6, 3, 1))
    assert (
        claim.verdict == "refuted" and "a new finding: Keras 3.99.0 is not among" in claim.evidence
    )
    same = verdict.check("C002-06", (6, 1), (6, 1), same_shape, control=(6, 3, 1))
    assert "new finding" not in same.evidence


def test_a_run_of_some_cells_writes_the_whole_page(tmp_path, monkeypatch, capsys):
    """``conformance --keras 3.15 --experiments 01``: the page keeps every other cell's run
    already in the results directory, and counts the cells with none."""
    from lstm_lab import cli

    results = tmp_path / "results"
    _run(results, "3.12", "jax", "06_sine_wave", {"S": ("confirmed", "confirmed")})
    _run(results, "3.15", "torch", "01_return_sequences_and_state", {"R": ("refuted", "refuted")})

    def run_matrix(chosen, backends, scripts, results_dir, options, jobs, progress):
        assert [e.name for e in chosen] == ["3.15"] and [s.stem[:2] for s in scripts] == ["01"]
        _run(results_dir, "3.15", "tensorflow", scripts[0].stem, {"R": ("confirmed", "refuted")})
        return {}

    monkeypatch.setattr(versions, "run_matrix", run_matrix)
    argv = ["conformance", "--keras", "3.15", "--experiments", "01", "--profile", "quick"]
    code = cli.main([*argv, "--results-dir", str(results)])
    page = json.loads((results / "versions.json").read_text())
    assert code == 1, capsys.readouterr().err  # the new cell's verdict is not the expected one
    assert set(page["columns"]) == {"3.12/jax", "3.15/torch", "3.15/tensorflow"}
    assert page["claims"]["S"]["verdicts"]["3.12/jax"]["verdict"] == "confirmed"
    measured = {(cell["column"], cell["experiment"][:2]) for cell in page["not_measured"]}
    assert ("3.12/jax", "06") not in measured and ("3.11/torch", "04") in measured
    assert "cell(s) not measured" in capsys.readouterr().out
