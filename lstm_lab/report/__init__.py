"""Reports: a run's report (:mod:`~lstm_lab.report.run_report`), its Markdown and figures, its
metrics' tolerances across machines, and the results index.
"""
