"""The results tree: where everything lives (:mod:`~lstm_lab.results.layout`) and the
index that lists it (:mod:`~lstm_lab.results.index`).
"""
