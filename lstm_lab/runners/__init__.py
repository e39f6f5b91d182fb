"""Running experiments: finding the scripts, one after another or side by side
(:mod:`~lstm_lab.runners.local`), on every backend (:mod:`~lstm_lab.runners.conformance`) and
across seeds on Ray (:mod:`~lstm_lab.runners.sweep`).
"""
