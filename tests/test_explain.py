"""`lstm-lab explain`: every output named and proven against the reference cells, for a grid
of configurations; the spec parser; the command's formats, saved models and bad input."""

import itertools
import json

import pytest

from lstm_lab import cli
from lstm_lab.errors import BadInput
from lstm_lab.explain.command import explain_spec
from lstm_lab.explain.identities import REFERENCE
from lstm_lab.explain.spec import parse

# every kind with every wrapper, sequences and states; without sequences for a few
GRID = [
    (kind, wrapper, True, True)
    for kind, wrapper in itertools.product(
        ("SimpleRNN", "GRU", "LSTM"), (None, "concat", "sum", "mul", "ave", "none")
    )
] + [
    (kind, wrapper, False, True)
    for kind in ("GRU", "LSTM")
    for wrapper in (None, "concat", "sum", "none")
]


def spec_of(kind, wrapper, rs, st, **more):
    options = ", ".join(
        f"{k}={v!r}" for k, v in {"return_sequences": rs, "return_state": st, **more}.items()
    )
    layer = f"{kind}(3, {options})"
    return layer if wrapper == "none" else f"Bidirectional({layer}, merge_mode={wrapper!r})"


def identities_of(explanation):
    return {c["statement"]: c["holds"] for c in explanation["identities"]}


@pytest.mark.parametrize("kind, wrapper, rs, st", GRID)
def test_every_output_is_what_its_name_says(kind, wrapper, rs, st):
    [e] = explain_spec(spec_of(kind, wrapper, rs, st), (2, 4, 3))
    for row in e["outputs"]:  # against the NumPy cells, from the layer's own weights
        assert row["max_abs_difference_from_the_equations"] <= REFERENCE, row
        assert row["shape"] == row["shape_by_the_rules"], row
    assert e["parameters"]["count_params"] == e["parameters"]["by_formula"]
    states = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}[kind] if st else 0
    directions = 1 if wrapper == "none" else 2
    assert len(e["outputs"]) == (2 if wrapper is None else 1) + states * directions
    checks = identities_of(e)
    if wrapper == "concat" and rs and st:
        assert checks["[0][:, -1, :3] == [1] forward h"]
        assert checks[f"[0][:, 0, 3:] == [{1 + states // 1 if kind != 'LSTM' else 3}] backward h"]
        assert not checks[f"[0][:, -1, 3:] == [{2 if kind != 'LSTM' else 3}] backward h"]
    if wrapper == "none" and st:
        statement = "[0][:, -1] == [1] final h" if rs else "[0] == [1] final h"
        assert checks[statement]
        if kind == "LSTM":
            assert not checks["[2] final c == [1] final h"]
    assert all(isinstance(holds, bool) for holds in checks.values())


@pytest.mark.parametrize("zero_output", [False, True])
def test_masked_steps_repeat_the_last_output_or_are_zeros(zero_output):
    spec = f"Masking() | LSTM(3, return_sequences=True, zero_output_for_mask={zero_output})"
    [e] = explain_spec(spec, (2, 6, 3))
    assert e["mask"] and e["outputs"][0]["max_abs_difference_from_the_equations"] <= REFERENCE
    checks = identities_of(e)
    assert checks["[0] at the padded steps == the last valid output"] is not zero_output
    assert checks["[0] at the padded steps == 0"] is zero_output


def test_go_backwards_reset_after_cells_and_stacks():
    [backwards] = explain_spec(
        "GRU(3, return_sequences=True, return_state=True, go_backwards=True, reset_after=False)"
    )
    assert "row 0 is the last input step" in backwards["outputs"][0]["name"]
    assert all(
        r["max_abs_difference_from_the_equations"] <= REFERENCE for r in backwards["outputs"]
    )
    assert identities_of(backwards)["[0][:, -1] == [1] final h"]
    [cell] = explain_spec("RNN(GRUCell(3, reset_after=False), return_state=True)")
    assert identities_of(cell)["the same as GRU(3) with the same weights"]
    lower, upper = explain_spec("LSTM(4, return_sequences=True) | Bidirectional(GRU(2))")
    assert upper["input_shape"] == [2, 5, 4] and len(upper["outputs"]) == 1


def test_a_stateful_layer_carries_its_state_until_reset_and_fixes_its_batch_size():
    [stateful] = explain_spec("LSTM(4, stateful=True)")
    checks = identities_of(stateful)
    assert not checks["a second call on the same input returns the first call's outputs"]
    assert checks["after reset_state(), a call returns the first call's outputs"]
    refused = checks["a call with a batch of 3, not 2, is refused"]
    assert refused  # Keras 3.12 and later check the batch size of a stateful layer
    [stateless] = explain_spec("LSTM(4)")  # the control: nothing carried, nothing to reset
    assert identities_of(stateless) == {
        "a second call on the same input returns the first call's outputs": True
    }


def test_go_backwards_reads_the_last_step_first():
    [backwards] = explain_spec("LSTM(3, go_backwards=True, return_sequences=True)")
    checks = identities_of(backwards)
    reversed_input = "the same weights without go_backwards, on the input reversed in time, "
    assert checks[reversed_input + "return these outputs"]
    assert not checks[
        "the same weights without go_backwards, on the input as given, return these outputs"
    ]


@pytest.mark.parametrize(
    "spec, name",
    [
        ("keras.layers.LSTM(4)", "LSTM"),
        ("layers.GRU(2)", "GRU"),
        ("tf.keras.layers.Bidirectional(keras.layers.SimpleRNN(2))", "Bidirectional"),
    ],
)
def test_the_tutorials_spellings_name_the_same_layers(spec, name):
    [call] = parse(spec)
    assert call.name == name and str(call).startswith(name + "(")


@pytest.mark.parametrize(
    "spec, message",
    [
        ("", "empty layer spec"),
        ("LSTM(4, reset_after=True)", "LSTM does not take reset_after=; allowed:"),
        ("GRU(4, unit_forget_bias=True)", "GRU does not take unit_forget_bias=; allowed:"),
        ("SimpleRNN(4, use_cudnn=False)", "SimpleRNN does not take use_cudnn=; allowed:"),
        ("torch.nn.LSTM(4)", "write a layer as LSTM(8) or keras.layers.LSTM(8)"),
        ("Dense(3)", "'Dense' is not allowed here; allowed: LSTM, GRU"),
        ("__import__('os').system('true')", "write a layer as LSTM(8)"),
        ("print", "expected a call such as LSTM(8)"),
        ("LSTM(4, foo=1)", "LSTM does not take foo=; allowed:"),
        ("LSTM(4, activation=print)", "only numbers, strings, True, False and None"),
        ("LSTM(4, activation=[1])", "a single number, string, boolean or None"),
        ("LSTM(0)", "units must be a whole number from 1"),
        ("LSTM()", "needs its number of units"),
        ("RNN(LSTM(3))", "'LSTM' is not allowed here; allowed: LSTMCell"),
        ("Bidirectional()", "needs the layer it wraps"),
        ("LSTM(3) | Masking()", "Masking() can only come first"),
        ("LSTM(3 |", "cannot read"),
        ("LSTM(3) |", "an empty layer between two '|'"),
        ("Masking()", "has no recurrent layer"),
    ],
)
def test_a_bad_spec_is_named_in_one_line(spec, message):
    with pytest.raises(BadInput) as raised:
        parse(spec)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_command_prints_text_markdown_and_json_and_rejects_bad_input(tmp_path, capsys):
    spec = "Bidirectional(LSTM(2, return_sequences=True, return_state=True))"
    assert cli.main(["explain", spec]) == 0
    assert "backward direction, final cell state c" in capsys.readouterr().out
    assert cli.main(["explain", spec, "--markdown"]) == 0
    assert "| `[0][:, -1, 2:] == [3] backward h` | does not hold |" in capsys.readouterr().out
    assert cli.main(["explain", spec, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["parameters"]["count_params"] == 2 * 4 * 2 * (3 + 2 + 1)
    for arguments, message in [
        (["LSTM(2) | GRU(2)"], "needs return_sequences=True"),
        ([str(tmp_path / "none.keras")], "no such model file"),
    ]:
        assert cli.main(["explain", *arguments]) == 2
        error = capsys.readouterr().err
        assert message in error and error.count("\n") == 1
    with pytest.raises(SystemExit) as exit:
        cli.main(["explain", "LSTM(2)", "--input-shape", "2,5"])
    assert exit.value.code == 2 and "expected three whole numbers" in capsys.readouterr().err


def test_every_allowed_argument_is_one_keras_takes():
    import inspect

    from lstm_lab.backend import keras
    from lstm_lab.explain.spec import ALLOWED, RECURRENT

    rnn = set(inspect.signature(keras.layers.RNN.__init__).parameters)
    for name, allowed in ALLOWED.items():
        taken = set(inspect.signature(getattr(keras.layers, name).__init__).parameters)
        passed_on = rnn if name in RECURRENT else set()  # **kwargs reach RNN's own arguments
        assert allowed <= taken | passed_on, (name, allowed - taken - passed_on)


def test_a_saved_model_is_explained_layer_by_layer_in_place(tmp_path):
    from lstm_lab.backend import keras
    from lstm_lab.explain.command import explain_saved_model

    model = keras.Sequential(
        [
            keras.Input((6,), dtype="int32"),
            keras.layers.Embedding(20, 4, mask_zero=True),
            keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True)),
            keras.layers.LSTM(2, return_state=False),
        ]
    )
    model.save(tmp_path / "model.keras")
    first, second = explain_saved_model(tmp_path / "model.keras")
    assert first["input_shape"] == [2, 6, 4] and second["input_shape"] == [2, 6, 6]
    assert all(
        r["max_abs_difference_from_the_equations"] <= REFERENCE
        for e in (first, second)
        for r in e["outputs"]
    )
