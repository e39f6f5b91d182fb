"""Time one epoch of the IMDb sentiment LSTM (25,000 reviews x 80 words, batch 32), side by side.

1. Keras, plain ``model.fit`` (the seed's compile: adam, binary cross-entropy);
2. Keras with XLA (``jit_compile=True``);
3. the lab's way (lstm_lab.models.imdb, fast=True): XLA and 25 batches per compiled call;
4. the same model in PyTorch, eager (Embedding -> nn.LSTM -> Linear, BCE with logits,
   Adam), when torch is installed.

Each Keras variant trains two epochs and both are timed: the first includes compiling
(with XLA, the last, smaller batch of 25,000 = 781 x 32 + 8 is compiled separately), the
second is the steady cost of every further epoch. PyTorch runs eagerly: no compiling.
Random word ids: the speed does not depend on the words. Target: the lab's steady epoch
at most 1.5 times PyTorch's.

    python benchmarks/bench_imdb_epoch.py [--reviews 25000]
"""

import argparse
import time

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.models.imdb import STEPS_PER_EXECUTION, imdb_sentiment_lstm
from lstm_lab.references.torch_mapping import torch_or_reason

NUM_WORDS, MAXLEN, BATCH = 10000, 80, 32


class EpochTimes(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)

    def on_train_begin(self, logs=None):
        self.seconds = []


def keras_epochs(x, y, **compile_options):
    """Seconds of the first and the second epoch."""
    keras.utils.set_random_seed(0)
    model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN, fast=False)
    model.compile(
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], **compile_options
    )
    times = EpochTimes()
    model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[times])
    return times.seconds


def torch_epoch(torch, x, y):
    torch.manual_seed(0)

    class SentimentLSTM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(NUM_WORDS, 128)
            self.lstm = torch.nn.LSTM(128, 32, batch_first=True)
            self.output = torch.nn.Linear(32, 1)

        def forward(self, words):
            _, (h, _) = self.lstm(self.embedding(words))
            return self.output(h[-1]).squeeze(-1)

    model = SentimentLSTM()
    optimizer = torch.optim.Adam(model.parameters())
    loss_function = torch.nn.BCEWithLogitsLoss()
    words, labels = torch.from_numpy(x).long(), torch.from_numpy(y)
    started = time.perf_counter()
    for start in range(0, len(words), BATCH):
        optimizer.zero_grad()
        loss = loss_function(model(words[start : start + BATCH]), labels[start : start + BATCH])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=25000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.integers(1, NUM_WORDS, size=(args.reviews, MAXLEN)).astype(np.int32)
    y = rng.integers(0, 2, size=args.reviews).astype(np.float32)
    print(f"one epoch: {args.reviews} reviews x {MAXLEN} words, batch {BATCH}\n")

    times = {}
    torch, missing = torch_or_reason()
    if torch is not None:
        times["PyTorch eager"] = [torch_epoch(torch, x, y), torch_epoch(torch, x, y)]
    else:
        print(f"(no PyTorch row: {missing})")
    times["Keras fit"] = keras_epochs(x, y)
    times["Keras fit, XLA"] = keras_epochs(x, y, jit_compile=True)
    times[f"lab: XLA + {STEPS_PER_EXECUTION} batches per call"] = keras_epochs(
        x, y, jit_compile=True, steps_per_execution=STEPS_PER_EXECUTION
    )
    reference = times["PyTorch eager"][1] if torch is not None else None
    print(f"{'way':40s} {'1st epoch s':>12s} {'2nd epoch s':>12s} {'2nd x PyTorch':>14s}")
    for name, (first, second) in times.items():
        ratio = f"{second / reference:13.2f}x" if reference else "             –"
        print(f"{name:40s} {first:12.1f} {second:12.1f} {ratio}")


if __name__ == "__main__":
    main()
