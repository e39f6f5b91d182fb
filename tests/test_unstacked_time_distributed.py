"""UnstackedTimeDistributed gives what keras.layers.TimeDistributed gives, in training too."""

import numpy as np

from lstm_lab.backend import BACKEND, keras, to_numpy
from lstm_lab.models.char_generator import char_generator
from lstm_lab.models.unstacked_time_distributed import UnstackedTimeDistributed

SLOW = (  # train for more than a moment: left out of pytest -m "not slow"
    "test_the_same_weights_after_training",
)

# The same per-step calls in the same order: bit for bit on TensorFlow, where the layer is
# used. Elsewhere 1e-6 allows for a compiler that fuses the steps' products differently.
SAME = 0.0 if BACKEND == "tensorflow" else 1e-6


def pair(steps=12, mask_zero=False):
    """Embedding -> LSTM(8, return_sequences) -> each wrapper around Dense(6, softmax),
    both trained with Adam from the same weights."""
    models = []
    for wrapper in (keras.layers.TimeDistributed, UnstackedTimeDistributed):
        keras.utils.set_random_seed(3)
        inputs = keras.Input(shape=(steps,), dtype="int32")
        x = keras.layers.Embedding(6, 4, mask_zero=mask_zero)(inputs)
        x = keras.layers.LSTM(8, return_sequences=True)(x)
        outputs = wrapper(keras.layers.Dense(6, activation="softmax"), name="head")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    return models


def largest_difference(a, b):
    return max(float(np.max(np.abs(to_numpy(p) - to_numpy(q)))) for p, q in zip(a, b))


def test_the_same_weights_after_training():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 6, size=(40, 12)).astype("int32")
    y = np.roll(x, -1, axis=1)
    keras_model, unstacked = pair()
    for model in (keras_model, unstacked):
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert largest_difference(keras_model.get_weights(), unstacked.get_weights()) <= SAME
    assert largest_difference([keras_model(x)], [unstacked(x)]) <= SAME


def test_a_mask_leaves_it_to_keras():
    words = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 1, 2, 3, 4]], dtype="int32")
    keras_model, unstacked = pair(steps=6, mask_zero=True)
    assert largest_difference([keras_model(words)], [unstacked(words)]) <= SAME


def test_the_character_model_uses_it_on_tensorflow_only():
    head = char_generator(10, units=4).get_layer("next_character")
    assert isinstance(head, keras.layers.TimeDistributed)
    assert isinstance(head, UnstackedTimeDistributed) == (BACKEND == "tensorflow")


def test_a_saved_model_loads_with_the_layer(tmp_path):
    words = np.random.default_rng(2).integers(1, 6, size=(3, 12)).astype("int32")
    _, unstacked = pair()
    unstacked.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.get_layer("head"), UnstackedTimeDistributed)
    assert largest_difference([unstacked(words)], [loaded(words)]) == 0.0
