"""Time the stateful alphabet tutorial's training three ways, side by side in one process.

1. the tutorial's loop: 300 x (model.fit one epoch, shuffle=False; reset the states),
   on the model as the tutorial writes it (LSTM without unroll);
2. one model.fit(epochs=300) call with a callback that resets the states after each epoch;
3. the lab's fast path: lstm_lab.training.loops.compiled_fit, the same train_step on the same
   batches in the same order as one compiled loop, on the builder's model (unroll=True),
   without and with XLA.

All start from the same seed, so the final weights must agree: the script prints the
largest difference from the tutorial loop's weights next to each time, and the peak
resident memory of the process after each way (a running maximum: one process). Target:
the fast path (graph, identical weights) at least 40 times faster than the tutorial's
loop on TensorFlow.

On JAX the fast path is one jax.jit-compiled scan over the epochs of a scan over the batches
of Keras's own train step (XLA is always on there). On torch Keras's fit cannot train a
stateful layer (it raises), so the tutorial's loop has no time: the lab's own loop of a
compiled step is timed with torch's default threads and with one, and with its step run op
by op and traced but not compiled (lstm_lab.training.torch_step.MODES), beside plain PyTorch on
the same model from the same starting weights (nn.LSTMCell and nn.Linear, Adam with Keras's
epsilon, the state carried and detached at each batch) and, in a TensorFlow process started
by this one, TensorFlow's compiled_fit. The lab's time is its first run in this process,
compiling included. Inductor keeps the compiled kernels on disk, so a machine compiles them
once (per torch build and model): where this process had to (its cache missed), the lab's
loop runs again in a new process, which finds them. Target on torch: the lab's loop within
2x of TensorFlow's, as every run after a machine's first takes it; the first is printed too.

    python benchmarks/bench_stateful_alphabet.py [--epochs 300] [--seed 7] [--backend jax]
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from unittest import mock

import numpy as np

from lstm_lab import BACKENDS
from lstm_lab.backend import BACKEND, keras
from lstm_lab.data.alphabet import tutorial_sequence
from lstm_lab.errors import error_summary
from lstm_lab.models.alphabet import stateful_alphabet_lstm
from lstm_lab.training.callbacks import ResetStatesAfterEpoch
from lstm_lab.training.loops import compiled_fit, fit_tutorial_way


def jax_compile_timer():
    """On JAX, a dict whose "seconds" sums JAX's own tracing and compilation events."""
    spent = {"seconds": 0.0}
    if BACKEND == "jax":
        import jax

        def listen(event, seconds, **_):
            if event.startswith("/jax/core/compile/"):
                spent["seconds"] += seconds

        jax.monitoring.register_event_duration_secs_listener(listen)
    return spent


TARGET_SPEED_UP = 40
TORCH_TARGET_RATIO = 2  # the lab's torch loop against TensorFlow's compiled_fit


def peak_memory_gib():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**30 if sys.platform == "darwin" else 2**20)


def timed(train, seed, unroll):
    keras.utils.set_random_seed(seed)
    model = stateful_alphabet_lstm(units=50, batch_size=1, unroll=unroll)
    started = time.perf_counter()
    train(model)
    return time.perf_counter() - started, model.get_weights()


def on_torch_threads(threads, train):
    """``train()`` with torch's intra-op threads set to ``threads``, then set back."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return train()
    finally:
        torch.set_num_threads(before)


OP_BY_OP = "the lab's loop, its step op by op"
TRACED = "the lab's loop, its step traced"
# The compiled step's weights against the op-by-op step's after every step of the training:
# Inductor fuses the arithmetic, so float32 round-off comes in another order at each step.
TORCH_WEIGHT_TOLERANCE = 1e-3


def in_step_mode(mode, train):
    """``train()`` with the lab's torch step run in ``mode`` (one of
    ``lstm_lab.training.torch_step.MODES``), however long the training."""
    from lstm_lab.training import per_backend

    with mock.patch.object(per_backend, "torch_step_mode", lambda steps: mode):
        return train()


def plain_pytorch(model, x, y, epochs):
    """Train ``model``'s architecture in plain PyTorch from its current weights, as the lab's
    loop does (batch 1 in order, the state detached at each batch and zeroed after each
    epoch); returns the weights in Keras's layout. Keras's LSTM kernel columns are the gates
    i, f, c, o, nn.LSTMCell's rows i, f, g, o: the same order, transposed."""
    import torch

    kernel, recurrent_kernel, bias, dense_kernel, dense_bias = model.get_weights()
    units = recurrent_kernel.shape[0]
    cell = torch.nn.LSTMCell(kernel.shape[0], units)
    head = torch.nn.Linear(units, dense_kernel.shape[1])
    with torch.no_grad():
        cell.weight_ih.copy_(torch.as_tensor(kernel.T))
        cell.weight_hh.copy_(torch.as_tensor(recurrent_kernel.T))
        cell.bias_ih.copy_(torch.as_tensor(bias))
        cell.bias_hh.zero_()
        head.weight.copy_(torch.as_tensor(dense_kernel.T))
        head.bias.copy_(torch.as_tensor(dense_bias))
    cell.bias_hh.requires_grad_(False)  # Keras has one bias: a second trained one is another model
    parameters = [cell.weight_ih, cell.weight_hh, cell.bias_ih, head.weight, head.bias]
    optimizer = torch.optim.Adam(parameters, lr=1e-3, eps=1e-7)  # Keras's Adam defaults
    inputs = torch.as_tensor(x).reshape(len(x), 1, -1)
    targets = torch.as_tensor(y).argmax(-1).reshape(len(y), 1)
    for _ in range(epochs):
        state = (torch.zeros(1, units), torch.zeros(1, units))
        for step_input, target in zip(inputs, targets):
            optimizer.zero_grad()
            state = cell(step_input, (state[0].detach(), state[1].detach()))
            torch.nn.functional.cross_entropy(head(state[0]), target).backward()
            optimizer.step()
    with torch.no_grad():
        return [
            cell.weight_ih.T.numpy().copy(),
            cell.weight_hh.T.numpy().copy(),
            (cell.bias_ih + cell.bias_hh).numpy().copy(),
            head.weight.T.numpy().copy(),
            head.bias.numpy().copy(),
        ]


def compiled_in_new_process(backend, epochs, seed):
    """``{"seconds": ..., "cache_misses": ...}``: compiled_fit on ``backend`` for the same
    training, in a process of its own (Keras fixes its backend at import), and how many of
    Inductor's compiles there its on-disk cache did not answer (torch; 0 elsewhere)."""
    command = [sys.executable, __file__, "--backend", backend, "--epochs", str(epochs)]
    command += ["--seed", str(seed), "--compiled-only"]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode:
        raise RuntimeError(f"the {backend} process failed: {finished.stderr.strip()[-300:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def inductor_cache():
    """``{"hits": ..., "misses": ...}`` of Inductor's on-disk cache in this process so far."""
    if BACKEND != "torch":
        return {"hits": 0, "misses": 0}
    from torch._dynamo.utils import counters

    cache = counters["inductor"]
    return {"hits": cache["fxgraph_cache_hit"], "misses": cache["fxgraph_cache_miss"]}


COMPILED_FIT_NAME = {
    "tensorflow": "compiled_fit (graph)",
    "jax": "compiled_fit (jax.jit)",
    "torch": "compiled_fit (the lab's loop)",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=BACKENDS, help="read by lstm_lab.backend")
    parser.add_argument(
        "--compiled-only",
        action="store_true",
        help="time compiled_fit alone and print its seconds as JSON (the torch run's reference)",
    )
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error(f"--epochs must be at least 2, not {args.epochs}")
    x, y = tutorial_sequence()
    epochs = args.epochs
    if args.compiled_only:
        seconds, _ = timed(lambda m: compiled_fit(m, x, y, epochs, batch_size=1), args.seed, True)
        print(json.dumps({"seconds": seconds, "cache_misses": inductor_cache()["misses"]}))
        return

    ways = [
        (
            "tutorial loop: fit x epochs + reset",
            False,
            lambda m: fit_tutorial_way(m, x, y, epochs=epochs, batch_size=1),
        ),
        (
            "one fit call + reset callback",
            False,
            lambda m: m.fit(
                x,
                y,
                epochs=epochs,
                batch_size=1,
                shuffle=False,
                verbose=0,
                callbacks=[ResetStatesAfterEpoch()],
            ),
        ),
        (
            COMPILED_FIT_NAME[BACKEND],
            True,
            lambda m: compiled_fit(m, x, y, epochs, batch_size=1),
        ),
    ]
    if BACKEND == "torch":  # one step's ops are small: a second thread may cost more than it gives
        ways.append(
            (
                "compiled_fit, one torch thread",
                True,
                lambda m: on_torch_threads(1, lambda: compiled_fit(m, x, y, epochs, batch_size=1)),
            )
        )
        for name, mode in [(OP_BY_OP, "op by op"), (TRACED, "traced")]:
            ways.append(
                (
                    name,
                    True,
                    lambda m, mode=mode: in_step_mode(
                        mode, lambda: compiled_fit(m, x, y, epochs, 1)
                    ),
                )
            )
    if BACKEND == "tensorflow":
        ways.append(
            (
                "compiled_fit (XLA)",
                True,
                lambda m: compiled_fit(m, x, y, epochs, batch_size=1, jit_compile=True),
            )
        )
    print(f"Keras {keras.__version__} on {BACKEND}")
    print(f"{epochs} epochs x 25 batch-1 steps = {epochs * 25} optimizer steps each\n")
    print(
        f"{'way':38s} {'seconds':>8s} {'speed-up':>9s} {'max |w - w_tutorial|':>21s} "
        f"{'peak GiB':>9s}"
    )
    baseline_seconds, baseline_weights, speed_ups, firsts = None, None, {}, {}
    compiling = jax_compile_timer()
    for name, unroll, train in ways:
        compiling["seconds"] = 0.0
        try:
            seconds, weights = timed(train, args.seed, unroll)
        except RuntimeError as error:  # torch: Keras's fit of a stateful layer
            print(f"{name:38s} fails: {error_summary(error)[:70]}", flush=True)
            continue
        firsts[name] = (seconds, weights)
        if baseline_seconds is None and name.startswith("tutorial"):
            baseline_seconds, baseline_weights = seconds, weights
        if baseline_seconds is None:
            print(
                f"{name:38s} {seconds:8.2f} {'–':>9s} {'–':>21s} {peak_memory_gib():9.2f}",
                flush=True,
            )
            continue
        difference = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, baseline_weights))
        speed_ups[name] = (baseline_seconds / seconds, difference)
        print(
            f"{name:38s} {seconds:8.2f} {baseline_seconds / seconds:8.1f}x {difference:21.3g} "
            f"{peak_memory_gib():9.2f}",
            flush=True,
        )
    fast = speed_ups.get(COMPILED_FIT_NAME[BACKEND])
    if BACKEND == "tensorflow" and fast:
        # What compiled_fit costs whatever the number of epochs: tracing the train step and
        # building the graph, measured as a one-epoch run.
        fixed, _ = timed(lambda m: compiled_fit(m, x, y, 1, batch_size=1), args.seed, True)
        per_step = (baseline_seconds / fast[0] - fixed) / (epochs - 1) / 25
        print(
            f"\ncompiled_fit (graph) for 1 epoch: {fixed:.2f} s, the fixed cost of tracing "
            f"and building the graph; each further step costs {per_step * 1e6:.0f} µs. "
            f"{TARGET_SPEED_UP}x leaves {baseline_seconds / TARGET_SPEED_UP:.2f} s in all, "
            f"{baseline_seconds / TARGET_SPEED_UP / epochs / 25 * 1e6:.0f} µs a step"
        )
        speed_up, difference = fast
        verdict = "met" if speed_up >= TARGET_SPEED_UP and difference == 0 else "NOT met"
        print(
            f"\ntarget: compiled_fit >= {TARGET_SPEED_UP}x the tutorial loop with identical "
            f"weights on TensorFlow: {verdict} ({speed_up:.1f}x, weights differ by "
            f"{difference:.3g})"
        )
    if BACKEND == "torch":
        compare_torch_with_pytorch_and_tensorflow(
            x,
            y,
            epochs,
            args.seed,
            firsts[COMPILED_FIT_NAME[BACKEND]],
            firsts[OP_BY_OP],
            firsts[TRACED],
        )
    if BACKEND == "jax" and baseline_seconds is not None:
        training = seconds - compiling["seconds"]
        print(
            f"\nof the last {seconds:.2f} s, {compiling['seconds']:.2f} s went to tracing and "
            f"compiling (jax.monitoring): the training itself took {training:.2f} s, "
            f"{baseline_seconds / training:.0f}x faster than the tutorial loop"
        )


def compare_torch_with_pytorch_and_tensorflow(x, y, epochs, seed, lab, op_by_op_run, traced_run):
    """The lab's torch loop (its first run in this process: ``lab``, seconds and weights)
    against its step op by op (``op_by_op_run``) and traced (``traced_run``), plain PyTorch on
    the same model and TensorFlow's compiled_fit, timed now."""
    lab_seconds, lab_weights = lab
    compiled_difference, traced_difference = (
        max(float(np.max(np.abs(a - b))) for a, b in zip(weights, op_by_op_run[1]))
        for weights in (lab_weights, traced_run[1])
    )
    keras.utils.set_random_seed(seed)
    model = stateful_alphabet_lstm(units=50, batch_size=1, unroll=True)
    started = time.perf_counter()
    weights = plain_pytorch(model, x, y, epochs)
    pytorch_seconds = time.perf_counter() - started
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, lab_weights))
    cache = inductor_cache()
    tensorflow_seconds = compiled_in_new_process("tensorflow", epochs, seed)["seconds"]
    rows = [
        ("TensorFlow compiled_fit (graph)", tensorflow_seconds),
        ("plain PyTorch, same model", pytorch_seconds),
        (OP_BY_OP, op_by_op_run[0]),
        (TRACED, traced_run[0]),
        ("the lab's torch loop, compiling included", lab_seconds),
    ]
    compiled_anew = cache["misses"] > 0
    if compiled_anew:  # what every later run on this machine takes
        again = compiled_in_new_process("torch", epochs, seed)
        lab_seconds = again["seconds"]
        rows.append(("the lab's torch loop, a new process", lab_seconds))
    print(f"\n{'way':44s} {'seconds':>8s} {'x TensorFlow':>13s}")
    for name, seconds in rows:
        print(f"{name:44s} {seconds:8.2f} {seconds / tensorflow_seconds:12.2f}x", flush=True)
    print(
        f"Inductor's on-disk cache in this process: {cache['hits']} hit(s), "
        f"{cache['misses']} miss(es). "
        + (
            "It hit: an earlier run on this machine compiled the step's kernels."
            if not compiled_anew
            else "It missed: this was the machine's first run of this step, which compiles "
            "its kernels with a C++ compiler and keeps them on disk. The new process "
            + (
                "found them there, as every later run does."
                if again["cache_misses"] == 0
                else f"missed too ({again['cache_misses']}): the cache does not keep them here."
            )
        )
    )
    print(
        f"the lab's compiled step's weights against its step op by op's, same start: max "
        f"difference {compiled_difference:.3g} (tolerance {TORCH_WEIGHT_TOLERANCE:g}); its "
        f"traced step's: {traced_difference:.3g} (the same ops in the same order)"
    )
    print(
        f"plain PyTorch's weights against the lab's loop's, same start: max difference "
        f"{difference:.3g} (Keras adds Adam's epsilon before the bias "
        f"correction, PyTorch after it)"
    )
    ratio = lab_seconds / tensorflow_seconds
    met = ratio <= TORCH_TARGET_RATIO and compiled_difference <= TORCH_WEIGHT_TOLERANCE
    print(
        f"\ntarget: the lab's torch loop within {TORCH_TARGET_RATIO}x of TensorFlow's "
        f"compiled_fit once the machine has compiled the step, its weights within "
        f"{TORCH_WEIGHT_TOLERANCE:g} of its step op by op's: "
        f"{'met' if met else 'NOT met'} ({ratio:.2f}x; plain PyTorch "
        f"{pytorch_seconds / tensorflow_seconds:.2f}x; the lab's loop "
        f"{lab_seconds / pytorch_seconds:.2f}x plain PyTorch)"
    )


if __name__ == "__main__":
    main()
