"""Non-neural baselines, from scikit-learn."""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline


def as_documents(sequences):
    """Integer sequences -> space-separated token strings, so text tools can read them."""
    return [" ".join(map(str, sequence)) for sequence in sequences]


def tfidf_logistic_regression(train_sequences, train_labels, test_sequences, test_labels):
    """TF-IDF of word unigrams and bigrams + logistic regression; returns the test accuracy."""
    model = make_pipeline(
        TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
    model.fit(as_documents(train_sequences), train_labels)
    return float(model.score(as_documents(test_sequences), test_labels))
