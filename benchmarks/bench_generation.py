"""Characters per second: stateful one-step generation against re-feeding the whole window.

The keras.io character-generation example produces each new character by running the
model over the last ``window`` characters again: O(window) work per character. A
stateful batch-1 copy of the same weights (lstm_lab.models.char_generator) keeps the
LSTM state and feeds only the newest character: O(1). Both ways are timed side by side
at two window lengths, each as a compiled TensorFlow function (the weights are random:
speed does not depend on them).

    python benchmarks/bench_generation.py [--characters 300] [--units 256]
"""

import argparse
import time

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.compiled import one_step_function
from lstm_lab.models.char_generator import char_generator, stateful_copy
from lstm_lab.training import reset_rnn_states

VOCABULARY = 70


def rate(generate, characters):
    generate(5)  # compile and warm up
    started = time.perf_counter()
    generate(characters)
    return characters / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=300)
    parser.add_argument("--units", type=int, default=256)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    model = char_generator(VOCABULARY, units=args.units)
    generator = stateful_copy(model)
    one_step = one_step_function(generator)

    def stateful(characters):
        reset_rnn_states(generator)
        current = np.array([[1]], dtype=np.int32)
        for _ in range(characters):
            current = np.argmax(one_step(current), axis=-1).astype(np.int32)

    print(
        f"LSTM({args.units}), {VOCABULARY} characters, "
        f"{args.characters} generated per measurement\n"
    )
    one_step_rate = rate(stateful, args.characters)
    print(f"{'way':34s} {'chars/s':>9s} {'vs one-step':>12s}")
    print(f"{'stateful, one character per step':34s} {one_step_rate:9.1f} {'1.0x':>12s}")
    for window in (50, 200):
        full_pass = one_step_function(model)

        def refeed(characters, window=window, full_pass=full_pass):
            context = np.ones((1, window), dtype=np.int32)
            for _ in range(characters):
                next_id = np.argmax(full_pass(context)[0, -1])
                context = np.concatenate([context[:, 1:], [[next_id]]], axis=1).astype(np.int32)

        refeed_rate = rate(refeed, args.characters)
        print(
            f"{f're-feed a {window}-character window':34s} {refeed_rate:9.1f} "
            f"{refeed_rate / one_step_rate:11.2f}x"
        )


if __name__ == "__main__":
    main()
