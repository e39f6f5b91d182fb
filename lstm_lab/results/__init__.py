"""The results tree: where everything lives and how a run's files are read back
(:mod:`~lstm_lab.results.layout`). Writing and rendering them is :mod:`lstm_lab.report`'s."""
