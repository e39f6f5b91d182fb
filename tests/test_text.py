import numpy as np
import pytest

from lstm_lab.data.text import (
    Vocabulary,
    load_corpus,
    ngram_cross_entropy,
    shifted_windows,
    split_tail,
    strip_gutenberg,
)
from lstm_lab.errors import BadInput, DataUnavailable

from conftest import shared_file

BOOK = "Once upon a time there was a long story. " * 40


def test_gutenberg_header_and_licence_are_stripped():
    text = (
        "The Project Gutenberg EBook of X\nLicence blah\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK X ***\n"
        f"{BOOK}\n*** END OF THIS PROJECT GUTENBERG EBOOK X ***\nMore licence\n"
    )
    assert strip_gutenberg(text) == BOOK.strip()
    assert strip_gutenberg(BOOK) == BOOK.strip()
    older = text.replace("*** END", "End of Project Gutenberg's X, by Y\n\n*** END")
    assert strip_gutenberg(older) == BOOK.strip()


def test_both_shared_editions_of_alice_load_as_the_story():
    with_header = load_corpus(shared_file("wonderland.txt"))
    without = load_corpus(shared_file("alice_in_wonderland_pg11.txt"))
    for text in (with_header, without):
        assert "Alice" in text[:2000] and "Project Gutenberg" not in text[-3000:]
        assert 140_000 < len(text) < 160_000


def test_bad_corpora_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="cannot read the corpus"):
        load_corpus(tmp_path / "missing.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 500)
    with pytest.raises(BadInput, match="cannot read the corpus"):
        load_corpus(tmp_path / "latin1.txt")
    (tmp_path / "short.txt").write_text("too short")
    with pytest.raises(BadInput, match="at least 1000"):
        load_corpus(tmp_path / "short.txt")


def test_vocabulary_round_trip_and_windows_shifted_by_one():
    vocabulary = Vocabulary(BOOK)
    ids = vocabulary.encode(BOOK)
    assert vocabulary.decode(ids) == BOOK
    x, y = shifted_windows(ids, 7)
    assert x.shape == y.shape == ((len(ids) - 1) // 7, 7)
    np.testing.assert_array_equal(x.ravel()[1:], y.ravel()[:-1])
    train, tail = split_tail(ids, 0.1)
    assert len(train) + len(tail) == len(ids) and len(tail) == len(ids) - int(len(ids) * 0.9)
    with pytest.raises(ValueError, match="'#'"):
        vocabulary.encode("#")


def test_ngram_baselines():
    ids = np.array([0, 1] * 500)
    assert ngram_cross_entropy(ids, ids, 2, order=1) == pytest.approx(np.log(2), abs=1e-3)
    assert ngram_cross_entropy(ids, ids, 2, order=2) < 0.01  # a bigram model knows what follows
    with pytest.raises(ValueError):
        ngram_cross_entropy(ids, ids, 2, order=3)


def test_alice_is_found_in_a_data_folder(tmp_path):
    from lstm_lab.data.text import corpus_in

    assert corpus_in(None) is None and corpus_in(tmp_path) is None
    (tmp_path / "wonderland.txt").write_text(BOOK)
    assert corpus_in(tmp_path) == tmp_path / "wonderland.txt"


def test_an_offline_download_names_its_cause_and_the_option_that_fixes_it(monkeypatch):
    from lstm_lab.backend import keras

    def offline(*args, **kwargs):  # what keras.utils.get_file raises without a network
        raise Exception("URL fetch failure on https://x/y: None -- [Errno -3] name resolution")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(DataUnavailable) as raised:  # a BadInput an experiment can go on without
        load_corpus(None)
    message = str(raised.value)
    assert "[Errno -3] name resolution" in message and "--data-dir" in message
    assert "--corpus" in message and "\n" not in message
