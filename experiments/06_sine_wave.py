"""A sine-wave RNN: carried vs reset state, free-running prediction, and gradient clipping.

Source: shared/seeds/003_1c9e4ff5f7572158.txt, a PyTorch blog. An nn.RNN(1, 16) with a
Linear(16, 1) on every step learns the next point of sin on [s, s + 10] (51 points, s in
{0, 1, 2}) over 6000 iterations of Adam(0.01), carrying its detached hidden state from one
iteration to the next; then it predicts 50 points by feeding each prediction back in.
The post then explains gradient explosion and clips every parameter's gradient to norm 10.
In Keras: a stateful SimpleRNN for the carried state (and a stateless one beside it),
clipnorm and global_clipnorm checked against the two definitions of clipping, and a run
set up to explode, with and without clipping.

Claims: C003-04 … C003-07 (shared/claims.md).

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
        # One epoch, batch 1, in order: a stateful layer carries its state from window to window.
        history = compiled_fit(models[name], x, y, epochs=1, batch_size=1)
        mean_losses[name] = float(history["loss"][0])
    model = models["state carried"]
    rnn = model.get_layer("rnn")
    report.check(
        "C003-04",
        documented={"points": 51, "starts": [0, 1, 2], "input, target": [50, 50], "hidden": 16,
                    "learning rate": 0.01, "state carried": True},
        observed={"points": 51, "starts": sorted({int(s) for s in starts}),
                  "input, target": [x.shape[1], y.shape[1]], "hidden": rnn.units,
                  "learning rate": round(float(model.optimizer.learning_rate), 6),
                  "state carried": rnn.stateful},
        evidence=f"{iterations} iterations (the source's 6000 in the full profile). Keras: "
        "SimpleRNN(16, return_sequences=True, stateful=True) + Dense(1) on each step; mean "
        f"training MSE over the run: carried {mean_losses['state carried']:.5f}, reset "
        f"{mean_losses['state reset']:.5f}. PyTorch's detach() is Keras's default here: "
        "gradients never cross a batch boundary",
    )

    # ## 2. Free-running prediction from the first point (C003-05)
    times, x_test, y_test = sine_window(1)
    truth = y_test[0, :, 0]
    rolled = {name: roll_out(m, x_test[0, 0, 0]) for name, m in models.items()}
    errors = {name: np.abs(r - truth) for name, r in rolled.items()}
    errors["repeat the last value"] = np.abs(np.full_like(truth, x_test[0, 0, 0]) - truth)
    follows = errors["state carried"].mean() < errors["repeat the last value"].mean()
    report.check("C003-05", documented="follows the sine (better than repeating the last value)",
                 observed="follows the sine (better than repeating the last value)" if follows
                 else "no better than repeating the last value",
                 evidence="50 steps from sin(1), each prediction fed back, from a reset state (the "
                 "seed keeps the training state); mean abs error: "
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
    report.check(
        "C003-07",
        documented={"no clipping: the loss spikes": True, "clipping: the loss stays bounded": True},
        observed={"no clipping: the loss spikes": worst_plain > SPIKE,
                  "clipping: the loss stays bounded": worst_clipped < BOUNDED},
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
