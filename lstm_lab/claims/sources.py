"""Where each claim comes from: the source documents, and the sentence each claim rests on.

``SOURCES`` lists every document the catalogue cites: the five source documents (Chinese
translations of English posts and Q&A threads, or Chinese posts; the lab keeps them in
``shared/seeds/``, not in this repository) and the public Keras references. ``QUOTES`` gives
for each claim its source and a short quote of what that source states or prints, in the
source's language, with an English translation where the quote is Chinese. The lab's own
claims (``L-`` ids) quote nothing. ``results/sources.md`` is rendered from this module.
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


@dataclass(frozen=True)
class Quote:
    """What a claim's source says: ``text`` in the source's language, ``english`` where that
    is not English. ``text`` None: the claim paraphrases the source (or is the lab's own)."""

    source: str
    text: str | None = None
    english: str | None = None


def _quotes(source, entries):
    return {claim_id: Quote(source, *entry) for claim_id, entry in entries.items()}


QUOTES = {
    **_quotes(
        "C000",
        {
            "C000-01": (
                "张量的大小与输入的标记数相同。",
                "The tensor's size is the same as the number of tokens in the input.",
            ),
            "C000-02": (
                "也许我应该只将 LSTM 层的最后一项提供给线性层?",
                "Maybe I should feed only the LSTM layer's last item to the linear layer?",
            ),
            "C000-03": (
                "# After training tensor([[0.6181], [0.4987], [0.3784], [0.4052], [0.4311]])",
            ),
            "C000-04": (
                "# Before training tensor([[0.0000], [0.0752], [0.1033], [0.0088], [0.1178]])",
            ),
            "C000-05": (
                "最后一个输出是从最后一个隐藏状态通过线性层(例如 softmax)生成的。",
                "The last output is generated from the last hidden state through a linear layer (for example softmax).",
            ),
            "C000-06": ("# separate bidirectional output into first/last, then sum them",),
            "C000-07": ("summed = torch.cat((w2v_sum_bi, ms_sum_bi)) … summed = summed[-1, :, :]",),
            "C000-08": (
                "我也很想知道这如何外推到双向 LSTM 和多层 LSTM,甚至如何与 GRU(双向或非双向)一起工作。",
                "I would also like to know how this extends to bidirectional and multi-layer LSTMs, and even how it works with a GRU (bidirectional or not).",
            ),
        },
    ),
    **_quotes(
        "C001",
        {
            "C001-01": (
                "你将把前200行用于训练,53行用于测试数据。",
                "You will use the first 200 rows for training and 53 rows for test data.",
            ),
            "C001-02": ("#reshaping to rows, timestamps, features",),
            "C001-03": ("num_epochs = 1000 … learning_rate = 0.001 … hidden_size = 2",),
            "C001-04": (
                "你可以看到,损失较少,这意味着它表现良好。",
                "You can see that the loss is small, which means it performs well.",
            ),
            "C001-05": ("plt.axvline(x=200, c='r', linestyle='--') #size of the training set",),
            "C001-06": ("X_ss = ss.fit_transform(X) … X_train = X_ss[:200, :]",),
            "C001-07": (
                "torch.reshape(X_train_tensors, (X_train_tensors.shape[0], 1, X_train_tensors.shape[1]))",
            ),
        },
    ),
    **_quotes(
        "C002",
        {
            "C002-01": (
                "输入是长度为80的整数列表(maxlen=80) … (num_words=10000个单词)",
                "The input is a list of 80 integers (maxlen=80) … (num_words=10000 words)",
            ),
            "C002-02": (
                "每条影评从Embedding层输出后,都会变成80*128的矩阵。",
                "After the Embedding layer every review becomes an 80*128 matrix.",
            ),
            "C002-03": (
                "如果有影评不够80个词,就在影评前面加足够的0",
                "If a review has fewer than 80 words, enough zeros are added in front of it",
            ),
            "C002-04": (
                "如果影评单词量大于80个,便截取前面的80个词。",
                "If a review has more than 80 words, the first 80 words are kept.",
            ),
            "C002-05": (
                "如果出现不在单词表中的单词,固定将其编码成2,表示UNKNOWN",
                "A word that is not in the vocabulary is always encoded as 2, meaning UNKNOWN",
            ),
            "C002-06": (
                "构造一批输入,包括6个句子,每个句子三个单词,然后输入LSTM",
                "Build a batch of inputs, 6 sentences of three words each, and feed it to the LSTM",
            ),
            "C002-07": (
                "LSTM的输出结果从6个hidden state变成了6*3个hidden state。",
                "The LSTM's output changes from 6 hidden states to 6*3 hidden states.",
            ),
            "C002-08": (
                "LSTM返回3个array,第一个array和第二个array一样,都是hidden state … 第三个array就是最后一个时间步的cell state。",
                "The LSTM returns 3 arrays; the first and the second are the same, both the hidden state … the third is the cell state of the last time step.",
            ),
            "C002-09": (
                "还是返回三个array,第一个是所有时间步的hidden state",
                "It still returns three arrays; the first is the hidden state of every time step",
            ),
            "C002-10": (
                "[[0.00844267] [0.00617958] [0.01279002] [0.01231858] [0.009055 ] [0.01108878]]",
            ),
            "C002-11": (
                "记忆单元将历史信息清空 … 记忆单元将复制上一时刻的内容,不写入新的信息",
                "(f = 0, i = 1:) the memory cell clears its history … (f = 1, i = 0:) the memory cell copies the previous step's content and writes no new information",
            ),
            "C002-12": ("三个门的计算方式为:", "The three gates are computed as follows:"),
        },
    ),
    **_quotes(
        "C003",
        {
            "C003-01": (
                "rnn = torch.nn.RNN(input_size=100,hidden_size=20,num_layers=1) … torch.Size([10, 3, 20]) torch.Size([1, 3, 20])",
            ),
            "C003-02": (
                "如果RNN是两层的话,ht【2,batch,feature】(纵向) out还是【10,batch,feature】(横向)",
                "If the RNN has two layers, ht is [2, batch, feature] (vertical); out is still [10, batch, feature] (horizontal)",
            ),
            "C003-03": (
                "使用一个统一的参数来对整个句子进行分析提取语义特征——weight sharing",
                "One shared set of parameters analyses the whole sentence and extracts its features: weight sharing",
            ),
            "C003-04": ("hidden_size = 16 … lr = 0.01 … for iter in range(6000):",),
            "C003-05": (
                "通过这个点以及隐藏层来进行下一个点的预测",
                "Use this point and the hidden layer to predict the next point",
            ),
            "C003-06": (
                "使用它的tensor除以他自己的模,再乘以自己设定的阈值,这样tensor的方向不变",
                "Divide the tensor by its own norm and multiply by the threshold you set, so that the tensor's direction does not change",
            ),
            "C003-07": (
                "loss在逐渐减小的过程中突然变大",
                "The loss suddenly becomes large while it was gradually decreasing",
            ),
        },
    ),
    **_quotes(
        "C004",
        {
            "C004-01": (
                "uses batch_size = 1 and stateful = True to learn to predict the next letter of the alphabet given a letter of the alphabet",
            ),
            "C004-02": (
                "regardless of the first letter we feed in, the LSTM will always predict B since it's the second letter, then C and so on.",
            ),
            "C004-03": (
                "you would need to train the network with that kind of examples (subsequences or rotations of the alphabet)",
            ),
            "C004-04": (
                "a regular feed-forward network could learn to predict the next letter of the alphabet training on pairs like (A, B), (B, C), etc.",
            ),
            "C004-05": (
                "A non-stateful model, on the other hand, will use an initial zero state every time it processes a batch",
            ),
            "C004-06": (
                "of course the state will always flow within the batch and you do not need to have batches of size 1 for that to happen.",
            ),
            "C004-07": (
                "您希望对数据的分割序列进行训练,因为这些序列很长,并且对它们的整个长度进行训练是不切实际的.",
                "You want to train on split sequences of your data, because they are long and training on their whole length is impractical.",
            ),
            "C004-08": (
                'the "Y" would be the similar to the "X" (one-hot encoded), only shifted by one (or more) positions (in this case you may need to use return_sequences=True and TimeDistributed layers)',
            ),
            "C004-09": (
                "在预测时间上,您想要检索序列中每个时间点的输出 … 这些模型是批处理大小为1的训练模型的副本",
                "At prediction time you want the output at each point of the sequence … these models are copies of the trained model with a batch size of 1",
            ),
            "C004-10": (
                "if you have sequences of different sizes … you will need to be a bit more careful and use masking and/or sample weighting.",
            ),
            "C004-11": ("model.reset_states()",),
        },
    ),
    **_quotes(
        "keras-api",
        {
            "K3-01": (
                "go_backwards: Boolean (default: False). If True, process the input sequence backwards and return the reversed sequence.",
            ),
            "K3-02": (
                'use_cudnn: Whether to use a cuDNN-backed implementation. "auto" will attempt to use cuDNN when feasible, and will fallback to the default implementation if not.',
            ),
            "K3-03": (
                "The requirements to use the cuDNN implementation are: activation == tanh, recurrent_activation == sigmoid, recurrent_dropout == 0, unroll is False, use_bias is True, inputs, if use masking, are strictly right-padded.",
            ),
            "K3-04": (
                "the layer will use a fast cuDNN implementation when using the TensorFlow backend.",
            ),
            "K3-05": (
                "stateful: If True, the last state for each sample at index i in a batch will be used as initial state for the sample of index i in the following batch.",
            ),
            "K3-06": (
                "zero_output_for_mask: Boolean (default False). Whether the output should use zeros for the masked timesteps.",
            ),
        },
    ),
    **_quotes(
        "keras-guide",
        {
            "K3-07": (
                "The recorded states of the RNN layer are not included in the layer.weights().",
            ),
            "K3-08": ("RNN(LSTMCell(10)) produces the same result as LSTM(10).",),
        },
    ),
    **_quotes(
        "keras-issues",
        {
            "K3-09": (),
            "K3-10": (),
        },
    ),
}


def quote_of(claim_id):
    """The :class:`Quote` of a claim; the lab's own claims have the lab as their source."""
    return QUOTES.get(claim_id) or Quote("lstm-lab")


def source_for(claim_id):
    """The :class:`Source` a claim comes from."""
    return SOURCES[quote_of(claim_id).source]


def render_sources():
    """``results/sources.md``: every source, with what it is and where to find it."""
    lines = [
        "# Sources",
        "",
        "Generated from `lstm_lab/sources.py`; do not edit by hand. Every claim in the reports "
        "names one of these. The five source documents are Chinese-language pages (three of "
        "them translations of English originals); the lab cites their numbers and quotes a "
        "sentence per claim, with a translation, and writes its own code.",
    ]
    for source in SOURCES.values():
        claims = sorted(c for c, q in QUOTES.items() if q.source == source.key)
        lines += ["", f'<a id="{source.anchor}"></a>', f"## {source.title}", ""]
        if source.english_title:
            lines.append(f"- English title: {source.english_title}")
        lines += [
            f"- Kind: {source.kind}",
            f"- Language: {source.language}",
            f"- Date: {source.date}",
            f"- Where: {source.url or 'no public address known'}"
            + (f"; the lab's copy is `shared/seeds/{source.file}`" if source.file else ""),
            f"- What it shows: {source.shows}",
        ]
        if claims:
            lines.append(f"- Claims: {', '.join(claims)}")
    return "\n".join(lines) + "\n"
