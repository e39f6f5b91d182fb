import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.models.imdb import imdb_sentiment_lstm
from lstm_lab.training.backup import fit_with_backup, remove_backup

SLOW = (  # train for more than a moment: left out of pytest -m "not slow"
    "test_training_resumes_after_an_interruption_to_the_same_result",
    "test_a_finished_training_is_reused_and_another_runs_backup_removed",
    "test_the_fast_compile_takes_the_same_steps_as_plain_fit",
)


def small_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(1, 10000, size=(n, 80)).astype(np.int32), rng.integers(0, 2, size=n).astype(
        np.float32
    )


def test_the_seeds_model():
    model = imdb_sentiment_lstm()
    assert model.count_params() == 1_300_641
    assert tuple(model.get_layer("embedding").output.shape) == (None, 80, 128)


def test_a_gru_in_the_lstms_place_is_c002_01s_control():
    gru = imdb_sentiment_lstm(recurrent=keras.layers.GRU)
    assert isinstance(gru.get_layer("lstm"), keras.layers.GRU)
    assert [tuple(w.shape) for w in gru.get_layer("lstm").weights] == [(128, 96), (32, 96), (2, 96)]
    assert gru.count_params() == 1_295_585


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


IDENTITY = {"experiment": "test", "seed": 4}


def train(backup, identity=IDENTITY, callbacks=()):
    keras.utils.set_random_seed(4)
    x, y = small_data()
    model = imdb_sentiment_lstm()
    record = fit_with_backup(
        model,
        x,
        y,
        backup,
        identity,
        monitor="accuracy",
        batch_size=32,
        epochs=3,
        shuffle=False,
        verbose=0,
        callbacks=list(callbacks),
    )
    return model, record


def test_training_resumes_after_an_interruption_to_the_same_result(tmp_path):
    uninterrupted, full_record = train(tmp_path / "uninterrupted")
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        train(backup, callbacks=[StopAfterFirstEpoch()])
    assert (backup / "current.json").exists()

    resumed, record = train(backup)  # a fresh model, as a new process would build
    assert len(record.history["loss"]) == 3  # the whole history, not only epochs 2 and 3
    assert record.history == full_record.history
    assert record.best_epoch == full_record.best_epoch
    for a, b in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(record.best_weights, full_record.best_weights):
        np.testing.assert_array_equal(a, b)


def test_a_finished_training_is_reused_and_another_runs_backup_removed(tmp_path, capsys):
    backup = tmp_path / "backup"
    trained, _ = train(backup)
    reused, record = train(backup)
    assert "reusing the training finished earlier" in capsys.readouterr().out
    for a, b in zip(reused.get_weights(), trained.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert len(record.history["loss"]) == 3

    train(backup, identity={**IDENTITY, "seed": 5})
    assert "holds a backup of another run (other seed): removed" in capsys.readouterr().out
    remove_backup(backup)
    assert not backup.exists()
