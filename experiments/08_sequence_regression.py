"""Regression on token sequences: a value per token or per sentence, and a ReLU head that dies.

Source: shared/seeds/000_8bfcafdf4a3936b9.txt, a PyTorch Q&A. The asker turns a
part-of-speech tagger into a regressor (embedding 6, LSTM 6, ReLU(Linear) on every step,
MSE, Adam, 100 epochs on two sentences scored 0.25 and 0.78) and is puzzled to get one
value per token, which stays far from the target. Here: the Keras 3 equivalent, per-token
and last-step heads on the source's two sentences, what the ReLU head does, and a larger
generated task comparing per-token, last-step, mean-pooled and bidirectional heads with
masked padding.

Claims: those of experiment 08 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/08_sequence_regression.py
    python experiments/08_sequence_regression.py --profile quick
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras
from lstm_lab.claims.compare import within
from lstm_lab.data.sentences import generated_task, source_task
from lstm_lab.experiment import Experiment, run
from lstm_lab.models.regressor import (
    HEADS,
    sequence_regressor,
    test_mse_on_generated_task,
    train_one_sentence_at_a_time,
)
from lstm_lab.probes.regression_heads import exact_zeros, last_step_and_final_h
from lstm_lab.report.markdown import format_array, markdown_table

TITLE = "Token-sequence regression: per-token vs per-sentence heads, and a ReLU head that dies"
PROFILES = {
    "full": {"seeds": 3, "epochs": 100, "generated_epochs": 20, "sentences": 3000},
    "quick": {"seeds": 3, "epochs": 100, "generated_epochs": 3, "sentences": 600},
}
FAR = 0.1  # an output more than this from its target counts as "far"
DRAWS = 20  # initial draws of a ReLU head: each output is exactly 0 on about half of them
SEED_MODELS = [("per-token, ReLU", "per-token", "relu"), ("last step, ReLU", "last step", "relu"),
               ("last step, linear", "last step", None)]


def main(argv=None):
    lab = Experiment(__doc__, "08_sequence_regression", TITLE, PROFILES, argv)
    settings, report = lab.settings, lab.report
    sentences, targets, vocabulary = source_task()
    vocabulary_size = len(vocabulary) + 1  # id 0 is padding

    # ## 1. What comes out: one value per token, or one per sentence
    lab.reseed("shape check models")
    per_token = sequence_regressor(vocabulary_size, "per-token")
    last_step = sequence_regressor(vocabulary_size, "last step")
    report.check("C000-01", documented=[1, 5, 1], observed=list(np.shape(per_token(sentences[0]))),
                 control=list(np.shape(last_step(sentences[0]))),
                 evidence="'the dog ate the apple' (5 tokens) through LSTM(6, "
                 "return_sequences=True) + Dense(1): a value per token. PyTorch's (5, 1) is "
                 "time-major without the batch axis",
                 control_evidence="LSTM(6) + Dense(1), the default return_sequences=False")
    # Both sentences in one batch, the shorter post-padded and masked, as for training in batches.
    padded = keras.utils.pad_sequences([ids[0] for ids in sentences], padding="post")
    probe_seed = lab.seed_for("C000-02 probe")
    report.check("C000-02", documented=0.0, observed=last_step_and_final_h(padded, seed=probe_seed),
                 control=last_step_and_final_h(padded, zero_output_for_mask=True, seed=probe_seed),
                 compare=within(0.0),
                 evidence="sequence[:, -1] of LSTM(6, return_sequences=True, return_state=True) "
                 "against its final h, on the source's two sentences in one batch, the second "
                 "post-padded and masked: a head on the last step and a head on the final h are "
                 "the same model", control_evidence="the same LSTM with zero_output_for_mask=True: "
                 "the padded last step is zeros, not the final h")

    # ## 2. The source's training: 100 epochs over the two sentences, one at a time
    lab.progress(f"training on the source's two sentences, {settings['seeds']} seeds x 3 models")
    runs = {}
    for offset in range(settings["seeds"]):  # seeds --seed, --seed + 1, ...
        for name, head, activation in SEED_MODELS:
            seed = lab.reseed(f"{name}, seed {offset + 1}", offset)
            model = sequence_regressor(vocabulary_size, head, activation=activation)
            runs[name, seed] = train_one_sentence_at_a_time(model, sentences, targets,
                                                            settings["epochs"])

    first = runs["per-token, ReLU", lab.seed]
    distance, before = (max_abs_difference(first[when][0], targets[0])
                        for when in ("after", "before"))
    far = {True: f"far from {targets[0]}", False: f"within {FAR} of {targets[0]}"}
    report.check("C000-03", documented=far[True], observed=far[distance > FAR],
                 control=far[before > FAR],
                 evidence=f"per-token outputs for sentence 1 after {settings['epochs']} epochs: "
                 f"{format_array(first['after'][0], 4)} (the source printed 0.6181, 0.4987, "
                 f"0.3784, 0.4052, 0.4311); largest distance from {targets[0]}: {distance:.3f}. "
                 "The target is broadcast to every token, so training pulls each token's output "
                 "towards it. All seeds: see the table",
                 control_evidence="the same model before training: "
                 f"{format_array(first['before'][0], 4)}, largest distance {before:.3f}")
    dead = [seed for (name, seed), run in runs.items()
            if name == "last step, ReLU" and all(np.all(out == 0.0) for out in run["after"])]

    # ## 3. A ReLU output printing exactly 0.0000: the source's per-token head over many initial
    # draws, beside a linear head on the same LSTM
    lab.reseed("C000-04 models")
    relu = sequence_regressor(vocabulary_size, "per-token")
    linear = sequence_regressor(vocabulary_size, "per-token", activation=None)
    linear.set_weights(relu.get_weights())
    draws_seed = lab.seed_for("C000-04 head draws")
    (zeros, outputs), (linear_zeros, _) = (exact_zeros(m, sentences, DRAWS, draws_seed)
                                           for m in (relu, linear))
    report.check("C000-04", documented=True, observed=zeros > 0, control=linear_zeros > 0,
                 evidence=f"{zeros} of the {outputs} outputs of Dense(1, activation='relu') on "
                 f"the two sentences are exactly 0.0 over {DRAWS} initial draws of the head: its "
                 "input is negative on about half of them. After training, the last-step ReLU "
                 f"model still outputs exactly 0.0 for both sentences on {len(dead)} of "
                 f"{settings['seeds']} seeds ({dead}): no gradient flows through a ReLU at 0",
                 control_evidence=f"Dense(1), linear, with the same draws: {linear_zeros} of "
                 f"{outputs} outputs exactly 0.0")

    # ## 4. A larger generated task: which output should the head read?
    lab.progress(f"generated task: {settings['sentences']} sentences, 4 heads, "
                 f"{settings['generated_epochs']} epochs")
    ids, scores, lengths = generated_task(settings["sentences"],
                                          seed=lab.seed_for("generated task"))
    cut = int(0.8 * len(ids))
    seed = lab.seed_for("generated task models")
    generated = {head: test_mse_on_generated_task(head, ids, scores, lengths, cut,
                                                  settings["generated_epochs"], seed)
                 for head in HEADS}
    generated["predict the training mean"] = float(np.mean((scores[:cut].mean()
                                                            - scores[cut:, 0]) ** 2))

    # ## Report
    report.section("The source's two sentences, after training", markdown_table(
        ["model", "seed", "sentence 1 before", f"sentence 1 after (target {targets[0]})",
         f"sentence 2 after (target {targets[1]})"],
        [[name, seed, format_array(run["before"][0], 4), format_array(run["after"][0], 4),
          format_array(run["after"][1], 4)] for (name, seed), run in runs.items()],
    ))
    report.section("The generated task", markdown_table(
        ["head (linear output, masked padding)", "test MSE"],
        [[k, f"{v:.2e}"] for k, v in generated.items()],
    ) + f"\n\n{len(ids)} sentences ({cut} to train, {len(ids) - cut} to test) from "
        "lstm_lab.data.sentences.generated_task: the score is sigmoid(mean word value + last "
        "word's value). The per-token model is trained with the score at every unpadded token "
        "and read at the last one.")
    report.metric("generated_test_mse", generated)
    report.metric("dead_relu_seeds", dead)
    return lab.finish()


if __name__ == "__main__":
    run(main)
