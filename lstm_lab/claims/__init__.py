"""What the lab claims and how each claim gets its verdict: the source documents
(:mod:`~lstm_lab.claims.sources`), one record per claim (:mod:`~lstm_lab.claims.catalogue`),
pure comparisons (:mod:`~lstm_lab.claims.compare`) and the verdict record
(:mod:`~lstm_lab.claims.verdict`).
"""
