"""Keras 3's own documents and issues on recurrent layers, per backend and device (experiment 09)."""

from lstm_lab.claims.record import BuildExpectation, Record

# fit on JAX drops a stateful layer's state: the reason behind several backend expectations.
STATE_NOT_CARRIED_ON_JAX = "on JAX, fit (and evaluate, predict) does not carry a stateful layer's state from batch to batch: the states are not among the model's non_trainable_variables, so JAX's stateless train step drops their updates (experiment 09, K3-05)"

RECORDS = [
    Record(
        "K3-01",
        experiment="09",
        source="keras-api",
        cites="Keras API docs: LSTM, GRU, SimpleRNN (go_backwards)",
        statement="go_backwards=True processes the sequence backwards and returns the reversed sequence",
        quote="go_backwards: Boolean (default: False). If True, process the input sequence backwards and return the reversed sequence.",
        explanation="`go_backwards=True` reads the sequence from the end and returns the outputs in that reversed order: the first output belongs to the last input. Reverse the output yourself if you want it aligned with the input.",
    ),
    Record(
        "K3-02",
        experiment="09",
        source="keras-api",
        cites="Keras API docs: LSTM, GRU (use_cudnn)",
        statement='use_cudnn="auto" uses cuDNN when feasible and falls back otherwise; use_cudnn=True gives the generic kernel\'s results',
        quote='use_cudnn: Whether to use a cuDNN-backed implementation. "auto" will attempt to use cuDNN when feasible, and will fallback to the default implementation if not.',
        explanation="`use_cudnn='auto'` uses the fast cuDNN kernel on a GPU when the layer allows it, else the generic loop; `use_cudnn=True` insists. On a CPU TensorFlow raises for True as documented, while JAX's GRU and torch run anyway (a backend difference the lab records).",
        by_backend={
            "jax": (
                "refuted",
                "on a CPU, JAX's GRU with use_cudnn=True runs (its LSTM raises as documented)",
            ),
            "torch": ("refuted", "on a CPU, torch's LSTM and GRU with use_cudnn=True run"),
        },
    ),
    Record(
        "K3-03",
        experiment="09",
        source="keras-api",
        cites='keras-io guide "Working with RNNs": Using CuDNN kernels when available',
        statement="cuDNN runs only with tanh/sigmoid, recurrent_dropout=0, unroll=False, use_bias=True and unmasked or right-padded inputs",
        quote="The requirements to use the cuDNN implementation are: activation == tanh, recurrent_activation == sigmoid, recurrent_dropout == 0, unroll is False, use_bias is True, inputs, if use masking, are strictly right-padded.",
        explanation="cuDNN implements only the standard LSTM and GRU: tanh and sigmoid, no recurrent dropout, no unrolling, with biases, and masks only for right-padded sequences. Change any of these and Keras falls back to the slower generic kernel. This needs a GPU to check.",
    ),
    Record(
        "K3-04",
        experiment="09",
        source="keras-api",
        cites='keras-io guide "Working with RNNs": the MNIST cuDNN demo',
        statement="The cuDNN kernel makes training much faster",
        quote="the layer will use a fast cuDNN implementation when using the TensorFlow backend.",
        explanation="On a GPU the cuDNN kernel is usually several times faster than the generic loop. This needs a GPU to check; on a CPU it is not run.",
    ),
    Record(
        "K3-05",
        experiment="09",
        source="keras-api",
        cites="stateful tutorials; keras-team/keras #20875, #23462",
        statement="A stateful LSTM or GRU trains with fit, its state carried from batch to batch",
        quote="stateful: If True, the last state for each sample at index i in a batch will be used as initial state for the sample of index i in the following batch.",
        explanation="Stateful tutorials assume `fit` carries the state from batch to batch. That holds on TensorFlow. On JAX the state is silently dropped between batches, and on torch fit raises: stateful training is not portable across Keras 3 backends.",
        by_backend={
            "jax": ("refuted", STATE_NOT_CARRIED_ON_JAX),
            "torch": (
                "refuted",
                "on torch, fit of a stateful layer raises: the state is assigned in place inside the graph autograd differentiates",
            ),
        },
    ),
    Record(
        "K3-06",
        experiment="09",
        source="keras-api",
        cites="Keras API docs: RNN (zero_output_for_mask)",
        statement="zero_output_for_mask (default False): whether masked steps output zeros",
        quote="zero_output_for_mask: Boolean (default False). Whether the output should use zeros for the masked timesteps.",
        explanation="With a mask and `return_sequences=True`, the masked steps repeat the last valid output by default; `zero_output_for_mask=True` makes them zeros. Choose explicitly if later layers read those steps.",
    ),
    Record(
        "K3-07",
        experiment="09",
        source="keras-guide",
        cites='keras-io guide "Working with RNNs": RNN state reuse',
        statement="The recorded states of an RNN layer are not part of its weights: a reloaded stateful model starts from zeros",
        quote="The recorded states of the RNN layer are not included in the layer.weights().",
        explanation="A layer's state is not one of its weights, so saving and reloading a stateful model starts it from zeros. If you need to resume a sequence after reloading, save the states yourself.",
    ),
    Record(
        "K3-08",
        experiment="09",
        source="keras-guide",
        cites='keras-io guide "Working with RNNs": RNN layers and RNN cells',
        statement="RNN(LSTMCell(n)) gives the same result as LSTM(n)",
        quote="RNN(LSTMCell(10)) produces the same result as LSTM(10).",
        explanation="`LSTM(n)` is `RNN(LSTMCell(n))` with a faster loop: with the same weights they give the same numbers. Write a custom cell when you need a new recurrence; use the layer otherwise.",
    ),
    Record(
        "K3-09",
        experiment="09",
        source="keras-issues",
        cites="Keras 3 multi-backend promise; keras-team/keras-core #322",
        statement="A model saved on one Keras backend reloads on another with the same outputs",
        explanation="A `.keras` file saved on one backend reloads on the others and predicts the same numbers to float32 round-off: saved models are portable across TensorFlow, JAX and torch. Their recorded states are not saved (K3-07).",
        by_build={
            "torch": BuildExpectation(
                trait="torch with triton",
                with_trait=(
                    "refuted",
                    "with triton installed beside torch: a model saved on torch names torch's own Adam class (keras.src.backend.torch.optimizers.torch_adam), so reloading it on TensorFlow imports Keras's torch backend, torch._dynamo and triton after TensorFlow, and importing triton after TensorFlow kills the process (SIGSEGV); measured with Keras 3.15.1, TensorFlow 2.21.0, torch 2.14.1 (CUDA 13.0 build, triton 3.8.0)",
                ),
                without_trait=(
                    "confirmed",
                    "without triton beside torch: the reload imports Keras's torch backend and works; measured with Keras 3.15.1, TensorFlow 2.21.0, torch 2.13.0+cpu (CPU build, no triton) and torch 2.14.1 (CUDA 13.0 build) with triton uninstalled",
                ),
            ),
        },
    ),
    Record(
        "K3-10",
        experiment="09",
        source="keras-issues",
        cites="tensorflow #51385, keras-team/keras #15140",
        statement="LSTM and GRU train under a mixed-precision policy",
        explanation="Recurrent layers train under mixed precision (`mixed_bfloat16` on a CPU here) with finite losses. On a GPU `mixed_float16` is the usual policy; check your losses for overflow there.",
    ),
]
