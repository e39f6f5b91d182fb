"""compiled_fit performs the same optimizer steps as the tutorial's fit loop."""

import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.data.alphabet import rotated_sequences, tutorial_sequence
from lstm_lab.models.alphabet import stateful_alphabet_lstm
from lstm_lab.training.callbacks import ResetStatesAfterEpoch
from lstm_lab.training.loops import compiled_fit, fit_tutorial_way

SLOW = (  # train for more than a moment: left out of pytest -m "not slow"
    "test_xla_agrees_with_the_fit_loop_to_float32_round_off",
)

EPOCHS = 4


def trained(train, unroll=False, batch_size=1, seed=11):
    keras.utils.set_random_seed(seed)
    model = stateful_alphabet_lstm(units=16, batch_size=batch_size, unroll=unroll)
    history = train(model)
    return model.get_weights(), history


def max_weight_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


@pytest.fixture(scope="module")
def tutorial_loop():
    x, y = tutorial_sequence()
    return trained(lambda m: fit_tutorial_way(m, x, y, epochs=EPOCHS, batch_size=1))


def test_the_compiled_loop_gives_the_fit_loops_weights_bit_for_bit(tutorial_loop):
    x, y = tutorial_sequence()
    weights, history = trained(lambda m: compiled_fit(m, x, y, epochs=EPOCHS, batch_size=1))
    loop_weights, loop_losses = tutorial_loop
    assert max_weight_difference(weights, loop_weights) == 0.0
    np.testing.assert_array_equal(history["loss"], loop_losses.astype(np.float32))
    assert set(history) == {"loss", "accuracy"} and history["loss"].shape == (EPOCHS,)


def test_unrolling_the_single_time_step_changes_nothing(tutorial_loop):
    x, y = tutorial_sequence()
    weights, _ = trained(lambda m: compiled_fit(m, x, y, epochs=EPOCHS, batch_size=1), unroll=True)
    assert max_weight_difference(weights, tutorial_loop[0]) == 0.0


def test_xla_agrees_with_the_fit_loop_to_float32_round_off(tutorial_loop):
    x, y = tutorial_sequence()
    train = lambda m: compiled_fit(m, x, y, epochs=EPOCHS, batch_size=1, jit_compile=True)  # noqa: E731
    weights, _ = trained(train)
    assert max_weight_difference(weights, tutorial_loop[0]) <= 1e-5  # tolerance: float32 round-off


def test_one_fit_call_with_the_reset_callback_matches_the_loop(tutorial_loop):
    x, y = tutorial_sequence()
    train = lambda m: m.fit(  # noqa: E731
        x,
        y,
        epochs=EPOCHS,
        batch_size=1,
        shuffle=False,
        verbose=0,
        callbacks=[ResetStatesAfterEpoch()],
    )
    weights, _ = trained(train)
    assert max_weight_difference(weights, tutorial_loop[0]) == 0.0


def test_batches_larger_than_one_also_match():
    x, y = rotated_sequences()
    loop, _ = trained(lambda m: fit_tutorial_way(m, x, y, epochs=2, batch_size=26), batch_size=26)
    fast, _ = trained(lambda m: compiled_fit(m, x, y, epochs=2, batch_size=26), batch_size=26)
    assert max_weight_difference(fast, loop) == 0.0


def test_states_are_reset_after_the_last_epoch():
    x, y = tutorial_sequence()
    keras.utils.set_random_seed(0)
    model = stateful_alphabet_lstm(units=8)
    compiled_fit(model, x, y, epochs=1, batch_size=1)
    assert all(float(np.abs(state).max()) == 0.0 for state in model.get_layer("lstm").states)


def test_incomplete_batches_are_refused():
    x, y = tutorial_sequence()
    model = stateful_alphabet_lstm(units=8, batch_size=2)
    with pytest.raises(ValueError, match="25 samples do not split into batches of 2"):
        compiled_fit(model, x, y, epochs=1, batch_size=2)
    with pytest.raises(ValueError, match="x has 25 samples but y has 24"):
        compiled_fit(model, x, y[:-1], epochs=1, batch_size=1)


def test_print_history_shows_every_nth_epoch_and_the_last(capsys):
    from lstm_lab.training.loops import print_history

    print_history({"loss": np.array([4.0, 3.0, 2.0, 1.0, 0.5])}, every=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert lines[-1].endswith("loss 0.5000")
