"""Training loops that do what ``model.fit`` does, without its per-call overhead.

The stateful-LSTM tutorials train with one ``fit(epochs=1, shuffle=False)``
call per epoch and a ``reset_states()`` after each. With batch size 1 the
compute is tiny and nearly all the time is Python and ``fit`` set-up per
call. :func:`compiled_fit` runs the same thing, the model's own
``train_step`` on the same batches in the same order with the RNN states
zeroed after every epoch: one compiled loop on TensorFlow and JAX, the lab's
own loop of a compiled step on torch (:func:`lstm_lab.training.per_backend.all_epochs`).

``tests/test_training.py`` checks it against the tutorial loop: by default
the final weights are bit-identical (``tests/test_compiled.py`` on JAX too).
``jit_compile=True`` compiles the TensorFlow loop with XLA: about a second
more to start, several times faster per step (worth it for thousands of
epochs), and the weights then agree to float32 round-off.

"""

import numpy as np

from lstm_lab.training.per_backend import COMPILE_FROM_STEPS, TRACE_FROM_STEPS, all_epochs
from lstm_lab.training.states import reset_rnn_states


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


# How compiled_fit trains on each backend, for the reports of the experiments that use it.
COMPILED_FIT_NOTES = {
    "tensorflow": "Training runs through lstm_lab.training.loops.compiled_fit: the model's own "
    "train_step on the same batches in the same order as the tutorial's fit loop, compiled "
    "into one TensorFlow loop: the same weights as the fit loop, bit for bit "
    "(tests/test_training.py); compiled with XLA (jit_compile=True, for long trainings) they "
    "agree with fit to float32 round-off.",
    "jax": "Training runs through lstm_lab.training.loops.compiled_fit: Keras's own JAX "
    "train_step in one jax.jit-compiled loop over every epoch, the same weights as the "
    "tutorial's fit loop bit for bit (tests/test_compiled.py). That includes what fit does "
    "wrong on JAX: it does not carry a stateful layer's state from batch to batch (experiment "
    "09, K3-05), so a stateful model does not learn what it should here, and the torch run "
    "shows the claims hold when the state is carried.",
    "torch": "Keras's fit cannot train a stateful layer on torch: it raises 'modified by an "
    "inplace operation' (experiment 09, K3-05). compiled_fit trains with the lab's own step "
    "instead, made of Keras's call, compute_loss, compute_metrics and the optimizer's "
    "stateless_apply, which carries the state and stops the gradient at the batch boundary as "
    "TensorFlow does: from the same starting weights its weights are within 1e-5 of "
    "TensorFlow's (tests/test_compiled.py). A training of "
    f"{TRACE_FROM_STEPS} steps or more runs that step traced into a graph of the ATen ops it "
    "runs (lstm_lab.training.torch_step), the same weights bit for bit, and one of "
    f"{COMPILE_FROM_STEPS} steps or more runs that graph compiled by TorchInductor, within 1e-5 "
    "of the step run op by op (tests/test_torch_step.py).",
}


def how_compiled_fit_trains(backend):
    """A report note on how :func:`compiled_fit` trains on ``backend``."""
    return COMPILED_FIT_NOTES[backend]
