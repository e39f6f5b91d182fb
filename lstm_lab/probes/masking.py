"""Padding and masking: does a padded sequence end in the same state as the unpadded one?"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras


def _final_state_model(units, features, masked, seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None, features))
    x = keras.layers.Masking(mask_value=0.0)(inputs) if masked else inputs
    _, h, c = keras.layers.LSTM(units, return_state=True)(x)
    return keras.Model(inputs, [h, c])


def probe_masking(units=8, features=3, length=5, padding=4, seed=0, initial_weights=False):
    """Final (h, c) of a sequence, and of the same sequence zero-padded before or after,
    through an LSTM with and without a ``Masking`` layer (same weights).

    The weights are random, biases included, as after training. With
    ``initial_weights=True`` they are Keras's initial ones: the biases are 0 (1 for the
    forget gate), so zero inputs from a zero state keep h and c at exactly 0, and
    zero pre-padding changes nothing even without a mask.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, length, features)).astype(np.float32)
    zeros = np.zeros((1, padding, features), dtype=np.float32)
    padded = {"pre": np.concatenate([zeros, x], axis=1), "post": np.concatenate([x, zeros], axis=1)}
    masked = _final_state_model(units, features, masked=True, seed=seed)
    if not initial_weights:
        masked.set_weights(
            [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in masked.get_weights()]
        )
    plain = _final_state_model(units, features, masked=False, seed=seed)
    plain.set_weights(masked.get_weights())
    reference = plain(x)
    result = {}
    for side, sequence in padded.items():
        for name, model in [("masked", masked), ("no mask", plain)]:
            h, c = model(sequence)
            result[f"{side}-padded, {name}"] = max(
                max_abs_difference(h, reference[0]), max_abs_difference(c, reference[1])
            )
    return result
