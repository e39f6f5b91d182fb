"""predict() and evaluate() leave a stateful LSTM's state at zero, where a call moves it."""

import keras
import numpy as np

x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def largest_state_after(use):
    """A new stateful model (state at zero) put to ``use``, then its largest |state|."""
    model = keras.Sequential(
        [keras.Input((5, 3), batch_size=2), keras.layers.LSTM(4, stateful=True)]
    )
    model.compile(optimizer="sgd", loss="mse")
    use(model)
    return max(float(np.abs(keras.ops.convert_to_numpy(s)).max()) for s in model.layers[0].states)


after_call = largest_state_after(lambda model: model(x))  # the run's own control
after_predict = largest_state_after(lambda model: model.predict(x, batch_size=2, verbose=0))
after_evaluate = largest_state_after(
    lambda model: model.evaluate(x, np.zeros((2, 4), "float32"), batch_size=2, verbose=0)
)
if after_call == 0.0:
    raise RuntimeError("a call left the state at zero: the reproduction cannot tell")
if after_predict == 0.0 and after_evaluate == 0.0:
    print(
        "reproduced: after predict and after evaluate on one batch the stateful LSTM's state is "
        f"all zeros (a call on it leaves largest |state| {after_call:.3g})"
    )
    raise SystemExit(0)
print(
    f"not reproduced: largest |state| after predict {after_predict:.3g}, after evaluate "
    f"{after_evaluate:.3g}, after a call {after_call:.3g}"
)
raise SystemExit(1)
