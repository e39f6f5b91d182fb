"""An Embedding fed an index past its table returns NaN without an error."""

import re

import keras
import numpy as np

# How TensorFlow and torch refuse the index: the documented outcome, by type and message.
REFUSALS = {"InvalidArgumentError": r"indices\[0,1\] = 10 is not in \[0, 10\)",
            "IndexError": r"index out of range"}  # fmt: skip

layer = keras.layers.Embedding(10, 3, mask_zero=True)
try:
    vector = keras.ops.convert_to_numpy(layer(np.array([[1, 10]], "int32")))[0, 1]
except Exception as error:  # its type and message decide below: a refusal, or a crash
    kind, message = type(error).__name__, " ".join(str(error).split())
    if kind not in REFUSALS or not re.search(REFUSALS[kind], message):
        raise
    print(f"not reproduced: index 10 of a 10-row table raised {kind} ({REFUSALS[kind]})")
    raise SystemExit(1)
print(f"reproduced: index 10 of a 10-row table read {vector.tolist()}, no error")
raise SystemExit(0)
