"""A ``TimeDistributed`` wrapper whose backward pass costs O(steps) on TensorFlow, not O(steps²)."""

from lstm_lab.backend import keras


@keras.saving.register_keras_serializable(package="lstm_lab")
class UnstackedTimeDistributed(keras.layers.TimeDistributed):
    """``keras.layers.TimeDistributed`` with the same per-step calls and the same numbers, bit
    for bit (forward and gradients, ``tests/test_unstacked_time_distributed.py``).

    With a known number of steps, Keras's wrapper takes step ``i`` as ``inputs[i]``, one
    slice at a time. On TensorFlow the gradient of each slice is a zero tensor of the whole
    sequence's size holding that step, and one of them per step is summed, so the backward
    pass grows with the square of the number of steps. Here the sequence is split once
    (``unstack``), whose gradient is one ``stack``; the wrapped layer is called on the same
    slices in the same order. Adding those zeros was exact, so nothing changes but the time.

    Without a known number of steps, or with a mask, Keras's own ``call`` runs unchanged.
    """

    def call(self, inputs, training=None, mask=None):
        if mask is not None or inputs.shape[1] is None:
            return super().call(inputs, training=training, mask=mask)
        kwargs = {"training": training} if self.layer._call_has_training_arg else {}
        steps = keras.ops.unstack(inputs, axis=1)
        return keras.ops.stack([self.layer.call(step, **kwargs) for step in steps], axis=1)
