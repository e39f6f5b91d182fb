"""Training: stateful layers and their states, the loops that replace per-epoch ``fit``
calls, the backend-specific steps, and ``fit`` with a backup that resumes.
"""
