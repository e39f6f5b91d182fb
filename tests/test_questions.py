"""The questions people ask (lstm_lab.claims.questions) and results/questions.md, generated
from them and the committed matrices."""

import json

import pytest

from lstm_lab import cli
from lstm_lab.claims.questions import Question, load
from lstm_lab.report.questions import answered_everywhere, render, spread

from conftest import ROOT

RESULTS = ROOT / "results"
SOURCE = {"url": "https://example.org/q", "title": "A question", "quote": "Why?"}


def matrices():
    return [
        json.loads((RESULTS / name).read_text()) for name in ("conformance.json", "versions.json")
    ]


def test_thirty_questions_each_with_a_quoted_source():
    questions = load()
    assert [q.key for q in questions] == [f"Q{n:02d}" for n in range(1, 31)]
    for q in questions:
        assert q.source["url"].startswith("https://") and q.source["quote"].strip()


def test_the_committed_page_is_what_the_matrices_give():
    assert (RESULTS / "questions.md").read_text() == render(load(), *matrices())


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"claims": ("X-01",)}, "claims not in the catalogue: X-01"),
        ({"status": "maybe", "claims": ("K3-08",)}, "status 'maybe' is not one of"),
        ({}, "status 'measured' needs the claims that answer it"),
        ({"status": "open"}, "status 'open' needs 'open', what is left"),
        ({"claims": ("K3-08",), "source": {"url": "u"}}, "source needs url, title and quote"),
    ],
)
def test_a_malformed_question_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Question(**{"key": "Q99", "question": "?", "statement": "s", "source": SOURCE, **fields})


def test_spread_names_where_a_verdict_differs():
    assert spread({"a": "confirmed", "b": "confirmed"}) == "confirmed on all 2"
    assert spread({"a": "confirmed", "b": "refuted", "c": "confirmed"}) == (
        "confirmed on 2 of 3; refuted on b"
    )


def test_a_question_is_answered_only_where_every_backend_gave_a_verdict():
    conformance = {
        "columns": {"tensorflow": "cpu", "jax": "cpu"},
        "claims": {
            "K3-08": {
                "verdicts": {"tensorflow": {"verdict": "confirmed"}, "jax": {"verdict": "refuted"}}
            },
            "K3-03": {
                "verdicts": {"tensorflow": {"verdict": "not run"}, "jax": {"verdict": "not run"}}
            },
        },
    }
    answered = Question("Q98", "?", "s", SOURCE, claims=("K3-08",))
    gpu_only = Question("Q99", "?", "s", SOURCE, claims=("K3-03",), status="gpu")
    assert answered_everywhere(answered, conformance)
    assert not answered_everywhere(gpu_only, conformance)


def test_the_command_writes_the_page_and_refuses_a_folder_without_matrices(tmp_path, capsys):
    for name in ("conformance.json", "versions.json"):
        (tmp_path / name).write_text((RESULTS / name).read_text())
    assert cli.main(["questions", "--results-dir", str(tmp_path)]) == 0
    assert (tmp_path / "questions.md").read_text() == (RESULTS / "questions.md").read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["questions", "--results-dir", str(empty)]) == 2
    error = capsys.readouterr().err
    assert "conformance.json" in error and error.count("\n") == 1
    assert not (empty / "questions.md").exists()
