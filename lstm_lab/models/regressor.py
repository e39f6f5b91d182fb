"""Regression on token sequences (seed 000): which output of the LSTM the head reads."""

from lstm_lab.backend import keras

HEADS = ("per-token", "last step", "mean-pooled", "bidirectional")


def sequence_regressor(vocabulary_size, head="last step", embedding_dim=6, hidden=6, activation="relu",
                       learning_rate=1e-3):
    """Embedding -> LSTM -> Dense(1): ``head`` says what the Dense layer sees.

    - "per-token": every step (return_sequences=True): one value per token, (batch, steps, 1);
    - "last step": the last output, which is the final h: (batch, 1);
    - "mean-pooled": the average of the steps' outputs over the unpadded ones;
    - "bidirectional": the final h of a forward and a backward LSTM, concatenated.
    Id 0 is padding and masked. ``activation`` is the head's: "relu" as in seed 000, or
    None (linear), the usual choice for regression.
    """
    inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="embedding")(inputs)
    if head == "per-token":
        x = keras.layers.LSTM(hidden, return_sequences=True, name="lstm")(x)
    elif head == "last step":
        x = keras.layers.LSTM(hidden, name="lstm")(x)
    elif head == "mean-pooled":
        x = keras.layers.LSTM(hidden, return_sequences=True, name="lstm")(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
    elif head == "bidirectional":
        x = keras.layers.Bidirectional(keras.layers.LSTM(hidden), name="lstm")(x)
    else:
        raise ValueError(f"head must be one of {HEADS}, not {head!r}")
    outputs = keras.layers.Dense(1, activation=activation, name="score")(x)
    model = keras.Model(inputs, outputs, name=f"regressor_{head.replace(' ', '_')}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model
