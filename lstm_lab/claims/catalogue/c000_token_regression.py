"""Source C000: a PyTorch LSTM regressor on token sequences (a Q&A thread)."""

from lstm_lab.claims.record import Record, on_both_profiles

RECORDS = [
    Record(
        "C000-01",
        experiment="08",
        source="C000",
        statement="An LSTM with a Linear head on every step returns one value per token: (5, 1) for a 5-token sentence",
        quote="张量的大小与输入的标记数相同。",
        english="The tensor's size is the same as the number of tokens in the input.",
        explanation="A recurrent layer can hand back one output per time step or only the last one. The source's PyTorch LSTM returns every step, so a Linear layer on top gives one number per token: five tokens, five numbers. In Keras the same choice is `return_sequences=True` (shape (batch, steps, units)) or the default (shape (batch, units)). If you want one score per sentence, use the default.",
    ),
    Record(
        "C000-02",
        experiment="08",
        source="C000",
        statement="For one prediction per sentence, feed the last step (or the final hidden state) to the head",
        quote="也许我应该只将 LSTM 层的最后一项提供给线性层?",
        english="Maybe I should feed only the LSTM layer's last item to the linear layer?",
        explanation="The last step of the sequence output and the final hidden state are the same numbers, so a head on either is the same model. That is why 'use the last output' and 'use the last hidden state' are one answer, not two. Use `return_sequences=False`, or take `sequence[:, -1]`.",
    ),
    Record(
        "C000-03",
        experiment="08",
        source="C000",
        statement="Per-token regression (embedding 6, hidden 6, ReLU, MSE, Adam, 100 epochs): sentence 1's outputs stay far from its target 0.25 (0.6181, 0.4987, 0.3784, 0.4052, 0.4311)",
        quote="# After training tensor([[0.6181], [0.4987], [0.3784], [0.4052], [0.4311]])",
        explanation="The source trained its per-token model for 100 epochs and still printed outputs far from the target 0.25. Here the same setup usually gets within 0.1 of the target, so the far-off numbers were one unlucky run, not what the setup does; across five seeds one run stays far away as the source's did. Either way the per-token model fits the wrong thing: it is asked for a sentence score at every token. Train on the last step instead.",
        expect="refuted",
        seed_rates=on_both_profiles(
            4,
            5,
            "on one seed of five sentence 1's outputs do stay far from its target, as the source printed: the source's run is one such seed",
        ),
    ),
    Record(
        "C000-04",
        experiment="08",
        source="C000",
        statement="A ReLU output can print exactly 0.0000",
        quote="# Before training tensor([[0.0000], [0.0752], [0.1033], [0.0088], [0.1178]])",
        explanation="A ReLU output cannot go below 0, and if its input starts negative for every example no gradient flows and it stays at exactly 0.0000: a 'dead' ReLU. It happens on some initial weights and not others, so it is a matter of the seed. A regression head should be linear (`Dense(1)` with no activation).",
        by_backend={
            "torch": (
                "refuted",
                "a dead ReLU head needs initial weights that make its input negative; torch draws them from its own random stream, and with seeds 7-9 none starts negative (with seed 11 one does): a matter of the draw, not of Keras",
            ),
        },
        seed_rates=on_both_profiles(
            4,
            5,
            "on one seed of five no output is exactly 0: a dead ReLU head is a matter of the initial draw",
        ),
    ),
    Record(
        "C000-05",
        experiment="02",
        source="C000",
        statement="The last output is made from the last hidden state through a linear layer",
        quote="最后一个输出是从最后一个隐藏状态通过线性层(例如 softmax)生成的。",
        english="The last output is generated from the last hidden state through a linear layer (for example softmax).",
        explanation="One answer says the last output is made from the last hidden state 'through a linear layer'. For a plain LSTM layer that is wrong: its output is the hidden state itself, with no layer in between. A Linear or Dense layer appears only when you add one on top.",
        expect="refuted",
    ),
    Record(
        "C000-06",
        experiment="02",
        source="C000",
        statement="Bidirectional: 2 x hidden features; summing the halves at the last step summarises the sentence in both directions",
        quote="# separate bidirectional output into first/last, then sum them",
        explanation="A bidirectional layer runs one LSTM forwards and one backwards and puts their outputs side by side. At the last time step the backward half has read only the last token, so summing the halves there does not summarise the sentence in both directions. Take the backward half at step 0, or the layer's final states (`return_state=True`).",
        expect="refuted",
    ),
    Record(
        "C000-07",
        experiment="02",
        source="C000",
        statement="Concatenating two (T, B, H) outputs without a dim joins them along time, so [-1] reads only the second branch",
        quote="summed = torch.cat((w2v_sum_bi, ms_sum_bi)) … summed = summed[-1, :, :]",
        explanation="`torch.cat` without a dimension joins along the first axis, which for time-major tensors is time. The result is twice as long, and its last step comes only from the second branch. In Keras, concatenate features with `Concatenate(axis=-1)`; `axis=1` would repeat the mistake.",
    ),
    Record(
        "C000-08",
        experiment="02",
        source="C000",
        statement="Stacked layers need return_sequences=True below; GRU has one state, LSTM two",
        quote="我也很想知道这如何外推到双向 LSTM 和多层 LSTM,甚至如何与 GRU(双向或非双向)一起工作。",
        english="I would also like to know how this extends to bidirectional and multi-layer LSTMs, and even how it works with a GRU (bidirectional or not).",
        explanation="Stacking recurrent layers needs every layer but the top one to return its whole sequence, because the next layer wants steps to run over. An LSTM carries two states (h and c), a GRU and a SimpleRNN one. Keras raises a clear error when a sequence is missing.",
    ),
]
