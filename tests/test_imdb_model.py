import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.models.imdb import imdb_sentiment_lstm
from lstm_lab.training import fit_with_backup


def small_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(1, 10000, size=(n, 80)).astype(np.int32), rng.integers(0, 2, size=n).astype(
        np.float32
    )


def test_the_seeds_model():
    model = imdb_sentiment_lstm()
    assert model.count_params() == 1_300_641
    assert tuple(model.get_layer("embedding").output.shape) == (None, 80, 128)


def test_the_fast_compile_takes_the_same_steps_as_plain_fit():
    x, y = small_data()
    weights = {}
    for fast in (False, True):
        keras.utils.set_random_seed(3)
        model = imdb_sentiment_lstm(fast=fast)
        model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        weights[fast] = model.get_weights()
    largest = max(float(np.max(np.abs(a - b))) for a, b in zip(weights[False], weights[True]))
    assert largest <= 1e-5  # float32 round-off between XLA and the plain kernels


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise KeyboardInterrupt


def test_training_resumes_after_an_interruption(tmp_path):
    x, y = small_data()
    backup = tmp_path / "backup"
    keras.utils.set_random_seed(4)
    model = imdb_sentiment_lstm()
    with pytest.raises(KeyboardInterrupt):
        fit_with_backup(
            model,
            x,
            y,
            backup,
            batch_size=32,
            epochs=3,
            verbose=0,
            callbacks=[StopAfterFirstEpoch()],
        )
    after_first_epoch = model.get_weights()
    assert any(backup.iterdir())

    resumed = imdb_sentiment_lstm()  # a fresh process would start from new weights
    history = fit_with_backup(resumed, x, y, backup, batch_size=32, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 2  # epochs 2 and 3 only
    assert not backup.exists() or not any(backup.iterdir())  # removed once training completed
    moved = max(
        float(np.max(np.abs(a - b))) for a, b in zip(after_first_epoch, resumed.get_weights())
    )
    assert moved > 0  # it trained on from the saved state
