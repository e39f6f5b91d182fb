import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from lstm_lab import files
from lstm_lab.claims.compare import exactly
from lstm_lab.claims.verdict import check, check_failed
from lstm_lab.errors import BadInput
from lstm_lab.files import write_folder_atomically
from lstm_lab.report.index import write_index
from lstm_lab.report.markdown import markdown_table, short
from lstm_lab.report.run_report import Report


def make_report(results_dir, name="99_demo"):
    return Report(
        name, "A demo", profile="quick", seed=3, results_dir=results_dir, command="python demo.py"
    )


def test_write_produces_report_metrics_figures_and_index(results_dir):
    report = make_report(results_dir)
    report.check("C004-01", 1.0, 1.0, exactly, evidence="evaluate after a reset", control=0.4)
    report.check("C004-11", {"a": True}, {"a": False}, exactly, control={"a": True})
    report.metric("loss", 0.25)
    report.section("A table", "| a |\n|---|\n| 1 |")
    report.note("a note")
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    report.figure("curve", fig, "A straight line")

    assert report.write() == 0
    folder = results_dir / "99_demo"
    assert sorted(p.name for p in folder.iterdir()) == ["curve.png", "metrics.json", "report.md"]
    assert (folder / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    data = json.loads((folder / "metrics.json").read_text())
    assert data["experiment"] == "99_demo" and data["profile"] == "quick" and data["seed"] == 3
    assert data["command"] == "python demo.py"
    assert {"python", "tensorflow", "keras", "numpy"} <= set(data["versions"])
    assert isinstance(data["wall_seconds"], float)
    assert [c["id"] for c in data["claims"]] == ["C004-01", "C004-11"]
    assert set(data["claims"][0]) == {
        "id",
        "source",
        "statement",
        "documented",
        "observed",
        "tolerance",
        "expect",
        "verdict",
        "evidence",
        "seed_rate",
        "control",
    }
    assert data["claims"][0]["control"]["outcome"] == "refuted"  # its control: 0.4, not 1.0
    assert data["run_id"]
    assert data["claims"][0]["seed_rate"]["sweep"] == "quick-5-seeds"  # C004-01 is about training
    assert data["claims"][1]["seed_rate"] is None
    assert data["metrics"] == {"loss": 0.25}

    markdown = (folder / "report.md").read_text()
    assert "`python demo.py`" in markdown and "seed 3" in markdown
    assert "| [C004-11](#c004-11) |" in markdown and "| refuted |" in markdown
    # under the table: the claim's source by title with its quote, and its plain explanation
    paragraph = markdown.split('<a id="c004-11"></a>')[1]
    assert "[了解有状态的LSTM [英] Understanding stateful LSTM](../sources.md#c004)" in paragraph
    assert "“model.reset_states()”" in paragraph and "`batch_input_shape=` is gone" in paragraph
    assert (folder.parent / "sources.md").exists()
    assert "![A straight line](curve.png)" in markdown
    assert "## A table" in markdown and "- a note" in markdown

    index = (results_dir / "README.md").read_text()
    assert "[99_demo](99_demo/report.md)" in index
    assert "| quick | 2 | 1 | 1 | 0 | 0 | 0 | 0 | yes |" in index


def test_exit_code_is_1_when_a_verdict_differs_from_its_expectation(results_dir, capsys):
    report = make_report(results_dir)
    report.add(check("C004-01", 1.0, 0.96, exactly, control=0.5))
    assert report.write() == 1
    assert "C004-01" in capsys.readouterr().err
    assert "no: C004-01" in (results_dir / "README.md").read_text()


def test_non_finite_numbers_are_written_as_text(results_dir):
    # An unclipped training may overflow (experiment 06 on JAX, quick profile): the report is
    # still written, and metrics.json stays strict JSON.
    report = make_report(results_dir)
    report.add(check("C004-01", 1.0, 1.0, exactly, control=0.5))
    report.metric("largest loss", {"no clipping": float("inf"), "clipped": 0.5})
    report.metric("losses", [1.0, float("nan"), float("-inf")])
    assert report.write() == 0
    text = (results_dir / "99_demo" / "metrics.json").read_text()
    metrics = json.loads(text, parse_constant=pytest.fail)["metrics"]
    assert metrics == {
        "largest loss": {"no clipping": "inf", "clipped": 0.5},
        "losses": [1.0, "nan", "-inf"],
    }
    assert (
        "| largest loss/no clipping | inf |" in (results_dir / "99_demo" / "report.md").read_text()
    )


def test_an_error_verdict_also_exits_1(results_dir):
    report = make_report(results_dir)
    report.add(check_failed("C004-03", "could not train"))
    assert report.write() == 1


def test_a_failed_write_leaves_the_previous_report_whole(results_dir, monkeypatch):
    first = make_report(results_dir)
    first.add(check("C004-01", 1.0, 1.0, exactly, control=0.5))
    first.write()
    folder = results_dir / "99_demo"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    written = []
    real_write_bytes = Path.write_bytes

    def fail_on_second_file(self, data):
        written.append(self.name)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        return real_write_bytes(self, data)

    second = make_report(results_dir)
    second.add(check("C004-01", 1.0, 0.5, exactly, control=0.4))
    monkeypatch.setattr(Path, "write_bytes", fail_on_second_file)
    with pytest.raises(BadInput, match="No space left on device"):
        second.write()
    monkeypatch.undo()

    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    hidden = [p.name for p in results_dir.iterdir() if p.name.startswith(".")]
    assert hidden == [".results.lock"]  # the lock file stays; no staging folder does


def test_a_swap_interrupted_between_renames_is_recovered(tmp_path):
    final = tmp_path / "03_x"
    leftover = tmp_path / ".03_x.old-4242"  # the previous report, renamed away before a crash
    leftover.mkdir()
    (leftover / "report.md").write_text("previous")

    files._recover_interrupted_swap(final)
    assert (final / "report.md").read_text() == "previous" and not leftover.exists()

    write_folder_atomically(final, {"report.md": b"new"})
    assert (final / "report.md").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["03_x"]


def test_an_unwritable_results_directory_is_bad_input(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    with pytest.raises(BadInput, match="not writable"):
        make_report(blocker / "results")


def test_the_index_rejects_a_malformed_metrics_file(results_dir):
    (results_dir / "01_broken").mkdir(parents=True)
    (results_dir / "01_broken" / "metrics.json").write_text("{not json")
    with pytest.raises(BadInput, match="01_broken"):
        write_index(results_dir)


def test_short_renders_cells_on_one_line():
    assert short(0.010714271105825901) == "0.0107143"
    assert short("a|b\nc") == "a\\|b c"
    assert short("x" * 100).endswith("…") and len(short("x" * 100)) == 60
    assert short(None) == "–"


def test_markdown_table():
    assert (
        markdown_table(["a", "b"], [[1, "x"], [2, "y"]])
        == "| a | b |\n|---|---|\n| 1 | x |\n| 2 | y |"
    )
