"""Training outcomes: what people ask when a trained LSTM surprises them.

Sources: the questions of results/questions.md on training (Q09, Q22), each a Q&A page cited
by its address in its claim. Why does an LSTM with activation='relu' end in a NaN loss, and
how often? Why does a stock forecast look like the price shifted by one day? Each is measured
on small seeded trainings, beside a control whose answer is known to be the other one: tanh
in ReLU's place, and a series whose next step can be predicted in the random walk's place.

Claims: those of experiment 12 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/12_training_outcomes.py                 # about a minute
    python experiments/12_training_outcomes.py --profile quick
"""

from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import training_outcomes
from lstm_lab.report.markdown import format_named

TITLE = "Training outcomes: ReLU's NaN over seeds, the next-step forecast that repeats the input"
PROFILES = {"full": {"seeds": 8}, "quick": {"seeds": 4}}  # the seeds each activation trains
PERSISTENCE_MARGIN = 0.9  # "no better than persistence": its error at least 90% of persistence's


def main(argv=None):
    lab = Experiment(__doc__, "12_training_outcomes", TITLE, PROFILES, argv)
    settings, report = lab.settings, lab.report

    # ## 1. ReLU in an LSTM: how often the loss becomes NaN, against tanh (Q22-02)
    seeds = [lab.seed_for("Q22-02 probe", offset) for offset in range(settings["seeds"])]
    runs = {}
    for activation in ("relu", "tanh"):
        lab.progress(f"1/2 {len(seeds)} trainings with activation='{activation}'")
        runs[activation] = [training_outcomes.diverged(seed, activation) for seed in seeds]

    most = f"the loss becomes NaN on more than half the {len(seeds)} seeds"

    def most_diverge(activation):
        return {most: 2 * sum(nan for nan, _ in runs[activation]) > len(seeds)}

    def losses(activation):
        return ", ".join("NaN" if nan else f"{loss:.3g}" for nan, loss in runs[activation])

    report.check("Q22-02", documented={most: True},
                 observed=most_diverge("relu"), control=most_diverge("tanh"),
                 evidence="LSTM(32, activation='relu') and Dense(1) fit by SGD (learning rate "
                 "0.05) to the sum of 40 steps of 4 inputs, 5 epochs; last losses by seed "
                 f"{seeds}: {losses('relu')}",
                 control_evidence=f"tanh in its place: {losses('tanh')}")

    # ## 2. A next-step forecast of a random walk repeats the last value (Q09-01)
    lab.progress("2/2 next-step forecasts of a random walk and of a sine")
    seed = lab.seed_for("Q09-01 probe")
    walk = training_outcomes.next_step_forecast(seed)
    sine = training_outcomes.next_step_forecast(seed, "sine")

    def repeats_last(found):
        return {
            "the forecasts lie closer to the last input than to the target":
                found["to the last input"] < found["to the target"],
            "the error is no better than persistence's": found["to the target"]
                >= PERSISTENCE_MARGIN * found["persistence's error"],
        }  # fmt: skip

    report.check("Q09-01", documented=dict.fromkeys(repeats_last(walk), True),
                 observed=repeats_last(walk), control=repeats_last(sine),
                 tolerance=f"no better: error >= {PERSISTENCE_MARGIN:g} x persistence's",
                 evidence="LSTM(16) fit for 10 epochs to forecast the next step of 1,000 windows "
                 "of 10 steps of random walks, on 200 new ones, mean absolute distance of its "
                 "forecasts: " + format_named(walk),
                 control_evidence="the same on a sine of period 12 with noise 0.01: "
                 + format_named(sine))
    return lab.finish()


if __name__ == "__main__":
    run(main)
