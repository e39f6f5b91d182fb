"""Keras's Adam whose update runs in PyTorch's fused Adam kernel on the torch backend."""

from functools import cache

from lstm_lab.backend import BACKEND, keras


def adam(**options):
    """``keras.optimizers.Adam(**options)``; on torch, the same optimizer with the same
    variables and the same update, run by PyTorch's fused Adam kernel
    (:func:`fused_adam_class`)."""
    if BACKEND == "torch":
        return fused_adam_class()(**options)
    return keras.optimizers.Adam(**options)


@cache
def fused_adam_class():
    """The class, defined on first use since its base exists only on Keras's torch backend.

    Keras's torch Adam updates the weights with eight ``torch._foreach_*`` passes and four
    temporaries per weight; for a large embedding table that is most of an IMDb step.
    ``torch._fused_adam_`` makes one pass. Its equations are Keras's but for where epsilon
    goes: Keras divides by ``sqrt(v) + eps`` after scaling the step by ``sqrt(1 - b2^t)``,
    PyTorch by ``sqrt(v) / sqrt(1 - b2^t) + eps``, so PyTorch's epsilon is given as
    ``eps / sqrt(1 - b2^t)``. Updates then differ from Keras's by float32 round-off
    (``tests/test_fused_adam.py``). With ``amsgrad`` Keras's own update runs.
    """
    import torch
    from keras.src.backend.torch.optimizers.torch_adam import Adam as TorchAdam

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class FusedAdam(TorchAdam):
        def _parallel_update_step(self, grads, variables, learning_rate):
            if self.amsgrad:
                return super()._parallel_update_step(grads, variables, learning_rate)
            params = [v.value for v in variables]
            slots = [self._get_variable_index(v) for v in variables]
            step = float(self.iterations) + 1  # Keras counts the step after it is taken
            step_tensor = torch.tensor(step, dtype=torch.float32, device=params[0].device)
            torch._fused_adam_(
                params,
                list(grads),
                [self._momentums[i].value for i in slots],
                [self._velocities[i].value for i in slots],
                [],
                [step_tensor] * len(params),
                amsgrad=False,
                lr=float(learning_rate),
                beta1=self.beta_1,
                beta2=self.beta_2,
                weight_decay=0.0,  # Keras applies its weight decay before this step
                eps=self.epsilon / (1 - self.beta_2**step) ** 0.5,
                maximize=False,
                grad_scale=None,
                found_inf=None,
            )

    return FusedAdam
