"""Token sequences with a score: source C000's two sentences, and a generated task like them."""

import numpy as np

SEED_SENTENCES = [
    ("the dog ate the apple".split(), 0.25),
    ("everybody read that book".split(), 0.78),
]


def source_task():
    """Token ids (from 1; 0 is padding) of source C000's two sentences, their targets and the
    vocabulary."""
    vocabulary = {}
    for words, _ in SEED_SENTENCES:
        for word in words:
            vocabulary.setdefault(word, len(vocabulary) + 1)
    ids = [
        np.array([[vocabulary[w] for w in words]], dtype=np.int32) for words, _ in SEED_SENTENCES
    ]
    return ids, [target for _, target in SEED_SENTENCES], vocabulary


def generated_task(sentences, vocabulary_size=40, lengths=(3, 12), seed=0):
    """Sentences of random length whose score depends on their words.

    Each word w of the vocabulary has a hidden value v_w ~ N(0, 1). A sentence is 3 to 12
    words drawn uniformly; its score is sigmoid(mean of v over its words + v of its last
    word): the whole sentence matters, its end twice. Returns post-padded ids (padding 0,
    words 1 … vocabulary_size), scores (n, 1) and lengths. The word values come from
    ``seed`` alone, so train and test sets drawn with different ``sentence`` seeds share them.
    """
    values = np.random.default_rng(seed).normal(size=vocabulary_size + 1)
    rng = np.random.default_rng([seed, sentences])
    lengths_drawn = rng.integers(lengths[0], lengths[1] + 1, size=sentences)
    ids = np.zeros((sentences, lengths[1]), dtype=np.int32)
    scores = np.empty((sentences, 1), dtype=np.float32)
    for row, length in enumerate(lengths_drawn):
        words = rng.integers(1, vocabulary_size + 1, size=length)
        ids[row, :length] = words
        scores[row, 0] = 1 / (1 + np.exp(-(values[words].mean() + values[words[-1]])))
    return ids, scores, lengths_drawn
