"""use_cudnn=True runs on a machine without a GPU instead of raising, as the API docs say it
should where cuDNN cannot be used."""

import keras
import numpy as np

x = np.zeros((2, 5, 3), "float32")
ran = []
for layer in (keras.layers.LSTM, keras.layers.GRU):
    try:
        keras.ops.convert_to_numpy(layer(4, use_cudnn=True)(x))
        ran.append(layer.__name__)
    except ValueError as error:  # the documented behaviour: cuDNN is not available here
        message = " ".join(str(error).split())
        if "use_cudnn=True was specified, but cuDNN is not supported" not in message:
            raise  # another error than the documented one: a crash, not an outcome
if ran:
    print(f"reproduced: {' and '.join(ran)} with use_cudnn=True ran without cuDNN")
    raise SystemExit(0)
print("not reproduced: LSTM and GRU with use_cudnn=True raise without cuDNN")
raise SystemExit(1)
