"""Daily stock prices (Date, Open, High, Low, Close, Adj Close, Volume), read and checked with
pandas, or generated; scaled and split the way source C001 does."""

from pathlib import Path

import numpy as np

from lstm_lab.data.data_file import DataFile
from lstm_lab.errors import BadInput

# pandas and scikit-learn are imported in the functions that use them: they take over a
# second to load, which an experiment's --help should not wait for.

FEATURES = ["Open", "High", "Low", "Close", "Adj Close"]
TARGET = "Volume"
COLUMNS = ["Date", *FEATURES, TARGET]
TRAIN_ROWS = 200  # the source trains on the first 200 days and tests on the rest
PRICES_FILE_NAME = "SBUX.csv"  # the source's prices, as --data-dir holds them
EXPERIMENT = "07_stock_volume"
FILES = (
    DataFile(
        PRICES_FILE_NAME,
        "https://raw.githubusercontent.com/BountyHunter1999/Stock-Price-with-LSTM/"
        "090d9c8be7bec4e6b067a1ce322a5d6d5d1d3881/SBUX.csv",
        "f043b093f9cb37363c52d7c5cd4f2f77f3a80606f1cc43d17ce4f98e4f72cc83",
        "17.6 KB",
        "07: Starbucks' daily prices, 2019-12-11 to 2020-12-10, the article's 253 days",
    ),
)


def files_in(data_dir):
    return [prices_in(data_dir)]


def is_source_data(path):
    """Whether ``path`` is the source's own SBUX.csv (its pinned hash)."""
    return FILES[0].matches(path)


def prices_in(data_dir):
    """``data_dir/SBUX.csv`` if it is there, else None (``data_dir`` may be None)."""
    if data_dir is None:
        return None
    path = Path(data_dir) / PRICES_FILE_NAME
    return path if path.exists() else None


def csv_layout(path):
    """What pandas reads from the CSV as it is: ``{"rows": data rows, "columns":
    names in file order}`` (nothing selected, renamed or checked)."""
    import pandas as pd

    frame = pd.read_csv(path)
    return {"rows": len(frame), "columns": [str(name) for name in frame.columns]}


def first_days(path, days, target):
    """Copy the header and the first ``days`` data lines of the CSV ``path`` to ``target``
    (a shorter file of the same prices, for a claim's control); returns ``target``."""
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    Path(target).write_text("\n".join(lines[: days + 1]) + "\n", encoding="utf-8")
    return Path(target)


def read_prices(path):
    """The CSV as a DataFrame indexed by date, oldest first; BadInput for anything malformed."""
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise BadInput(f"no such CSV file: {path}")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise BadInput(f"cannot read {path} as CSV: {' '.join(str(error).split())}")
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise BadInput(
            f"{path} lacks the column(s) {', '.join(missing)} (needs {', '.join(COLUMNS)})"
        )
    dates = pd.to_datetime(frame["Date"], errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().argmax())
        raise BadInput(f"{path}, data row {row + 1}: {frame['Date'].iloc[row]!r} is not a date")
    for column in [*FEATURES, TARGET]:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            row = int(values.isna().to_numpy().argmax())
            raw = frame[column].iloc[row]
            shown = "empty" if pd.isna(raw) else repr(str(raw))
            raise BadInput(f"{path}, data row {row + 1}: {column} is {shown}, not a number")
        numbers = values.to_numpy(dtype=float)
        too_small = numbers < 0 if column == TARGET else numbers <= 0
        wrong = ~np.isfinite(numbers) | too_small
        if wrong.any():
            row = int(wrong.argmax())
            must_be = "0 or more" if column == TARGET else "above 0"
            raise BadInput(
                f"{path}, data row {row + 1}: {column} is {numbers[row]:g}; "
                f"it must be a finite number, {must_be}"
            )
        frame[column] = values.astype(float)
    if not (frame[TARGET] > 0).any():
        raise BadInput(f"{path}: every Volume is 0, there is nothing to predict")
    frame = frame.assign(Date=dates).set_index("Date").sort_index()
    if frame.index.duplicated().any():
        raise BadInput(
            f"{path} has the date {frame.index[frame.index.duplicated()][0].date()} twice"
        )
    return frame[[*FEATURES, TARGET]]


def synthetic_prices(days=253, seed=0):
    """A generated series with the same columns, for running without a CSV.

    Close follows a geometric random walk (daily log-returns N(0.0003, 0.02)) from 100;
    Open is the previous Close times a small gap; High and Low stretch beyond Open and
    Close by half-normal amounts; Adj Close is 0.93 x Close; Volume is log-normal around
    8 million and rises with the day's range (High - Low) / Close, as real volume does.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.02, days)))
    open_ = np.concatenate([[100.0], close[:-1]]) * np.exp(rng.normal(0, 0.005, days))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.01, days)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.01, days)))
    day_range = (high - low) / close
    volume = np.exp(np.log(8e6) + 20 * (day_range - day_range.mean()) + rng.normal(0, 0.25, days))
    dates = pd.bdate_range("2019-12-11", periods=days, name="Date")
    return pd.DataFrame(
        {
            "Open": open_,
            "High": high,
            "Low": low,
            "Close": close,
            "Adj Close": 0.93 * close,
            TARGET: volume.round(),
        },
        index=dates,
    )


def look_back_windows(features, targets, window):
    """Rows t -> (features of days t-window+1 … t, target of day t), for every t with a full window.

    Returns x (n, window, features), y (n, 1) and the day index of each row's target.
    """
    days = np.arange(window - 1, len(features))
    x = np.stack([features[day - window + 1 : day + 1] for day in days])
    return x, targets[days].reshape(-1, 1), days


def scaled_split(frame, window=1, scale_on="all", train_rows=TRAIN_ROWS):
    """The source C001 pipeline's data: prices through StandardScaler, Volume through MinMaxScaler,
    windows of ``window`` days, split at day ``train_rows``.

    ``scale_on="all"`` fits the scalers on every row before the split, as the source does;
    ``"train"`` fits them on the training rows only. ``window`` > 1 feeds the model the last
    ``window`` days of prices instead of one.
    """
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    features = frame[FEATURES].to_numpy()
    volume = frame[[TARGET]].to_numpy()
    fit_rows = slice(None) if scale_on == "all" else slice(0, train_rows)
    feature_scaler = StandardScaler().fit(features[fit_rows])
    volume_scaler = MinMaxScaler().fit(volume[fit_rows])
    x, y, days = look_back_windows(
        feature_scaler.transform(features).astype(np.float32),
        volume_scaler.transform(volume).astype(np.float32),
        window,
    )
    train = days < train_rows
    return {
        "x_train": x[train],
        "y_train": y[train],
        "x_test": x[~train],
        "y_test": y[~train],
        "x_all": x,
        "days": days,
        "volume_scaler": volume_scaler,
        "window": window,
    }
