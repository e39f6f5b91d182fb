"""A text corpus for character models: Alice's Adventures in Wonderland, or any UTF-8 file.

Without a path, :func:`load_corpus` fetches Project Gutenberg eBook #11 through
``keras.utils.get_file`` (a pinned copy, checked by its SHA-256, cached in
``~/.keras/datasets``). Project Gutenberg's header and licence are stripped when
present: the text between the ``*** START OF …`` and ``*** END OF …`` lines, and
before an older edition's closing "End of Project Gutenberg's …" line.
"""

import re
from pathlib import Path

import numpy as np

from lstm_lab.data.data_file import DataFile
from lstm_lab.errors import BadInput, DataUnavailable, download_failure

ALICE_ORIGIN = (
    "https://raw.githubusercontent.com/gutenbergbooks/11/"
    "5e5120e12a58a10254e0e6a42661d887e61c2aac/11-0.txt"
)
ALICE_SHA256 = "f17aa0bf7466424a8b357b688678666bad7a0148963ef349016a3098faa6bd1e"
EXPERIMENT = "05_text_generator"
FILES = (
    DataFile(
        "alice_in_wonderland_pg11.txt",
        ALICE_ORIGIN,
        ALICE_SHA256,
        "151 KB",
        "05: Alice's Adventures in Wonderland (Project Gutenberg #11)",
    ),
)
START_MARK = re.compile(
    r"^\*\*\* ?START OF (THIS|THE) PROJECT GUTENBERG EBOOK.*$", re.MULTILINE | re.IGNORECASE
)
END_MARK = re.compile(
    r"^\*\*\* ?END OF (THIS|THE) PROJECT GUTENBERG EBOOK.*$", re.MULTILINE | re.IGNORECASE
)
END_LINE = re.compile(
    r"^End of (the )?Project Gutenberg", re.MULTILINE | re.IGNORECASE
)  # older editions
MIN_CHARACTERS = 1000


def strip_gutenberg(text):
    """The text between Project Gutenberg's START and END lines, or all of it without them."""
    start, end = START_MARK.search(text), END_MARK.search(text)
    if start:
        text = text[start.end() : end.start() if end and end.start() > start.end() else None]
        end_line = END_LINE.search(text)
        text = text[: end_line.start()] if end_line else text
    return text.strip()


ALICE_FILE_NAMES = ("alice_in_wonderland_pg11.txt", "11-0.txt", "wonderland.txt")


def corpus_in(data_dir):
    """A copy of Alice in a data folder (the file names it is known by), or None."""
    if data_dir is None:
        return None
    return next(
        (Path(data_dir) / n for n in ALICE_FILE_NAMES if (Path(data_dir) / n).exists()), None
    )


def files_in(data_dir):
    return [corpus_in(data_dir)]


def load_corpus(path=None):
    """The corpus as one string (newlines normalised to ``\\n``)."""
    if path is None:
        from lstm_lab.backend import keras

        try:
            path = keras.utils.get_file(
                "alice_in_wonderland_pg11.txt", origin=ALICE_ORIGIN, file_hash=ALICE_SHA256
            )
        except Exception as error:  # get_file raises a bare Exception: its text is the cause
            raise DataUnavailable(
                f"cannot download Alice in Wonderland ({download_failure(error)}); without a "
                "network, give --data-dir a folder holding alice_in_wonderland_pg11.txt, or any "
                "UTF-8 text with --corpus"
            )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read the corpus {path}: {error}")
    text = strip_gutenberg(text.replace("\r\n", "\n"))
    if len(text) < MIN_CHARACTERS:
        raise BadInput(
            f"the corpus {path} has {len(text)} characters; at least {MIN_CHARACTERS} are needed"
        )
    return text


class Vocabulary:
    """Characters <-> integer ids, the ids in sorted character order."""

    def __init__(self, text):
        self.characters = sorted(set(text))
        self.index = {character: i for i, character in enumerate(self.characters)}

    def __len__(self):
        return len(self.characters)

    def encode(self, text):
        try:
            return np.array([self.index[character] for character in text], dtype=np.int32)
        except KeyError as error:
            raise ValueError(f"character {error.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids):
        return "".join(self.characters[int(i)] for i in ids)


def split_tail(ids, validation_fraction=0.1):
    """Training ids and the held-out tail of the text."""
    cut = int(len(ids) * (1 - validation_fraction))
    return ids[:cut], ids[cut:]


def shifted_windows(ids, length):
    """Non-overlapping windows: x = ids[i : i + length], y = ids[i + 1 : i + length + 1]."""
    count = (len(ids) - 1) // length
    x = ids[: count * length].reshape(count, length)
    y = ids[1 : count * length + 1].reshape(count, length)
    return x, y


def ngram_cross_entropy(train_ids, test_ids, vocabulary_size, order):
    """Nats per character of a unigram (order 1) or bigram (order 2) model with add-one
    smoothing, fitted on ``train_ids`` and scored on ``test_ids``."""
    if order == 1:
        counts = np.bincount(train_ids, minlength=vocabulary_size) + 1.0
        probabilities = counts / counts.sum()
        return float(-np.mean(np.log(probabilities[test_ids])))
    if order == 2:
        counts = np.ones((vocabulary_size, vocabulary_size))
        np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1.0)
        probabilities = counts / counts.sum(axis=1, keepdims=True)
        return float(-np.mean(np.log(probabilities[test_ids[:-1], test_ids[1:]])))
    raise ValueError("order must be 1 or 2")
