"""The documents the claims come from.

``SOURCES`` lists every document the catalogue cites: the five source documents (Chinese
translations of English posts and Q&A threads, or Chinese posts; the lab keeps them in
``shared/seeds/``, not in this repository), the public Keras references, and the lab itself
for its own claims. Each claim's record (:mod:`lstm_lab.claims.catalogue`) names its source
by key and quotes it; ``results/sources.md`` lists them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One document the claims cite. ``url`` is the public page where there is one; for a
    translation it is the original's. ``file`` is the copy in ``shared/seeds/``, if any."""

    key: str
    title: str
    kind: str
    language: str
    date: str
    shows: str
    url: str | None = None
    file: str | None = None
    english_title: str | None = None

    @property
    def anchor(self):
        """The fragment of this source's entry in ``results/sources.md``."""
        return self.key.lower()


SOURCES = {
    source.key: source
    for source in [
        Source(
            "C000",
            "了解 LSTM 的回归输出",
            english_title="Understanding output of LSTM for regression",
            kind="Q&A thread (a Chinese translation of a Data Science Stack Exchange question "
            "with four answers)",
            language="Chinese; code and printed tensors in English",
            date="2021-10-02 (the translation)",
            url="https://datascience.stackexchange.com/questions/45503/"
            "understanding-output-of-lstm-for-regression",
            file="000_8bfcafdf4a3936b9.txt",
            shows="A PyTorch LSTM regressor on two tokenised sentences that returns one value per "
            "token; the answers on last output vs last hidden state, a bidirectional variant, "
            "and the outputs printed before and after 100 epochs.",
        ),
        Source(
            "C001",
            "PyTorch LSTM:权威指南",
            english_title="PyTorch LSTM: The Definitive Guide (cnvrg.io)",
            kind="article (a Chinese translation of a cnvrg.io tutorial)",
            language="Chinese; code in English",
            date="not stated",
            url="https://cnvrg.io/pytorch-lstm/",
            file="001_0a6509cbd9dfcdd7.txt",
            shows="LSTM theory, then a PyTorch LSTM that predicts Starbucks' daily trading "
            "volume from the day's prices (SBUX.csv, 253 days, 200 for training).",
        ),
        Source(
            "C002",
            "LSTM:理论与代码 (untitled blog post)",
            english_title="LSTM in theory and in code",
            kind="blog post",
            language="Chinese; code in English (Keras 2)",
            date="last updated 2022-08-02",
            url=None,
            file="002_061ba2699a049bcc.txt",
            shows="The LSTM gate equations, a Keras IMDb sentiment classifier, and the printed "
            "outputs of LSTM(1) with return_sequences and return_state on six three-step inputs.",
        ),
        Source(
            "C003",
            "RNN",
            english_title="RNN (blog notes by Jason66661010, cnblogs)",
            kind="blog post",
            language="Chinese; code in English (PyTorch)",
            date="2020-09-13",
            url=None,
            file="003_1c9e4ff5f7572158.txt",
            shows="nn.RNN's input and output shapes, a sine-wave predictor trained for 6000 "
            "iterations, exploding and vanishing gradients and gradient clipping.",
        ),
        Source(
            "C004",
            "了解有状态的LSTM [英] Understanding stateful LSTM",
            english_title="Understanding stateful LSTM",
            kind="Q&A thread (a Stack Overflow question and answer, English with a Chinese "
            "translation beside each paragraph)",
            language="English and Chinese; code in English (Keras 2)",
            date="not stated",
            url=None,
            file="004_aa9dcca7cd7f3743.txt",
            shows="Questions on the stateful alphabet model of the tutorial 'Understanding "
            "Stateful LSTM Recurrent Neural Networks in Python with Keras' (machinelearningmastery"
            ".com), and an answer on what stateful means, rotations, and training on a book.",
        ),
        Source(
            "keras-api",
            "Keras API documentation: LSTM, GRU, SimpleRNN and RNN layers",
            kind="API reference (the layers' docstrings, as installed)",
            language="English",
            date="Keras 3.15",
            url="https://keras.io/api/layers/recurrent_layers/",
            shows="The arguments go_backwards, stateful, use_cudnn and zero_output_for_mask, and "
            "the conditions for the cuDNN kernel.",
        ),
        Source(
            "keras-guide",
            'keras-io guide "Working with RNNs"',
            kind="guide",
            language="English",
            date="Keras 3 edition",
            url="https://keras.io/guides/working_with_rnns/",
            shows="Outputs and states, RNN state reuse, RNN layers vs RNN cells, and a demo of "
            "the cuDNN kernel's speed on MNIST.",
        ),
        Source(
            "keras-issues",
            "Keras issues on stateful layers, backends and mixed precision",
            kind="issue threads",
            language="English",
            date="various",
            url="https://github.com/keras-team/keras/issues",
            shows="keras-team/keras #20875 and #23462 (stateful layers in fit), keras-team/"
            "keras-core #322 (a model reloaded on another backend), tensorflow/tensorflow #51385 "
            "and keras-team/keras #15140 (recurrent layers under mixed precision).",
        ),
        Source(
            "questions",
            "Questions people ask about Keras recurrent layers",
            kind="Q&A pages and issue threads",
            language="English",
            date="various",
            shows="The questions of results/questions.md, each claim citing the page it comes "
            "from by its title and address.",
        ),
        Source(
            "lstm-lab",
            "lstm-lab (the lab's own claims)",
            kind="this project",
            language="English",
            date="2026",
            shows="What the lab checks beyond the documents: the rules the source documents take "
            "for granted, stated so that they can fail.",
        ),
    ]
}
