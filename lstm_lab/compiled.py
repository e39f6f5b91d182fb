"""What has to run compiled or take gradients by hand, one version per Keras backend.

Everything else in the lab is backend-neutral Keras. Three things are not, and they live
here, written the way Keras's "customizing what happens in fit()" guides do it for each
backend:

- :func:`one_step_function`: ``model(x)`` called step by step (generation, roll-outs);
- :func:`all_epochs`: every epoch of a stateful training in one compiled loop;
- :func:`sgd_steps_recording_norms`: training steps that also report the gradient norm
  before clipping (the exploding-gradient probe).
"""

import numpy as np

from lstm_lab.backend import BACKEND, keras


def one_step_function(model):
    """``x -> model(x, training=False)`` compiled once where the backend compiles
    (``tf.function``), a plain call (without autograd on torch) elsewhere."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda x: model(x, training=False))
    if BACKEND == "torch":
        import torch

        def call(x):
            with torch.no_grad():
                return model(x, training=False)

        return call
    return lambda x: model(x, training=False)


def all_epochs(model, x_batches, y_batches, epochs, reset_states, jit_compile=False):
    """Train ``epochs`` epochs over ``(x_batches[i], y_batches[i])`` in order, calling
    ``reset_states(model)`` after each; returns ``{metric: per-epoch values}``.

    On TensorFlow one ``tf.function`` runs every epoch (``jit_compile`` adds XLA). Elsewhere
    it is one ``fit`` call over all epochs with the reset in a callback: the same steps in
    the same order as the tutorial's ``fit`` per epoch, without its per-call overhead.
    """
    if BACKEND == "tensorflow":
        return _all_epochs_tensorflow(
            model, x_batches, y_batches, epochs, reset_states, jit_compile
        )

    x = x_batches.reshape((-1,) + x_batches.shape[2:])
    y = y_batches.reshape((-1,) + y_batches.shape[2:])
    history = model.fit(
        x,
        y,
        batch_size=x_batches.shape[1],
        epochs=epochs,
        shuffle=False,
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=lambda *_: reset_states(model))],
    )
    return {name: np.array(values) for name, values in history.history.items()}


def _all_epochs_tensorflow(model, x_batches, y_batches, epochs, reset_states, jit_compile):
    import tensorflow as tf

    n_batches = len(x_batches)
    x_batches, y_batches = tf.constant(x_batches), tf.constant(y_batches)
    metric_names = list(model.get_metrics_result())

    @tf.function(jit_compile=jit_compile)
    def train_all_epochs():
        history = tf.TensorArray(tf.float32, size=epochs)  # one row of metric values per epoch
        for epoch in tf.range(epochs):
            model.reset_metrics()
            for batch in tf.range(n_batches):
                model.train_step((x_batches[batch], y_batches[batch]))
            reset_states(model)
            results = model.get_metrics_result()
            row = tf.stack([tf.cast(results[name], tf.float32) for name in metric_names])
            history = history.write(epoch, row)
        return history.stack()

    history = train_all_epochs().numpy()
    return {name: history[:, i] for i, name in enumerate(metric_names)}


def sgd_steps_recording_norms(model, optimizer, x, y):
    """One optimizer step per sample of ``(x, y)`` on the mean squared error; returns the
    losses and the gradients' joint (global) norm before any clipping, as NumPy arrays."""
    if BACKEND == "tensorflow":
        return _steps_tensorflow(model, optimizer, x, y)
    if BACKEND == "torch":
        return _steps_torch(model, optimizer, x, y)
    return _steps_jax(model, optimizer, x, y)


def _steps_tensorflow(model, optimizer, x, y):
    import tensorflow as tf

    @tf.function
    def step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x_batch, training=True) - y_batch) ** 2)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        return loss, tf.linalg.global_norm(gradients)

    records = [step(x[i : i + 1], y[i : i + 1]) for i in range(len(x))]
    return np.array([float(loss) for loss, _ in records]), np.array([float(n) for _, n in records])


def _steps_torch(model, optimizer, x, y):
    import torch

    variables = model.trainable_variables
    losses, norms = [], []
    for i in range(len(x)):
        model.zero_grad()
        prediction = model(x[i : i + 1], training=True)
        loss = torch.mean((prediction - torch.as_tensor(y[i : i + 1])) ** 2)
        loss.backward()
        gradients = [v.value.grad for v in variables]
        norms.append(float(torch.sqrt(sum(torch.sum(g**2) for g in gradients))))
        losses.append(float(loss))
        with torch.no_grad():
            optimizer.apply(gradients, variables)
    return np.array(losses), np.array(norms)


def _steps_jax(model, optimizer, x, y):
    import jax
    import jax.numpy as jnp

    optimizer.build(model.trainable_variables)
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    optimizer_state = [v.value for v in optimizer.variables]

    def loss_of(trainable, non_trainable, x_batch, y_batch):
        prediction, non_trainable = model.stateless_call(
            trainable, non_trainable, x_batch, training=True
        )
        return jnp.mean((prediction - y_batch) ** 2), non_trainable

    @jax.jit
    def step(trainable, non_trainable, optimizer_state, x_batch, y_batch):
        (loss, non_trainable), gradients = jax.value_and_grad(loss_of, has_aux=True)(
            trainable, non_trainable, x_batch, y_batch
        )
        norm = jnp.sqrt(sum(jnp.sum(g**2) for g in gradients))
        trainable, optimizer_state = optimizer.stateless_apply(
            optimizer_state, gradients, trainable
        )
        return trainable, non_trainable, optimizer_state, loss, norm

    losses, norms = [], []
    for i in range(len(x)):
        trainable, non_trainable, optimizer_state, loss, norm = step(
            trainable, non_trainable, optimizer_state, x[i : i + 1], y[i : i + 1]
        )
        losses.append(float(loss))
        norms.append(float(norm))
    for variable, value in zip(model.trainable_variables, trainable):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, optimizer_state):
        variable.assign(value)
    return np.array(losses), np.array(norms)
