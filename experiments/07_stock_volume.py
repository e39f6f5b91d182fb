"""Starbucks volume with an LSTM: the source's PyTorch pipeline in Keras 3, against baselines.

Source: shared/seeds/001_0a6509cbd9dfcdd7.txt, an article that predicts SBUX's daily
Volume from the same day's five prices (Open, High, Low, Close, Adj Close) with a
PyTorch LSTM(2): StandardScaler on the prices, MinMaxScaler on Volume, both fit on all
253 rows, the first 200 days for training, 1000 full-batch Adam epochs, and "the loss is
small, so the model performs well". Note that it estimates each day's volume from that
day's prices: a regression, not a forecast. Here: the same pipeline in Keras, its error
in Volume units against three baselines, the scalers fit on the training rows only,
and look-back windows instead of one day.

Claims: C001-01 … C001-07 (shared/claims.md).

    python experiments/07_stock_volume.py --csv PATH/SBUX.csv     # the source's data
    python experiments/07_stock_volume.py                         # a generated series
    python experiments/07_stock_volume.py --data-dir DIR          # DIR holds SBUX.csv
"""

from pathlib import Path

import numpy as np

from lstm_lab.claims.compare import within
from lstm_lab.data.stocks import (
    FEATURES,
    TARGET,
    TRAIN_ROWS,
    is_source_data,
    prices_in,
    read_prices,
    scaled_split,
    synthetic_prices,
)
from lstm_lab.errors import BadInput
from lstm_lab.experiment import Experiment, run
from lstm_lab.models.baselines import regression_errors, volume_baselines
from lstm_lab.models.stock import pytorch_parameter_count, train_and_predict_volume
from lstm_lab.probes.recurrence import recurrent_kernel_effect
from lstm_lab.report.figures import actual_vs_predicted
from lstm_lab.report.markdown import markdown_table

TITLE = "Stock volume LSTM: the source's pipeline in Keras, against naive baselines"
# Quick keeps the 1000 epochs (2 s compiled): fewer leave the LSTM behind the baselines.
PROFILES = {"full": {"epochs": 1000, "windows": (5, 10, 20)},
            "quick": {"epochs": 1000, "windows": (5,)}}
OPTIONS = {"--csv": {"type": Path,
                     "help": "daily prices: Date, Open, High, Low, Close, Adj Close, Volume"}}
SAME = 0.10  # a relative change in test RMSE within 10 % counts as "no change"
SOURCE_LAYERS = "LSTM(2) ReLU Dense(128) ReLU Dense(1)"


def main(argv=None):
    lab = Experiment(__doc__, "07_stock_volume", TITLE, PROFILES, argv, OPTIONS)
    settings, report = lab.settings, lab.report
    csv = lab.args.csv or prices_in(lab.args.data_dir)
    frame = read_prices(csv) if csv else synthetic_prices(seed=lab.seed_for("synthetic prices"))
    needed = TRAIN_ROWS + max(settings["windows"])
    if len(frame) <= needed:
        raise BadInput(f"{csv} has {len(frame)} rows; the 200-day split needs more than {needed}")
    source = f"{csv}" if csv else "a synthetic series (lstm_lab.data.stocks.synthetic_prices)"
    series = Path(csv).stem if csv else "synthetic"
    # C001-04 and C001-06 are about how the LSTM does on real prices: not run on synthetic ones.
    synthetic = None if csv else ("a claim about the source's SBUX prices, and this run has "
                                  "a synthetic series (give --data-dir with SBUX.csv)")
    if not (csv and is_source_data(csv)):  # C001-01, -02, -05 count the source's own rows
        report.other_data = f"a claim about the source's SBUX.csv, and this run has {source}"
    lab.progress(f"{len(frame)} days from {source}")

    # ## 1. The source's data and shapes
    seed_way = scaled_split(frame, window=1, scale_on="all")
    seed = lab.seed_for("every model")  # each training reseeds with it
    test_rows = len(frame) - TRAIN_ROWS
    report.check("C001-01",
                 documented={"rows": 253, "features": FEATURES, "target": TARGET, "train": 200,
                             "test": 53},
                 observed={"rows": len(frame), "features": FEATURES, "target": TARGET,
                           "train": len(seed_way["x_train"]), "test": len(seed_way["x_test"])},
                 evidence=f"{source}: {frame.index[0].date()} to {frame.index[-1].date()}")
    report.check("C001-02", documented=[[200, 1, 5], [200, 1], [53, 1, 5], [53, 1]],
                 observed=[list(seed_way[k].shape)
                           for k in ("x_train", "y_train", "x_test", "y_test")],
                 evidence="batch-major (days, 1 time step, 5 prices) as Keras and the source's "
                 "batch_first LSTM both take it")

    # ## 2. The model and the source's training
    lab.progress(f"training the source's model: {settings['epochs']} full-batch epochs")
    predicted, losses, trained = train_and_predict_volume(seed_way, settings["epochs"], seed)
    keras_count, torch_count = trained.count_params(), pytorch_parameter_count()
    layers = [type(layer).__name__ for layer in trained.layers[1:]]
    same_layers = layers == ["LSTM", "ReLU", "Dense", "Dense"]
    report.check(
        "C001-03",
        documented={"layers": SOURCE_LAYERS, "parameters": torch_count - 4 * 2},
        observed={"layers": SOURCE_LAYERS if same_layers else "other",
                  "parameters": keras_count},
        evidence=f"Keras {keras_count} parameters = LSTM 4 x 2 x (5 + 2 + 1) = 64, Dense 2 x 128 + "
        f"128 = 384, Dense 129; the PyTorch model has {torch_count}: nn.LSTM adds bias_hh (4 x 2 "
        f"= 8 more); final training MSE (scaled) {losses[-1]:.5f} after {settings['epochs']} "
        "epochs",
    )

    # ## 3. How good is "small loss"? Test error in Volume units against baselines
    volume = frame[TARGET].to_numpy()
    test = slice(TRAIN_ROWS, None)
    # The metric keeps the name the committed sweeps measured its spread under.
    lstm_name = "LSTM (the seed's pipeline)"
    scores = {lstm_name: regression_errors(predicted[test], volume[test])}
    scores |= {name: regression_errors(values[test], volume[test])
               for name, values in volume_baselines(frame).items()}
    best_baseline = min((s["rmse"], name) for name, s in scores.items()
                        if not name.startswith("LSTM"))
    lstm_rmse = scores[lstm_name]["rmse"]
    better = lstm_rmse < best_baseline[0]
    report.check("C001-04", documented="better than every naive baseline",
                 not_run_because=synthetic,
                 observed="better than every naive baseline" if better
                 else f"worse than {best_baseline[1]}",
                 evidence=f"test RMSE over the last {test_rows} days, in shares: LSTM "
                 f"{lstm_rmse:,.0f}, best baseline ({best_baseline[1]}) {best_baseline[0]:,.0f}, "
                 f"the test days' own standard deviation {volume[test].std():,.0f}; the loss the "
                 "article calls small is on MinMax-scaled volume (see the table)")
    figure = actual_vs_predicted(frame.index, volume, predicted, TRAIN_ROWS,
                                 f"{series} daily volume: actual and the source's LSTM")
    report.figure("actual_vs_predicted", figure, "Actual and predicted Volume, split at day 200")
    report.check("C001-05", documented={"days plotted": 253, "split at day": 200},
                 observed={"days plotted": len(predicted), "split at day": TRAIN_ROWS},
                 evidence="figure actual_vs_predicted.png")

    # ## 4. Scalers fit on the training rows only (C001-06)
    lab.progress("training with the scalers fit on the training rows only")
    train_only = train_and_predict_volume(scaled_split(frame, window=1, scale_on="train"),
                                          settings["epochs"], seed)[0]
    scores["LSTM, scalers fit on the training rows"] = regression_errors(train_only[test],
                                                                         volume[test])
    train_only_rmse = scores["LSTM, scalers fit on the training rows"]["rmse"]
    outside = int(np.sum((volume[test] > volume[:TRAIN_ROWS].max())
                         | (volume[test] < volume[:TRAIN_ROWS].min())))
    prices = frame[FEATURES].to_numpy()
    mean_shift = np.max(np.abs(prices.mean(axis=0) - prices[:TRAIN_ROWS].mean(axis=0))
                        / prices[:TRAIN_ROWS].std(axis=0))
    report.check("C001-06", documented=0.0, observed=round(train_only_rmse / lstm_rmse - 1, 4),
                 compare=within(SAME), not_run_because=synthetic,
                 evidence="relative change of the test RMSE when the scalers see only the training "
                 f"rows ({lstm_rmse:,.0f} -> {train_only_rmse:,.0f}). Fit on all rows, the scalers "
                 f"include the test days: {outside} test day(s) lie outside the training range of "
                 f"Volume, and StandardScaler's means move by up to {mean_shift:.2f} training "
                 "standard deviations: a leak, small in its effect here")

    # ## 5. One day of input: nothing to recur over (C001-07)
    gap = recurrent_kernel_effect(trained, seed_way["x_all"])
    window_scores = {}
    for window in settings["windows"]:
        lab.progress(f"training with a {window}-day look-back window")
        data = scaled_split(frame, window=window, scale_on="all")
        windowed = train_and_predict_volume(data, settings["epochs"], seed)[0]
        test_days = data["days"] >= TRAIN_ROWS
        window_scores[window] = regression_errors(windowed[test_days],
                                                  volume[data["days"][test_days]])
    report.check("C001-07", documented=0.0, observed=gap, compare=within(1e-6),
                 evidence="zeroing the trained recurrent kernel changes no prediction (one step "
                 f"from a zero state); test RMSE by look-back window: 1 day {lstm_rmse:,.0f}; "
                 + "; ".join(f"{w} days {s['rmse']:,.0f}" for w, s in window_scores.items()))

    # ## Report
    rows = [[name, f"{s['rmse']:,.0f}", f"{s['mae']:,.0f}"] for name, s in scores.items()]
    rows += [[f"LSTM, {w}-day look-back window", f"{s['rmse']:,.0f}", f"{s['mae']:,.0f}"]
             for w, s in window_scores.items()]
    report.section(f"Test error in shares (the last {test_rows} days)",
                   markdown_table(["model", "RMSE", "MAE"], rows))
    report.section("Data", f"{len(frame)} days from {source}. Each day's Volume is estimated "
                   "from the same day's prices, as in the article: it is not a forecast of "
                   "tomorrow.")
    report.metric("test_rmse", {name: s["rmse"] for name, s in scores.items()})
    report.metric("test_rmse_by_window", {str(w): s["rmse"] for w, s in window_scores.items()})
    report.metric("epochs", settings["epochs"])
    return lab.finish()


if __name__ == "__main__":
    run(main)
