"""Backends and kernels: what Keras 3 promises of its recurrent layers, on this backend and device.

Sources: the Keras API docs (LSTM, GRU, SimpleRNN, RNN), the keras-io guide "Working
with RNNs", and Keras issues (see shared/claims.md). The same layer is supposed to
behave the same on TensorFlow, JAX and PyTorch, and with either kernel (cuDNN on a
CUDA GPU, the generic loop elsewhere). This experiment checks each promise on the
backend and device it is given; a check that needs a GPU is recorded as not run on a
machine without one. `python -m lstm_lab conformance` puts the backends side by side.

Claims: those of experiment 09 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/09_backends_and_kernels.py --backend jax   # about 30 s on a CPU
    python experiments/09_backends_and_kernels.py --profile quick
"""

import math
import tempfile

from lstm_lab.backend import BACKEND, BACKENDS, device_description, has_gpu, keras
from lstm_lab.claims.compare import within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import kernels, saved_state
from lstm_lab.report.markdown import format_named, markdown_table
from lstm_lab.results.layout import findings_link

TITLE = "Backends and kernels: Keras 3's promises for recurrent layers, per backend and device"
PROFILES = {"full": {"gpu_timing_samples": 8192}, "quick": {"gpu_timing_samples": 1024}}
EQUAL = 1e-6  # float32: two computations of the same function agree within this
NO_GPU = "needs a CUDA GPU; this run is on {device}"
# The cuDNN conditions of the guide "Working with RNNs": each refused with use_cudnn=True.
REFUSED = ["activation='relu'", "recurrent_activation='hard_sigmoid'", "recurrent_dropout=0.1",
           "unroll=True", "use_bias=False", "mask, left-padded"]
FINDING = ("#a-model-saved-on-torch-names-torchs-own-adam-class-so-loading-it-elsewhere-"
           "imports-the-torch-backend")


def main(argv=None):
    lab = Experiment(__doc__, "09_backends_and_kernels", TITLE, PROFILES, argv)
    settings, report = lab.settings, lab.report
    device, gpu = device_description(), has_gpu()
    lab.progress(f"Keras {keras.__version__} on {BACKEND}, device: {device}")
    kernels_here = ["auto"] + ([True, False] if gpu else [])

    # ## 1. go_backwards: the output comes in processing order (K3-01)
    lab.progress("1/6 go_backwards against the forward layer on the reversed input")
    backwards = {}

    def forward_on_reversed(go_backwards):  # per layer and kernel: output == forward on x[::-1]
        seen = {}
        for kernel in kernels_here:
            found = kernels.probe_go_backwards(seed=lab.seed_for("K3-01 probe"),
                                               use_cudnn=kernel, go_backwards=go_backwards)
            for name, value in found.items():
                kind, measured = name.split(": ")
                key = kind if kernel == "auto" else f"{kind}, use_cudnn={kernel}"
                backwards[f"go_backwards={go_backwards}, {key}: {measured}"] = value
                if measured == "output - forward on reversed input":
                    seen[key] = value <= EQUAL
        return seen

    documented = {"LSTM": True, "GRU": True, "SimpleRNN": True}
    if gpu:
        documented |= {"LSTM, use_cudnn=True": True, "GRU, use_cudnn=True": True,
                       "LSTM, use_cudnn=False": True, "GRU, use_cudnn=False": True}
    report.check("K3-01", documented=documented, observed=forward_on_reversed(True),
                 control=forward_on_reversed(False),
                 tolerance=f"equal: max abs difference <= {EQUAL:g}",
                 evidence="the output is the forward layer's on the time-reversed input, not "
                 "reversed back to input order (differences " + format_named(
                     {k: v for k, v in backwards.items()
                      if k.startswith("go_backwards=True") and "re-reversed" in k})
                 + ")", control_evidence="go_backwards=False: the forward layer's own output")

    # ## 2. cuDNN: on a GPU the fast kernel must agree with the generic one; on a CPU,
    # use_cudnn=True must fail clearly and "auto" must run (K3-02 ... K3-04)
    lab.progress("2/6 the cuDNN kernel: " + ("GPU checks" if gpu else "what a CPU says"))
    refusal = report.expected_error("K3-02")
    if gpu:
        seed = lab.seed_for("K3-02 probe")
        gaps = kernels.probe_cudnn_matches_generic(seed=seed)
        control = kernels.probe_cudnn_matches_generic(seed=seed, other_weights=True)
        report.check("K3-02", documented=[0.0, 0.0], observed=[gaps["LSTM"], gaps["GRU"]],
                     compare=within(1e-5), control=[control["LSTM"], control["GRU"]],
                     tolerance="atol 1e-5 (float32, different summation order)",
                     evidence="use_cudnn=True vs False, same weights, outputs and final states: "
                     + format_named(gaps), control_evidence="the generic one's weights reversed")
        conditions = kernels.probe_cudnn_conditions(seed=lab.seed_for("K3-03 probe"))
        report.check("K3-03", documented={**{case: refusal for case in REFUSED},
                                          "mask, right-padded": None},
                     observed=conditions, compare=kernels.each_case,
                     control=kernels.probe_cudnn_conditions(seed=lab.seed_for("K3-03 probe"),
                                                            use_cudnn="auto"),
                     control_evidence="use_cudnn='auto': every case falls back and runs")
        seconds = kernels.seconds_per_epoch_by_kernel(samples=settings["gpu_timing_samples"])
        speed_up = seconds["use_cudnn=False"] / seconds["use_cudnn=True"]
        itself = seconds["use_cudnn=False, again"] / seconds["use_cudnn=False"]
        report.check("K3-04", documented=True, observed=speed_up >= 2.0, control=itself >= 2.0,
                     tolerance="much faster: at least 2x",
                     evidence=f"seconds per epoch {format_named(seconds)}: {speed_up:.1f}x",
                     control_evidence=f"the generic kernel against itself: {itself:.1f}x")
        report.metric("cudnn_speed_up", speed_up)
    else:
        seed = lab.seed_for("K3-02 probe")
        on_cpu = kernels.probe_cudnn_on_cpu(seed=seed)
        report.check("K3-02", documented={"LSTM, use_cudnn=True": refusal,
                                          "GRU, use_cudnn=True": refusal,
                                          "LSTM, use_cudnn='auto'": None,
                                          "GRU, use_cudnn='auto'": None},
                     observed=on_cpu, compare=kernels.each_case,
                     control=kernels.probe_cudnn_on_cpu(seed=seed, insisted=False),
                     evidence="on a CPU: " + "; ".join(
                         f"{k} -> {v['type']}: {v['message']}" if v else f"{k} -> ran"
                         for k, v in on_cpu.items()),
                     control_evidence="use_cudnn=False in place of True")
        for claim_id in ("K3-03", "K3-04"):
            report.not_run(claim_id, NO_GPU.format(device=device))

    # ## 3. Stateful layers: trained with fit, and saved (K3-05, K3-07)
    lab.progress("3/6 a stateful LSTM and GRU under fit; a stateful model saved and reloaded")
    seed = lab.seed_for("K3-05 probe")
    stateful_fit = saved_state.probe_stateful_fit("fit", seed=seed)
    stateful_control = saved_state.probe_stateful_fit("fit, reset before each batch", seed=seed)

    def carried(found):  # K3-05's observation, per layer
        return {k: v for k, v in found.items() if k.endswith("ends with the carried state")}

    report.check("K3-05", documented={"LSTM: ends with the carried state": True,
                                      "GRU: ends with the carried state": True},
                 observed=carried(stateful_fit), control=carried(stateful_control),
                 tolerance=f"the state within {saved_state.SAME_STATE:g} of the one carried "
                 "through every batch, and farther from the last batch's alone",
                 evidence="fit at learning rate 0: " + format_named(stateful_fit),
                 control_evidence="the state reset before each batch: "
                 + format_named(stateful_control))
    with tempfile.TemporaryDirectory() as folder:  # the control: the saved model, not reloaded
        saved, kept = [saved_state.probe_saved_state(folder, seed=lab.seed_for("K3-07 probe"),
                                                     reload=reload) for reload in (True, False)]

    def from_zeros(found):  # K3-07's observation
        return {"the state is not among the layer's weights":
                    found["the state is not among the layer's weights"],
                "the next output is the one from a zero state":
                    found["next output - output from a zero state"] <= EQUAL}

    report.check("K3-07", documented={"the state is not among the layer's weights": True,
                                      "the next output is the one from a zero state": True},
                 observed=from_zeros(saved), control=from_zeros(kept),
                 tolerance=f"equal: max abs difference <= {EQUAL:g}",
                 evidence="reloaded: " + format_named(saved),
                 control_evidence="the saved model itself, its state kept: " + format_named(kept))

    # ## 4. Masked steps, and a cell wrapped in RNN (K3-06, K3-08)
    lab.progress("4/6 masked outputs; RNN(LSTMCell) against LSTM")
    masked = kernels.probe_masked_outputs(seed=lab.seed_for("K3-06 probe"))
    unmasked = kernels.probe_masked_outputs(seed=lab.seed_for("K3-06 probe"), masked=False)

    def padded_steps(found):  # K3-06's observation
        return {"False: masked steps repeat the last valid output":
                    found["zero_output_for_mask=False: masked - last valid output"] <= EQUAL,
                "True: masked steps are zeros":
                    found["zero_output_for_mask=True: largest masked |output|"] == 0.0}

    report.check("K3-06", documented={"False: masked steps repeat the last valid output": True,
                                      "True: masked steps are zeros": True},
                 observed=padded_steps(masked), control=padded_steps(unmasked),
                 evidence="right-padded batch, 4 valid steps of 6: " + format_named(masked),
                 control_evidence="the same batch without a mask: " + format_named(unmasked))
    seed = lab.seed_for("K3-08 probe")
    cell_gap = kernels.probe_cell_vs_layer(seed=seed)
    report.check("K3-08", documented=0.0, observed=cell_gap, compare=within(EQUAL),
                 control=kernels.probe_cell_vs_layer(seed=seed, go_backwards=True),
                 evidence="RNN(LSTMCell(10)) vs LSTM(10), same weights, sequences and states",
                 control_evidence="RNN(LSTMCell(10), go_backwards=True), the same weights")

    # ## 5. Saved here, reloaded on every backend (K3-09)
    lab.progress("5/6 a trained LSTM saved on this backend, reloaded on each")
    with tempfile.TemporaryDirectory() as folder:
        paths = saved_state.save_trained_model(folder, seed=lab.seed_for("K3-09 model"))
        optimizers = {name: saved_state.saved_optimizer(paths[name])
                      for name in ("trained", "untrained", "uncompiled")}
        reloads = saved_state.reload_on_each(paths, BACKENDS)
    missing = {b: r["not run"] for b, r in reloads.items() if "not run" in r}
    others = [b for b in BACKENDS if b not in missing]  # an environment may lack a backend

    def portable(name):  # K3-09's observation of one saved file
        return {**{f"reloads on {b} with the same predictions": reloads[b][paths[name].name]
                   .get("max difference", math.inf) <= 1e-5 for b in others},
                "names no backend's own class": ".backend." not in str(optimizers[name])}

    def reloaded(name):  # what each backend's reload of one saved file gave
        return "; ".join(f"{b}: {format_named(r.get(paths[name].name, r))}"
                         for b, r in reloads.items())

    where = findings_link(report.results_dir, "09_backends_and_kernels", FINDING)
    finding = (f", a backend's own class: the saved-optimizer finding ({where})"
               if ".backend." in str(optimizers["trained"]) else "")
    if others == [BACKEND]:
        report.not_run("K3-09", "; ".join(missing.values()))
    else:
        report.check("K3-09", documented={**{f"reloads on {b} with the same predictions": True
                                             for b in others},
                                          "names no backend's own class": True},
                     observed=portable("trained"), control=portable("untrained"),
                     tolerance="predictions equal within atol 1e-5 (float32 round-off)",
                     evidence=f"saved on {BACKEND}, the file names the optimizer "
                     f"{optimizers['trained']}{finding}; reloads: {reloaded('trained')}; saved "
                     f"without its optimizer: {reloaded('uncompiled')}",
                     control_evidence=f"the model before training (optimizer "
                     f"{optimizers['untrained']}): {reloaded('untrained')}")

    # ## 6. Mixed precision (K3-10)
    policy = "mixed_float16" if gpu else "mixed_bfloat16"
    lab.progress(f"6/6 LSTM and GRU trained under {policy}")
    seed = lab.seed_for("K3-10 probe")
    mixed = kernels.probe_mixed_precision(policy, seed=seed)
    with_nan = kernels.probe_mixed_precision(policy, seed=seed, with_nan=True)
    report.check("K3-10", documented={"LSTM": True, "GRU": True},
                 observed={kind: kernels.losses_are_finite(v) for kind, v in mixed.items()},
                 control={kind: kernels.losses_are_finite(v) for kind, v in with_nan.items()},
                 evidence=f"{policy}, 2 epochs: " + "; ".join(f"{k} {v}" for k, v in mixed.items()),
                 control_evidence="one input NaN: " + "; ".join(
                     f"{k} {v}" for k, v in with_nan.items()))

    # ## Report
    report.section("What was measured", markdown_table(
        ["probe", "measurement", "value"],
        [[probe, name, f"{value:.3g}" if isinstance(value, float) else str(value)]
         for probe, values in [("K3-01", backwards), ("K3-05", stateful_fit),
                               ("K3-06", masked), ("K3-07", saved)]
         for name, value in values.items()],
    ))
    # Outputs of untrained layers: torch's CPU kernels round float32 sums differently with
    # the thread count, so these repeat to round-off, not bit for bit.
    round_off = "float32 round-off, which varies with the thread count (torch)"
    for name, value in [("go_backwards", backwards), ("stateful_fit", stateful_fit),
                        ("masked_outputs", masked), ("cell_vs_layer", cell_gap)]:
        report.metric(name, value, tolerance=1e-6, why=round_off)
    report.metric("reload_differences", {b: r[paths["trained"].name].get("max difference")
                                         for b, r in reloads.items() if b not in missing},
                  tolerance=1e-5, why="float32 round-off of a reload in a fresh process, which "
                  "varies from run to run; K3-09's own tolerance")
    report.note("Every backend runs this same script; `python -m lstm_lab conformance` runs it "
                "on each in a fresh process and puts the verdicts side by side. A check that "
                "needs a GPU is recorded as not run on a CPU, never as confirmed.")
    return lab.finish()


if __name__ == "__main__":
    run(main)
