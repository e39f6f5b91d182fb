"""Source C001: a PyTorch LSTM on Starbucks' trading volume (an article)."""

from lstm_lab.claims.record import Record, on_both_profiles

RECORDS = [
    Record(
        "C001-01",
        experiment="07",
        source="C001",
        statement="SBUX daily, 253 rows; X = Open, High, Low, Close, Adj Close; y = Volume; first 200 rows train, last 53 test",
        quote="你将把前200行用于训练,53行用于测试数据。",
        english="You will use the first 200 rows for training and 53 rows for test data.",
        explanation="The article's data: 253 trading days of Starbucks prices, the five price columns as inputs and the volume as the target, the first 200 days for training and the last 53 for testing. The lab loads the same file with pandas and gets the same split.",
        about_source_data=True,
    ),
    Record(
        "C001-02",
        experiment="07",
        source="C001",
        statement="Shapes: training (200, 1, 5) and (200, 1); testing (53, 1, 5) and (53, 1)",
        quote="#reshaping to rows, timestamps, features",
        explanation="Recurrent layers want three axes: samples, time steps, features. The article makes each day one sample with one time step of five prices, hence (200, 1, 5). Keras takes the same batch-major layout.",
        about_source_data=True,
    ),
    Record(
        "C001-03",
        experiment="07",
        source="C001",
        statement="LSTM(hidden 2) -> final h -> ReLU -> Dense 128 -> ReLU -> Dense 1, MSE, Adam 1e-3, 1000 full-batch epochs",
        quote="num_epochs = 1000 … learning_rate = 0.001 … hidden_size = 2",
        explanation="The model is tiny: an LSTM with 2 units, then 128 ReLU units, then one output. Keras counts 577 parameters and PyTorch 585, because PyTorch's LSTM has a second bias vector. The two are otherwise the same model.",
    ),
    Record(
        "C001-04",
        experiment="07",
        source="C001",
        statement="The loss is small, so the model performs well",
        quote="你可以看到,损失较少,这意味着它表现良好。",
        english="You can see that the loss is small, which means it performs well.",
        explanation="A small loss on scaled data says little by itself: what matters is whether the model beats simple guesses. The lab compares test errors in shares with the training mean, yesterday's volume and a linear regression. On most seeds the LSTM beats them narrowly, on one of five it does not; the claim holds only in that weak sense.",
        seed_rates=on_both_profiles(
            4, 5, "on one seed of five the model loses to the previous day's volume"
        ),
    ),
    Record(
        "C001-05",
        experiment="07",
        source="C001",
        statement="Actual vs predicted Volume over all 253 days, split at day 200",
        quote="plt.axvline(x=200, c='r', linestyle='--') #size of the training set",
        explanation="The article's picture of actual and predicted volume over all 253 days, with the split at day 200. The lab draws the same figure from its own run; look at the days after 200, which the model never saw.",
        about_source_data=True,
    ),
    Record(
        "C001-06",
        experiment="07",
        source="C001",
        statement="(implied) Fitting the scalers on all rows before the split does not change the test error",
        quote="X_ss = ss.fit_transform(X) … X_train = X_ss[:200, :]",
        explanation="The article fits its scalers on all 253 days before splitting, so the test days shape the scaling: a leak. Fitting them on the 200 training days changes the test error only a little here, because the test prices stay within the training range. Fit scalers on the training rows anyway; on other data the leak can matter.",
        seed_rates=on_both_profiles(
            4,
            5,
            "on one seed of five the leaky scalers change the test error by more than the tolerance",
        ),
    ),
    Record(
        "C001-07",
        experiment="07",
        source="C001",
        statement="(implied) With a sequence length of 1 the LSTM has nothing to recur over",
        quote="torch.reshape(X_train_tensors, (X_train_tensors.shape[0], 1, X_train_tensors.shape[1]))",
        explanation="With one time step per sample the LSTM's recurrence never runs: zeroing its recurrent weights changes no prediction. The model is a small feed-forward network in disguise. To use the memory, feed windows of past days (the lab tries 5, 10 and 20).",
    ),
]
