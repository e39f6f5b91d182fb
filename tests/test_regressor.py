import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.data.sentences import generated_task, source_task
from lstm_lab.models.regressor import HEADS, sequence_regressor


def test_seed_task():
    sentences, targets, vocabulary = source_task()
    assert [s.shape for s in sentences] == [(1, 5), (1, 4)] and targets == [0.25, 0.78]
    assert min(vocabulary.values()) == 1  # 0 stays free for padding


@pytest.mark.parametrize(
    "head, shape",
    [
        ("per-token", (2, 12, 1)),
        ("last step", (2, 1)),
        ("mean-pooled", (2, 1)),
        ("bidirectional", (2, 1)),
    ],
)
def test_each_head_returns_its_shape(head, shape):
    ids, _, _ = generated_task(2, seed=1)
    assert np.shape(sequence_regressor(41, head)(ids)) == shape


def test_padding_is_masked_for_every_head():
    keras.utils.set_random_seed(0)
    ids = np.array([[3, 7, 9, 0, 0, 0]], dtype=np.int32)
    for head in HEADS[1:]:
        model = sequence_regressor(10, head, activation=None)
        np.testing.assert_allclose(model(ids), model(ids[:, :3]), atol=1e-6)


def test_unknown_heads_are_refused():
    with pytest.raises(ValueError, match="head must be one of"):
        sequence_regressor(10, "attention")


def test_generated_task_is_documented_and_reproducible():
    ids, scores, lengths = generated_task(50, seed=3)
    assert ids.shape == (50, 12) and ((3 <= lengths) & (lengths <= 12)).all()
    assert all((ids[i, :n] > 0).all() and (ids[i, n:] == 0).all() for i, n in enumerate(lengths))
    assert ((0 < scores) & (scores < 1)).all()
    np.testing.assert_array_equal(generated_task(50, seed=3)[0], ids)


def test_the_last_step_is_the_final_h_unless_padded_steps_output_zeros():
    from lstm_lab.probes.regression_heads import last_step_and_final_h

    ids = np.array([[1, 2, 3, 1, 4], [5, 6, 7, 8, 0]], dtype=np.int32)  # the second post-padded
    assert last_step_and_final_h(ids) == 0.0
    assert last_step_and_final_h(ids, zero_output_for_mask=True) > 1e-3


def test_a_relu_head_prints_exact_zeros_over_initial_draws_and_a_linear_one_none():
    from lstm_lab.probes.regression_heads import exact_zeros

    sentences, _, vocabulary = source_task()
    keras.utils.set_random_seed(0)
    relu = sequence_regressor(len(vocabulary) + 1, "per-token")
    linear = sequence_regressor(len(vocabulary) + 1, "per-token", activation=None)
    linear.set_weights(relu.get_weights())
    zeros, outputs = exact_zeros(relu, sentences, 10)
    assert outputs == 10 * 9 and 0.2 < zeros / outputs < 0.8  # about half: the input's sign
    assert exact_zeros(linear, sentences, 10) == (0, outputs)
    assert exact_zeros(relu, sentences, 10) == (zeros, outputs)  # seeded draws
