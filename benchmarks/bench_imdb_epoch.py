"""Time one epoch of the IMDb sentiment LSTM (25,000 reviews x 80 words, batch 32), side by side.

1. Keras, plain ``model.fit`` (the seed's compile: adam, binary cross-entropy);
2. Keras with XLA (``jit_compile=True``);
3. the lab's way (lstm_lab.models.imdb, fast=True): XLA and 25 batches per compiled call;
4. the same model in PyTorch, eager (Embedding -> nn.LSTM -> Linear, BCE with logits,
   Adam), when torch is installed.

Each Keras variant gets one warm-up epoch on 1,600 reviews first, so the times are steady
epochs without compilation. Random word ids: the speed does not depend on the words.
Target: the lab's epoch at most 1.5 times PyTorch's.

    python benchmarks/bench_imdb_epoch.py [--reviews 25000]
"""

import argparse
import time

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.models.imdb import STEPS_PER_EXECUTION, imdb_sentiment_lstm
from lstm_lab.torch_mapping import torch_or_reason

NUM_WORDS, MAXLEN, BATCH = 10000, 80, 32


def keras_epoch(x, y, **compile_options):
    keras.utils.set_random_seed(0)
    model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN, fast=False)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], **compile_options)
    warm_up = BATCH * STEPS_PER_EXECUTION * 2
    model.fit(x[:warm_up], y[:warm_up], batch_size=BATCH, epochs=1, verbose=0)
    started = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    return time.perf_counter() - started


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
        times["PyTorch eager"] = torch_epoch(torch, x, y)
    else:
        print(f"(no PyTorch row: {missing})")
    times["Keras fit"] = keras_epoch(x, y)
    times["Keras fit, XLA"] = keras_epoch(x, y, jit_compile=True)
    times[f"lab: XLA + {STEPS_PER_EXECUTION} batches per call"] = keras_epoch(
        x, y, jit_compile=True, steps_per_execution=STEPS_PER_EXECUTION
    )
    reference = times.get("PyTorch eager")
    print(f"{'way':40s} {'seconds':>8s} {'x PyTorch':>10s}")
    for name, seconds in times.items():
        ratio = f"{seconds / reference:9.2f}x" if reference else "        –"
        print(f"{name:40s} {seconds:8.1f} {ratio}")


if __name__ == "__main__":
    main()
