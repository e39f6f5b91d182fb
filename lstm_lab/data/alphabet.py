"""The alphabet task of the stateful-LSTM tutorial (source C004).

Letters are integers 0…25. The tutorial feeds each letter as one number,
``index / 26``, with one time step per sample, and predicts the next letter
as a one-hot class over the 26 letters.

Rotations (the fix) treat the alphabet as a cycle: Z is
followed by A. Rotation ``s`` is the 26-letter cycle starting at letter ``s``;
as a training sequence it has 25 steps, inputs ``s, s+1, …, s+24`` and
targets ``s+1, …, s+25``, all modulo 26. So rotation 0 is exactly the
tutorial's sequence A→B … Y→Z, and every other rotation crosses Z→A once.
"""

import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
N_LETTERS = len(ALPHABET)
STEPS = N_LETTERS - 1  # one sequence: 25 (input, next letter) steps


def letter_index(letter):
    index = ALPHABET.find(letter.upper())
    if len(letter) != 1 or index < 0:
        raise ValueError(f"not a letter A-Z: {letter!r}")
    return index


def letters(indices):
    """``[10, 1, 2]`` -> ``"KBC"``."""
    return "".join(ALPHABET[int(i)] for i in np.ravel(indices))


def encode(indices):
    """Letter indices -> model inputs of shape (n, 1 time step, 1 feature): ``index / 26``."""
    return (np.asarray(indices, dtype=np.float32) / N_LETTERS).reshape(-1, 1, 1)


def one_hot(indices):
    return np.eye(N_LETTERS, dtype=np.float32)[np.asarray(indices)]


def tutorial_sequence():
    """The tutorial's training data: A→B, B→C, …, Y→Z as x (25, 1, 1) and y (25, 26)."""
    inputs = np.arange(STEPS)
    return encode(inputs), one_hot(inputs + 1)


def rotation_indices():
    """(inputs, targets), each (26 rotations, 25 steps): ``inputs[s, t] = (s + t) % 26``."""
    starts = np.arange(N_LETTERS)[:, None]
    steps = np.arange(STEPS)[None, :]
    inputs = (starts + steps) % N_LETTERS
    return inputs, (inputs + 1) % N_LETTERS


def rotated_sequences():
    """All 26 rotations for a stateful model with batch size 26, one time step per batch.

    Returns x (650, 1, 1) and y (650, 26) in step-major order: batch ``t`` (rows
    ``26 t … 26 t + 25``) holds step ``t`` of every rotation, so row ``s`` of each
    batch continues row ``s`` of the previous one.
    """
    inputs, targets = rotation_indices()
    return encode(inputs.T.ravel()), one_hot(targets.T.ravel())


def next_letter_pairs():
    """The feed-forward task: one-hot letter -> one-hot next letter, all 26 pairs (Z→A included)."""
    inputs = np.arange(N_LETTERS)
    return one_hot(inputs), one_hot((inputs + 1) % N_LETTERS)


def correct_next_letters(predictions):
    """True where a free-running prediction is the next letter of the cycle (Z -> A).

    ``predictions[s, t]`` is the letter predicted at step ``t`` after starting from letter ``s``
    (the layout of :func:`lstm_lab.models.alphabet.free_running_grid`).
    """
    starts = np.arange(len(predictions))[:, None]
    steps = np.arange(predictions.shape[1])[None, :]
    return predictions == (starts + steps + 1) % N_LETTERS


# How the fix is defined, for experiment 03's report.
ROTATIONS_EXPLAINED = f"""
The alphabet is treated as a cycle (Z is followed by A). Rotation *s* starts at letter *s*;
as a training sequence it has {STEPS} steps, inputs *s, s+1, …, s+24* and targets
*s+1, …, s+25* (mod 26). Rotation 0 is the tutorial's A→B … Y→Z; every other rotation
crosses Z→A once. The fixed model is the tutorial's model (stateful LSTM(50), Adam,
categorical cross-entropy, one letter per batch, reset after every epoch) with batch size
26: row *s* of every batch is rotation *s*, so each epoch is still {STEPS} optimizer steps.
Rotation inputs for start A: {letters(rotation_indices()[0][0])}.

Both models are evaluated the same way: for every start letter, reset the state, feed the
letter, then feed back each prediction for {STEPS} steps; a step is right when it predicts
the next letter of the cycle. The 26 start letters run as the 26 rows of one batch (rows
never mix; `tests/test_alphabet.py` checks each row against a batch-1 run).
"""
