"""A sine-wave RNN: carried vs reset state, free-running prediction, and gradient clipping.

Source: shared/seeds/003_1c9e4ff5f7572158.txt, a PyTorch blog. An nn.RNN(1, 16) with a
Linear(16, 1) on every step learns the next point of sin on [s, s + 10] (51 points, s in
{0, 1, 2}) over 6000 iterations of Adam(0.01), carrying its detached hidden state from one
iteration to the next; then it predicts 50 points by feeding each prediction back in.
The post then explains gradient explosion and clips every parameter's gradient to norm 10.
In Keras: a stateful SimpleRNN for the carried state (and a stateless one beside it),
clipnorm and global_clipnorm checked against the two definitions of clipping, and a run
set up to explode, with and without clipping.

Claims: those of experiment 06 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/06_sine_wave.py
    python experiments/06_sine_wave.py --profile quick
"""

import numpy as np

from lstm_lab.data.sine import sine_window, training_windows
from lstm_lab.experiment import Experiment, run
from lstm_lab.models.sine import roll_out, sine_rnn
from lstm_lab.probes.clipping import probe_clipping
from lstm_lab.probes.exploding import largest_loss, train_recording
from lstm_lab.report.figures import roll_out_figure, training_curves
from lstm_lab.report.markdown import markdown_table
from lstm_lab.training.loops import compiled_fit

TITLE = "Sine-wave RNN: carried vs reset state, free-running prediction, gradient clipping"
PROFILES = {"full": {"iterations": 6000, "explosion_steps": 300},
            "quick": {"iterations": 1500, "explosion_steps": 300}}
FOLLOWS = 0.5  # a roll-out follows the sine when it correlates with it at least this much
SPIKE = 100.0  # MSE on values in [-1, 1]: a loss above 100 means the outputs blew up
BOUNDED = 10.0  # ... and every loss below 10 means they did not
EQUAL = 1e-6


def main(argv=None):
    lab = Experiment(__doc__, "06_sine_wave", TITLE, PROFILES, argv)
    settings, report = lab.settings, lab.report

    # ## 1. Training, state carried (the source) and reset every iteration
    iterations = settings["iterations"]
    x, y, starts = training_windows(iterations, lab.seed_for("window starts"))
    models, mean_losses = {}, {}
    for name, stateful in [("state carried", True), ("state reset", False)]:
        lab.progress(f"training SimpleRNN(16), {name}, {iterations} iterations")
        lab.reseed(f"model, {name}")
        models[name] = sine_rnn(stateful=stateful)
        if stateful:
            initial_weights = models[name].get_weights()  # C003-05's control, before training
        # One epoch, batch 1, in order: a stateful layer carries its state from window to window.
        history = compiled_fit(models[name], x, y, epochs=1, batch_size=1)
        mean_losses[name] = float(history["loss"][0])
    model = models["state carried"]
    rnn = model.get_layer("rnn")
    # The source's set-up, read back from the data and the model (settings, not claims).
    report.section("Set-up", markdown_table(
        ["", "the source", "this run"],
        [["points per window, start s", "51 on [s, s + 10], s in {0, 1, 2}",
          f"{x.shape[1] + 1}, s in {{{', '.join(str(s) for s in sorted(set(starts)))}}}"],
         ["input, target steps", "50, 50", f"{x.shape[1]}, {y.shape[1]}"],
         ["hidden units; optimizer", "16; Adam 0.01",
          f"{rnn.units}; {type(model.optimizer).__name__} "
          f"{float(model.optimizer.learning_rate):g}"],
         ["iterations, state", "6000, carried (detached)",
          f"{iterations}, carried (stateful=True) and reset, side by side"],
         ["mean training MSE", "–", "; ".join(f"{k} {v:.5f}" for k, v in mean_losses.items())]],
    ) + "\n\nKeras: SimpleRNN(16, return_sequences=True, stateful=True) + Dense(1) on each "
        "step. PyTorch's detach() is Keras's default here: gradients never cross a batch boundary. "
        "These are the lab's settings, copied from the source (C003-04), not claims.")

    # ## 2. Free-running prediction from the first point (C003-05)
    times, x_test, y_test = sine_window(1)
    truth = y_test[0, :, 0]
    untrained = sine_rnn(stateful=True)
    untrained.set_weights(initial_weights)
    rolled = {name: roll_out(m, x_test[0, 0, 0]) for name, m in models.items()}
    control_roll = roll_out(untrained, x_test[0, 0, 0])
    errors = {name: np.abs(r - truth) for name, r in rolled.items()}
    errors["repeat the last value"] = np.abs(np.full_like(truth, x_test[0, 0, 0]) - truth)
    repeat_error = errors["repeat the last value"].mean()

    def judged(roll):  # correlated with the sine, and closer to it than repeating the last value
        r, error = np.corrcoef(roll, truth)[0, 1], np.abs(roll - truth).mean()
        follows = r >= FOLLOWS and error < repeat_error
        return ("follows the sine" if follows else "does not follow the sine",
                f"correlation {r:.3f}, mean abs error {error:.3f}")

    verdict, detail = judged(rolled["state carried"])
    control, control_detail = judged(control_roll)
    report.check("C003-05", documented="follows the sine", observed=verdict, control=control,
                 tolerance=f"follows: correlation >= {FOLLOWS:g} and a mean abs error below "
                 "repeating the last value's", control_evidence=control_detail,
                 evidence=f"50 steps from sin(1), each prediction fed back, from a reset state: "
                 f"{detail}; mean abs error: "
                 + "; ".join(f"{k} {v.mean():.3f}" for k, v in errors.items()))
    report.figure("roll_out", roll_out_figure(times, truth, rolled),
                  "Free-running prediction from the first point")

    # ## 3. Clipping: per variable or joint (C003-06)
    clipping = probe_clipping(threshold=10.0, seed=lab.seed_for("C003-06 probe"))
    torch_rows = (
        "; against PyTorch itself: clipnorm vs clip_grad_norm_ per parameter "
        f"{clipping['clipnorm - torch clip_grad_norm_ per parameter']:.2g}, global_clipnorm vs "
        f"clip_grad_norm_ on all {clipping['global_clipnorm - torch clip_grad_norm_ on all']:.2g}"
        if "clipnorm - torch clip_grad_norm_ per parameter" in clipping
        else "; PyTorch not installed"
    )
    separately = clipping["clipnorm - each separately"]
    jointly = clipping["global_clipnorm - jointly"]
    report.check(
        "C003-06",
        documented={"clipnorm == each gradient clipped alone": True,
                    "global_clipnorm == all clipped jointly": True},
        observed={"clipnorm == each gradient clipped alone": separately <= EQUAL,
                  "global_clipnorm == all clipped jointly": jointly <= EQUAL},
        # Control: the same SGD step with neither option, against the same two definitions.
        control={"clipnorm == each gradient clipped alone":
                     clipping["no clipping - each separately"] <= EQUAL,
                 "global_clipnorm == all clipped jointly":
                     clipping["no clipping - jointly"] <= EQUAL},
        control_evidence=f"no clipping vs each clipped alone "
        f"{clipping['no clipping - each separately']:.3g}, vs clipped jointly "
        f"{clipping['no clipping - jointly']:.3g}",
        tolerance=f"equal: max abs difference <= {EQUAL:g}",
        evidence=f"gradients with norms {clipping['norms before']}, threshold 10, one SGD(1.0) "
        f"step: Keras clipnorm vs each clipped alone (the source's loop) "
        f"{separately:.2g}; global_clipnorm vs clipped jointly "
        f"(clip_grad_norm_ on all parameters) {jointly:.2g}; the "
        f"two definitions differ by {clipping['each separately - jointly']:.3g}" + torch_rows,
    )

    # ## 4. An explosion, with and without clipping (C003-07)
    steps = settings["explosion_steps"]
    lab.progress(f"exploding run: {steps} SGD steps, recurrent gain 4, with and without "
                 "global_clipnorm=1")
    seed = lab.seed_for("C003-07 exploding runs")
    plain_loss, plain_norm = train_recording(steps, seed=seed)
    clipped_loss, clipped_norm = train_recording(steps, seed=seed, global_clipnorm=1.0)
    worst_plain, worst_clipped = largest_loss(plain_loss), largest_loss(clipped_loss)
    # Control: the same two runs from a usual initialisation (recurrent gain 1): no spike.
    tame = [largest_loss(train_recording(steps, gain=1.0, seed=seed, **clip)[0])
            for clip in ({}, {"global_clipnorm": 1.0})]
    report.check(
        "C003-07",
        documented={"no clipping: the loss spikes": True, "clipping: the loss stays bounded": True},
        observed={"no clipping: the loss spikes": worst_plain > SPIKE,
                  "clipping: the loss stays bounded": worst_clipped < BOUNDED},
        control={"no clipping: the loss spikes": tame[0] > SPIKE,
                 "clipping: the loss stays bounded": tame[1] < BOUNDED},
        control_evidence=f"recurrent gain 1: largest loss {tame[0]:.3g} without clipping, "
        f"{tame[1]:.3g} with global_clipnorm=1",
        tolerance=f"spike: a loss above {SPIKE:g}; bounded: every loss below {BOUNDED:g}",
        evidence=f"largest loss {worst_plain:.3g} without clipping"
        + (" (it overflowed)" if np.isinf(worst_plain) else "")
        + f", gradient norms up to {np.nanmax(plain_norm):.3g}; {worst_clipped:.3g} with "
        f"global_clipnorm=1 (raw norm up to {np.nanmax(clipped_norm):.3g}); mean loss over the "
        f"last 50 steps with clipping {clipped_loss[-50:].mean():.3g}: clipping keeps the steps "
        "small, it does not make this badly initialised network learn well",
    )
    for name, curves, title, label, caption in [
        ("explosion_loss", {"no clipping": plain_loss, "global_clipnorm=1": clipped_loss},
         "SimpleRNN, recurrent gain 4, SGD 0.1: loss per step", "MSE",
         "Loss per step, with and without clipping"),
        ("explosion_gradient_norm", {"no clipping": plain_norm, "global_clipnorm=1": clipped_norm},
         "Joint gradient norm per step (before clipping)", "norm", "Gradient norm per step"),
    ]:
        figure = training_curves(curves, title, label, xlabel="step", log_y=True)
        report.figure(name, figure, caption)

    # ## Report
    report.section("Free-running error per model (mean over 50 steps)", markdown_table(
        ["model", "mean abs error", "largest abs error"],
        [[k, f"{v.mean():.3f}", f"{v.max():.3f}"] for k, v in errors.items()]))
    report.note("The carried-state model only ever trained from the state the previous window "
                "left, never from zeros, so a roll-out from a reset state is off its training "
                "distribution: it drifts, where the model trained with a reset every iteration "
                "follows the sine.")
    report.metric("mean_training_mse", mean_losses)
    report.metric("roll_out_mean_abs_error", {k: float(v.mean()) for k, v in errors.items()})
    report.metric("explosion_max_loss", {"no clipping": worst_plain,
                                         "global_clipnorm=1": worst_clipped})
    return lab.finish()


if __name__ == "__main__":
    run(main)
