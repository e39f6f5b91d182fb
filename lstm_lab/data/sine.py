"""The sine task of source C003: 51 points of sin on [s, s + 10], s drawn from {0, 1, 2};
the first 50 points are the input, the last 50 the target (the next point at every step)."""

import numpy as np

POINTS = 51


def sine_window(start):
    """Times (51,), x (1, 50, 1) and y (1, 50, 1) for one start."""
    times = np.linspace(start, start + 10, POINTS)
    values = np.sin(times).astype(np.float32)
    return times, values[:-1].reshape(1, -1, 1), values[1:].reshape(1, -1, 1)


def training_windows(iterations, seed):
    """One random window per iteration, stacked: x and y (iterations, 50, 1), and the starts."""
    starts = np.random.default_rng(seed).integers(0, 3, size=iterations)
    windows = [sine_window(start) for start in starts]
    return np.concatenate([w[1] for w in windows]), np.concatenate([w[2] for w in windows]), starts
