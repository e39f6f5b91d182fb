"""Backends and kernels: what Keras 3 promises of its recurrent layers, on this backend and device.

Sources: the Keras API docs (LSTM, GRU, SimpleRNN, RNN), the keras-io guide "Working
with RNNs", and Keras issues (see shared/claims.md). The same layer is supposed to
behave the same on TensorFlow, JAX and PyTorch, and with either kernel (cuDNN on a
CUDA GPU, the generic loop elsewhere). This experiment checks each promise on the
backend and device it is given; a check that needs a GPU is recorded as not run on a
machine without one. `python -m lstm_lab conformance` puts the backends side by side.

Claims: K3-01 … K3-10 (shared/claims.md).

    python experiments/09_backends_and_kernels.py --backend jax   # about 30 s on a CPU
    python experiments/09_backends_and_kernels.py --profile quick
"""

import tempfile

from lstm_lab.backend import BACKEND, BACKENDS, device_description, has_gpu, keras
from lstm_lab.claims.compare import within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import kernels, saved_state
from lstm_lab.report.markdown import format_named, markdown_table

TITLE = "Backends and kernels: Keras 3's promises for recurrent layers, per backend and device"
PROFILES = {"full": {"gpu_timing_samples": 8192}, "quick": {"gpu_timing_samples": 1024}}
EQUAL = 1e-6  # float32: two computations of the same function agree within this
NO_GPU = "needs a CUDA GPU; this run is on {device}"


def main(argv=None):
    lab = Experiment(__doc__, "09_backends_and_kernels", TITLE, PROFILES, argv)
    settings, report = lab.settings, lab.report
    device, gpu = device_description(), has_gpu()
    lab.progress(f"Keras {keras.__version__} on {BACKEND}, device: {device}")
    kernels_here = ["auto"] + (["use_cudnn=True", "use_cudnn=False"] if gpu else [])

    # ## 1. go_backwards: the output comes in processing order (K3-01)
    lab.progress("1/6 go_backwards against the forward layer on the reversed input")
    backwards = {}
    for kernel in kernels_here:
        use_cudnn = {"auto": "auto", "use_cudnn=True": True, "use_cudnn=False": False}[kernel]
        found = kernels.probe_go_backwards(seed=lab.seed_for("K3-01 probe"), use_cudnn=use_cudnn)
        backwards.update({f"{kernel}, {name}": value for name, value in found.items()})
    same_as_reversed = {k: v <= EQUAL for k, v in backwards.items() if "forward on" in k}
    report.check("K3-01", documented={k: True for k in same_as_reversed},
                 observed=same_as_reversed, tolerance=f"equal: max abs difference <= {EQUAL:g}",
                 evidence=f"kernels {', '.join(kernels_here)}; the output is the forward layer's "
                 "on the time-reversed input, not reversed back to input order (differences "
                 + format_named({k: v for k, v in backwards.items() if "re-reversed" in k}) + ")")

    # ## 2. cuDNN: on a GPU the fast kernel must agree with the generic one; on a CPU,
    # use_cudnn=True must fail clearly and "auto" must run (K3-02 ... K3-04)
    lab.progress("2/6 the cuDNN kernel: " + ("GPU checks" if gpu else "what a CPU says"))
    if gpu:
        gaps = kernels.probe_cudnn_matches_generic(seed=lab.seed_for("K3-02 probe"))
        report.check("K3-02", documented={k: 0.0 for k in gaps}, observed=gaps,
                     compare=lambda d, o: within(1e-5)(list(d.values()), list(o.values())),
                     tolerance="atol 1e-5 (float32, different summation order)",
                     evidence="use_cudnn=True vs False, same weights, outputs and final states: "
                     + format_named(gaps))
        conditions = kernels.probe_cudnn_conditions(seed=lab.seed_for("K3-03 probe"))
        refused = {name: outcome.startswith("raises") for name, outcome in conditions.items()}
        report.check("K3-03", documented={k: k != "mask, right-padded" for k in refused},
                     observed=refused,
                     evidence="; ".join(f"{k}: {v}" for k, v in conditions.items()))
        seconds = kernels.seconds_per_epoch_by_kernel(samples=settings["gpu_timing_samples"])
        speed_up = seconds["use_cudnn=False"] / seconds["use_cudnn=True"]
        report.check("K3-04", documented=True, observed=speed_up >= 2.0,
                     tolerance="much faster: at least 2x",
                     evidence=f"seconds per epoch {format_named(seconds)}: {speed_up:.1f}x")
        report.metric("cudnn_speed_up", speed_up)
    else:
        on_cpu = kernels.probe_cudnn_on_cpu(seed=lab.seed_for("K3-02 probe"))
        verdicts = {k: v for k, v in on_cpu.items() if not k.endswith("message")}
        report.check("K3-02", documented={k: True for k in verdicts}, observed=verdicts,
                     evidence="on a CPU: " + "; ".join(
                         f"{k} -> {v}" for k, v in on_cpu.items() if k.endswith("message")))
        for claim_id in ("K3-03", "K3-04"):
            report.not_run(claim_id, NO_GPU.format(device=device))

    # ## 3. Stateful layers: trained with fit, and saved (K3-05, K3-07)
    lab.progress("3/6 a stateful LSTM and GRU under fit; a stateful model saved and reloaded")
    stateful_fit = saved_state.probe_stateful_fit(seed=lab.seed_for("K3-05 probe"))
    carried = {f"{kind}: fit runs and carries the state":
               stateful_fit.get(f"{kind}: largest |state| after fit", 0.0) > 0
               for kind in ("LSTM", "GRU")}
    report.check("K3-05", documented={k: True for k in carried}, observed=carried,
                 evidence=format_named(stateful_fit))
    with tempfile.TemporaryDirectory() as folder:
        saved = saved_state.probe_saved_state(folder, seed=lab.seed_for("K3-07 probe"))
    report.check(
        "K3-07",
        documented={"the state is not among the layer's 3 weights": True,
                    "the reloaded model starts from zeros": True},
        observed={"the state is not among the layer's 3 weights":
                      saved["weights of the LSTM layer"] == 3,
                  "the reloaded model starts from zeros":
                      saved["reloaded first output - output after a reset"] <= EQUAL},
        tolerance=f"equal: max abs difference <= {EQUAL:g}", evidence=format_named(saved))

    # ## 4. Masked steps, and a cell wrapped in RNN (K3-06, K3-08)
    lab.progress("4/6 masked outputs; RNN(LSTMCell) against LSTM")
    masked = kernels.probe_masked_outputs(seed=lab.seed_for("K3-06 probe"))
    report.check(
        "K3-06",
        documented={"False: masked steps repeat the last valid output": True,
                    "True: masked steps are zeros": True},
        observed={"False: masked steps repeat the last valid output":
                      masked["zero_output_for_mask=False: masked - last valid output"] <= EQUAL,
                  "True: masked steps are zeros":
                      masked["zero_output_for_mask=True: largest masked |output|"] == 0.0},
        evidence="right-padded batch, 4 valid steps of 6: " + format_named(masked))
    cell_gap = kernels.probe_cell_vs_layer(seed=lab.seed_for("K3-08 probe"))
    report.check("K3-08", documented=0.0, observed=cell_gap, compare=within(EQUAL),
                 evidence="RNN(LSTMCell(10)) vs LSTM(10), same weights, sequences and states")

    # ## 5. Saved here, reloaded on the other backends (K3-09)
    lab.progress("5/6 a trained LSTM saved on this backend, reloaded on the others")
    others = [backend for backend in BACKENDS if backend != BACKEND]
    with tempfile.TemporaryDirectory() as folder:
        model_path = saved_state.save_trained_model(folder, seed=lab.seed_for("K3-09 model"))
        reloads = {backend: saved_state.reload_on(model_path, backend) for backend in others}
    reloaded = {b: r["max difference"] for b, r in reloads.items() if "max difference" in r}
    missing = {b: r["not run"] for b, r in reloads.items() if "not run" in r}
    failed = {b: r["error"] for b, r in reloads.items() if "error" in r}
    if reloaded or failed:
        report.check("K3-09", documented={f"reloads on {b}": True for b in [*reloaded, *failed]},
                     observed={f"reloads on {b}": b in reloaded and reloaded[b] <= 1e-5
                               for b in [*reloaded, *failed]},
                     tolerance="predictions equal within atol 1e-5 (float32 round-off)",
                     evidence=f"saved on {BACKEND}; max prediction differences "
                     f"{format_named(reloaded)}" + "".join(f"; {b}: {e}" for b, e in failed.items())
                     + "".join(f"; {b} not run: {why}" for b, why in missing.items()))
    else:
        report.not_run("K3-09", "; ".join(missing.values()))

    # ## 6. Mixed precision (K3-10)
    policy = "mixed_float16" if gpu else "mixed_bfloat16"
    lab.progress(f"6/6 LSTM and GRU trained under {policy}")
    mixed = kernels.probe_mixed_precision(policy, seed=lab.seed_for("K3-10 probe"))
    report.check("K3-10", documented={kind: True for kind in mixed},
                 observed={kind: kernels.losses_are_finite(v) for kind, v in mixed.items()},
                 evidence=f"{policy}, 2 epochs: " + "; ".join(f"{k} {v}" for k, v in mixed.items()))

    # ## Report
    report.section("What was measured", markdown_table(
        ["probe", "measurement", "value"],
        [[probe, name, f"{value:.3g}" if isinstance(value, float) else str(value)]
         for probe, values in [("K3-01", backwards), ("K3-05", stateful_fit),
                               ("K3-06", masked), ("K3-07", saved)]
         for name, value in values.items()],
    ))
    report.metric("device", device)
    report.metric("go_backwards", backwards)
    report.metric("stateful_fit", stateful_fit)
    report.metric("masked_outputs", masked)
    report.metric("cell_vs_layer", cell_gap)
    report.metric("reload_differences", reloaded)
    report.note("Every backend runs this same script; `python -m lstm_lab conformance` runs it "
                "on each in a fresh process and puts the verdicts side by side. A check that "
                "needs a GPU is recorded as not run on a CPU, never as confirmed.")
    return lab.finish()


if __name__ == "__main__":
    run(main)
