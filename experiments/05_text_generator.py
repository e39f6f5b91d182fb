"""A character-level generator with TimeDistributed outputs, generating one step at a time.

Source: shared/seeds/004_aa9dcca7cd7f3743.txt. Asked how to train an LSTM on a whole
book, the answer sketches a character model whose targets are the inputs shifted by one,
with return_sequences=True and TimeDistributed layers, and warns that sequences of
different lengths need masking. We train that model on Alice's Adventures in Wonderland
(the last 10 % held out), compare its validation cross-entropy with unigram and bigram
models of the same split, generate text one character at a time with a stateful copy of
the weights, and check that this gives exactly the full-sequence pass.

Claims: those of experiment 05 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/05_text_generator.py                      # Alice (downloaded once, cached)
    python experiments/05_text_generator.py --corpus my_book.txt
    python experiments/05_text_generator.py --data-dir DIR      # holds alice_in_wonderland_pg11.txt
    python experiments/05_text_generator.py --profile quick --corpus PATH
"""

from pathlib import Path

import numpy as np

from lstm_lab import findings
from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import to_numpy
from lstm_lab.claims.compare import within
from lstm_lab.data.text import (
    Vocabulary,
    corpus_in,
    load_corpus,
    ngram_cross_entropy,
    shifted_windows,
    split_tail,
)
from lstm_lab.errors import DataUnavailable
from lstm_lab.experiment import Experiment, fingerprint, run
from lstm_lab.models.char_generator import (
    char_generator,
    one_step_probabilities,
    sample,
    stateful_copy,
)
from lstm_lab.probes.masking import probe_masking
from lstm_lab.probes.time_distributed import EQUAL as TD_EQUAL
from lstm_lab.probes.time_distributed import per_step_outputs
from lstm_lab.report.figures import training_curves
from lstm_lab.report.markdown import markdown_table
from lstm_lab.training.backup import fit_with_backup

TITLE = "Character-level generator with TimeDistributed outputs, and one-step generation"
PROFILES = {
    "full": {"epochs": 30, "units": 256, "characters": None},
    "quick": {"epochs": 2, "units": 64, "characters": 30000},
}
OPTIONS = {"--corpus": {"type": Path, "help": "a UTF-8 text file (default: Alice in Wonderland)"}}
WINDOW, BATCH_SIZE = 100, 64
SHORT = 60  # C004-08's second step count for predict(), and C004-09's probe length
TEMPERATURES = (0.2, 0.5, 1.0, 1.2)
EQUAL = 1e-5


def main(argv=None):
    lab = Experiment(__doc__, "05_text_generator", TITLE, PROFILES, argv, OPTIONS)
    settings, report, args = lab.settings, lab.report, lab.args
    units, epochs = settings["units"], settings["epochs"]

    # ## 1. Data: characters, the held-out tail, windows shifted by one. Without the book (no
    # copy, no network) the claims about the model's wiring are checked on a stand-in text, this
    # script's own description, and training is not run.
    try:
        text = load_corpus(args.corpus or corpus_in(args.data_dir))[: settings["characters"]]
        missing = None
    except DataUnavailable as error:
        text, missing = " ".join(__doc__.split()), error
    vocabulary = Vocabulary(text)
    train_ids, validation_ids = split_tail(vocabulary.encode(text))
    x_train, y_train = shifted_windows(train_ids, WINDOW)
    x_validation, y_validation = shifted_windows(validation_ids, WINDOW)
    unigram = ngram_cross_entropy(train_ids, validation_ids, len(vocabulary), order=1)
    bigram = ngram_cross_entropy(train_ids, validation_ids, len(vocabulary), order=2)
    lab.progress(f"{len(text)} characters, {len(vocabulary)} distinct; {len(x_train)} training "
                 f"windows of {WINDOW}; validation: unigram {unigram:.3f}, bigram {bigram:.3f} "
                 "nats per character")

    # ## 2. The model: Embedding -> LSTM(return_sequences) -> TimeDistributed(Dense(softmax)).
    # Beside it, with the same weights: one softmax per sequence (the control), a plain Dense head.
    lab.reseed("model")
    model = char_generator(len(vocabulary), units=units)
    found = {}
    for name, per_step in [("return_sequences=False", False), ("a plain Dense head", True)]:
        other = char_generator(len(vocabulary), units=units, time_distributed=False,
                               return_sequences=per_step)
        other.set_weights(model.get_weights())
        found[name] = per_step_outputs(other, x_train[:2], SHORT)
    observed, details = per_step_outputs(model, x_train[:2], SHORT)
    plain = "confirmed" if all(found["a plain Dense head"][0].values()) else "refuted"
    bug = findings.load()["time_distributed_steps"]  # its first release, as measured
    report.check(
        "C004-08", documented=dict.fromkeys(observed, True), observed=observed,
        control=found["return_sequences=False"][0],
        tolerance=f"equal: max abs difference <= {TD_EQUAL:g}",
        evidence=f"{details}. A plain Dense with the same weights applies to the last axis in "
        f"Keras 3. Finding: {bug.title}, from Keras {bug.first_release} (results/findings.md)",
        control_evidence=f"{found['return_sequences=False'][1]}. A plain Dense head in "
        f"TimeDistributed's place, the same probe: {plain} ({found['a plain Dense head'][1]})",
    )
    report.section("Set-up", "The targets are the inputs shifted by one character, as the source "
                   "describes (lstm_lab.data.text.shifted_windows; tests/test_text.py checks it): "
                   "an input of this run, not a claim.")

    if missing:  # C004-09 on the untrained model, C004-10; nothing to train or sample
        check_one_step_generation(report, model, x_validation[0][:SHORT], len(vocabulary))
        check_masking(lab)
        lab.without_data(missing, "training, the cross-entropy table and the samples")
        return lab.finish()

    # ## 4. Training
    lab.progress(f"training: LSTM({units}), {epochs} epochs, batch {BATCH_SIZE}")
    identity = lab.run_identity(data=fingerprint(x_train, y_train, x_validation, y_validation))
    history = fit_with_backup(
        model, x_train, y_train, lab.backup_dir("model"), identity,
        validation_data=(x_validation, y_validation), batch_size=BATCH_SIZE, epochs=epochs,
        verbose=2 if args.verbose else 0,
    ).history
    validation_loss = model.evaluate(x_validation, y_validation, batch_size=BATCH_SIZE, verbose=0)
    lowest, best_epoch = min(history["val_loss"]), int(np.argmin(history["val_loss"])) + 1
    lab.progress(f"validation cross-entropy {validation_loss:.3f} nats per character (lowest "
                 f"{lowest:.3f} at epoch {best_epoch}); bigram {bigram:.3f}")

    # ## 5. One step at a time: a stateful batch-1 copy (C004-09), then sampling
    generator = check_one_step_generation(report, model, x_validation[0][:SHORT], len(vocabulary))
    sampling = lab.seed_for("sampling")
    prompt = text[len(text) // 2 : len(text) // 2 + 60]
    samples = {t: sample(generator, vocabulary, prompt, 300, t, seed=sampling)
               for t in TEMPERATURES}

    # ## 6. Padding and masking (C004-10)
    masking = check_masking(lab)

    # ## Report
    trained = len(history["loss"])
    curves = {"training": history["loss"], "validation": history["val_loss"],
              "bigram (validation)": [bigram] * trained,
              "unigram (validation)": [unigram] * trained}
    figure = training_curves(curves, "Character model: cross-entropy per epoch",
                             "nats per character")
    report.figure("training_loss", figure, "Cross-entropy per epoch against the n-gram baselines")
    report.section("Validation cross-entropy (nats per character, the held-out last 10 %)",
                   markdown_table(["model", "nats per character"], [
                       ["unigram (add-one)", f"{unigram:.3f}"],
                       ["bigram (add-one)", f"{bigram:.3f}"],
                       [f"LSTM({units}) after {epochs} epochs", f"{validation_loss:.3f}"],
                       [f"LSTM, lowest over the epochs (epoch {best_epoch})", f"{lowest:.3f}"],
                   ]) + "\n\nTarget (full profile): clearly below the bigram.")
    report.section("Samples", f"Prompt: `{prompt!r}`, 300 characters at each temperature "
                   "(stateful one-step generation, seeded).\n\n"
                   + "\n\n".join(f"**temperature {t}**\n\n```\n{s}\n```"
                                 for t, s in samples.items()))
    report.section("Masking", markdown_table(
        ["padding", "mask", "max abs difference of the final (h, c)"],
        [[k.split(", ")[0], k.split(", ")[1], f"{v:.3g}"] for k, v in masking.items()],
    ))
    report.metric("characters", len(text))
    report.metric("vocabulary", len(vocabulary))
    report.metric("validation_nats_per_character", float(validation_loss))
    report.metric("validation_nats_per_character_lowest", float(lowest))
    report.metric("unigram_nats_per_character", unigram)
    report.metric("bigram_nats_per_character", bigram)
    report.metric("epochs", epochs)
    return lab.finish()


def check_masking(lab):
    """C004-10: a padded sequence ends in the unpadded one's state only behind a mask (no data
    needed)."""
    masking_seed = lab.seed_for("C004-10 probe")
    masking = probe_masking(seed=masking_seed)
    initial = probe_masking(seed=masking_seed, initial_weights=True)

    def statements(gaps):  # what the claim says, read from the probe's differences
        return {"masked: padded state == unpadded":
                max(gaps["pre-padded, masked"], gaps["post-padded, masked"]) <= EQUAL,
                "no mask: post-padding changes the state": gaps["post-padded, no mask"] > EQUAL,
                "no mask: pre-padding changes the state": gaps["pre-padded, no mask"] > EQUAL}

    lab.report.check(
        "C004-10", documented=dict.fromkeys(statements(masking), True),
        observed=statements(masking), control=statements(initial),
        tolerance=f"equal: max abs difference <= {EQUAL:g}",
        evidence="LSTM(8) with random weights, biases included, as after training; 5 steps padded "
        "with 4 zero steps, max abs difference of the final (h, c) from the unpadded one: "
        + "; ".join(f"{k} {v:.3g}" for k, v in masking.items()),
        control_evidence="Keras's initial weights (zero biases but the forget gate's): zero "
        "pre-padding keeps the state at exactly 0, so without a mask it differs by "
        f"{initial['pre-padded, no mask']:.3g}: the harm appears once the biases have trained",
    )
    return masking


def check_one_step_generation(report, model, probe, vocabulary_size):
    """C004-09: ``probe`` fed one character at a time to a stateful batch-1 copy of ``model``
    gives the probabilities of one pass over it; returns the copy."""
    generator = stateful_copy(model)
    full_pass = to_numpy(model(probe[None]))[0]
    incremental = one_step_probabilities(generator, probe)
    report.check("C004-09", documented=0.0, observed=max_abs_difference(incremental, full_pass),
                 control=max_abs_difference(one_step_probabilities(generator, probe, True),
                                            full_pass),
                 compare=within(EQUAL),
                 evidence=f"probabilities for {len(probe)} validation characters fed one at a time "
                 f"to a stateful batch-1 copy vs one pass over them (largest of {len(probe)} x "
                 f"{vocabulary_size} differences)",
                 control_evidence="the same copy with its state reset before every character")
    return generator


if __name__ == "__main__":
    run(main)
