"""A run's report: the claims, metrics, figures and prose an experiment collects
(:mod:`~lstm_lab.report.run_report`), rendered as Markdown, with figures and the metrics'
tolerances across machines.
"""
