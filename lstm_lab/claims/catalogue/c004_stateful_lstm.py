"""Source C004: the stateful alphabet model and what `stateful` means (a Q&A thread)."""

from lstm_lab.claims.catalogue.keras3 import STATE_NOT_CARRIED_ON_JAX
from lstm_lab.claims.record import Record, SeedRate, on_both_profiles

RECORDS = [
    Record(
        "C004-01",
        experiment="03",
        source="C004",
        statement="A stateful LSTM(50), batch size 1, trained 300 epochs with a reset after each, predicts A→Z with 100 % accuracy when started from A",
        quote="uses batch_size = 1 and stateful = True to learn to predict the next letter of the alphabet given a letter of the alphabet",
        explanation="The tutorial's stateful model reads one letter at a time with batch size 1, so its state carries the letters already seen. Started from A after a reset it recites the whole alphabet. On JAX, fit does not carry the state between batches, so the model never learns this (a Keras finding).",
        by_backend={
            "jax": ("refuted", STATE_NOT_CARRIED_ON_JAX),
        },
        seed_rates=on_both_profiles(5, 5),
    ),
    Record(
        "C004-02",
        experiment="03",
        source="C004",
        statement="Started from 'K' after a reset, it predicts 'B', then C, D, …: it learned positions, not letters",
        quote="regardless of the first letter we feed in, the LSTM will always predict B since it's the second letter, then C and so on.",
        explanation="Started from K after a reset, the model still answers B, C, D: it learned 'the n-th step after a reset', not 'the letter after this one'. Its state counts steps. This is what the question in the source noticed.",
        by_backend={
            "jax": ("refuted", STATE_NOT_CARRIED_ON_JAX),
        },
        seed_rates=on_both_profiles(5, 5),
    ),
    Record(
        "C004-03",
        experiment="03",
        source="C004",
        statement="Training on rotations of the alphabet teaches the next letter from any start letter",
        quote="you would need to train the network with that kind of examples (subsequences or rotations of the alphabet)",
        explanation="Training on every rotation of the alphabet teaches the letter that follows each letter, from any start. The lab's rotation model recites correctly from all 26 start letters on every full-profile seed; the shorter quick profile leaves a few letters wrong on some seeds.",
        by_backend={
            "jax": (
                "refuted",
                STATE_NOT_CARRIED_ON_JAX
                + "; the rotation model is trained without its state too, then evaluated with it",
            ),
        },
        seed_rates={
            "full": SeedRate(5, 5, "full-5-seeds"),
            "quick": SeedRate(
                3,
                5,
                "quick-5-seeds",
                "the quick profile's 1500 rotation epochs leave some of the 650 letters wrong on two seeds of five",
            ),
        },
    ),
    Record(
        "C004-04",
        experiment="03",
        source="C004",
        statement="A plain feed-forward network learns the pairs (A, B), (B, C), …",
        quote="a regular feed-forward network could learn to predict the next letter of the alphabet training on pairs like (A, B), (B, C), etc.",
        explanation="Predicting the next letter from the current one needs no memory at all: one Dense layer with a softmax learns all 26 pairs. The stateful LSTM is a demonstration, not the right tool for this task.",
        seed_rates=on_both_profiles(5, 5),
    ),
    Record(
        "C004-05",
        experiment="03",
        source="C004",
        statement="A stateful layer keeps its state across batches until reset_states(); a stateless one acts as if reset after every batch",
        quote="A non-stateful model, on the other hand, will use an initial zero state every time it processes a batch",
        explanation="`stateful=True` keeps the final state of one call as the start of the next until you call `reset_states()`; a stateless layer starts from zeros on every call. The lab calls both twice on the same input and compares.",
    ),
    Record(
        "C004-06",
        experiment="03",
        source="C004",
        statement="The state of sample i in a batch is the initial state of sample i in the next batch; batch size 1 is not needed",
        quote="of course the state will always flow within the batch and you do not need to have batches of size 1 for that to happen.",
        explanation="Stateful means sample i of one batch continues sample i of the previous batch. So a batch can hold several independent long sequences, each in its own row; batch size 1 is not needed. Keep each sequence in the same row from batch to batch.",
    ),
    Record(
        "C004-07",
        experiment="03",
        source="C004",
        statement="Feeding a long sequence in chunks to a stateful layer continues it",
        quote="您希望对数据的分割序列进行训练,因为这些序列很长,并且对它们的整个长度进行训练是不切实际的.",
        english="You want to train on split sequences of your data, because they are long and training on their whole length is impractical.",
        explanation="A long sequence cut into chunks and fed in order to a stateful layer gives exactly the output of one pass over the whole sequence. This is the reason stateful layers exist: sequences too long for one batch.",
    ),
    Record(
        "C004-08",
        experiment="05",
        source="C004",
        statement="Character generation: y is x shifted by one, return_sequences=True with TimeDistributed(Dense)",
        quote='the "Y" would be the similar to the "X" (one-hot encoded), only shifted by one (or more) positions (in this case you may need to use return_sequences=True and TimeDistributed layers)',
        explanation="For a character model the target is the input shifted by one character, and the model predicts at every step: `return_sequences=True` with a softmax on each step. In Keras 3 a plain Dense already applies to the last axis, so `TimeDistributed(Dense)` gives the same numbers and is not needed.",
    ),
    Record(
        "C004-09",
        experiment="05",
        source="C004",
        statement="Stateful one-step generation gives exactly the full-sequence forward pass",
        quote="在预测时间上,您想要检索序列中每个时间点的输出 … 这些模型是批处理大小为1的训练模型的副本",
        english="At prediction time you want the output at each point of the sequence … these models are copies of the trained model with a batch size of 1",
        explanation="To generate text one character at a time you copy the trained weights into a stateful model with batch size 1. Fed one character per call, it gives exactly the probabilities the full-sequence model gives, so generation is exact, not an approximation.",
    ),
    Record(
        "C004-10",
        experiment="05",
        source="C004",
        statement="Sequences of different lengths need masking or sample weighting",
        quote="if you have sequences of different sizes … you will need to be a bit more careful and use masking and/or sample weighting.",
        explanation="Padding shorter sequences with zeros changes the LSTM's final state unless a mask tells it to skip the padding. With `Masking` (or `mask_zero=True` in an Embedding) the padded sequence ends in exactly the unpadded state. Use a mask whenever sequences have different lengths.",
    ),
    Record(
        "C004-11",
        experiment="03",
        source="C004",
        statement="The tutorial's Keras 2 calls (batch_input_shape=, keras.utils.np_utils, model.reset_states()) run as written",
        quote="model.reset_states()",
        explanation="The tutorial's Keras 2 code does not run on Keras 3: `batch_input_shape=` is gone (use `keras.Input(batch_shape=...)`), `keras.utils.np_utils` is gone (use `keras.utils.to_categorical`), and `model.reset_states()` is gone (reset each layer with `layer.reset_states()`). The claim that it runs as written is refuted.",
        expect="refuted",
    ),
]
