import numpy as np
import pytest

from lstm_lab.data.stocks import (
    FEATURES,
    csv_layout,
    first_days,
    look_back_windows,
    read_prices,
    synthetic_prices,
)
from lstm_lab.errors import BadInput
from lstm_lab.models.stock import layer_parameters, pytorch_parameter_count, stock_volume_lstm

from conftest import run_python, shared_file

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"


def test_the_seeds_csv_reads_as_253_days():
    frame = read_prices(shared_file("SBUX.csv"))
    assert frame.shape == (253, 6) and list(frame.columns) == [*FEATURES, "Volume"]
    assert frame.index.is_monotonic_increasing and frame["Volume"].iloc[0] == 4921900


def test_the_csv_layout_is_what_pandas_reads_and_a_cut_file_has_fewer_rows(tmp_path):
    path = shared_file("SBUX.csv")
    columns = ["Date", *FEATURES, "Volume"]
    assert csv_layout(path) == {"rows": 253, "columns": columns}
    cut = first_days(path, 200, tmp_path / "cut.csv")
    assert csv_layout(cut) == {"rows": 200, "columns": columns}
    assert read_prices(cut).index[-1] == read_prices(path).index[199]


@pytest.mark.parametrize(
    "content, message",
    [
        ("Date,Open,Close\n2020-01-01,1,2\n", "lacks the column(s) High, Low, Adj Close, Volume"),
        (
            HEADER + "2020-01-01,1,2,0.5,1.5,1.4,100\n2020-01-02,1,two,0.5,1.5,1.4,100\n",
            "data row 2: High is 'two'",
        ),
        (HEADER + "yesterday,1,2,0.5,1.5,1.4,100\n", "'yesterday' is not a date"),
        (
            HEADER + "2020-01-01,1,2,0.5,1.5,1.4,100\n2020-01-01,1,2,0.5,1.5,1.4,100\n",
            "2020-01-01 twice",
        ),
        ("", "cannot read"),
    ],
)
def test_malformed_csvs_are_bad_input(tmp_path, content, message):
    path = tmp_path / "prices.csv"
    path.write_text(content)
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_prices(path)


@pytest.mark.parametrize("case", ["missing column", "too few rows", "no file"])
def test_bad_csvs_exit_2_in_one_line_with_nothing_written(tmp_path, case):
    path = tmp_path / "prices.csv"
    if case == "missing column":
        path.write_text("Date,Open\n2020-01-01,1\n")
    elif case == "too few rows":
        path.write_text(
            HEADER + "".join(f"2020-01-{d:02d},1,2,0.5,1.5,1.4,100\n" for d in range(1, 29))
        )
    result = run_python(
        "experiments/07_stock_volume.py", "--csv", path, "--results-dir", tmp_path / "results"
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert not (tmp_path / "results" / "07_stock_volume").exists()


def test_synthetic_prices_have_the_same_columns_and_sane_rows():
    frame = synthetic_prices(seed=1)
    assert list(frame.columns) == [*FEATURES, "Volume"] and len(frame) == 253
    assert (frame["High"] >= frame[["Open", "Close"]].max(axis=1)).all()
    assert (frame["Low"] <= frame[["Open", "Close"]].min(axis=1)).all()


def test_look_back_windows_end_on_their_target_day():
    features = np.arange(20, dtype=float).reshape(10, 2)
    x, y, days = look_back_windows(features, np.arange(10.0), window=3)
    assert x.shape == (8, 3, 2) and days.tolist() == list(range(2, 10))
    np.testing.assert_array_equal(x[0], features[0:3])
    assert y[:, 0].tolist() == list(range(2, 10))


def test_parameter_counts_keras_and_pytorch():
    assert stock_volume_lstm().count_params() == 577
    assert layer_parameters(stock_volume_lstm()) == [
        ("LSTM", 64),
        ("ReLU", 0),
        ("Dense", 384),
        ("Dense", 129),
    ]
    assert pytorch_parameter_count() == 585
    torch = pytest.importorskip("torch")
    lstm = torch.nn.LSTM(5, 2, batch_first=True)
    layers = [lstm, torch.nn.Linear(2, 128), torch.nn.Linear(128, 1)]
    assert sum(p.numel() for layer in layers for p in layer.parameters()) == 585
