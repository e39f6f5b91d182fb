"""Recover the weights of the ``LSTM(1)`` behind source C002's printed numbers.

An ``LSTM(1)`` on one input feature has a kernel (1 x 4), a recurrent kernel
(1 x 4) and a bias (4,). Keras's default initialisers make the bias
[0, 1, 0, 0] (``unit_forget_bias``), so 8 numbers are free. We fit them by
least squares against all 24 distinct printed numbers (the 18 of the
sequence output and the 6 cell states; the final h is the sequence's last
column) from several random starts, with the NumPy LSTM of
:mod:`lstm_lab.references.numpy_cells` in float64.
"""

import numpy as np
from scipy.optimize import least_squares

from lstm_lab.arrays import max_abs_difference
from lstm_lab.references import numpy_cells

DEFAULT_BIAS = np.array([0.0, 1.0, 0.0, 0.0])  # gates i, f, c, o; unit_forget_bias sets f to 1


def lstm1_weights(params, bias=DEFAULT_BIAS):
    """8 numbers -> Keras's ``[kernel (1, 4), recurrent_kernel (1, 4), bias (4,)]``."""
    params = np.asarray(params, dtype=np.float64)
    return [params[:4].reshape(1, 4), params[4:].reshape(1, 4), np.asarray(bias, dtype=np.float64)]


def residuals(params, inputs, sequences, final_c):
    sequence, _, c = numpy_cells.lstm(inputs[..., None], lstm1_weights(params))
    return np.concatenate([(sequence[..., 0] - sequences).ravel(), c[:, 0] - final_c])


def recover_lstm1_weights(inputs, sequences, final_c, starts=20, seed=0):
    """Fit from ``starts`` random starting points; returns a dict with the best fit.

    Keys: ``params`` (8 numbers), ``max_abs_residual``, ``starts``, ``converged`` (starts
    whose fit reached the best residual within 1e-8) and ``spread`` (the largest
    difference between their parameters: near 0 when the solution is unique).
    """
    rng = np.random.default_rng(seed)
    fits = []
    for _ in range(starts):
        start = rng.normal(scale=0.6, size=8)  # the scale of Glorot / orthogonal initial values
        fit = least_squares(
            residuals, start, args=(inputs, sequences, final_c), xtol=1e-15, ftol=1e-15, gtol=1e-15
        )
        fits.append((float(np.max(np.abs(fit.fun))), fit.x))
    best_error, best = min(fits, key=lambda item: item[0])
    converged = [params for error, params in fits if error <= best_error + 1e-8]
    spread = max(max_abs_difference(params, best) for params in converged)
    return {
        "params": best,
        "max_abs_residual": best_error,
        "starts": starts,
        "converged": len(converged),
        "spread": spread,
    }


def refit_with_unit_recurrent_norm(inputs, sequences, final_c, params):
    """What the printed numbers leave open: the fit again, from ``params``, with the recurrent
    row constrained to norm 1 (what an orthogonal initialiser gives a 1 x 4 row).

    Returns ``max_abs_residual`` of that fit and how far its kernel and recurrent kernel lie
    from ``params`` (``kernel_moved``, ``recurrent_moved``): if it fits as well, the data fix
    the weights no better than that distance.
    """
    params = np.asarray(params, dtype=np.float64)

    def on_the_sphere(free):
        return np.concatenate([free[:4], free[4:] / np.linalg.norm(free[4:])])

    fit = least_squares(
        lambda free: residuals(on_the_sphere(free), inputs, sequences, final_c),
        params,
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
    )
    constrained = on_the_sphere(fit.x)
    return {
        "max_abs_residual": float(np.max(np.abs(fit.fun))),
        "kernel_moved": max_abs_difference(constrained[:4], params[:4]),
        "recurrent_moved": max_abs_difference(constrained[4:], params[4:]),
    }
