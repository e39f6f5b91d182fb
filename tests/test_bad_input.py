"""Bad input, table-driven: every case exits 2 with one line on stderr, no traceback, and
leaves the results directory exactly as it was (here: holding an earlier report).

The experiments run in this process (TensorFlow is imported once, so the 90-odd cases take
seconds); ``tests/test_cli.py`` runs a few of the same cases as real subprocesses.
"""

import gzip
import importlib.util
import io
import json
import tarfile

import pytest

from lstm_lab import cli
from lstm_lab.experiment import run
from lstm_lab.report.run_report import Report

from conftest import ROOT

EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("[0-9][0-9]_*.py"))
HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"


def price_rows(days=260, volume=lambda day: 1000 + day, price=lambda day: 10.0 + day % 7):
    """A CSV of ``days`` days; ``price(day)`` is every price column, ``volume(day)`` Volume."""
    lines = [
        f"2020-{1 + day // 28:02d}-{1 + day % 28:02d},"
        + ",".join([str(price(day))] * 5)
        + f",{volume(day)}"
        for day in range(days)
    ]
    return HEADER + "\n".join(lines) + "\n"


def small_imdb(root):
    """A two-review-per-class aclImdb folder: enough to get past the loader."""
    for split in ("train", "test"):
        for sentiment in ("pos", "neg"):
            folder = root / "aclImdb" / split / sentiment
            folder.mkdir(parents=True)
            for review in range(2):
                (folder / f"{review}_7.txt").write_text("the film was fine")
    return root / "aclImdb"


def tar_without_reviews(path):
    with tarfile.open(path, "w:gz") as archive:
        data = b"nothing here"
        info = tarfile.TarInfo("aclImdb/README")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


# Each case: a label, a function tmp_path -> argument list, and what the error line says.
# fmt: off
COMMON = [
    ("unknown profile", lambda t: ["--profile", "huge"], "invalid choice: 'huge'"),
    ("negative seed", lambda t: ["--seed", "-3"], "must be 0 or more"),
    ("seed not a number", lambda t: ["--seed", "seven"], "expected a whole number"),
    ("unknown option", lambda t: ["--epochs", "3"], "unrecognized arguments: --epochs"),
    ("results dir under a file", lambda t: ["--results-dir", str(t / "file" / "r")], "not writable"),
    # root passes os.access there; only a write tells, before any training
    ("results dir on a read-only file system", lambda t: ["--results-dir", "/proc/lstm-lab"], "not writable"),
    ("missing data dir", lambda t: ["--data-dir", str(t / "nowhere")], "is not a directory"),
    ("data dir is a file", lambda t: ["--data-dir", str(t / "file")], "is not a directory"),
]


def write(t, name, content):
    path = t / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def imdb_args(t, index):
    return ["--imdb", str(small_imdb(t / "imdb")), "--word-index", write(t, "index.json", index)]


SPECIFIC = [
    ("04_imdb_sentiment", "missing archive", lambda t: ["--imdb", str(t / "none.tar.gz"), "--word-index", write(t, "i.json", '{"the": 1}')], "IMDb data not found"),
    ("04_imdb_sentiment", "archive not a tar", lambda t: ["--imdb", write(t, "a.tar.gz", b"\x1f\x8b not gzip"), "--word-index", write(t, "i.json", '{"the": 1}')], "cannot read IMDb reviews"),
    ("04_imdb_sentiment", "truncated gzip", lambda t: ["--imdb", write(t, "a.tar.gz", gzip.compress(b"x" * 600)[:40]), "--word-index", write(t, "i.json", '{"the": 1}')], "cannot read IMDb reviews"),
    ("04_imdb_sentiment", "archive without reviews", lambda t: ["--imdb", str(tar_without_reviews(t / "e.tar.gz")), "--word-index", write(t, "i.json", '{"the": 1}')], "holds no aclImdb/train"),
    ("04_imdb_sentiment", "folder without reviews", lambda t: ["--imdb", str(t), "--word-index", write(t, "i.json", '{"the": 1}')], "holds no aclImdb/train"),
    ("04_imdb_sentiment", "missing word index", lambda t: ["--imdb", str(small_imdb(t / "imdb")), "--word-index", str(t / "none.json")], "cannot read the IMDb word index"),
    ("04_imdb_sentiment", "word index not JSON", lambda t: imdb_args(t, "{not json"), "cannot read the IMDb word index"),
    ("04_imdb_sentiment", "word index a list", lambda t: imdb_args(t, "[1, 2]"), "is not Keras's IMDb word index"),
    ("04_imdb_sentiment", "word index without 'the'", lambda t: imdb_args(t, '{"a": 1}'), "expected 'the' at rank 1"),
    ("04_imdb_sentiment", "word index string ranks", lambda t: imdb_args(t, '{"the": 1, "film": "2"}'), "'film' has the rank '2'"),
    ("04_imdb_sentiment", "word index zero rank", lambda t: imdb_args(t, '{"the": 1, "film": 0}'), "'film' has the rank 0"),
    ("04_imdb_sentiment", "word index too short", lambda t: imdb_args(t, '{"the": 1}'), "none at rank 20000"),
    ("05_text_generator", "missing corpus", lambda t: ["--corpus", str(t / "none.txt")], "cannot read the corpus"),
    ("05_text_generator", "corpus is a folder", lambda t: ["--corpus", str(t)], "cannot read the corpus"),
    ("05_text_generator", "corpus not UTF-8", lambda t: ["--corpus", write(t, "c.txt", b"\xff\xfe" * 2000)], "cannot read the corpus"),
    ("05_text_generator", "corpus empty", lambda t: ["--corpus", write(t, "c.txt", "")], "characters"),
    ("05_text_generator", "corpus too short", lambda t: ["--corpus", write(t, "c.txt", "Alice " * 50)], "characters"),
    ("05_text_generator", "corpus only a licence", lambda t: ["--corpus", write(t, "c.txt", "*** START OF THE PROJECT GUTENBERG EBOOK X ***\nhi\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n" + "licence " * 500)], "characters"),
    ("07_stock_volume", "missing CSV", lambda t: ["--csv", str(t / "none.csv")], "no such CSV file"),
    ("07_stock_volume", "empty CSV", lambda t: ["--csv", write(t, "p.csv", "")], "cannot read"),
    ("07_stock_volume", "CSV is a folder", lambda t: ["--csv", str(t)], "cannot read"),
    ("07_stock_volume", "CSV not UTF-8", lambda t: ["--csv", write(t, "p.csv", b"\xff\xfe\x00" * 300)], "cannot read"),
    ("07_stock_volume", "missing columns", lambda t: ["--csv", write(t, "p.csv", "Date,Open\n2020-01-01,1\n")], "lacks the column(s)"),
    ("07_stock_volume", "price not a number", lambda t: ["--csv", write(t, "p.csv", price_rows(price=lambda d: "x" if d == 3 else 5.0))], "data row 4: Open is 'x', not a number"),
    ("07_stock_volume", "empty price cell", lambda t: ["--csv", write(t, "p.csv", price_rows(volume=lambda d: "" if d == 2 else 5))], "data row 3: Volume is empty, not a number"),
    ("07_stock_volume", "not a date", lambda t: ["--csv", write(t, "p.csv", HEADER + "yesterday,1,2,0.5,1.5,1.4,100\n")], "is not a date"),
    ("07_stock_volume", "a date twice", lambda t: ["--csv", write(t, "p.csv", price_rows() + "2020-01-01,1,2,0.5,1.5,1.4,100\n")], "twice"),
    ("07_stock_volume", "infinite price", lambda t: ["--csv", write(t, "p.csv", price_rows(price=lambda d: "inf" if d == 5 else 5.0))], "data row 6: Open is inf; it must be a finite number"),
    ("07_stock_volume", "negative volume", lambda t: ["--csv", write(t, "p.csv", price_rows(volume=lambda d: -5 if d == 9 else 5))], "data row 10: Volume is -5"),
    ("07_stock_volume", "zero price", lambda t: ["--csv", write(t, "p.csv", price_rows(price=lambda d: 0.0))], "it must be a finite number, above 0"),
    ("07_stock_volume", "all-zero volume", lambda t: ["--csv", write(t, "p.csv", price_rows(volume=lambda d: 0))], "every Volume is 0"),
    ("07_stock_volume", "too few days", lambda t: ["--csv", write(t, "p.csv", price_rows(days=150))], "needs more than"),
]
# fmt: on

CASES = [
    pytest.param(experiment, argv, expected, id=f"{experiment[:2]}-{label}")
    for experiment in EXPERIMENTS
    for label, argv, expected in COMMON
] + [
    pytest.param(experiment, argv, expected, id=f"{experiment[:2]}-{label}")
    for experiment, label, argv, expected in SPECIFIC
]


def load_experiment(name):
    spec = importlib.util.spec_from_file_location(
        f"experiment_{name}", ROOT / "experiments" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def earlier_results(tmp_path):
    """A results directory that already holds a report, and its bytes for comparison."""
    results_dir = tmp_path / "results"
    report = Report(
        "01_earlier", "Earlier", profile="quick", seed=1, results_dir=results_dir, command="x"
    )
    report.metric("kept", 1)
    report.write()
    (tmp_path / "file").write_text("a file, not a folder")
    return results_dir


def snapshot(results_dir):
    return {
        str(p.relative_to(results_dir)): p.read_bytes()
        for p in sorted(results_dir.rglob("*"))
        if p.is_file()
    }


def assert_one_clean_line(code, stderr, expected):
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert expected in lines[0], lines[0]


@pytest.mark.parametrize("experiment, argv, expected", CASES)
def test_bad_input_to_an_experiment(experiment, argv, expected, earlier_results, tmp_path, capsys):
    module = load_experiment(experiment)
    before = snapshot(earlier_results)
    capsys.readouterr()
    arguments = ["--results-dir", str(earlier_results), *argv(tmp_path)]
    with pytest.raises(SystemExit) as exit:
        run(lambda: module.main(arguments))
    assert_one_clean_line(exit.value.code, capsys.readouterr().err, expected)
    assert snapshot(earlier_results) == before
    assert not any(p.name.startswith(".") and "backup" in p.name for p in earlier_results.iterdir())


def metrics_file(results_dir, content, name="02_odd"):
    folder = results_dir / name
    folder.mkdir()
    (folder / "metrics.json").write_text(content)


# fmt: off
CLI_CASES = [
    ("unknown command", lambda r: ["fly"], "invalid choice: 'fly'"),
    ("unknown experiment", lambda r: ["run", "42"], "no experiment '42'"),
    ("missing experiments dir", lambda r: ["--experiments-dir", str(r / "none"), "list"], "no experiments directory"),
    ("report: missing results dir", lambda r: ["report", "--results-dir", str(r / "none")], "no results directory"),
    ("report: metrics without profile", lambda r: metrics_file(r, json.dumps({"claims": [], "wall_seconds": 1})) or ["report", "--results-dir", str(r)], "KeyError 'profile'"),
    ("report: metrics of the wrong type", lambda r: metrics_file(r, "[1, 2, 3]") or ["report", "--results-dir", str(r)], "not a JSON object"),
    ("report: claims without verdicts", lambda r: metrics_file(r, json.dumps({"profile": "full", "wall_seconds": 1, "claims": [{"id": "C"}]})) or ["report", "--results-dir", str(r)], "KeyError 'verdict'"),
    ("report: metrics not JSON", lambda r: metrics_file(r, "{half") or ["report", "--results-dir", str(r)], "JSONDecodeError"),
]
# fmt: on


@pytest.mark.parametrize(
    "argv, expected", [pytest.param(a, e, id=f"cli-{label}") for label, a, e in CLI_CASES]
)
def test_bad_input_to_the_command_line(argv, expected, earlier_results, capsys):
    arguments = argv(earlier_results)
    before = snapshot(earlier_results)
    capsys.readouterr()
    try:
        code = cli.main(arguments)
    except SystemExit as exit:
        code = exit.code
    assert_one_clean_line(code, capsys.readouterr().err, expected)
    assert snapshot(earlier_results) == before


def test_there_are_at_least_80_cases():
    assert len(CASES) + len(CLI_CASES) >= 80


def test_list_reports_an_unreadable_metrics_file_and_goes_on(earlier_results, capsys):
    metrics_file(earlier_results, "[1, 2, 3]", name="03_stateful_alphabet")
    assert cli.main(["list", "--results-dir", str(earlier_results)]) == 0
    assert "unreadable metrics.json" in capsys.readouterr().out


def test_a_refused_report_leaves_no_lock_file_behind(tmp_path, capsys):
    results_dir = tmp_path / "results"
    results_dir.mkdir()
    metrics_file(results_dir, "{half")
    before = snapshot(results_dir)
    assert cli.main(["report", "--results-dir", str(results_dir)]) == 2
    assert "JSONDecodeError" in capsys.readouterr().err
    assert snapshot(results_dir) == before and not list(results_dir.glob(".*"))
