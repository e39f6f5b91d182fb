import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.builds import installed_version
from lstm_lab.data.text import Vocabulary
from lstm_lab.models.char_generator import (
    KerasOneStep,
    NumpyOneStep,
    char_generator,
    one_step_probabilities,
    sample,
    stateful_copy,
)
from lstm_lab.probes.masking import probe_masking
from lstm_lab.probes.time_distributed import per_step_outputs

TEXT = "the cat sat on the mat. " * 20


def small_model(seed=0):
    keras.utils.set_random_seed(seed)
    return char_generator(len(Vocabulary(TEXT)), units=16)


def test_one_step_generation_equals_the_full_pass():
    model, vocabulary = small_model(), Vocabulary(TEXT)
    ids = vocabulary.encode(TEXT[:40])
    full = np.asarray(model(ids[None]))[0]
    incremental = one_step_probabilities(stateful_copy(model), ids)
    assert incremental.shape == full.shape == (40, len(vocabulary))
    assert np.max(np.abs(incremental - full)) <= 1e-5


def test_with_the_state_reset_before_every_character_one_step_generation_differs():
    model, vocabulary = small_model(), Vocabulary(TEXT)
    ids = vocabulary.encode(TEXT[:20])
    full = np.asarray(model(ids[None]))[0]
    reset = one_step_probabilities(stateful_copy(model), ids, reset_every_step=True)
    assert np.max(np.abs(reset - full)) > 1e-3
    assert np.max(np.abs(reset[0] - full[0])) <= 1e-5  # the first step has no state to lose


def test_per_step_outputs_of_timedistributed_a_plain_dense_and_one_output_per_sequence():
    from packaging.version import Version

    model, vocabulary = small_model(), Vocabulary(TEXT)
    x = np.stack([vocabulary.encode(TEXT[:30]), vocabulary.encode(TEXT[30:60])])
    observed, details = per_step_outputs(model, x, 12)
    # results/findings.md: on TensorFlow since Keras 3.14, predict() after two step counts
    # returns one step per batch row
    broken = BACKEND == "tensorflow" and Version(installed_version("keras")) >= Version("3.14")
    assert [observed[k] for k in observed if "called" in k] == [True, True]
    assert [observed[k] for k in observed if "predict" in k] == [not broken] * 2, details
    for per_step in (True, False):
        other = char_generator(
            len(vocabulary), units=16, time_distributed=False, return_sequences=per_step
        )
        other.set_weights(model.get_weights())
        assert set(per_step_outputs(other, x, 12)[0].values()) == {per_step}


def test_the_numpy_step_gives_the_keras_steps_probabilities_and_the_same_text():
    # trained-looking weights: random, biases included, larger than the initial ones
    model, vocabulary = small_model(2), Vocabulary(TEXT)
    rng = np.random.default_rng(0)
    model.set_weights(
        [rng.normal(scale=0.4, size=w.shape).astype("float32") for w in model.get_weights()]
    )
    keras_step, numpy_step = KerasOneStep(stateful_copy(model)), NumpyOneStep(model)
    keras_step.reset()
    numpy_step.reset()
    ids = vocabulary.encode(TEXT[:60])
    gap = max(np.max(np.abs(keras_step.step(i) - numpy_step.step(i))) for i in ids)
    assert gap <= 1e-6  # float32 rounding
    for temperature in (0.5, 1.0):
        assert sample(numpy_step, vocabulary, "the cat", 200, temperature, seed=3) == sample(
            keras_step, vocabulary, "the cat", 200, temperature, seed=3
        )


def test_sampling_is_seeded_and_temperature_sharpens():
    model, vocabulary = small_model(1), Vocabulary(TEXT)
    generator = stateful_copy(model)
    first = sample(generator, vocabulary, "the cat", 50, 1.0, seed=5)
    assert len(first) == 50 and set(first) <= set(TEXT)
    assert sample(generator, vocabulary, "the cat", 50, 1.0, seed=5) == first
    cold = sample(generator, vocabulary, "the cat", 50, 0.01, seed=5)
    assert len(set(cold)) <= len(set(first))


def test_a_mask_makes_padding_invisible_and_its_absence_shows():
    result = probe_masking()
    assert result["pre-padded, masked"] == 0.0 and result["post-padded, masked"] == 0.0
    assert result["pre-padded, no mask"] > 1e-3 and result["post-padded, no mask"] > 1e-3
    initial = probe_masking(initial_weights=True)
    assert initial["pre-padded, no mask"] == 0.0  # zero biases keep a zero state at zero
