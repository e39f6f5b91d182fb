"""Time the lab's torch training step three ways on one model, side by side in one run.

The model is the stock-volume LSTM of experiment 07 on look-back windows of ``--window``
days (the source's SBUX.csv with ``--data-dir``, else the generated series), one
full-batch Adam step after another, as ``compiled_fit`` trains it. The step
(``lstm_lab.training.torch_step.TrainingStep``) runs in each of its modes: op by op (Keras's
ops one by one), traced (the ``make_fx`` graph of those ops, without Keras), and compiled
(that graph through TorchInductor). Each runs in a new process, so each pays its own start;
the compiled one runs twice, with an empty Inductor cache (a machine's first run) and then
with the one that run left (every later run). The script prints each one's set-up seconds
(tracing, compiling), its milliseconds per step, the number of steps after which it has
overtaken the op-by-op step, set-up included, and its weights against the op-by-op step's.
Target: the traced step's weights equal to op by op's, bit for bit, and faster per step.

    python benchmarks/bench_torch_step.py --data-dir ../shared/data [--window 20] [--steps 300]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

WAYS = [("op by op", "op by op"), ("traced", "traced"), ("compiled, empty cache", "compiled"),
        ("compiled, cache left", "compiled")]  # fmt: skip

ONE_WAY = """
import json, sys, time
import numpy as np, torch
from lstm_lab.backend import keras
from lstm_lab.data.stocks import prices_in, read_prices, scaled_split, synthetic_prices
from lstm_lab.models.stock import stock_volume_lstm
from lstm_lab.training.torch_step import TrainingStep

mode, window, steps, data_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
csv = prices_in(data_dir) if data_dir else None
frame = read_prices(csv) if csv else synthetic_prices()
data = scaled_split(frame, window=window, scale_on="all")
keras.utils.set_random_seed(7)
model = stock_volume_lstm(window=window)
x, y = np.asarray(data["x_train"]), np.asarray(data["y_train"])
model._symbolic_build(data_batch=(x, y, None))
x, y = torch.as_tensor(x), torch.as_tensor(y)
started = time.perf_counter()
step = TrainingStep(model, x, y, mode=mode)
set_up = time.perf_counter() - started
values = step.values()
started = time.perf_counter()
for _ in range(steps):
    values, loss = step(values, x, y)
per_step = (time.perf_counter() - started) / steps
step.assign(values)
print("RESULT " + json.dumps({"mode": step.mode, "set_up": set_up, "per_step": per_step,
                              "weights": [w.ravel().tolist() for w in model.get_weights()]}))
"""


def one_way(mode, args, cache):
    environment = {**os.environ, "KERAS_BACKEND": "torch", "TORCHINDUCTOR_CACHE_DIR": cache}
    command = [sys.executable, "-c", ONE_WAY, mode, str(args.window), str(args.steps),
               str(args.data_dir or "")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        sys.exit(f"{mode} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def gap(a, b):
    return max(abs(p - q) for w, v in zip(a["weights"], b["weights"]) for p, q in zip(w, v))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=20, help="look-back days (default 20)")
    parser.add_argument("--steps", type=int, default=300, help="steps timed (default 300)")
    parser.add_argument("--data-dir", type=Path, help="a folder with the source's SBUX.csv")
    args = parser.parse_args()
    if args.window < 1 or args.steps < 1:
        parser.error("--window and --steps must be at least 1")
    if args.data_dir and not args.data_dir.is_dir():
        parser.error(f"--data-dir {args.data_dir} is not a folder")
    print(f"stock-volume LSTM, {args.window}-day windows, {args.steps} full-batch steps each\n")
    print(f"{'way':24s} {'runs':>9s} {'set-up s':>9s} {'ms/step':>8s} {'x op by op':>11s} "
          f"{'ahead after':>12s} {'max |w - w_op_by_op|':>21s}")  # fmt: skip
    results = {}
    with tempfile.TemporaryDirectory() as cache:
        for name, mode in WAYS:
            result = results[name] = one_way(mode, args, cache)
            base = results["op by op"]
            saved = base["per_step"] - result["per_step"]
            cost = result["set_up"] - base["set_up"]
            ahead = (
                "–"
                if name == "op by op"
                else f"{cost / saved:,.0f} steps"
                if saved > 0
                else "never"
            )
            print(
                f"{name:24s} {result['mode']:>9s} {result['set_up']:9.2f} "
                f"{result['per_step'] * 1e3:8.3f} {base['per_step'] / result['per_step']:10.2f}x "
                f"{ahead:>12s} {gap(result, base):21.3g}",
                flush=True,
            )
    traced, base = results["traced"], results["op by op"]
    met = (
        traced["mode"] == "traced"
        and gap(traced, base) == 0
        and traced["per_step"] < base["per_step"]
    )
    ratio = base["per_step"] / traced["per_step"]
    print(
        "\ntarget: the traced step's weights bit for bit the op-by-op step's, and faster per "
        f"step: {'met' if met else 'NOT met'} ({ratio:.2f}x)"
    )


if __name__ == "__main__":
    main()
