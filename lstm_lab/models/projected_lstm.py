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
    equations are Keras's (tanh and sigmoid), reversed or behind a mask too. Its outputs and
    gradients differ from Keras's loop by float32 round-off.

    Where Keras would use cuDNN (a GPU), or with dropout, Keras's own loop runs unchanged.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self.dropout or self.recurrent_dropout or self._cudnn_may_apply():
            return super().inner_loop(sequences, initial_state, mask, training=training)
        from keras.src import backend as keras_backend  # rnn: Keras's loop on every backend

        ops = keras.ops
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if BACKEND == "torch" and self._torch_kernel_applies():
            return self._torch_kernel_loop(sequences, initial_state, mask)
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

    def _torch_kernel_applies(self):
        """Whether PyTorch's LSTM kernel computes what Keras's loop would: it knows only tanh
        and sigmoid."""
        cell = self.cell
        return (
            getattr(cell.activation, "__name__", "") == "tanh"
            and getattr(cell.recurrent_activation, "__name__", "") == "sigmoid"
        )

    def _torch_kernel_loop(self, sequences, initial_state, mask=None):
        """``(last output, outputs, [h, c])`` as Keras's loop returns them, from
        ``torch._VF.lstm`` with this layer's weights (PyTorch's gate order is Keras's: input,
        forget, cell, output).

        Keras's loop reads a reversed layer's steps last to first and returns its outputs in
        that order, so those steps are flipped first. Behind a mask, Keras skips a masked step:
        the states stay, the output repeats the last unmasked one (zeros before the first, or
        at every masked step with ``zero_output_for_mask``). The same, fused: each row's
        unmasked steps, in order, go through PyTorch's kernel as a packed sequence of their
        length, whose outputs are then spread back over the masked steps."""
        import torch

        cell = self.cell
        tensor = keras.ops.convert_to_tensor
        x = tensor(sequences)
        # copies: a stateful layer's states are written in place after the call
        h0, c0 = (torch.clone(tensor(state)).unsqueeze(0) for state in initial_state)
        weights = [tensor(cell.kernel).T.contiguous(), tensor(cell.recurrent_kernel).T.contiguous()]
        if cell.use_bias:
            bias = tensor(cell.bias)
            weights += [bias, torch.zeros_like(bias)]  # Keras has one bias, PyTorch two
        if self.go_backwards:
            x = torch.flip(x, [1])
            mask = None if mask is None else torch.flip(tensor(mask), [1])
        if mask is None:
            outputs, h, c = torch._VF.lstm(
                x, (h0, c0), weights, cell.use_bias, 1, 0.0, False, False, True
            )  # one layer, no dropout, not training (dropout only), one direction, batch first
        else:
            outputs, h, c = self._packed_lstm(x, tensor(mask).bool(), h0, c0, weights)
        last = outputs[:, -1]
        return last, outputs if self.return_sequences else last.unsqueeze(1), [h[0], c[0]]

    def _packed_lstm(self, x, mask, h0, c0, weights):
        """The kernel over each row's unmasked steps of ``x`` (batch first), with Keras's
        outputs at the masked ones and the states after each row's last unmasked step."""
        import torch
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

        lengths = mask.sum(1)
        # a stable sort of each row's steps, unmasked first, keeps their order
        order = torch.argsort((~mask).to(torch.int8), dim=1, stable=True)
        kept = torch.gather(x, 1, order.unsqueeze(-1).expand_as(x))
        packed = pack_padded_sequence(  # a row with no step is run on one and then ignored
            kept, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False
        )
        hidden = tuple(s.index_select(1, packed.sorted_indices) for s in (h0, c0))
        data, h, c = torch._VF.lstm(
            packed.data,
            packed.batch_sizes,
            hidden,
            weights,
            self.cell.use_bias,
            1,
            0.0,
            False,
            False,
        )  # one layer, no dropout, not training (dropout only), one direction
        h, c = (s.index_select(1, packed.unsorted_indices) for s in (h, c))
        empty = (lengths == 0).view(1, -1, 1)
        h, c = torch.where(empty, h0, h), torch.where(empty, c0, c)
        steps = x.shape[1]
        unmasked, _ = pad_packed_sequence(
            packed._replace(data=data), batch_first=True, total_length=steps
        )
        # each step's output is that of the last unmasked step up to it (-1: none yet)
        latest = torch.cumsum(mask.to(torch.int64), dim=1) - 1
        outputs = torch.gather(
            unmasked, 1, latest.clamp(min=0).unsqueeze(-1).expand(-1, -1, unmasked.shape[-1])
        )
        shown = mask if self.zero_output_for_mask else latest >= 0
        return torch.where(shown.unsqueeze(-1), outputs, torch.zeros_like(outputs)), h, c

    def _cudnn_may_apply(self):
        """Whether Keras's own inner loop would try cuDNN: then it is left to Keras."""
        return self.use_cudnn in ("auto", True) and has_gpu()
