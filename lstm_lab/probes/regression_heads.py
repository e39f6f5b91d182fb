"""What a regression head on an LSTM reads and prints (experiment 08)."""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy


def last_step_and_final_h(ids, zero_output_for_mask=False, units=6, seed=0):
    """Max abs difference between the last step of ``LSTM(units, return_sequences=True,
    return_state=True)`` and its final h, behind ``Embedding(mask_zero=True)``, on ``ids``
    (a batch of token ids, 0 for padding). ``zero_output_for_mask=True`` makes the padded
    steps output zeros instead of repeating the last real one."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(int(np.max(ids)) + 1, 6, mask_zero=True)(inputs)
    lstm = keras.layers.LSTM(
        units, return_sequences=True, return_state=True, zero_output_for_mask=zero_output_for_mask
    )
    sequence, h, _ = lstm(x)
    sequence, h = keras.Model(inputs, [sequence, h])(ids)
    return max_abs_difference(to_numpy(sequence)[:, -1], h)


def _drawn(initializer, shape, seed):
    """A fresh draw of a layer's initializer, seeded (an initializer without a seed, such as
    zeros, draws nothing)."""
    config = initializer.get_config()
    if "seed" in config:
        config = {**config, "seed": seed}
    return to_numpy(type(initializer).from_config(config)(shape))


def exact_zeros(model, sentences, draws, seed=0, head_layer="score"):
    """``(zeros, outputs)``: how many of ``model``'s outputs on ``sentences`` are exactly 0.0,
    over ``draws`` initial draws of its head ``head_layer`` (a ``Dense``), each made by that
    layer's own initializers with the seeds ``seed``, ``seed + 1``, ... The layers below the
    head are computed once; the head is called on their output, as the model calls it. Leaves
    the head with the last draw."""
    head = model.get_layer(head_layer)
    below = keras.Model(model.input, head.input)
    features = [below(ids) for ids in sentences]
    initializers = (head.kernel_initializer, head.bias_initializer)
    zeros = outputs = 0
    for draw in range(draws):
        head.set_weights(
            [_drawn(init, w.shape, seed + draw) for init, w in zip(initializers, head.weights)]
        )
        values = np.concatenate([to_numpy(head(f)).ravel() for f in features])
        zeros, outputs = zeros + int(np.sum(values == 0.0)), outputs + values.size
    return zeros, outputs
