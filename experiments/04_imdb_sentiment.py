"""IMDb sentiment with an LSTM: the seed's model on Keras 3, both truncation sides, and a TF-IDF baseline.

Source: shared/seeds/002_061ba2699a049bcc.txt. The post trains Embedding(10000, 128)
-> LSTM(32) -> Dense(1, sigmoid) on reviews cut to 80 words (batch 32, 10 epochs,
adam) and describes the preprocessing: short reviews padded with 0 at the front, long
ones keeping "the first 80 words", unknown words encoded as 2. Keras's pad_sequences
keeps the *last* 80 by default, so we train both ways. Validation comes from the
training reviews (the post validates on the test set), the test set is scored once at
the end, and TF-IDF + logistic regression stands beside the LSTM: the old Keras
imdb_lstm example warned that this data set is too small for an LSTM to beat it.

Claims: C002-01 … C002-05 (shared/claims.md).

    python experiments/04_imdb_sentiment.py                   # Keras's imdb.npz, or the raw archive
    python experiments/04_imdb_sentiment.py --imdb PATH/aclImdb_v1.tar.gz --word-index PATH/imdb_word_index.json
    python experiments/04_imdb_sentiment.py --data-dir DIR    # DIR holds aclImdb*.tar.gz and imdb_word_index.json
    python experiments/04_imdb_sentiment.py --profile quick --imdb PATH ...
"""

import inspect
import time
from pathlib import Path

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.baselines import tfidf_logistic_regression
from lstm_lab.claims import check, exactly, same_shape
from lstm_lab.cli import experiment_parser, run_experiment
from lstm_lab.data.imdb import OOV, encode, imdb_files_in, load_imdb, read_word_index
from lstm_lab.models.imdb import imdb_sentiment_lstm
from lstm_lab.plots import training_curves
from lstm_lab.report import Report, markdown_table
from lstm_lab.training import KeepBestWeights, fit_with_backup

EXPERIMENT = "04_imdb_sentiment"
TITLE = "IMDb sentiment LSTM: the seed's model, both truncation sides, and a TF-IDF baseline"

PROFILES = {
    "full": {"epochs": 10, "train_reviews": None, "test_reviews": None},  # the seed's settings
    "quick": {"epochs": 2, "train_reviews": 2000, "test_reviews": 1000},
}
NUM_WORDS, MAXLEN, BATCH_SIZE, VALIDATION_SPLIT = 10000, 80, 32, 0.2
SIDES = {"pre": "keeps the last 80 words (pad_sequences default)", "post": "keeps the first 80 words (the post)"}


def main(argv=None):
    parser = experiment_parser(__doc__)
    parser.add_argument("--imdb", type=Path, help="an aclImdb directory or aclImdb_v1.tar.gz")
    parser.add_argument("--word-index", type=Path, help="Keras's imdb_word_index.json (for --imdb)")
    args = parser.parse_args(argv)
    found_reviews, found_index = imdb_files_in(args.data_dir)
    args.imdb, args.word_index = args.imdb or found_reviews, args.word_index or found_index
    settings = PROFILES[args.profile]
    report = Report(EXPERIMENT, TITLE, profile=args.profile, seed=args.seed, results_dir=args.results_dir)
    started = time.perf_counter()

    def progress(message):
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    # ## 1. Data
    progress("loading the IMDb reviews")
    (x_train, y_train), (x_test, y_test), source = load_imdb(NUM_WORDS, args.imdb, args.word_index)
    x_train, y_train = x_train[: settings["train_reviews"]], y_train[: settings["train_reviews"]]
    x_test, y_test = x_test[: settings["test_reviews"]], y_test[: settings["test_reviews"]]
    lengths = np.array([len(s) for s in x_train])
    progress(f"{len(x_train)} training and {len(x_test)} test reviews from {source}")

    # ## 2. The preprocessing the post describes
    short = [1, 14, 22, 16]
    padded = keras.utils.pad_sequences([short], maxlen=MAXLEN)[0]
    long = list(range(1, 201))
    kept = keras.utils.pad_sequences([long], maxlen=MAXLEN)[0]
    report.add(
        check(
            "C002-03",
            documented="zeros at the front",
            observed="zeros at the front" if padded[: MAXLEN - 4].sum() == 0 and list(padded[-4:]) == short
            else "zeros at the end",
            compare=exactly,
            evidence=f"keras.utils.pad_sequences({short}, maxlen=80) defaults: {MAXLEN - 4} zeros, then the "
            f"review; {np.mean(lengths < MAXLEN):.1%} of the training reviews are shorter than 80 words",
        )
    )
    kept_side = "the first 80" if kept[0] == 1 else "the last 80" if kept[0] == 121 else "other"
    report.add(
        check(
            "C002-04",
            documented="the first 80",
            observed=kept_side,
            compare=exactly,
            expect="refuted",
            evidence="keras.utils.pad_sequences(range(1, 201), maxlen=80) keeps 121…200 (truncating='pre' is "
            f"the default); {np.mean(lengths > MAXLEN):.1%} of the training reviews are longer than 80 words. "
            "Both sides are trained below: see the accuracy table",
        )
    )
    oov_default = inspect.signature(keras.datasets.imdb.load_data).parameters["oov_char"].default
    oov_observed = oov_code(args.word_index, oov_default)
    report.add(check("C002-05", documented=2, observed=oov_observed, compare=exactly,
                     evidence=f"keras.datasets.imdb.load_data's oov_char default is {oov_default}; "
                     "lstm_lab.data.imdb.encode gives a word ranked 20,000th (outside num_words=10000) the code "
                     f"{oov_observed}"))

    # ## 3. The model
    model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN)
    embedding_shape = tuple(model.get_layer("embedding").output.shape)
    report.add(
        check(
            "C002-01",
            documented={"num_words": 10000, "maxlen": 80, "embedding": 128, "lstm": 32, "parameters": 1300641},
            observed={
                "num_words": model.get_layer("embedding").input_dim,
                "maxlen": model.input_shape[1],
                "embedding": model.get_layer("embedding").output_dim,
                "lstm": model.get_layer("lstm").units,
                "parameters": model.count_params(),
            },
            compare=exactly,
            evidence="Embedding 10000 x 128 = 1,280,000; LSTM 4 x 32 x (128 + 32 + 1) = 20,608; Dense 33",
        )
    )
    report.add(check("C002-02", documented=(None, 80, 128), observed=embedding_shape, compare=same_shape,
                     evidence="the Embedding layer's symbolic output"))

    # ## 4. Training, both truncation sides
    results, histories = {}, {}
    for side, meaning in SIDES.items():
        progress(f"training with truncating='{side}' ({meaning}): {settings['epochs']} epochs, batch {BATCH_SIZE}")
        keras.utils.set_random_seed(args.seed)
        train = keras.utils.pad_sequences(x_train, maxlen=MAXLEN, truncating=side)
        test = keras.utils.pad_sequences(x_test, maxlen=MAXLEN, truncating=side)
        model = imdb_sentiment_lstm(NUM_WORDS, MAXLEN)
        best = KeepBestWeights(monitor="val_accuracy")
        history = fit_with_backup(
            model,
            train,
            y_train,
            backup_dir=args.results_dir / f".{EXPERIMENT}.backup-{side}",
            batch_size=BATCH_SIZE,
            epochs=settings["epochs"],
            validation_split=VALIDATION_SPLIT,
            verbose=2 if args.verbose else 0,
            callbacks=[best],
        )
        histories[side] = history.history
        # The seed's way: the model after the last epoch. Beside it, the epoch that did best on
        # the validation reviews (chosen without looking at the test set).
        _, last_epoch = model.evaluate(test, y_test, batch_size=256, verbose=0)
        model.set_weights(best.best_weights)
        _, best_epoch = model.evaluate(test, y_test, batch_size=256, verbose=0)
        fit_rows = int(len(train) * (1 - VALIDATION_SPLIT))
        baseline = tfidf_logistic_regression(train[:fit_rows], y_train[:fit_rows], test, y_test)
        results[side] = {"lstm": float(last_epoch), "lstm_best_epoch": float(best_epoch),
                         "best_epoch": best.best_epoch, "tfidf_logreg": baseline}
        progress(f"  test accuracy: LSTM {last_epoch:.4f} after the last epoch, {best_epoch:.4f} with the "
                 f"weights of epoch {best.best_epoch} (best validation accuracy); "
                 f"TF-IDF + logistic regression {baseline:.4f}")
    progress("TF-IDF + logistic regression on whole reviews")
    fit_rows = int(len(x_train) * (1 - VALIDATION_SPLIT))
    whole_reviews = tfidf_logistic_regression(x_train[:fit_rows], y_train[:fit_rows], x_test, y_test)

    # ## Report
    for metric, label in [("loss", "binary cross-entropy"), ("accuracy", "accuracy")]:
        curves = {}
        for side in SIDES:
            curves[f"truncating='{side}', training"] = histories[side][metric]
            curves[f"truncating='{side}', validation"] = histories[side][f"val_{metric}"]
        report.figure(f"training_{metric}", training_curves(curves, f"IMDb LSTM: {label} per epoch", label),
                      f"{label.capitalize()} per epoch on the training and validation reviews")
    report.section("Test accuracy", accuracy_table(results, whole_reviews))
    report.section("Data", f"{source}. {len(x_train)} training reviews ({VALIDATION_SPLIT:.0%} of them held out "
                   f"for validation), {len(x_test)} test reviews scored once. Median review length "
                   f"{int(np.median(lengths))} words. {data_note(source)}")
    for side in SIDES:
        report.metric(f"test_accuracy_lstm_truncating_{side}", results[side]["lstm"])
        report.metric(f"test_accuracy_lstm_best_epoch_truncating_{side}", results[side]["lstm_best_epoch"])
        report.metric(f"best_validation_epoch_truncating_{side}", results[side]["best_epoch"])
        report.metric(f"test_accuracy_tfidf_truncating_{side}", results[side]["tfidf_logreg"])
    report.metric("test_accuracy_tfidf_whole_reviews", whole_reviews)
    report.metric("epochs", settings["epochs"])
    report.note("The post validates on the test set (validation_data=(x_test, y_test)); here validation "
                "comes from the last 20 % of the training reviews and the test set is used once.")
    report.note("Training compiles with XLA and runs 25 batches per call (lstm_lab.models.imdb): the same "
                "steps as plain fit; benchmarks/bench_imdb_epoch.py times it against plain fit and PyTorch.")
    return report.write()


def oov_code(word_index_path, fallback):
    """The code the lab's encoder gives a word outside ``num_words`` (Keras's default without an index)."""
    if word_index_path is None:
        return fallback
    index = read_word_index(word_index_path)
    rare_word = next(word for word, rank in index.items() if rank == 20000)
    return encode([f"the {rare_word}"], index, NUM_WORDS)[0][-1]


def accuracy_table(results, whole_reviews):
    rows = [
        [f"`truncating='{side}'`: {SIDES[side]}", f"{r['lstm']:.4f}",
         f"{r['lstm_best_epoch']:.4f} (epoch {r['best_epoch']})", f"{r['tfidf_logreg']:.4f}"]
        for side, r in results.items()
    ]
    rows.append(["whole reviews (no cut)", "–", "–", f"{whole_reviews:.4f}"])
    header = ["input", "LSTM after the last epoch (the seed's way)", "LSTM, best validation epoch",
              "TF-IDF + logistic regression"]
    return markdown_table(header, rows) + (
        "\n\nTarget for the LSTM in the full profile: ≥ 0.80. The best validation epoch is chosen on "
        "the validation reviews (20 % of the training set), never on the test set. The TF-IDF model "
        "uses word unigrams and bigrams of the same 10,000-word vocabulary."
    )


def data_note(source):
    if "imdb.npz" in source:
        return ""
    return (
        f"Built from the raw reviews: {OOV} marks words outside the 10,000 most frequent, words absent "
        "from Keras's index are dropped, as in imdb.npz; tests/test_imdb.py compares the sequences with "
        "a real slice of imdb.npz. imdb.npz's review order is not recoverable, so the order of the "
        "reviews (not their content) differs from Keras's."
    )


if __name__ == "__main__":
    run_experiment(main)
