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
    """``x -> model(x, training=False)`` compiled once (``tf.function``; on JAX ``jax.jit`` of
    a stateless call that writes a stateful layer's new state back), a plain call without
    autograd on torch. Stateful models keep their state from call to call."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda x: model(x, training=False))
    if BACKEND == "torch":
        import torch

        def call(x):
            with torch.no_grad():
                return model(x, training=False)

        return call
    return _one_step_jax(model)


def _one_step_jax(model):
    import jax

    from lstm_lab.training.states import stateful_layers

    # A stateful layer's states are not among the model's variables (experiment 09),
    # so they are passed in and read back explicitly.
    states = [variable for layer in stateful_layers(model) for variable in layer.states]
    variables = model.trainable_variables + model.non_trainable_variables

    @jax.jit
    def step(values, state_values, x):
        mapping = list(zip(variables, values)) + list(zip(states, state_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            outputs = model(x, training=False)
        return outputs, [scope.get_current_value(v) for v in states]

    def call(x):
        outputs, new_states = step([v.value for v in variables], [v.value for v in states], x)
        for variable, value in zip(states, new_states):
            variable.assign(value)
        return outputs

    return call


def all_epochs(model, x_batches, y_batches, epochs, jit_compile=False):
    """Train ``epochs`` epochs over ``(x_batches[i], y_batches[i])`` in order, zeroing the
    states of the stateful layers after each; returns ``{metric: per-epoch values}``, the
    epoch averages ``fit`` reports. ``model`` must be compiled and built (``compiled_fit``
    does it).

    - TensorFlow: every epoch in one ``tf.function`` of the model's own ``train_step``
      (``jit_compile`` adds XLA).
    - JAX: every epoch in one ``jax.jit``: a ``lax.scan`` over the epochs of a ``lax.scan``
      over the batches of the model's own stateless ``train_step``.
    - torch: a loop of the lab's own step, since Keras's torch ``train_step`` cannot train a
      stateful layer (on every release measured: the layer assigns its state in place inside
      the graph that is then differentiated, "modified by an inplace operation"). The step
      (:class:`lstm_lab.training.torch_step.TrainingStep`) runs the model in a
      ``StatelessScope`` that holds the states, so the assignment replaces instead of
      overwriting, and passes the new states on detached, as TensorFlow does: the state
      carries to the next batch, the gradient stops at the batch boundary. From
      ``TRACE_FROM_STEPS`` steps on the step runs traced, from ``COMPILE_FROM_STEPS`` on
      compiled (:func:`torch_step_mode`).

    On JAX this is exactly what ``fit`` does, including what ``fit`` gets wrong there: the
    states of a stateful layer are not among the model's ``non_trainable_variables``, so
    Keras's JAX ``train_step`` drops their updates and every batch starts from the
    state of the last reset (experiment 09).
    """
    if BACKEND == "tensorflow":
        return _all_epochs_tensorflow(model, x_batches, y_batches, epochs, jit_compile)
    if BACKEND == "jax":
        return _all_epochs_jax(model, x_batches, y_batches, epochs)
    return _all_epochs_torch(model, x_batches, y_batches, epochs)


def _all_epochs_jax(model, x_batches, y_batches, epochs):
    import jax
    import jax.numpy as jnp

    from lstm_lab.training.states import reset_rnn_states, stateful_layers

    # The states the train step carries from batch to batch are the stateful layers' states
    # among the non-trainable variables (none in any release measured, see above); the reset
    # after each epoch zeroes those, as reset_state() does.
    state_ids = {id(v) for layer in stateful_layers(model) for v in layer.states}
    zeroed = [id(v) in state_ids for v in model.non_trainable_variables]
    model.reset_metrics()
    fresh_metrics = [v.value for v in model.metrics_variables]
    if hasattr(model, "_record_training_state_sharding_spec"):  # older releases' train_step
        model._record_training_state_sharding_spec()  # reads what fit records there first

    def one_step(state, batch):
        logs, state = model.train_step(state, batch)
        return state, logs

    def one_epoch(state, batches):
        trainable, non_trainable, optimizer_state = state
        (trainable, non_trainable, optimizer_state, _), logs = jax.lax.scan(
            one_step, (trainable, non_trainable, optimizer_state, fresh_metrics), batches
        )
        non_trainable = [jnp.zeros_like(v) if z else v for v, z in zip(non_trainable, zeroed)]
        # The metrics are running means: their last value is the epoch's average.
        return (trainable, non_trainable, optimizer_state), {k: v[-1] for k, v in logs.items()}

    @jax.jit
    def every_epoch(state, x_batches, y_batches):
        return jax.lax.scan(
            lambda state, _: one_epoch(state, (x_batches, y_batches)), state, length=epochs
        )

    variable_lists = [
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
    ]
    state = tuple([v.value for v in variables] for variables in variable_lists)
    state, history = every_epoch(state, x_batches, y_batches)
    for variables, values in zip(variable_lists, state):
        for variable, value in zip(variables, values):
            variable.assign(value)
    reset_rnn_states(model)
    return {name: np.asarray(values) for name, values in history.items()}


# Tracing a step takes under a second, compiling it seconds to tens of seconds: shorter
# trainings finish sooner without them.
TRACE_FROM_STEPS = 200
COMPILE_FROM_STEPS = 3000


def torch_step_mode(steps):
    """How :func:`all_epochs` runs a torch training of ``steps`` steps, one of
    :data:`lstm_lab.training.torch_step.MODES`."""
    if steps >= COMPILE_FROM_STEPS:
        return "compiled"
    return "traced" if steps >= TRACE_FROM_STEPS else "op by op"


def _all_epochs_torch(model, x_batches, y_batches, epochs):
    import torch

    from lstm_lab.training.states import reset_rnn_states
    from lstm_lab.training.torch_step import TrainingStep

    x_batches, y_batches = torch.as_tensor(x_batches), torch.as_tensor(y_batches)
    mode = torch_step_mode(epochs * len(x_batches))
    step = TrainingStep(model, x_batches[0], y_batches[0], mode=mode)
    values, history = step.values(), {}
    for _ in range(epochs):
        values = step.reset(values)
        losses = []
        for x, y in zip(x_batches, y_batches):
            values, loss = step(values, x, y)
            losses.append(loss)
        # fit's "loss" is the mean over the epoch's (equal-sized) batches.
        logs = {"loss": float(torch.stack(losses).double().mean())}
        logs.update({k: float(v) for k, v in step.metrics_result(values).items() if k != "loss"})
        for name, value in logs.items():
            history.setdefault(name, []).append(value)
    step.assign(values)
    reset_rnn_states(model)
    return {name: np.array(values) for name, values in history.items()}


def _all_epochs_tensorflow(model, x_batches, y_batches, epochs, jit_compile):
    import tensorflow as tf

    from lstm_lab.training.states import reset_rnn_states

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
            reset_rnn_states(model)
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
        losses.append(float(loss.detach()))
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
