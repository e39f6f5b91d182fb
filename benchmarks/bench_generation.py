"""Characters per second for the LSTM(256) character generator, every way side by side.

Rows, all in one process on the same random weights (speed does not depend on them):

- the lab's NumPy step (lstm_lab.models.char_generator.NumpyOneStep): the target is
  >= 20,000 characters/s;
- the stateful batch-1 Keras copy, one character per compiled call (KerasOneStep);
- PyTorch eager: nn.Embedding, nn.LSTM with its (h, c) carried, nn.Linear and a softmax,
  with the Keras weights, under torch.no_grad();
- re-feeding a 50- and a 200-character window (the keras.io example's way).

Each way generates greedily from the same start; the NumPy, Keras and PyTorch ways must
produce the same text (checked here and in tests/test_char_generator.py). After each row the
process's peak resident memory so far is printed (the target: nothing above 4 GiB).

    python benchmarks/bench_generation.py [--characters 2000] [--backend jax]
"""

import argparse
import resource
import sys
import time

import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.models.char_generator import KerasOneStep, NumpyOneStep, char_generator, stateful_copy
from lstm_lab.references.torch_mapping import load_into_torch
from lstm_lab.training.per_backend import one_step_function

VOCABULARY, UNITS, TARGET = 75, 256, 20000


def peak_memory_gib():
    """The process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**30 if sys.platform == "darwin" else 2**20)


def greedy(step, characters, start=1):
    """Characters per second and the ids drawn by always taking the likeliest next one."""
    step(start)  # compile and warm up
    drawn, current = [], start
    started = time.perf_counter()
    for _ in range(characters):
        current = int(np.argmax(step(current)))
        drawn.append(current)
    return characters / (time.perf_counter() - started), drawn


def torch_step(model):
    """A PyTorch eager step with the Keras model's weights, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    embedding_table = model.get_layer("embedding").get_weights()[0]
    dense_kernel, dense_bias = model.get_layer("next_character").get_weights()
    embedding = torch.nn.Embedding.from_pretrained(torch.from_numpy(embedding_table))
    lstm = torch.nn.LSTM(embedding_table.shape[1], UNITS, batch_first=True)
    load_into_torch(lstm, [model.get_layer("lstm")])
    linear = torch.nn.Linear(UNITS, VOCABULARY)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(dense_kernel.T.copy()))
        linear.bias.copy_(torch.from_numpy(dense_bias))
    state = [None]

    def step(character_id):
        with torch.no_grad():
            x = embedding(torch.tensor([[character_id]]))
            out, state[0] = lstm(x, state[0])
            return torch.softmax(linear(out[0, 0]), dim=-1).numpy()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=2000)
    parser.add_argument("--backend", help="the Keras backend (read by lstm_lab.backend)")
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    model = char_generator(VOCABULARY, units=UNITS)
    print(
        f"LSTM({UNITS}), {VOCABULARY} characters, {args.characters} generated greedily per "
        f"row; Keras backend {BACKEND}\n"
    )
    print(f"{'way':44s} {'chars/s':>9s} {'vs NumPy':>9s} {'same text':>10s} {'peak GiB':>9s}")

    numpy_step = NumpyOneStep(model)
    numpy_rate, reference = greedy(numpy_step.step, args.characters)
    rows = [("the lab's NumPy step (NumpyOneStep)", numpy_rate, reference)]
    keras_step = KerasOneStep(stateful_copy(model))
    keras_step.reset()
    rows.append(("stateful Keras copy, one call a step", *greedy(keras_step.step, args.characters)))
    pytorch = torch_step(model)
    if pytorch is not None:
        rows.append(("PyTorch eager nn.LSTM, state carried", *greedy(pytorch, args.characters)))
    for label, rate, drawn in rows:
        same = "yes" if drawn == reference else "NO"
        print(
            f"{label:44s} {rate:9.0f} {rate / numpy_rate:8.3f}x {same:>10s} "
            f"{peak_memory_gib():9.2f}"
        )
    full_pass = one_step_function(model)
    refeed_characters = max(args.characters // 10, 20)  # O(window) a character: fewer
    for window in (50, 200):
        context = np.ones((1, window), dtype=np.int32)

        def refeed(character_id, context=context):
            context[0, :-1] = context[0, 1:]
            context[0, -1] = character_id
            return np.asarray(full_pass(context))[0, -1]

        rate, _ = greedy(refeed, refeed_characters)
        print(
            f"{f're-feed a {window}-character window (Keras)':44s} {rate:9.0f} "
            f"{rate / numpy_rate:8.3f}x {'–':>10s} {peak_memory_gib():9.2f}"
        )
    verdict = "met" if numpy_rate >= TARGET else "NOT met"
    print(
        f"\ntarget >= {TARGET:,} characters/s with the NumPy step: {verdict} ({numpy_rate:,.0f}); "
        f"{numpy_rate / rows[1][1]:.1f}x the Keras step"
        + (f", {numpy_rate / rows[2][1]:.1f}x PyTorch eager" if len(rows) > 2 else "")
    )


if __name__ == "__main__":
    main()
