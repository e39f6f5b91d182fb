"""IMDb reviews as Keras-style integer sequences, from Keras's ``imdb.npz`` or from the raw
Large Movie Review Dataset (Maas et al., 2011).

Two sources behind :func:`load_imdb`:

(a) ``keras.datasets.imdb.load_data``: Keras's preprocessed ``imdb.npz``, from the Keras
    cache (``~/.keras/datasets``) or downloaded;
(b) the raw dataset: an ``aclImdb`` directory or the ``.tar.gz`` it comes in (read in
    place, without unpacking 100,000 files), given by path or fetched with
    ``keras.utils.get_file`` from its public origin.

For (b) we rebuild what (a) holds. Each review is tokenised the way Keras's old
``text_to_word_sequence`` did (lower case; the characters ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~``,
tab and newline become spaces, so ``<br />`` leaves the word ``br``; apostrophes stay), and
each word is numbered with Keras's own IMDb word index (rank r -> r + 3): 1 starts every
review, 2 marks a word outside the ``num_words`` most frequent, 0 is left for padding,
and words the index does not hold are dropped (as Keras's ``imdb.npz`` does).
``tests/test_imdb.py`` measures how close this comes to (a) on a real slice of it.
"""

import hashlib
import io
import json
import os
import re
import tarfile
import zipfile
from pathlib import Path

import numpy as np

from lstm_lab.data.data_file import DataFile
from lstm_lab.errors import BadInput, DataUnavailable, download_failure
from lstm_lab.files import write_file_atomically

START, OOV, INDEX_FROM = 1, 2, 3
ARCHIVE_ORIGIN = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e39629d45c4d"
WORD_INDEX_ORIGIN = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
)
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"
EXPERIMENT = "04_imdb_sentiment"
FILES = (
    DataFile(
        "aclImdb_v1.tar.gz",
        ARCHIVE_ORIGIN,
        ARCHIVE_SHA256,
        "84.1 MB",
        "04: the Large Movie Review Dataset (Maas et al., 2011), read without unpacking",
    ),
    DataFile(
        "imdb_word_index.json",
        WORD_INDEX_ORIGIN,
        WORD_INDEX_MD5,
        "1.6 MB",
        "04: Keras's IMDb word index, to number the raw reviews as imdb.npz does",
    ),
)
SPLITS = ("train", "test")
ENCODING_VERSION = 1  # raise it when tokenize or encode changes: older caches are then unused
REVIEW_PATH = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_SEPARATE = str.maketrans({character: " " for character in KERAS_FILTERS})


def tokenize(text):
    """Keras's ``text_to_word_sequence`` with its defaults (lower case, filters, split on space)."""
    return text.lower().translate(_SEPARATE).split()


def _review_key(match):
    split, sentiment, review_id, _ = match.groups()
    return split, sentiment, int(review_id)


def read_reviews(path):
    """Raw labelled reviews from an ``aclImdb`` directory (or its parent) or a ``.tar.gz``.

    Returns ``{"train": (texts, labels), "test": (texts, labels)}``, each split ordered
    positive reviews then negative, by review id; labels are 1 (pos) and 0 (neg).
    """
    path = Path(path)
    found = {}
    try:
        if path.is_dir():
            root = path if path.name == "aclImdb" else path / "aclImdb"
            for file in root.glob("*/*/*.txt"):
                match = REVIEW_PATH.search(file.as_posix())
                if match:
                    found[_review_key(match)] = file.read_text(encoding="utf-8")
        elif path.is_file():
            with tarfile.open(path, "r:*") as archive:
                for member in archive:
                    match = REVIEW_PATH.search(member.name)
                    if match and member.isfile():
                        found[_review_key(match)] = (
                            archive.extractfile(member).read().decode("utf-8")
                        )
        else:
            raise BadInput(f"IMDb data not found at {path}")
    except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read IMDb reviews from {path}: {error}")
    reviews = {}
    for split in SPLITS:
        keys = sorted((k for k in found if k[0] == split), key=lambda k: (k[1] != "pos", k[2]))
        if not keys:
            raise BadInput(f"{path} holds no aclImdb/{split}/pos or /neg reviews")
        reviews[split] = ([found[k] for k in keys], np.array([int(k[1] == "pos") for k in keys]))
    return reviews


def read_word_index(path):
    try:
        word_index = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise BadInput(f"cannot read the IMDb word index {path}: {error}")
    if not isinstance(word_index, dict) or word_index.get("the") != 1:
        raise BadInput(f"{path} is not Keras's IMDb word index (expected 'the' at rank 1)")
    bad = next(
        (
            (word, rank)
            for word, rank in word_index.items()
            if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1
        ),
        None,
    )
    if bad is not None:
        raise BadInput(
            f"{path} is not Keras's IMDb word index: {bad[0]!r} has the rank {bad[1]!r}, "
            "not a whole number from 1"
        )
    return word_index


def encode(texts, word_index, num_words):
    """Texts -> Keras-style sequences: [1, index(word) ...], 2 for words outside ``num_words``.

    A word missing from the index altogether is dropped, as in Keras's ``imdb.npz``: the
    index was built from the training reviews, and test words it never saw are absent
    there (not marked 2).
    """
    sequences = []
    for text in texts:
        indices = [word_index[word] + INDEX_FROM for word in tokenize(text) if word in word_index]
        sequences.append([START] + [i if i < num_words else OOV for i in indices])
    return sequences


def _keras_shuffle(sequences, labels, seed):
    """The order ``keras.datasets.imdb.load_data`` gives: a permutation by RandomState(seed)."""
    order = np.arange(len(sequences))
    np.random.RandomState(seed).shuffle(order)
    return [sequences[i] for i in order], labels[order]


def load_imdb(num_words=10000, source=None, word_index=None, seed=113):
    """``((x_train, y_train), (x_test, y_test), description)`` with Keras-style sequences.

    ``source``: a path to an ``aclImdb`` directory or archive; None tries (a) Keras's
    ``imdb.npz`` and then (b) the raw archive through ``keras.utils.get_file``.
    ``word_index``: a path to ``imdb_word_index.json``; None uses Keras's (cached or
    downloaded). ``description`` says which source was used.
    """
    from lstm_lab.backend import keras

    if source is None:
        try:
            train, test = keras.datasets.imdb.load_data(num_words=num_words, seed=seed)
            return train, test, "keras.datasets.imdb.load_data (Keras's imdb.npz)"
        except Exception as error:  # offline, blocked or corrupt: fall back to the raw data
            cause = download_failure(error)
            print(f"Keras's imdb.npz is not available ({cause}); trying the raw reviews")
        source = _fetch(keras, "aclImdb_v1.tar.gz", ARCHIVE_ORIGIN, file_hash=ARCHIVE_SHA256)
    if word_index is None:
        word_index = _fetch(
            keras, "imdb_word_index.json", WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_MD5
        )
    description = f"the raw reviews in {source}, encoded with Keras's word index"
    cache = encoded_cache_path(source, word_index, num_words, seed)
    splits = read_encoded(cache) if cache else None
    if splits is None:
        index = read_word_index(word_index)
        reviews = read_reviews(source)
        splits = []
        for split in SPLITS:
            texts, labels = reviews[split]
            splits.append(_keras_shuffle(encode(texts, index, num_words), labels, seed))
        if cache:
            write_encoded(cache, splits)
    return splits[0], splits[1], description


def encoded_cache_path(source, word_index, num_words, seed):
    """Where :func:`load_imdb` keeps the encoded reviews of an archive, named by the
    archive's and the word index's contents (``$KERAS_HOME/datasets/lstm_lab``, by default
    ``~/.keras/...``); None for an ``aclImdb`` directory, which is read each time."""
    if not Path(source).is_file() or not Path(word_index).is_file():
        return None
    digest = hashlib.sha256(f"{num_words} {seed} {ENCODING_VERSION}".encode())
    for path in (source, word_index):
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    return home / "datasets" / "lstm_lab" / f"imdb-encoded-{digest.hexdigest()[:20]}.npz"


def write_encoded(path, splits):
    """Save ``[(sequences, labels), ...]`` to ``path`` (written whole or not at all); a
    folder that cannot be written only costs the next run the encoding."""
    arrays = {}
    for split, (sequences, labels) in zip(SPLITS, splits):
        arrays[f"{split}_words"] = np.concatenate([np.asarray(s, np.int32) for s in sequences])
        arrays[f"{split}_lengths"] = np.array([len(s) for s in sequences])
        arrays[f"{split}_labels"] = labels
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(path, buffer.getvalue())
    except (OSError, BadInput):
        pass


def read_encoded(path):
    """What :func:`write_encoded` saved, or None if it is missing or unreadable."""
    try:
        with np.load(path) as saved:
            splits = []
            for split in SPLITS:
                ends = np.cumsum(saved[f"{split}_lengths"])[:-1]
                sequences = [s.tolist() for s in np.split(saved[f"{split}_words"], ends)]
                splits.append((sequences, saved[f"{split}_labels"]))
        return splits
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def imdb_files_in(data_dir):
    """``(reviews, word_index)`` found in a data folder: an ``aclImdb`` directory or an
    ``aclImdb*.tar.gz``, and ``imdb_word_index.json``; None for what is not there."""
    if data_dir is None:
        return None, None
    data_dir = Path(data_dir)
    candidates = [data_dir / "aclImdb", *sorted(data_dir.glob("aclImdb*.tar.gz"))]
    reviews = next((path for path in candidates if path.exists()), None)
    word_index = data_dir / "imdb_word_index.json"
    return reviews, word_index if word_index.exists() else None


def files_in(data_dir):
    return list(imdb_files_in(data_dir))


def _fetch(keras, name, origin, file_hash):
    try:
        return keras.utils.get_file(name, origin=origin, file_hash=file_hash)
    except Exception as error:  # get_file raises a bare Exception: its text is the cause
        raise DataUnavailable(
            f"cannot download {name} ({download_failure(error)}); without a network, give "
            "--data-dir a folder holding aclImdb_v1.tar.gz and imdb_word_index.json (or the "
            "files with --imdb and --word-index)"
        )


def keras_code_of_a_rare_word(num_words, rank=20000, **options):
    """The code ``keras.datasets.imdb.load_data(num_words, **options)`` gives a word ranked
    ``rank`` (outside ``num_words``), or ``"dropped"`` where it leaves the word out.

    Keras's own loader runs on a one-review ``imdb.npz`` of raw word ranks ("the", then the
    rare word) written here: its download, which checks the 17 MB file's hash, is stood in
    for, so what is observed is how Keras encodes, offline."""
    import sys
    import tempfile
    from unittest import mock

    from lstm_lab.backend import keras

    review = np.empty(1, dtype=object)
    review[0] = [1, rank]  # imdb.npz holds word ranks; load_data shifts them by index_from
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "imdb.npz"
        labels = np.array([1])
        np.savez(path, x_train=review, y_train=labels, x_test=review, y_test=labels)
        loader = sys.modules[keras.datasets.imdb.load_data.__module__]
        with mock.patch.object(loader, "get_file", lambda *args, **kwargs: str(path)):
            (x_train, _), _ = keras.datasets.imdb.load_data(num_words=num_words, **options)
    codes = list(x_train[0])
    return int(codes[2]) if len(codes) > 2 else "dropped"


def code_of_a_rare_word(word_index_path, num_words, rank=20000):
    """The code :func:`encode` gives the word ranked ``rank`` (outside ``num_words``), or None
    without a word index."""
    if word_index_path is None:
        return None
    index = read_word_index(word_index_path)
    rare_word = next((word for word, word_rank in index.items() if word_rank == rank), None)
    if rare_word is None:
        raise BadInput(
            f"{word_index_path} has {len(index)} words and none at rank {rank} "
            "(Keras's IMDb word index has 88,584)"
        )
    return encode([f"the {rare_word}"], index, num_words)[0][-1]
