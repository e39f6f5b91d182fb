"""`lstm-lab fetch`: every data file into one folder, checked by its hash, offline here (the
download is replaced by a local copy)."""

import hashlib

import pytest

from lstm_lab import cli
from lstm_lab.data import fetch
from lstm_lab.data.fetch import DATA_FILES, DataFile

from conftest import ROOT


@pytest.fixture
def fake_downloads(monkeypatch):
    """Two small files with their SHA-256, a get_file that 'downloads' them into its cache
    folder (as Keras does) and records each call, and a URL that always fails."""
    contents = {"a.txt": b"alpha" * 100, "b.csv": b"beta,gamma\n" * 50}
    files = tuple(
        DataFile(name, f"https://example.org/{name}", hashlib.sha256(data).hexdigest(), "1 KB", "x")
        for name, data in contents.items()
    )
    calls = []

    def get_file(name, origin, file_hash, cache_dir, cache_subdir):
        calls.append(name)
        if name not in contents:
            raise Exception(f"URL fetch failure on {origin}: None -- [Errno -3] offline")
        folder = fetch.Path(cache_dir) / cache_subdir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(contents[name])
        return str(folder / name)

    from lstm_lab.backend import keras

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    monkeypatch.setattr(fetch, "DATA_FILES", files)
    return files, calls


def test_fetch_puts_every_file_in_place_once_and_replaces_a_damaged_one(fake_downloads, tmp_path):
    files, calls = fake_downloads
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "data")]) == 0
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["a.txt", "b.csv"]
    assert calls == ["a.txt", "b.csv"]
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "data")]) == 0
    assert calls == ["a.txt", "b.csv"]  # both already there: nothing downloaded
    (tmp_path / "data" / "b.csv").write_text("truncated")
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "data")]) == 0
    assert calls[-1] == "b.csv" and files[1].matches(tmp_path / "data" / "b.csv")


def test_a_failed_download_is_named_in_one_line_and_the_others_stay(
    fake_downloads, monkeypatch, tmp_path, capsys
):
    files, _ = fake_downloads
    missing = DataFile("c.bin", "https://example.org/c.bin", "0" * 64, "1 MB", "x")
    monkeypatch.setattr(fetch, "DATA_FILES", (*files, missing))
    assert cli.main(["fetch", "--data-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "c.bin ([Errno -3] offline)" in error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.csv"]  # no partial file


def test_the_fetched_names_are_the_ones_data_dir_is_searched_for(tmp_path):
    from lstm_lab.data.imdb import imdb_files_in
    from lstm_lab.data.stocks import prices_in
    from lstm_lab.data.text import corpus_in

    for data_file in DATA_FILES:
        (tmp_path / data_file.name).write_text("x")
    assert imdb_files_in(tmp_path) == (
        tmp_path / "aclImdb_v1.tar.gz",
        tmp_path / "imdb_word_index.json",
    )
    assert corpus_in(tmp_path) == tmp_path / "alice_in_wonderland_pg11.txt"
    assert prices_in(tmp_path) == tmp_path / "SBUX.csv"


def test_the_pinned_hashes_are_those_of_the_shared_copies():
    # the shared data folder holds byte-identical copies of three of the four files
    from conftest import shared_file

    for data_file in DATA_FILES:
        if data_file.name != "aclImdb_v1.tar.gz":  # only a rebuilt archive is shared
            assert data_file.matches(shared_file(data_file.name)), data_file.name


def test_the_data_page_lists_every_declared_file_with_its_size():
    page = (ROOT / "docs" / "data.md").read_text()
    for data_file in DATA_FILES:
        assert f"`{data_file.name}`" in page and data_file.size in page, data_file.name


def test_a_sweep_cell_gets_the_files_its_experiment_reads(tmp_path):
    for name in ("SBUX.csv", "imdb_word_index.json", "aclImdb_v1.tar.gz", "11-0.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert set(fetch.files_for("07_stock_volume", tmp_path)) == {"SBUX.csv"}
    assert set(fetch.files_for("04_imdb_sentiment", tmp_path)) == {
        "aclImdb_v1.tar.gz",
        "imdb_word_index.json",
    }
    assert set(fetch.files_for("05_text_generator", tmp_path)) == {"11-0.txt"}
    assert fetch.files_for("03_stateful_alphabet", tmp_path) == {}
    assert fetch.files_for("07_stock_volume", None) == {}
