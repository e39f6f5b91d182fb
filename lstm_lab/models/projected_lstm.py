"""An LSTM layer that projects every time step's input before the loop, as cuDNN does."""

from lstm_lab.backend import BACKEND, has_gpu, keras


@keras.saving.register_keras_serializable(package="lstm_lab")
class ProjectedInputLSTM(keras.layers.LSTM):
    """``keras.layers.LSTM`` with the same weights, options and outputs, computed faster.

    Keras's own loop (outside cuDNN) multiplies each step's input by the kernel inside
    the loop: 80 small products for an 80-word review, and 80 more in the backward pass.
    This layer makes the input projection ``x_t W`` of every step one large product before
    the loop, as cuDNN and PyTorch's CPU kernel do, so the loop holds only ``h_{t-1} U`` and
    the gates, added in Keras's order (``x W + h U + b``). The forward pass gives the same
    numbers; gradients differ by float32 round-off (the sum over steps is taken in another
    order). ``benchmarks/bench_imdb_epoch.py`` measures the speed-up, ``tests/test_imdb_model.py``
    the training.

    On torch the whole loop runs in PyTorch's own LSTM kernel (``torch._VF.lstm``, which
    Keras itself calls on a GPU, and which on a CPU also projects the inputs first) where its
    equations are Keras's: tanh and sigmoid, no mask, read forwards. Its outputs and gradients
    differ from Keras's loop by float32 round-off.

    Where Keras would use cuDNN (a GPU), or with dropout, Keras's own loop runs unchanged.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self.dropout or self.recurrent_dropout or self._cudnn_may_apply():
            return super().inner_loop(sequences, initial_state, mask, training=training)
        from keras.src import backend as keras_backend  # rnn: Keras's loop on every backend

        ops = keras.ops
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if BACKEND == "torch" and self._torch_kernel_applies(mask):
            return self._torch_kernel_loop(sequences, initial_state)
        cell = self.cell
        projected = ops.matmul(sequences, cell.kernel)

        def step(projected_input, states):
            h, c = states
            if BACKEND == "torch" and self.stateful:  # as Keras does: autograd needs copies
                h, c = ops.copy(h), ops.copy(c)
            z = ops.add(projected_input, ops.matmul(h, cell.recurrent_kernel))
            if cell.use_bias:
                z = ops.add(z, cell.bias)
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=1)
            input_gate, forget_gate, output_gate = map(cell.recurrent_activation, (z_i, z_f, z_o))
            c = forget_gate * c + input_gate * cell.activation(z_c)
            h = output_gate * cell.activation(c)
            return h, [h, c]

        return keras_backend.rnn(
            step,
            projected,
            list(initial_state),
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            input_length=sequences.shape[1],
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def _torch_kernel_applies(self, mask):
        """Whether PyTorch's LSTM kernel computes what Keras's loop would: it knows only tanh
        and sigmoid, no mask, and reads the steps forwards."""
        cell = self.cell
        return (
            mask is None
            and not self.go_backwards
            and getattr(cell.activation, "__name__", "") == "tanh"
            and getattr(cell.recurrent_activation, "__name__", "") == "sigmoid"
        )

    def _torch_kernel_loop(self, sequences, initial_state):
        """``(last output, outputs, [h, c])`` as Keras's loop returns them, from
        ``torch._VF.lstm`` with this layer's weights (PyTorch's gate order is Keras's: input,
        forget, cell, output)."""
        import torch

        cell = self.cell
        tensor = keras.ops.convert_to_tensor
        # copies: a stateful layer's states are written in place after the call
        h, c = (torch.clone(tensor(state)).unsqueeze(0) for state in initial_state)
        weights = [tensor(cell.kernel).T.contiguous(), tensor(cell.recurrent_kernel).T.contiguous()]
        if cell.use_bias:
            bias = tensor(cell.bias)
            weights += [bias, torch.zeros_like(bias)]  # Keras has one bias, PyTorch two
        outputs, h, c = torch._VF.lstm(
            tensor(sequences), (h, c), weights, cell.use_bias, 1, 0.0, False, False, True
        )  # one layer, no dropout, not training (dropout only), one direction, batch first
        last = outputs[:, -1]
        return last, outputs if self.return_sequences else last.unsqueeze(1), [h[0], c[0]]

    def _cudnn_may_apply(self):
        """Whether Keras's own inner loop would try cuDNN: then it is left to Keras."""
        return self.use_cudnn in ("auto", True) and has_gpu()
