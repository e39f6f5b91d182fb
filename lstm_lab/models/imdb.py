"""The IMDb sentiment LSTM of seed 002 (claims C002-01, C002-02)."""

from lstm_lab.backend import BACKEND, keras

# Batches run per compiled call when ``fast=True``: fewer Python round trips, same steps.
STEPS_PER_EXECUTION = 25


def imdb_sentiment_lstm(num_words=10000, maxlen=80, embedding_dim=128, lstm_units=32, fast=True):
    """Embedding(num_words, embedding_dim) -> LSTM(lstm_units) -> Dense(1, sigmoid), Adam,
    binary cross-entropy, as in seed 002 (1,300,641 parameters with the defaults).

    ``fast=True`` compiles with XLA and runs 25 batches per compiled call: the same model
    and the same optimizer steps, about twice as fast on a CPU (benchmarks/bench_imdb_epoch.py);
    the weights then differ from plain ``fit`` by float32 round-off only (tests/test_imdb.py).
    On torch, Keras allows only ``steps_per_execution=1`` and its ``jit_compile`` means
    ``torch.compile``, so ``fast`` changes nothing there.
    """
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="words")
    x = keras.layers.Embedding(num_words, embedding_dim, name="embedding")(inputs)
    x = keras.layers.LSTM(lstm_units, name="lstm")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    model = keras.Model(inputs, outputs, name="imdb_sentiment_lstm")
    speed = {"jit_compile": True, "steps_per_execution": STEPS_PER_EXECUTION}
    if not fast or BACKEND == "torch":
        speed = {}
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], **speed)
    return model
