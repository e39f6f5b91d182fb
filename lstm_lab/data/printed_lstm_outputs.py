"""The inputs and the numbers that source C002 (002_061ba2699a049bcc.txt) prints for an
``LSTM(1)`` on ``Input(shape=(3, 1))``: six 3-step sequences, fed as a (6, 3) array.

The printed numbers have 8 significant digits (absolute precision about 5e-9 here).
"""

import numpy as np

INPUTS = np.array(
    [
        [0.1, 0.2, 0.3],
        [0.3, 0.2, 0.1],
        [0.2, 0.6, 0.3],
        [0.8, 0.2, 0.3],
        [0.3, 0.5, 0.1],
        [0.2, 0.6, 0.2],
    ],
    dtype=np.float32,
)

# return_sequences=True: h at each of the 3 steps, shape (6, 3, 1) printed.
SEQUENCES = np.array(
    [
        [0.00190693, 0.00490441, 0.00844267],
        [0.0055262, 0.00704476, 0.00617958],
        [0.00374958, 0.01259477, 0.01279002],
        [0.01337298, 0.01142679, 0.01231858],
        [0.0055262, 0.01206062, 0.009055],
        [0.00374958, 0.01259477, 0.01108878],
    ]
)

# The default output (return_sequences=False), shape (6, 1): the final h.
FINAL_H = np.array([0.00844267, 0.00617958, 0.01279002, 0.01231858, 0.009055, 0.01108878])

# return_state=True: the third array, the final cell state c.
FINAL_C = np.array([0.01655067, 0.01227413, 0.02506882, 0.02414548, 0.01798305, 0.02187706])

# Rows whose inputs share a prefix: (row, row, number of shared leading steps).
SHARED_PREFIXES = [(1, 4, 1), (2, 5, 2)]


def shares_prefixes(sequences):
    """Do rows with a common input prefix have exactly equal outputs over that prefix?"""
    return all(np.array_equal(sequences[a, :n], sequences[b, :n]) for a, b, n in SHARED_PREFIXES)


def printed_and_reproduced(outputs):
    """Every printed array of the four settings beside its reproduction, both flattened.

    ``outputs`` maps a setting ("default", "return_sequences=True", "return_state=True",
    "both") to the list of arrays a model with that setting returned.
    """
    pairs = [
        (FINAL_H, outputs["default"][0]),
        (SEQUENCES, outputs["return_sequences=True"][0]),
        (FINAL_H, outputs["return_state=True"][0]),
        (FINAL_H, outputs["return_state=True"][1]),
        (FINAL_C, outputs["return_state=True"][2]),
        (SEQUENCES, outputs["both"][0]),
        (FINAL_H, outputs["both"][1]),
        (FINAL_C, outputs["both"][2]),
    ]
    printed = np.concatenate([np.ravel(doc) for doc, _ in pairs])
    reproduced = np.concatenate([np.ravel(obs) for _, obs in pairs]).astype(np.float64)
    return printed, reproduced
