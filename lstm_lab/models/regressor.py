"""Regression on token sequences (source C000): which output of the LSTM the head reads."""

import numpy as np

from lstm_lab.backend import BACKEND, keras, to_numpy

HEADS = ("per-token", "last step", "mean-pooled", "bidirectional")


def sequence_regressor(
    vocabulary_size,
    head="last step",
    embedding_dim=6,
    hidden=6,
    activation="relu",
    learning_rate=1e-3,
    fast=False,
):
    """Embedding -> LSTM -> Dense(1): ``head`` says what the Dense layer sees.

    - "per-token": every step (return_sequences=True): one value per token, (batch, steps, 1);
    - "last step": the last output, which is the final h: (batch, 1);
    - "mean-pooled": the average of the steps' outputs over the unpadded ones;
    - "bidirectional": the final h of a forward and a backward LSTM, concatenated.
    Id 0 is padding and masked. ``activation`` is the head's: "relu" as in source C000, or
    None (linear), the usual choice for regression.

    ``fast=True`` on torch makes the LSTM a
    :class:`~lstm_lab.models.projected_lstm.ProjectedInputLSTM`, Keras's LSTM with the same
    weights whose masked loop runs in PyTorch's fused LSTM kernel, since Keras's torch LSTM
    on a CPU loops over the steps in Python.
    """
    from lstm_lab.models.projected_lstm import ProjectedInputLSTM  # defining it imports Keras

    lstm = ProjectedInputLSTM if fast and BACKEND == "torch" else keras.layers.LSTM
    inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="embedding")(
        inputs
    )
    if head == "per-token":
        x = lstm(hidden, return_sequences=True, name="lstm")(x)
    elif head == "last step":
        x = lstm(hidden, name="lstm")(x)
    elif head == "mean-pooled":
        x = lstm(hidden, return_sequences=True, name="lstm")(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
    elif head == "bidirectional":
        x = keras.layers.Bidirectional(lstm(hidden), name="lstm")(x)
    else:
        raise ValueError(f"head must be one of {HEADS}, not {head!r}")
    outputs = keras.layers.Dense(1, activation=activation, name="score")(x)
    model = keras.Model(inputs, outputs, name=f"regressor_{head.replace(' ', '_')}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def train_one_sentence_at_a_time(model, sentences, targets, epochs):
    """Seed 000's loop: ``epochs`` passes over the sentences, one ``train_on_batch`` each, the
    sentence's target broadcast to every token for a per-token model. Returns the model's
    outputs for each sentence before and after, flattened: ``{"before": [...], "after": [...]}``.
    """
    per_token = len(model.output.shape) == 3
    before = [to_numpy(model(ids)).ravel() for ids in sentences]
    for _ in range(epochs):
        for ids, target in zip(sentences, targets):
            shape = (1, ids.shape[1], 1) if per_token else (1, 1)
            model.train_on_batch(ids, np.full(shape, target, dtype=np.float32))
    return {"before": before, "after": [to_numpy(model(ids)).ravel() for ids in sentences]}


def test_mse_on_generated_task(
    head, ids, scores, lengths, train_rows, epochs, seed, vocabulary_size=41
):
    """Train a linear ``head`` regressor (embedding 16, LSTM 16, Adam 0.01) on the first
    ``train_rows`` sentences of :func:`lstm_lab.data.sentences.generated_task` and return its
    MSE on the rest. A per-token model trains on the score at every token and is read at
    the sentence's last real token. ``vocabulary_size`` counts the padding id 0. Built
    ``fast`` (the same model, its LSTM fused on torch)."""
    keras.utils.set_random_seed(seed)
    model = sequence_regressor(
        vocabulary_size,
        head,
        embedding_dim=16,
        hidden=16,
        activation=None,
        learning_rate=0.01,
        fast=True,
    )
    y = np.repeat(scores[:, :, None], ids.shape[1], axis=1) if head == "per-token" else scores
    model.fit(ids[:train_rows], y[:train_rows], batch_size=32, epochs=epochs, verbose=0)
    predicted = to_numpy(model.predict(ids[train_rows:], verbose=0))
    if head == "per-token":
        predicted = predicted[np.arange(len(predicted)), lengths[train_rows:] - 1]
    return float(np.mean((predicted.reshape(-1) - scores[train_rows:, 0]) ** 2))
