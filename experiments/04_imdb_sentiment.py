"""IMDb sentiment with an LSTM: the source's model, both truncation sides, a TF-IDF baseline.

Source: shared/seeds/002_061ba2699a049bcc.txt. The post trains Embedding(10000, 128)
-> LSTM(32) -> Dense(1, sigmoid) on reviews cut to 80 words (batch 32, 10 epochs,
adam) and describes the preprocessing: short reviews padded with 0 at the front, long
ones keeping "the first 80 words", unknown words encoded as 2. Keras's pad_sequences
keeps the *last* 80 by default, so we train both ways. Validation comes from the
training reviews (the post validates on the test set), the test set is scored once at
the end, and TF-IDF + logistic regression stands beside the LSTM: the old Keras
imdb_lstm example warned that this data set is too small for an LSTM to beat it.

Claims: those of experiment 04 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/04_imdb_sentiment.py                   # Keras's imdb.npz, or the raw archive
    python experiments/04_imdb_sentiment.py --imdb PATH/aclImdb_v1.tar.gz \\
        --word-index PATH/imdb_word_index.json
    python experiments/04_imdb_sentiment.py --data-dir DIR    # holds both files
    python experiments/04_imdb_sentiment.py --profile quick --imdb PATH ...
"""

from pathlib import Path

import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.data import imdb
from lstm_lab.errors import DataUnavailable
from lstm_lab.experiment import Experiment, fingerprint, run
from lstm_lab.models.baselines import tfidf_logistic_regression
from lstm_lab.models.imdb import how_the_model_trains, imdb_sentiment_lstm
from lstm_lab.report.figures import training_curves
from lstm_lab.report.markdown import markdown_table
from lstm_lab.training.backup import fit_with_backup
from lstm_lab.training.loops import overfitting

TITLE = "IMDb sentiment LSTM: the source's model, both truncation sides, and a TF-IDF baseline"
PROFILES = {
    "full": {"epochs": 10, "train_reviews": None, "test_reviews": None},  # the source's settings
    "quick": {"epochs": 2, "train_reviews": 2000, "test_reviews": 1000},
}
OPTIONS = {
    "--imdb": {"type": Path, "help": "an aclImdb directory or aclImdb_v1.tar.gz"},
    "--word-index": {"type": Path, "help": "Keras's imdb_word_index.json (for --imdb)"},
}
NUM_WORDS, MAXLEN, BATCH_SIZE, VALIDATION_SPLIT = 10000, 80, 32, 0.2
TARGET_ACCURACY = 0.80
SIDES = {"pre": "keeps the last 80 words (pad_sequences default)",
         "post": "keeps the first 80 words, as the post describes"}


def main(argv=None):
    lab = Experiment(__doc__, "04_imdb_sentiment", TITLE, PROFILES, argv, OPTIONS)
    settings, report, args = lab.settings, lab.report, lab.args
    found_reviews, found_index = imdb.imdb_files_in(args.data_dir)
    reviews_path, word_index_path = args.imdb or found_reviews, args.word_index or found_index

    # ## 1. Data. Without a copy and without a network, the claims that need no reviews are
    # still checked below; training is not run.
    lab.progress("loading the IMDb reviews")
    try:
        (x_train, y_train), (x_test, y_test), source = imdb.load_imdb(NUM_WORDS, reviews_path,
                                                                      word_index_path)
        missing = None
    except DataUnavailable as error:
        missing = error

    # ## 2. The preprocessing the post describes, each beside the option that does otherwise
    short, long = [1, 14, 22, 16], list(range(1, 201))

    def padded_side(**options):  # where pad_sequences puts the zeros of a 4-word review
        row = list(keras.utils.pad_sequences([short], maxlen=MAXLEN, **options)[0])
        return ("zeros at the front" if row[-4:] == short else
                "zeros at the end" if row[:4] == short else "other")

    def kept_side(**options):  # which 80 of a 200-word review pad_sequences keeps
        first = keras.utils.pad_sequences([long], maxlen=MAXLEN, **options)[0][0]
        return {1: "the first 80", 121: "the last 80"}.get(int(first), "other")

    report.check("C002-03", documented="zeros at the front", observed=padded_side(),
                 control=padded_side(padding="post"),
                 evidence=f"keras.utils.pad_sequences({short}, maxlen=80) with its defaults",
                 control_evidence="the same call with padding='post'")
    report.check("C002-04", documented="the first 80", observed=kept_side(),
                 control=kept_side(truncating="post"),
                 evidence="keras.utils.pad_sequences(range(1, 201), maxlen=80) with its defaults "
                 "keeps 121…200 (truncating='pre'). Both sides are trained below: see the "
                 "accuracy table", control_evidence="the same call with truncating='post'")
    encoder = imdb.code_of_a_rare_word(word_index_path, NUM_WORDS)
    report.check("C002-05", documented=2, observed=imdb.keras_code_of_a_rare_word(NUM_WORDS),
                 control=imdb.keras_code_of_a_rare_word(NUM_WORDS, oov_char=None),
                 evidence="keras.datasets.imdb.load_data(num_words=10000) run on a review holding "
                 "the words ranked 1 and 20,000" + ("" if encoder is None else "; the lab's "
                 f"encoder of the raw reviews gives the word ranked 20,000 the code {encoder}"),
                 control_evidence="the same load_data call with oov_char=None")

    # ## 3. The model, as Keras builds it from the post's settings; beside it, a GRU in its place
    model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN)
    gru = imdb_sentiment_lstm(NUM_WORDS, MAXLEN, recurrent=keras.layers.GRU)
    observed, control = ({"weight shapes": [list(w.shape) for w in m.weights],
                          "parameters": m.count_params()} for m in (model, gru))
    report.check("C002-01", observed=observed, control=control,  # an LSTM's 4 gates side by side
                 documented={"weight shapes": [[10000, 128], [128, 4 * 32], [32, 4 * 32],
                                               [4 * 32], [32, 1], [1]], "parameters": 1300641},
                 evidence="the weights Keras created for Embedding(10000, 128) -> LSTM(32) -> "
                 "Dense(1): 10000 x 128 = 1,280,000; LSTM 4 x 32 x (128 + 32 + 1) = 20,608; "
                 "Dense 33", control_evidence="GRU(32) in the LSTM's place: three gates")
    embedding = model.get_layer("embedding")
    padded = keras.utils.pad_sequences([short, long], maxlen=MAXLEN)
    observed, control = ([list(embedding(np.array([r])).shape[1:]) for r in reviews]
                         for reviews in (padded, [short, long]))
    report.check("C002-02", documented=[[80, 128], [80, 128]], observed=observed, control=control,
                 evidence="the Embedding layer's output for a 4-word and a 200-word review after "
                 "pad_sequences(maxlen=80)", control_evidence="the same reviews not padded or cut")
    report.section("Set-up", SET_UP)

    if missing:
        lab.without_data(missing, "training, the accuracy table and the TF-IDF baseline")
        return lab.finish()
    x_train, y_train = x_train[: settings["train_reviews"]], y_train[: settings["train_reviews"]]
    x_test, y_test = x_test[: settings["test_reviews"]], y_test[: settings["test_reviews"]]
    lengths = np.array([len(s) for s in x_train])
    lab.progress(f"{len(x_train)} training and {len(x_test)} test reviews from {source}")

    # ## 4. Training, both truncation sides
    results, histories = {}, {}
    fit_rows = int(len(x_train) * (1 - VALIDATION_SPLIT))
    for side, meaning in SIDES.items():
        lab.progress(f"training with truncating='{side}' ({meaning}): {settings['epochs']} "
                     f"epochs, batch {BATCH_SIZE}")
        lab.reseed(f"model, truncating={side!r}")
        train = keras.utils.pad_sequences(x_train, maxlen=MAXLEN, truncating=side)
        test = keras.utils.pad_sequences(x_test, maxlen=MAXLEN, truncating=side)
        model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN)
        identity = lab.run_identity(side=side, data=fingerprint(train, y_train))
        record = fit_with_backup(model, train, y_train, lab.backup_dir(side), identity,
                                 monitor="val_accuracy", batch_size=BATCH_SIZE,
                                 epochs=settings["epochs"], validation_split=VALIDATION_SPLIT,
                                 verbose=2 if args.verbose else 0)
        histories[side] = record.history
        # The source's way: the model after the last epoch. Beside it, the epoch that did best on
        # the validation reviews (chosen without looking at the test set).
        _, last_epoch = model.evaluate(test, y_test, batch_size=256, verbose=0)
        model.set_weights(record.best_weights)
        _, best_epoch = model.evaluate(test, y_test, batch_size=256, verbose=0)
        baseline = tfidf_logistic_regression(train[:fit_rows], y_train[:fit_rows], test, y_test)
        results[side] = {"lstm": float(last_epoch), "lstm_best_epoch": float(best_epoch),
                         "best_epoch": record.best_epoch, "tfidf_logreg": baseline}
        lab.progress(f"  test accuracy: LSTM {last_epoch:.4f} after the last epoch, "
                     f"{best_epoch:.4f} with the weights of epoch {record.best_epoch} (best "
                     f"validation accuracy); TF-IDF + logistic regression {baseline:.4f}")
    lab.progress("TF-IDF + logistic regression on whole reviews")
    whole_reviews = tfidf_logistic_regression(x_train[:fit_rows], y_train[:fit_rows], x_test,
                                              y_test)

    # ## Report
    for metric, label in [("loss", "binary cross-entropy"), ("accuracy", "accuracy")]:
        curves = {}
        for side in SIDES:
            curves[f"truncating='{side}', training"] = histories[side][metric]
            curves[f"truncating='{side}', validation"] = histories[side][f"val_{metric}"]
        figure = training_curves(curves, f"IMDb LSTM: {label} per epoch", label)
        report.figure(f"training_{metric}", figure,
                      f"{label.capitalize()} per epoch on the training and validation reviews")
    rows = [[f"`truncating='{side}'`: {SIDES[side]}", f"{r['lstm']:.4f}",
             f"{r['lstm_best_epoch']:.4f} (epoch {r['best_epoch']})", f"{r['tfidf_logreg']:.4f}"]
            for side, r in results.items()]
    rows.append(["whole reviews (no cut)", "–", "–", f"{whole_reviews:.4f}"])
    header = ["input", "LSTM after the last epoch (the source's way)",
              "LSTM, best validation epoch", "TF-IDF + logistic regression"]
    report.section("Test accuracy", markdown_table(header, rows) + "\n\n"
                   + target_verdict(results, settings["epochs"]) + ACCURACY_NOTE)
    report.section("Overfitting", "\n".join(
        f"- `truncating='{side}'`: " + overfitting_text(histories[side]) for side in SIDES))
    report.section("Data", f"{source}. {len(x_train)} training reviews ({VALIDATION_SPLIT:.0%} "
                   f"of them held out for validation), {len(x_test)} test reviews scored once. "
                   f"Median review length {int(np.median(lengths))} words; "
                   f"{np.mean(lengths < MAXLEN):.1%} are shorter than {MAXLEN} words (padded) and "
                   f"{np.mean(lengths > MAXLEN):.1%} longer (cut). "
                   + ("" if "imdb.npz" in source else RAW_DATA_NOTE))
    for side in SIDES:
        report.metric(f"test_accuracy_lstm_truncating_{side}", results[side]["lstm"])
        report.metric(f"test_accuracy_lstm_best_epoch_truncating_{side}",
                      results[side]["lstm_best_epoch"])
        report.metric(f"best_validation_epoch_truncating_{side}", results[side]["best_epoch"])
        report.metric(f"test_accuracy_tfidf_truncating_{side}", results[side]["tfidf_logreg"])
    report.metric("test_accuracy_tfidf_whole_reviews", whole_reviews)
    report.metric("epochs", settings["epochs"])
    report.note("The post validates on the test set (validation_data=(x_test, y_test)); here "
                "validation comes from the last 20 % of the training reviews and the test set is "
                "used once.")
    for note in how_the_model_trains(BACKEND):
        report.note(note)
    return lab.finish()


def target_verdict(results, epochs):
    """Whether the LSTM reached the target accuracy, the source's way and at its best epoch."""
    if epochs < PROFILES["full"]["epochs"]:
        return (f"Target for the LSTM: ≥ {TARGET_ACCURACY:.2f} after the full profile's "
                f"{PROFILES['full']['epochs']} epochs; this run trained {epochs}, so it is not "
                "judged.")
    lines = []
    for side, r in results.items():
        last = "met" if r["lstm"] >= TARGET_ACCURACY else "**missed**"
        best = "met" if r["lstm_best_epoch"] >= TARGET_ACCURACY else "**missed**"
        lines.append(f"- `truncating='{side}'`: after the last epoch {r['lstm']:.4f}, target "
                     f"{last}; at the best validation epoch {r['lstm_best_epoch']:.4f}, "
                     f"target {best}.")
    return f"Target for the LSTM: test accuracy ≥ {TARGET_ACCURACY:.2f}.\n\n" + "\n".join(lines)


def overfitting_text(history):
    """Whether and from which epoch the model overfits, in words."""
    turned = overfitting(history)
    train_accuracy = history["accuracy"][-1]
    if turned is None:
        return (f"validation loss fell to the last epoch ({history['val_loss'][-1]:.3f}): no "
                f"sign of overfitting; training accuracy {train_accuracy:.3f}.")
    return (f"**overfitting**: validation loss was lowest after epoch {turned['epoch']} "
            f"({turned['lowest']:.3f}) and rose to {turned['last']:.3f} by the last epoch, "
            f"while training accuracy reached {train_accuracy:.3f}: from then on the model "
            "memorises the training reviews. The best-epoch column keeps the weights of the "
            "epoch with the best validation accuracy instead of the last.")


SET_UP = (
    "The post's settings, used as given: num_words=10000, maxlen=80, embedding_dim=128, "
    "lstm_dim=32, Dense(1, activation='sigmoid'), adam, binary cross-entropy, batch 32, 10 epochs "
    "(the full profile). They are this run's inputs, not claims: C002-01 and C002-02 check what "
    "Keras builds from them."
)
ACCURACY_NOTE = (
    "\n\nThe best validation epoch is chosen on "
    "the validation reviews (20 % of the training set), never on the test set. The TF-IDF model "
    "uses word unigrams and bigrams of the same 10,000-word vocabulary."
)
RAW_DATA_NOTE = (
    f"Built from the raw reviews: {imdb.OOV} marks words outside the 10,000 most frequent, words "
    "absent from Keras's index are dropped, as in imdb.npz; tests/test_imdb.py compares the "
    "sequences with a real slice of imdb.npz. imdb.npz's review order is not recoverable, so the "
    "order of the reviews (not their content) differs from Keras's."
)

if __name__ == "__main__":
    run(main)
