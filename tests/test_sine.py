import numpy as np

from lstm_lab.backend import keras
from lstm_lab.data.sine import sine_window, training_windows
from lstm_lab.models.sine import roll_out, sine_rnn
from lstm_lab.probes.clipping import clip_each, clip_jointly, keras_clipped, probe_clipping
from lstm_lab.probes.exploding import train_recording


def test_sine_windows_are_the_seeds():
    times, x, y = sine_window(2)
    assert times[0] == 2 and times[-1] == 12 and x.shape == y.shape == (1, 50, 1)
    np.testing.assert_allclose(x[0, 1:, 0], y[0, :-1, 0])
    x, y, starts = training_windows(100, seed=0)
    assert x.shape == (100, 50, 1) and set(starts) <= {0, 1, 2}


def test_clipnorm_clips_each_variable_and_global_clipnorm_all_together():
    result = probe_clipping()
    assert result["clipnorm - each separately"] <= 1e-6
    assert result["global_clipnorm - jointly"] <= 1e-6
    assert result["each separately - jointly"] > 0.1  # the two definitions really differ
    # The control: an SGD step without clipping matches neither definition.
    assert result["no clipping - each separately"] > 0.1 and result["no clipping - jointly"] > 0.1


def test_clipping_keeps_the_direction_and_caps_the_norm():
    gradients = [np.array([30.0, 40.0], dtype=np.float32), np.array([3.0], dtype=np.float32)]
    each = clip_each(gradients, 10)
    np.testing.assert_allclose(each[0], [6.0, 8.0]) and np.testing.assert_allclose(each[1], [3.0])
    joint = clip_jointly(gradients, 10)
    assert abs(np.sqrt(sum(np.sum(g**2) for g in joint)) - 10) < 1e-5
    np.testing.assert_allclose(keras_clipped(gradients, clipnorm=10)[0], [6.0, 8.0], atol=1e-5)


def test_roll_out_feeds_its_predictions_back():
    keras.utils.set_random_seed(0)
    model = sine_rnn()
    predictions = roll_out(model, 0.5, steps=5)
    assert predictions.shape == (5,)
    np.testing.assert_array_equal(
        roll_out(model, 0.5, steps=5), predictions
    )  # starts from a reset state


def test_the_exploding_setup_spikes_without_clipping_and_not_with_it():
    plain, _ = train_recording(300, seed=7)
    clipped, _ = train_recording(300, seed=7, global_clipnorm=1.0)
    assert not np.all(np.isfinite(plain)) or plain.max() > 100
    assert np.all(np.isfinite(clipped)) and clipped.max() < 10


def test_a_usual_initialisation_does_not_spike_without_clipping():
    plain, _ = train_recording(300, gain=1.0, seed=7)
    assert np.all(np.isfinite(plain)) and plain.max() < 10
