"""Non-neural baselines, from scikit-learn, and the errors they are scored with."""

import numpy as np

from lstm_lab.data.stocks import FEATURES, TARGET, TRAIN_ROWS

# scikit-learn is imported where it is used: it takes over a second to load.


def as_documents(sequences):
    """Integer sequences -> space-separated token strings, so text tools can read them."""
    return [" ".join(map(str, sequence)) for sequence in sequences]


def tfidf_logistic_regression(train_sequences, train_labels, test_sequences, test_labels):
    """TF-IDF of word unigrams and bigrams + logistic regression; returns the test accuracy."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
    model.fit(as_documents(train_sequences), train_labels)
    return float(model.score(as_documents(test_sequences), test_labels))


def volume_baselines(frame, train_rows=TRAIN_ROWS):
    """Volume predicted for every day by the training mean, yesterday's volume, and a
    linear regression on the same five prices (fit on the training rows)."""
    from sklearn.linear_model import LinearRegression

    volume = frame[TARGET].to_numpy()
    features = frame[FEATURES].to_numpy()
    regression = LinearRegression().fit(features[:train_rows], volume[:train_rows])
    return {
        "training mean": np.full(len(volume), volume[:train_rows].mean()),
        "previous day's volume": np.concatenate([[volume[0]], volume[:-1]]),
        "linear regression on the 5 prices": regression.predict(features),
    }


def regression_errors(predicted, actual):
    """``{"rmse": ..., "mae": ...}`` of ``predicted`` against ``actual``, in their units."""
    difference = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return {
        "rmse": float(np.sqrt(np.mean(difference**2))),
        "mae": float(np.mean(np.abs(difference))),
    }
