"""Training loops that do what ``model.fit`` does, without its per-call overhead.

The stateful-LSTM tutorials train with one ``fit(epochs=1, shuffle=False)``
call per epoch and a ``reset_states()`` after each. With batch size 1 the
compute is tiny and nearly all the time is Python and ``fit`` set-up per
call. :func:`compiled_fit` runs the same thing, the model's own
``train_step`` on the same batches in the same order with the RNN states
zeroed after every epoch, as one compiled TensorFlow loop.

``tests/test_training.py`` checks it against the tutorial loop: by default
the final weights are bit-identical. ``jit_compile=True`` compiles the loop
with XLA: about a second more to start, several times faster per step (worth
it for thousands of epochs), and the weights then agree to float32 round-off.
"""

from pathlib import Path

import numpy as np

from lstm_lab.backend import keras, tf


def stateful_layers(model):
    """The stateful RNN layers of a model, looking inside nested models."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += stateful_layers(layer)
        elif getattr(layer, "stateful", False):
            found.append(layer)
    return found


def reset_rnn_states(model):
    """Zero the state of every stateful layer (Keras 3's ``model.reset_states()``)."""
    for layer in stateful_layers(model):
        layer.reset_state()


class ResetStatesAfterEpoch(keras.callbacks.Callback):
    """For ``model.fit(..., epochs=N, shuffle=False)``: reset the RNN states after every epoch."""

    def on_epoch_end(self, epoch, logs=None):
        reset_rnn_states(self.model)


def fit_tutorial_way(model, x, y, epochs, batch_size, verbose=0):
    """The tutorials' loop: one ``fit`` call per epoch, then ``reset_states``; returns losses."""
    losses = []
    for _ in range(epochs):
        history = model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=False, verbose=verbose)
        reset_rnn_states(model)
        losses.append(history.history["loss"][0])
    return np.array(losses)


def compiled_fit(model, x, y, epochs, batch_size, jit_compile=False):
    """Train like ``fit(x, y, batch_size, epochs, shuffle=False)`` with a state reset after
    every epoch, all epochs in one compiled loop.

    Returns the per-epoch history as a dict of NumPy arrays, e.g. ``{"loss": ...,
    "accuracy": ...}``: the epoch averages that ``fit`` would report.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
    if len(x) % batch_size:
        raise ValueError(
            f"{len(x)} samples do not split into batches of {batch_size}; "
            "a stateful model needs every batch full"
        )
    n_batches = len(x) // batch_size
    first_batch = (x[:batch_size], y[:batch_size], None)
    # Build the loss, metric and optimizer variables symbolically, as fit() does on the JAX
    # and torch backends, so the metric names are known before the loop is traced.
    model._symbolic_build(data_batch=first_batch)
    # Index whole batches: the batch dimension stays static, which stateful layers need.
    x_batches = tf.constant(x.reshape((n_batches, batch_size) + x.shape[1:]))
    y_batches = tf.constant(y.reshape((n_batches, batch_size) + y.shape[1:]))
    metric_names = list(model.get_metrics_result())

    @tf.function(jit_compile=jit_compile)
    def train_all_epochs():
        history = tf.TensorArray(tf.float32, size=epochs)  # one row of metric values per epoch
        for epoch in tf.range(epochs):
            model.reset_metrics()
            for batch in tf.range(n_batches):
                model.train_step((x_batches[batch], y_batches[batch]))
            reset_rnn_states(model)
            results = model.get_metrics_result()
            row = tf.stack([tf.cast(results[name], tf.float32) for name in metric_names])
            history = history.write(epoch, row)
        return history.stack()

    history = train_all_epochs().numpy()
    return {name: history[:, i] for i, name in enumerate(metric_names)}


def print_history(history, every):
    """Print the epoch averages of a :func:`compiled_fit` history every ``every`` epochs."""
    epochs = len(next(iter(history.values())))
    for epoch in [*range(every - 1, epochs - 1, every), epochs - 1]:
        values = "  ".join(f"{name} {values[epoch]:.4f}" for name, values in history.items())
        print(f"    epoch {epoch + 1:5d}/{epochs}  {values}")


def fit_with_backup(model, x, y, backup_dir, **fit_arguments):
    """``model.fit`` that survives an interruption: ``keras.callbacks.BackupAndRestore``
    saves the model and optimizer after every epoch in ``backup_dir``; run the same
    call again and it resumes after the last finished epoch. The backup is deleted
    when training completes. Returns the ``History`` of the epochs run by this call."""
    backup = Path(backup_dir)
    if backup.exists() and any(backup.iterdir()):
        print(f"    resuming the interrupted training saved in {backup}", flush=True)
    # First in the list, so each epoch is saved before any other callback can stop training.
    callbacks = [keras.callbacks.BackupAndRestore(str(backup)), *fit_arguments.pop("callbacks", [])]
    return model.fit(x, y, callbacks=callbacks, **fit_arguments)


class KeepBestWeights(keras.callbacks.Callback):
    """Remember the weights of the epoch with the best ``monitor`` value (``mode`` "max" or
    "min"), without stopping early; :attr:`best_weights` and :attr:`best_epoch` (1-based)
    are there after ``fit``. In memory: after a resumed run it knows the epochs since."""

    def __init__(self, monitor="val_accuracy", mode="max"):
        super().__init__()
        self.monitor, self.sign = monitor, 1 if mode == "max" else -1
        self.best, self.best_epoch, self.best_weights = None, None, None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is not None and (self.best is None or self.sign * (value - self.best) > 0):
            self.best, self.best_epoch, self.best_weights = (
                value,
                epoch + 1,
                self.model.get_weights(),
            )
