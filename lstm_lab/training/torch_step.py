"""A Keras training step on torch, traced once into a graph of ATen ops, and compiled.

Keras's torch backend runs a step op by op from Python; on the alphabet model's one-letter
batches that dispatch is nearly all of a step (docs/benchmarks.md), and Keras's own
``train_step`` cannot train a stateful layer there at all (experiment 09). The step here is
made of Keras's own pieces, the model's call, ``compute_loss``, ``compute_metrics`` and the
optimizer's ``stateless_apply``, written as a function of the variables' values. ``make_fx``
traces it once into the ATen ops it runs (it refuses a value read in Python while tracing,
``.item()`` or a branch on data, rather than freezing it into the graph). The traced graph
runs those ops without Keras's dispatch around each one, the same arithmetic in the same
order; TorchInductor, the compiler behind ``torch.compile``, compiles it further into one
call per step, which takes seconds to tens of seconds the first time. Where tracing fails
the step runs op by op, and where compiling fails (no C++ compiler, say) it runs traced,
each with a warning.
"""

import warnings

from lstm_lab.backend import keras
from lstm_lab.errors import error_summary
from lstm_lab.training.states import reset_rnn_states, stateful_layers

MODES = ("op by op", "traced", "compiled")


class TrainingStep:
    """``step(values, x, y) -> (values, loss)`` for a compiled, built Keras model on torch.

    ``values`` are the current values of :attr:`variables`: the trainable weights, the
    stateful layers' states, the optimizer's variables and the metrics' variables, in that
    order. The step carries the states as TensorFlow's graph does: the new state goes on to
    the next batch, the gradient stops at the batch boundary.

    ``mode`` is one of :data:`MODES`: Keras's ops run one by one as they are written, the
    traced graph of them, or that graph compiled. :attr:`mode` says which one runs, since a
    step that cannot be traced or compiled falls back to the mode before.
    """

    def __init__(self, model, x, y, mode="compiled"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        reset_rnn_states(model)
        model.reset_metrics()
        self.model = model
        self.trainable = list(model.trainable_variables)
        self.states = [variable for layer in stateful_layers(model) for variable in layer.states]
        self.optimizer_variables = list(model.optimizer.variables)
        self.metric_variables = list(model.metrics_variables)
        self.variables = (
            self.trainable + self.states + self.optimizer_variables + self.metric_variables
        )
        self.mode, self.run = "op by op", self._flat_step
        if mode != "op by op":
            self.mode, self.run = _trace(self._flat_step, [*self.values(), x, y], mode)
        resettable = {id(v) for v in self.states + self.metric_variables}
        self.fresh = {
            i: v.value.detach().clone() for i, v in enumerate(self.variables) if id(v) in resettable
        }

    def values(self):
        """The variables' current values, copied."""
        return [variable.value.detach().clone() for variable in self.variables]

    def reset(self, values):
        """``values`` with the states and the metrics as after a reset."""
        return [self.fresh[i].clone() if i in self.fresh else v for i, v in enumerate(values)]

    def metrics_result(self, values):
        """The model's metrics (``get_metrics_result()``) for ``values``."""
        start = len(self.variables) - len(self.metric_variables)
        for variable, value in zip(self.metric_variables, values[start:]):
            variable.assign(value)
        return self.model.get_metrics_result()

    def assign(self, values):
        for variable, value in zip(self.variables, values):
            variable.assign(value)

    def __call__(self, values, x, y):
        *values, loss = self.run(*values, x, y)
        return values, loss

    def _flat_step(self, *inputs):
        import torch

        sizes = [len(self.trainable), len(self.states), len(self.optimizer_variables)]
        *values, x, y = inputs
        trainable = [value.detach().requires_grad_() for value in values[: sizes[0]]]
        states = values[sizes[0] : sizes[0] + sizes[1]]
        # stateless_apply updates the values it is given in place on torch: copies keep
        # this step's inputs as they came.
        optimizer_values = [value.clone() for value in values[sum(sizes[:2]) : sum(sizes)]]
        metric_values = values[sum(sizes) :]
        mapping = [
            *zip(self.trainable, trainable),
            *zip(self.states, states),
            *zip(self.metric_variables, metric_values),
        ]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            prediction = self.model(x, training=True)
            loss = self.model.compute_loss(x, y, prediction, training=True)
        new_states = [scope.get_current_value(v).detach() for v in self.states]
        gradients = torch.autograd.grad(loss, trainable)
        with torch.no_grad():
            new_trainable, new_optimizer_values = self.model.optimizer.stateless_apply(
                optimizer_values, list(gradients), [value.detach().clone() for value in trainable]
            )
            metrics = [(v, scope.get_current_value(v)) for v in self.metric_variables]
            with keras.StatelessScope(state_mapping=metrics) as metrics_scope:
                self.model.compute_metrics(x, y, prediction.detach())
            new_metric_values = [metrics_scope.get_current_value(v) for v in self.metric_variables]
        return [
            *[value.detach() for value in new_trainable],
            *new_states,
            *new_optimizer_values,
            *new_metric_values,
            loss.detach(),
        ]


# The CPU's vector instructions taken as working, since probing them costs a compiler run
# and a process each time (a compiler that cannot use them fails the compile, which falls
# back); Inductor's own pool of one compiler process per core compiles the kernels.
INDUCTOR_SETTINGS = {"cpp.vec_isa_ok": True}


def _trace(function, example_inputs, mode):
    """``(mode, step)``: ``function`` traced, and compiled for ``mode`` "compiled"; where
    tracing fails (a value read at trace time), ``function`` itself, and where compiling
    fails (no C++ compiler), the traced graph, each with a warning."""
    from torch.fx.experimental.proxy_tensor import make_fx

    filtering = keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()  # Keras's filter empties some errors' messages
    try:
        graph = make_fx(function, tracing_mode="fake")(*example_inputs)
    except Exception as error:  # noqa: BLE001 - the step still runs, op by op
        _fell_back("traced", error, "op by op")
        return "op by op", function
    finally:
        if filtering:
            keras.config.enable_traceback_filtering()
    # Values read in Python and never used leave reads that Inductor cannot compile
    # (Keras 3.11's compute_metrics turns every metric into a float).
    graph.graph.eliminate_dead_code()
    graph.recompile()
    if mode == "traced":
        return mode, graph
    try:
        compiled = _inductor(graph, example_inputs)
        compiled(*example_inputs)  # Inductor loads its kernels at the first call
        return mode, compiled
    except Exception as error:  # noqa: BLE001 - the step still runs, traced
        _fell_back("compiled", error, "traced")
        return "traced", graph


def _fell_back(failed, error, mode):
    warnings.warn(
        f"the training step could not be {failed} ({error_summary(error)[:200]}); "
        f"it runs {mode} instead, slower",
        stacklevel=4,
    )


def _inductor(graph, example_inputs):
    """``compile_fx`` as ``torch.compile`` calls it: inside a tracing context with a shape
    environment, without which Inductor bypasses its on-disk cache and compiles anew in
    every process."""
    import torch._guards
    from torch._inductor.compile_fx import compile_fx
    from torch._subclasses.fake_tensor import FakeTensorMode
    from torch.fx.experimental.symbolic_shapes import ShapeEnv

    context = torch._guards.TracingContext(FakeTensorMode(shape_env=ShapeEnv()))
    with torch._guards.tracing(context):
        return compile_fx(graph, example_inputs, config_patches=INDUCTOR_SETTINGS)
