"""Source C003: nn.RNN's shapes, a sine-wave predictor and gradient clipping (blog notes)."""

from lstm_lab.claims.record import Record, SeedRate, on_both_profiles

RECORDS = [
    Record(
        "C003-01",
        experiment="02",
        source="C003",
        statement="nn.RNN(100, 20) on x (10, 3, 100) with h0 (1, 3, 20) gives out (10, 3, 20) and h (1, 3, 20)",
        quote="rnn = torch.nn.RNN(input_size=100,hidden_size=20,num_layers=1) … torch.Size([10, 3, 20]) torch.Size([1, 3, 20])",
        explanation="PyTorch's `nn.RNN` is time-major by default: (steps, batch, features) in, (steps, batch, hidden) out, plus a state with a layer axis in front. Keras is batch-major: `SimpleRNN(20, return_sequences=True, return_state=True)` on (3, 10, 100) gives (3, 10, 20) and (3, 20). Same numbers, other axis order.",
    ),
    Record(
        "C003-02",
        experiment="02",
        source="C003",
        statement="With two layers h becomes (2, batch, 20) while out stays (10, batch, 20)",
        quote="如果RNN是两层的话,ht【2,batch,feature】(纵向) out还是【10,batch,feature】(横向)",
        english="If the RNN has two layers, ht is [2, batch, feature] (vertical); out is still [10, batch, feature] (horizontal)",
        explanation="Stacking two layers adds a second final state but does not change the output sequence's shape, which is the top layer's. In Keras you get one state per layer instead of PyTorch's (2, batch, hidden) block.",
    ),
    Record(
        "C003-03",
        experiment="02",
        source="C003",
        statement="Weight sharing: one set of weights serves every time step",
        quote="使用一个统一的参数来对整个句子进行分析提取语义特征——weight sharing",
        english="One shared set of parameters analyses the whole sentence and extracts its features: weight sharing",
        explanation="A recurrent layer applies the same weights at every step, so its parameter count does not depend on the sequence length: SimpleRNN(20) on 100 features has 2,420 parameters for 5 steps, 50, or any. That is also why one model can read sequences of any length.",
    ),
    Record(
        "C003-04",
        experiment="06",
        source="C003",
        statement="Sine task: 51 points on [s, s+10], s in {0, 1, 2}; input the first 50, predict the next 50; hidden 16, Adam 0.01, MSE, 6000 iterations, hidden state carried (detached)",
        quote="hidden_size = 16 … lr = 0.01 … for iter in range(6000):",
        explanation="The blog's sine task: see 50 points of a sine wave, predict the next 50, with a 16-unit RNN, Adam at 0.01 and 6000 training steps, carrying the hidden state from one step to the next. The lab reproduces it in Keras with a stateful layer and compares it with resetting the state each step.",
    ),
    Record(
        "C003-05",
        experiment="06",
        source="C003",
        statement="Feeding each prediction back as the next input for 50 steps follows the sine",
        quote="通过这个点以及隐藏层来进行下一个点的预测",
        english="Use this point and the hidden layer to predict the next point",
        explanation="Feeding each prediction back as the next input is how you generate a sequence, and errors compound. The lab's model follows the sine on every seed, better than repeating the last value, especially from a reset state. Judge a roll-out by its error per step against such a baseline, not by eye.",
        seed_rates=on_both_profiles(5, 5),
    ),
    Record(
        "C003-06",
        experiment="06",
        source="C003",
        statement="Clipping divides a parameter's gradient by its norm and multiplies by the threshold (10): direction kept",
        quote="使用它的tensor除以他自己的模,再乘以自己设定的阈值,这样tensor的方向不变",
        english="Divide the tensor by its own norm and multiply by the threshold you set, so that the tensor's direction does not change",
        explanation="Clipping by norm rescales a gradient that is too long to the threshold and keeps its direction. Keras's `clipnorm` clips each weight tensor on its own (the blog's loop), `global_clipnorm` all of them together (PyTorch's `clip_grad_norm_` on all parameters). Both match to float32 round-off.",
    ),
    Record(
        "C003-07",
        experiment="06",
        source="C003",
        statement="Exploding gradients show up as a loss that suddenly jumps; clipping bounds it",
        quote="loss在逐渐减小的过程中突然变大",
        english="The loss suddenly becomes large while it was gradually decreasing",
        explanation="An exploding gradient makes the loss jump by orders of magnitude in one step. The lab provokes it in a SimpleRNN with large recurrent weights and shows that `global_clipnorm` keeps the loss bounded. Whether the unclipped network explodes depends on its initial draw: on torch one seed of three does not.",
        seed_rates={
            "full": SeedRate(5, 5, "full-5-seeds"),
            "quick": SeedRate(5, 5, "quick-5-seeds"),
            ("full", "torch"): SeedRate(
                2,
                3,
                "full-5-seeds",
                "on torch with seed 9 the unclipped network does not explode (largest loss about 2): whether it does depends on the initial draw, which torch makes from its own stream",
            ),
        },
    ),
]
