"""Time one epoch of the IMDb sentiment LSTM (25,000 reviews x 80 words, batch 32) on every
Keras backend and in PyTorch, side by side in one run.

Rows:

1. PyTorch eager (Embedding -> nn.LSTM -> Linear, BCE with logits, Adam): the reference;
2. on each Keras backend (each in a fresh process, since Keras fixes its backend at import):
   plain ``model.fit`` with the source's compile (adam, binary cross-entropy), and the lab's
   way (``lstm_lab.models.imdb``): on TensorFlow and JAX ``fast=True``, the LSTM's input
   projection taken out of its loop (``ProjectedInputLSTM``), XLA and 25 batches per
   compiled call (on TensorFlow also XLA alone); on torch, where Keras allows neither of the
   last two, the same layer, whose loop there runs in PyTorch's fused LSTM kernel, and
   Keras's Adam with its update in PyTorch's fused Adam kernel.

Each way trains two epochs and both are timed: the first includes compiling, the second is
the steady cost of every further epoch, which is compared with PyTorch's second epoch. Every
way starts from the same weights (seed 0) and the largest difference of its weights after
the two epochs from plain fit's is printed beside it. Random word ids: the speed does not
depend on the words. Targets: the lab's steady epoch at most 1.0x PyTorch eager on at least
one backend, and at most 1.5x on torch. The peak resident memory of each process is printed
too (target: below 4 GiB).

    python benchmarks/bench_imdb_epoch.py [--reviews 25000] [--backends tensorflow jax torch]
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

NUM_WORDS, MAXLEN, BATCH = 10000, 80, 32
BACKENDS = ("tensorflow", "jax", "torch")
TORCH_TARGET = 1.5


def data(reviews):
    rng = np.random.default_rng(0)
    x = rng.integers(1, NUM_WORDS, size=(reviews, MAXLEN)).astype(np.int32)
    y = rng.integers(0, 2, size=reviews).astype(np.float32)
    return x, y


def peak_memory_gib():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**30 if sys.platform == "darwin" else 2**20)


def keras_rows(reviews):
    """In a child process: ``{way: [first epoch s, second epoch s]}`` on this backend."""
    from lstm_lab.backend import BACKEND, keras
    from lstm_lab.models.imdb import STEPS_PER_EXECUTION, imdb_sentiment_lstm

    x, y = data(reviews)

    class EpochTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.started)

    def epochs(model):
        times = EpochTimes()
        model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[times])
        return times.seconds, model.get_weights()

    def plain(**compile_options):
        keras.utils.set_random_seed(0)
        model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN, fast=False)
        model.compile(
            optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], **compile_options
        )
        return model

    trained = {"Keras fit": epochs(plain())}
    if BACKEND == "tensorflow":
        trained["Keras fit, XLA"] = epochs(plain(jit_compile=True))
    keras.utils.set_random_seed(0)
    lab = (
        "lab: PyTorch's fused LSTM and Adam kernels"
        if BACKEND == "torch"
        else f"lab: projected input, XLA, {STEPS_PER_EXECUTION} batches a call"
    )
    trained[lab] = epochs(imdb_sentiment_lstm(NUM_WORDS, MAXLEN, fast=True))
    fitted = trained["Keras fit"][1]
    return {
        way: (seconds, max(float(np.max(np.abs(a - b))) for a, b in zip(weights, fitted)))
        for way, (seconds, weights) in trained.items()
    }


def torch_epochs(reviews):
    """PyTorch eager: seconds of two epochs, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    x, y = data(reviews)
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
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        for start in range(0, len(words), BATCH):
            optimizer.zero_grad()
            loss = loss_function(model(words[start : start + BATCH]), labels[start : start + BATCH])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - started)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=25000)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)  # the child's, for lstm_lab.backend
    args = parser.parse_args()
    if args.child:
        rows = keras_rows(args.reviews)
        print(json.dumps({"rows": rows, "peak_gib": peak_memory_gib()}))
        return

    print(f"one epoch: {args.reviews} reviews x {MAXLEN} words, batch {BATCH}\n")
    table = []  # (backend, way, [first, second], difference from fit, peak GiB)
    reference = torch_epochs(args.reviews)
    if reference is not None:
        table.append(("PyTorch", "eager", reference, None, peak_memory_gib()))
    for backend in args.backends:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                backend,
                "--backend",
                backend,
                "--reviews",
                str(args.reviews),
            ],
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            print(f"({backend}: failed: {child.stderr.strip().splitlines()[-1]})")
            continue
        result = json.loads(child.stdout.strip().splitlines()[-1])
        table += [
            (backend, way, seconds, difference, result["peak_gib"])
            for way, (seconds, difference) in result["rows"].items()
        ]

    print(
        f"{'backend':11s} {'way':44s} {'1st epoch s':>12s} {'2nd epoch s':>12s} "
        f"{'2nd x PyTorch':>14s} {'max |w - w_fit|':>16s} {'peak GiB':>9s}"
    )
    for backend, way, (first, second), difference, peak in table:
        ratio = f"{second / reference[1]:13.2f}x" if reference else "             –"
        gap = "–" if difference is None else f"{difference:.2g}"
        print(
            f"{backend:11s} {way:44s} {first:12.1f} {second:12.1f} {ratio} {gap:>16s} {peak:9.2f}"
        )
    if reference:
        labs = {
            backend: second / reference[1]
            for backend, way, (_, second), _, _ in table
            if way.startswith("lab")
        }
        best = min(labs, key=labs.get)
        verdict = "met" if labs[best] <= 1.0 else "NOT met"
        print(
            f"\ntarget: the lab's steady epoch <= 1.0x PyTorch eager on one backend: {verdict} "
            f"(best {labs[best]:.2f}x, on {best})"
        )
        if "torch" in labs:
            verdict = "met" if labs["torch"] <= TORCH_TARGET else "NOT met"
            print(
                f"target: the lab's steady torch epoch <= {TORCH_TARGET}x PyTorch eager: "
                f"{verdict} ({labs['torch']:.2f}x)"
            )


if __name__ == "__main__":
    main()
