"""A SimpleRNN layer whose loop runs in PyTorch's own RNN kernel on the torch backend."""

from lstm_lab.backend import BACKEND, keras

# PyTorch's fused RNN kernels, by the activation they apply (the only two it has).
TORCH_KERNELS = {"tanh": "rnn_tanh", "relu": "rnn_relu"}


@keras.saving.register_keras_serializable(package="lstm_lab")
class FusedSimpleRNN(keras.layers.SimpleRNN):
    """``keras.layers.SimpleRNN`` with the same weights, options and outputs, computed faster
    on torch.

    Keras's torch backend runs a recurrent layer on a CPU as a Python loop over the time
    steps, a few small ops each, forward and backward. On torch this layer runs the whole loop
    in PyTorch's own kernel (``torch._VF.rnn_tanh`` or ``rnn_relu``) where its equations are
    Keras's, ``h_t = activation(x_t W + b + h_{t-1} U)``: tanh or relu, no mask, no dropout,
    read forwards. Outputs and gradients differ from Keras's loop by float32 round-off
    (``tests/test_fused_simple_rnn.py``). Everywhere else Keras's own loop runs unchanged.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if BACKEND == "torch" and self._torch_kernel(mask):
            return self._torch_kernel_loop(sequences, initial_state)
        return super().inner_loop(sequences, initial_state, mask, training=training)

    def _torch_kernel(self, mask):
        """The name of PyTorch's kernel that computes what Keras's loop would, or None."""
        cell = self.cell
        if mask is not None or self.go_backwards or cell.dropout or cell.recurrent_dropout:
            return None
        return TORCH_KERNELS.get(getattr(cell.activation, "__name__", ""))

    def _torch_kernel_loop(self, sequences, initial_state):
        """``(last output, outputs, [h])`` as Keras's loop returns them, from PyTorch's
        kernel with this layer's weights."""
        import torch

        cell = self.cell
        tensor = keras.ops.convert_to_tensor
        state = initial_state[0] if isinstance(initial_state, (list, tuple)) else initial_state
        # a copy: a stateful layer's state is written in place after the call
        h = torch.clone(tensor(state)).unsqueeze(0)
        weights = [tensor(cell.kernel).T.contiguous(), tensor(cell.recurrent_kernel).T.contiguous()]
        if cell.use_bias:
            bias = tensor(cell.bias)
            weights += [bias, torch.zeros_like(bias)]  # Keras has one bias, PyTorch two
        kernel = getattr(torch._VF, self._torch_kernel(None))
        outputs, h = kernel(
            tensor(sequences), h, weights, cell.use_bias, 1, 0.0, False, False, True
        )  # one layer, no dropout, not training (dropout only), one direction, batch first
        last = outputs[:, -1]
        return last, outputs if self.return_sequences else last.unsqueeze(1), [h[0]]
