"""The lab's own claims: the rules the source documents take for granted, stated so that
they can fail."""

from lstm_lab.claims.record import Record

RECORDS = [
    Record(
        "L-01-01",
        experiment="01",
        source="lstm-lab",
        statement="GRU: return_state gives [output, h], output == h == sequence[:, -1] (one state)",
        explanation="A GRU has one state, so `return_state=True` gives two arrays: the output and h, the same numbers. Code written for an LSTM's three arrays breaks on a GRU.",
    ),
    Record(
        "L-01-02",
        experiment="01",
        source="lstm-lab",
        statement="SimpleRNN: return_state gives [output, h], output == h == sequence[:, -1]",
        explanation="A SimpleRNN, like a GRU, has one state: `return_state=True` gives the output and h, equal to each other and to the sequence's last step. Only the LSTM has the extra cell state c.",
    ),
    Record(
        "L-02-01",
        experiment="02",
        source="lstm-lab",
        statement="Every output and state shape of SimpleRNN / GRU / LSTM x return_sequences x return_state x Bidirectional merge modes x 1-2 layers follows the stated rules",
        explanation="The rules for output and state shapes, checked on 144 combinations of layer type, flags, Bidirectional merge mode and depth. If a tutorial's shape surprises you, find its row in the table below.",
    ),
    Record(
        "L-02-02",
        experiment="02",
        source="lstm-lab",
        statement="Parameter counts follow the formulas (GRU with and without reset_after)",
        explanation="Parameter counts follow closed formulas: a SimpleRNN has u(f + u + 1), an LSTM four times that, a GRU three times plus 3u for its second bias. They let you check a model summary by hand.",
    ),
    Record(
        "L-02-03",
        experiment="02",
        source="lstm-lab",
        statement="Keras LSTM, GRU and stacked Bidirectional LSTM weights, mapped into PyTorch, give the same outputs and final states",
        explanation="Keras and PyTorch compute the same LSTM and GRU; only the weight layout differs (gate order, transposes, PyTorch's two biases). Mapped across, the outputs agree to float32 round-off.",
    ),
    Record(
        "L-03-01",
        experiment="03",
        source="lstm-lab",
        statement="A stateful layer built for one batch size rejects another batch size",
        explanation="A stateful layer fixes its batch size when it is built, because it keeps one state per row. Calling it with another batch size raises an error since Keras 3.12. Build a separate batch-size-1 copy for generation (as in C004-09).",
        by_keras=(("<3.12", "refuted", "Keras 3.0-3.11 broadcast the batch silently"),),
    ),
]
