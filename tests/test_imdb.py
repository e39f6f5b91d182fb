import io
import json
import tarfile

import numpy as np
import pytest

from lstm_lab.data.imdb import encode, load_imdb, read_reviews, read_word_index, tokenize
from lstm_lab.errors import BadInput, DataUnavailable

from conftest import run_python, shared_file

SLOW = (  # train for more than a moment: left out of pytest -m "not slow"
    "test_the_raw_archive_gives_keras_own_sequences",
)

WORD_INDEX = {"the": 1, "movie": 2, "was": 3, "great": 4, "bad": 5, "it's": 6, "br": 7}
REVIEWS = {
    "train/pos/0_9.txt": "The movie was great!<br /><br />It's great.",
    "train/pos/1_8.txt": "Great, great movie",
    "train/neg/0_2.txt": "The movie was BAD -- really bad",
    "test/pos/0_10.txt": "great",
    "test/neg/0_1.txt": "bad bad movie",
}


def write_tree(root):
    for name, text in REVIEWS.items():
        path = root / "aclImdb" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "aclImdb" / "train" / "unsup").mkdir()
    (root / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("ignored")


def write_archive(path):
    with tarfile.open(path, "w:gz") as archive:
        for name, text in REVIEWS.items():
            data = text.encode()
            info = tarfile.TarInfo(f"aclImdb/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_tokenize_like_keras_text_to_word_sequence():
    assert tokenize("The movie was GREAT!<br /><br />It's well-made.") == [
        "the",
        "movie",
        "was",
        "great",
        "br",
        "br",
        "it's",
        "well",
        "made",
    ]


def test_encode_starts_with_1_marks_rare_words_2_and_drops_unknown_ones():
    # num_words=7 keeps ranks 1-3 (codes 4-6); rank 4 ("great") becomes 2; "really" is not indexed.
    assert encode(["the movie was great really"], WORD_INDEX, num_words=7) == [[1, 4, 5, 6, 2]]


@pytest.mark.parametrize("layout", ["directory", "parent", "archive"])
def test_read_reviews_from_a_directory_or_an_archive(tmp_path, layout):
    if layout == "archive":
        source = tmp_path / "small.tar.gz"
        write_archive(source)
    else:
        write_tree(tmp_path)
        source = tmp_path / "aclImdb" if layout == "directory" else tmp_path
    reviews = read_reviews(source)
    texts, labels = reviews["train"]
    assert texts == [
        REVIEWS["train/pos/0_9.txt"],
        REVIEWS["train/pos/1_8.txt"],
        REVIEWS["train/neg/0_2.txt"],
    ]
    assert labels.tolist() == [1, 1, 0]
    assert reviews["test"][1].tolist() == [1, 0]


def test_load_imdb_from_raw_reviews(tmp_path):
    write_archive(tmp_path / "small.tar.gz")
    (tmp_path / "index.json").write_text(json.dumps(WORD_INDEX))
    (x_train, y_train), (x_test, y_test), source = load_imdb(
        10, tmp_path / "small.tar.gz", tmp_path / "index.json"
    )
    assert sorted(map(tuple, x_train)) == sorted(
        map(
            tuple,
            encode(
                [REVIEWS[f"train/{n}"] for n in ("pos/0_9.txt", "pos/1_8.txt", "neg/0_2.txt")],
                WORD_INDEX,
                10,
            ),
        )
    )
    assert len(x_test) == 2 and sorted(y_train.tolist()) == [0, 1, 1]
    assert "raw reviews" in source


def test_encoded_reviews_are_cached_by_the_archive_contents(tmp_path, monkeypatch):
    import lstm_lab.data.imdb as imdb

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    write_archive(tmp_path / "small.tar.gz")
    (tmp_path / "index.json").write_text(json.dumps(WORD_INDEX))
    arguments = (10, tmp_path / "small.tar.gz", tmp_path / "index.json")
    first = load_imdb(*arguments)
    (cache,) = (tmp_path / "keras" / "datasets" / "lstm_lab").glob("imdb-encoded-*.npz")

    def no_reading(path):
        raise AssertionError("read the archive again")

    monkeypatch.setattr(imdb, "read_reviews", no_reading)
    again = load_imdb(*arguments)
    assert again[0][0] == first[0][0] and again[1][0] == first[1][0]
    assert again[0][1].tolist() == first[0][1].tolist() and again[2] == first[2]

    monkeypatch.undo()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    cache.write_bytes(b"not an npz")  # a damaged cache is rebuilt, never trusted
    assert load_imdb(*arguments)[0][0] == first[0][0]
    assert imdb.read_encoded(cache)[0][0] == first[0][0]
    (tmp_path / "index.json").write_text(json.dumps({**WORD_INDEX, "zebra": 99}))
    assert imdb.encoded_cache_path(*arguments[1:], 10, 113) != cache  # other contents


def test_bad_sources_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="not found"):
        read_reviews(tmp_path / "nothing")
    (tmp_path / "broken.tar.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(BadInput, match="cannot read IMDb reviews"):
        read_reviews(tmp_path / "broken.tar.gz")
    (tmp_path / "aclImdb" / "train" / "pos").mkdir(parents=True)
    with pytest.raises(BadInput, match="no aclImdb/train"):
        read_reviews(tmp_path)
    (tmp_path / "index.json").write_text('{"a": 5}')
    with pytest.raises(BadInput, match="not Keras's IMDb word index"):
        read_word_index(tmp_path / "index.json")


def test_a_missing_archive_exits_2_in_one_line(tmp_path):
    result = run_python(
        "experiments/04_imdb_sentiment.py",
        "--imdb",
        tmp_path / "none.tar.gz",
        "--word-index",
        tmp_path / "none.json",
        "--results-dir",
        tmp_path / "results",
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip().count("\n") == 0
        and "error: cannot read the IMDb word index" in result.stderr
    )
    assert not (tmp_path / "results" / "04_imdb_sentiment").exists()


def test_keras_load_data_codes_a_rare_word_2_and_drops_it_with_oov_char_none():
    from lstm_lab.data.imdb import code_of_a_rare_word, keras_code_of_a_rare_word

    assert keras_code_of_a_rare_word(10000) == 2
    assert keras_code_of_a_rare_word(10000, oov_char=None) == "dropped"
    assert keras_code_of_a_rare_word(10000, oov_char=7) == 7
    # the lab's encoder of the raw reviews agrees with Keras's loader
    assert code_of_a_rare_word(shared_file("imdb_word_index.json"), 10000) == 2


def test_the_raw_archive_gives_keras_own_sequences():
    """Against a real slice of keras.datasets.imdb.load_data(num_words=500) (shared/data)."""
    reviews = read_reviews(shared_file("aclImdb_v1_rebuilt_nofeat.tar.gz"))
    index = read_word_index(shared_file("imdb_word_index.json"))
    keras_slice = np.load(shared_file("imdb_keras_subset_nw500.npz"), allow_pickle=True)
    assert [len(reviews[s][0]) for s in ("train", "test")] == [25000, 25000]
    for split, key, at_least in [("train", "arr_0", 0.985), ("test", "arr_2", 0.975)]:
        ours = {tuple(sequence) for sequence in encode(reviews[split][0], index, 500)}
        same = np.mean([tuple(sequence) in ours for sequence in keras_slice[key]])
        assert same >= at_least, f"{split}: {same:.3f} of Keras's sequences reproduced"


def test_imdb_files_are_found_in_a_data_folder(tmp_path):
    from lstm_lab.data.imdb import imdb_files_in

    assert imdb_files_in(None) == (None, None)
    assert imdb_files_in(tmp_path) == (None, None)
    write_archive(tmp_path / "aclImdb_v1.tar.gz")
    (tmp_path / "imdb_word_index.json").write_text(json.dumps(WORD_INDEX))
    assert imdb_files_in(tmp_path) == (
        tmp_path / "aclImdb_v1.tar.gz",
        tmp_path / "imdb_word_index.json",
    )


def test_an_offline_download_names_its_cause_and_the_option_that_fixes_it(monkeypatch, tmp_path):
    from lstm_lab.backend import keras

    def offline(*args, **kwargs):  # what keras.utils.get_file raises without a network
        raise Exception("URL fetch failure on https://x/y: None -- [Errno -3] name resolution")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    archive = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz"):
        pass
    with pytest.raises(DataUnavailable) as raised:  # a BadInput an experiment can go on without
        load_imdb(source=archive)  # the word index is still to be fetched
    message = str(raised.value)
    assert "imdb_word_index.json" in message and "[Errno -3] name resolution" in message
    assert "--data-dir" in message and "--word-index" in message
