"""Training loops that do what ``model.fit`` does, without its per-call overhead.

The stateful-LSTM tutorials train with one ``fit(epochs=1, shuffle=False)``
call per epoch and a ``reset_states()`` after each. With batch size 1 the
compute is tiny and nearly all the time is Python and ``fit`` set-up per
call. :func:`compiled_fit` runs the same thing, the model's own
``train_step`` on the same batches in the same order with the RNN states
zeroed after every epoch: one compiled loop on TensorFlow and JAX, the lab's
own loop on torch (:func:`lstm_lab.compiled.all_epochs`).

``tests/test_training.py`` checks it against the tutorial loop: by default
the final weights are bit-identical (``tests/test_compiled.py`` on JAX too).
``jit_compile=True`` compiles the TensorFlow loop with XLA: about a second
more to start, several times faster per step (worth it for thousands of
epochs), and the weights then agree to float32 round-off.

:func:`fit_with_backup` is ``fit`` that resumes exactly after an interruption.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.compiled import all_epochs


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
    # Whole batches along a leading axis: the batch dimension stays static, which stateful
    # layers need.
    x_batches = x.reshape((n_batches, batch_size) + x.shape[1:])
    y_batches = y.reshape((n_batches, batch_size) + y.shape[1:])
    return all_epochs(model, x_batches, y_batches, epochs, jit_compile)


def print_history(history, every):
    """Print the epoch averages of a :func:`compiled_fit` history every ``every`` epochs."""
    epochs = len(next(iter(history.values())))
    for epoch in [*range(every - 1, epochs - 1, every), epochs - 1]:
        values = "  ".join(f"{name} {values[epoch]:.4f}" for name, values in history.items())
        print(f"    epoch {epoch + 1:5d}/{epochs}  {values}")


def overfitting(history):
    """Where validation loss turned: ``None`` if it kept falling to the last epoch, else
    ``{"epoch": e, "lowest": loss at e, "last": loss at the last epoch}`` (epochs from 1)
    for a Keras history with ``val_loss``."""
    losses = history["val_loss"]
    turned = min(range(len(losses)), key=losses.__getitem__)
    if turned == len(losses) - 1:
        return None
    return {"epoch": turned + 1, "lowest": float(losses[turned]), "last": float(losses[-1])}


def replace_atomically(path, data):
    """Write ``data`` as JSON to a temporary file beside ``path``, then rename it over ``path``."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, path)


IDENTITY_FILE = "run.json"


def fit_with_backup(model, x, y, backup_dir, identity, monitor=None, mode="max", **fit_arguments):
    """``model.fit`` that survives an interruption and resumes exactly where it stopped.

    After every epoch a :class:`lstm_lab.callbacks.TrainingRecord` saves the model, its
    optimizer, the epoch's logs and the best weights in ``backup_dir``. Run the same call
    again and it resumes after the last saved epoch; once training has finished, a call
    reuses the final weights instead of training again. ``identity`` (a JSON-able dict:
    experiment, profile, seed, data, code, ...) is stored beside the backup: a backup left
    by a run with another identity is removed, never resumed. :func:`remove_backup` deletes
    the folder when its results are safely written.

    Returns the :class:`~lstm_lab.callbacks.TrainingRecord` (``history`` of every epoch,
    ``best_epoch``, ``best_weights``).
    """
    backup = Path(backup_dir)
    saved = _read_identity(backup)
    if backup.exists() and saved != identity:
        differs = _differences(saved or {}, identity)
        print(
            f"    {backup} holds a backup of another run ({differs}): removed, starting afresh",
            flush=True,
        )
        shutil.rmtree(backup)
    backup.mkdir(parents=True, exist_ok=True)
    replace_atomically(backup / IDENTITY_FILE, identity)
    from lstm_lab.callbacks import TrainingRecord  # a Keras class: Keras loads here

    record = TrainingRecord(backup, monitor, mode)
    if record.epochs_done:
        record.restore(model)
        if record.finished:
            print(f"    reusing the training finished earlier and kept in {backup}", flush=True)
            return record
        print(f"    resuming after epoch {record.epochs_done}, saved in {backup}", flush=True)
    callbacks = [record, *fit_arguments.pop("callbacks", [])]
    model.fit(x, y, callbacks=callbacks, initial_epoch=record.epochs_done, **fit_arguments)
    return record


def remove_backup(backup_dir):
    """Delete a backup folder of :func:`fit_with_backup` (once its results are written)."""
    shutil.rmtree(backup_dir, ignore_errors=True)


def _read_identity(backup):
    try:
        return json.loads((backup / IDENTITY_FILE).read_text())
    except (OSError, ValueError):
        return None


def _differences(saved, identity):
    keys = [k for k in identity if saved.get(k) != identity[k]] or ["unknown"]
    return "other " + ", ".join(keys)
