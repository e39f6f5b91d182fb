"""Keras callbacks of the lab: a state reset after every epoch, and the backup record of
:func:`lstm_lab.training.backup.fit_with_backup`.

Their own module because a class that subclasses a Keras class loads Keras when it is
defined: the modules that experiments import at start-up stay free of that, so ``--help``
is fast.
"""

import json
import shutil
from pathlib import Path

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.files import write_json_atomically
from lstm_lab.training.states import reset_rnn_states


class ResetStatesAfterEpoch(keras.callbacks.Callback):
    """For ``model.fit(..., epochs=N, shuffle=False)``: reset the RNN states after every epoch."""

    def on_epoch_end(self, epoch, logs=None):
        reset_rnn_states(self.model)


class ResetStatesBeforeBatch(keras.callbacks.Callback):
    """Zero every stateful layer's state before each training batch: a fit that carries
    nothing from batch to batch (the control of the stateful ``fit`` claim)."""

    def on_train_batch_begin(self, batch, logs=None):
        reset_rnn_states(self.model)


class TrainingRecord(keras.callbacks.Callback):
    """A training's backup: after every epoch, the model with its optimizer state, every
    epoch's logs and (with ``monitor``) the weights of the best epoch so far ("max" or "min"
    ``mode``; the first of equal values wins), saved together in ``state_dir``.

    Each epoch is written into a new folder, which is then made current by atomically
    replacing the small file ``current.json``: a process killed at any moment leaves either
    the previous epoch's state or this one's, never a mix. After a resume ``history`` holds
    every epoch and ``best_epoch`` (1-based) and ``best_weights`` are those of the whole
    training, as in an uninterrupted run.
    """

    def __init__(self, state_dir, monitor=None, mode="max"):
        super().__init__()
        self.state_dir = Path(state_dir)
        self.monitor, self.sign = monitor, 1 if mode == "max" else -1
        self.history, self.best, self.best_epoch, self.best_weights = {}, None, None, None
        self.finished = False
        current = self.current_folder()
        if current is not None:
            saved = json.loads((current / "record.json").read_text())
            self.history, self.best, self.best_epoch = (
                saved["history"],
                saved["best"],
                saved["best_epoch"],
            )
            self.finished = saved["finished"]
            if self.best_epoch is not None:
                self.best_weights = _load_arrays(current / "best_weights.npz")

    def current_folder(self):
        """The folder of the last saved epoch, or None before the first."""
        try:
            name = json.loads((self.state_dir / "current.json").read_text())["folder"]
        except (OSError, ValueError, KeyError):
            return None
        return self.state_dir / name

    @property
    def epochs_done(self):
        return len(next(iter(self.history.values()), []))

    def restore(self, model):
        """Load the saved model and optimizer state into ``model`` (compiled, same layers)."""
        model.optimizer.build(model.trainable_variables)
        model.load_weights(self.current_folder() / "model.weights.h5")

    def on_epoch_end(self, epoch, logs=None):
        for name, value in (logs or {}).items():
            self.history[name] = self.history.get(name, [])[:epoch] + [float(value)]
        value = (logs or {}).get(self.monitor)
        if value is not None and (self.best is None or self.sign * (value - self.best) > 0):
            self.best, self.best_epoch = float(value), epoch + 1
            self.best_weights = self.model.get_weights()
        self.save()

    def on_train_end(self, logs=None):
        self.finished = True
        self.save()

    def save(self):
        previous = self.current_folder()
        folder = (
            self.state_dir
            / f"epoch-{self.epochs_done:04d}-{'finished' if self.finished else 'done'}"
        )
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.model.save_weights(folder / "model.weights.h5")
        if self.best_weights is not None:
            with open(folder / "best_weights.npz", "wb") as file:
                np.savez(file, *self.best_weights)
        record = {
            "history": self.history,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "finished": self.finished,
        }
        (folder / "record.json").write_text(json.dumps(record))
        write_json_atomically(self.state_dir / "current.json", {"folder": folder.name})
        if previous is not None and previous != folder:
            shutil.rmtree(previous, ignore_errors=True)


def _load_arrays(path):
    with np.load(path) as arrays:
        return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
