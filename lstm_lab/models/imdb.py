"""The IMDb sentiment LSTM of source C002."""

from lstm_lab.backend import BACKEND, keras
from lstm_lab.training.fused_adam import adam

# Batches run per compiled call when ``fast=True``: fewer Python round trips, same steps.
STEPS_PER_EXECUTION = 25


def imdb_sentiment_lstm(
    num_words=10000,
    maxlen=80,
    embedding_dim=128,
    lstm_units=32,
    fast=True,
    recurrent=None,
):
    """Embedding(num_words, embedding_dim) -> LSTM(lstm_units) -> Dense(1, sigmoid), Adam,
    binary cross-entropy, as in source C002 (1,300,641 parameters with the defaults).
    ``recurrent``: another Keras recurrent layer class in the LSTM's place (the control is
    a GRU), built as Keras builds it.

    ``fast=True`` trains the same model with the same optimizer steps faster on a CPU
    (benchmarks/bench_imdb_epoch.py): the LSTM projects all 80 inputs in one product before
    its loop (:class:`~lstm_lab.models.projected_lstm.ProjectedInputLSTM`), and training is
    compiled with XLA, 25 batches per compiled call. The weights then differ from plain
    ``fit`` by float32 round-off only (tests/test_imdb_model.py). On torch, where Keras
    has neither XLA nor more than one batch per call, ``fast`` runs the LSTM's loop in
    PyTorch's own fused LSTM kernel (the same layer) and Adam's update in PyTorch's fused Adam
    kernel (:func:`lstm_lab.training.fused_adam.adam`), with no compiling to wait for.
    """
    from lstm_lab.models.projected_lstm import ProjectedInputLSTM  # defining it imports Keras

    fast = fast and recurrent is None
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="words")
    x = keras.layers.Embedding(num_words, embedding_dim, name="embedding")(inputs)
    lstm = recurrent or (ProjectedInputLSTM if fast else keras.layers.LSTM)
    x = lstm(lstm_units, name="lstm")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    model = keras.Model(inputs, outputs, name="imdb_sentiment_lstm")
    compiled = fast and BACKEND != "torch"
    speed = {"jit_compile": True, "steps_per_execution": STEPS_PER_EXECUTION} if compiled else {}
    optimizer = adam() if fast else "adam"
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"], **speed)
    return model


# How imdb_sentiment_lstm(fast=True) trains, for the report of the experiment that uses it.
FAST_PATH_NOTE = (
    "Training takes the same steps as plain fit, faster (lstm_lab.models.imdb): the LSTM is a "
    "ProjectedInputLSTM, Keras's LSTM with the same weights that multiplies all 80 inputs by its "
    "kernel in one product before its loop, and training is compiled with XLA, 25 batches per "
    "call (on TensorFlow and JAX); on torch its loop runs in PyTorch's fused LSTM kernel. "
    "benchmarks/bench_imdb_epoch.py times it against plain fit and PyTorch."
)
FUSED_ADAM_NOTE = (
    "On torch Adam's update runs in PyTorch's fused Adam kernel (lstm_lab.training.fused_adam): "
    "Keras's Adam, the same steps to float32 round-off."
)


def how_the_model_trains(backend):
    """The report notes on how :func:`imdb_sentiment_lstm` trains on ``backend``."""
    return [FAST_PATH_NOTE] + ([FUSED_ADAM_NOTE] if backend == "torch" else [])
