"""Figures shared by the experiments (matplotlib, drawn off-screen)."""

import io

import numpy as np


def _pyplot():
    """matplotlib's pyplot, drawing off-screen; imported when a figure is first drawn, so
    that starting an experiment (or its ``--help``) does not wait for it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def correctness_heatmap(correct, row_labels, title, xlabel="step", ylabel="start", cell_text=None):
    """A grid of right (green) and wrong (red) predictions, with the count in the title;
    ``cell_text`` (same shape, strings) is written into the cells, e.g. the predictions."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    correct = np.asarray(correct, dtype=bool)
    fig, ax = plt.subplots(figsize=(10, 9))
    if cell_text is not None:
        for (row, col), text in np.ndenumerate(np.asarray(cell_text)):
            ax.text(col, row, text, ha="center", va="center", fontsize=7, color="white")
    ax.imshow(correct, cmap=ListedColormap(["#d7301f", "#1a9850"]), vmin=0, vmax=1)
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels))
    steps = correct.shape[1]
    ax.set_xticks(range(0, steps, 2), labels=[str(s + 1) for s in range(0, steps, 2)])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}\n{correct.sum()} of {correct.size} right (green)")
    fig.tight_layout()
    return fig


def training_curves(curves, title, ylabel, xlabel="epoch", log_y=False):
    """One line per named series: ``curves = {"tutorial": losses, ...}``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def printed_vs_reproduced(printed_h, reproduced_h, printed_c, reproduced_c):
    """Seed 002's printed numbers (markers) against our reproduction (lines), one colour a row."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [3, 1]})
    steps = np.arange(1, printed_h.shape[1] + 1)
    for row in range(printed_h.shape[0]):
        colour = f"C{row}"
        left.plot(steps, reproduced_h[row], color=colour, label=f"sequence {row + 1}")
        left.plot(steps, printed_h[row], "o", color=colour, fillstyle="none", markersize=9)
        right.plot([row + 1], [reproduced_c[row]], "x", color=colour, markersize=8)
        right.plot([row + 1], [printed_c[row]], "o", color=colour, fillstyle="none", markersize=9)
    left.set(
        xlabel="time step", ylabel="h", xticks=steps, title="h: printed (circles), Keras 3 (lines)"
    )
    right.set(xlabel="sequence", ylabel="final c", title="c: printed (o), Keras 3 (x)")
    left.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def actual_vs_predicted(dates, actual, predicted, split, title):
    """Two series over time with a dashed line where the test days begin."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(dates, actual, label="actual", color="C0")
    ax.plot(dates, predicted, label="predicted", color="C1")
    ax.axvline(dates[split], color="C3", linestyle="--", label=f"first test day ({split})")
    ax.set(title=title, ylabel="shares")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def roll_out_figure(times, truth, rolled):
    """The sine's next points and each model's free-running predictions."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(times[1:], truth, "o", color="k", fillstyle="none", label="sin (truth)")
    for name, values in rolled.items():
        ax.plot(times[1:], values, label=f"roll-out, {name}")
    ax.set(
        xlabel="t",
        ylabel="value",
        title="Feeding each prediction back in, 50 steps from the first point",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def seed_strips(values_by_metric, title):
    """One small panel per metric: each seed's value as a dot, one column per backend.

    ``values_by_metric = {metric: {backend: [value per seed]}}``."""
    plt = _pyplot()
    names = list(values_by_metric)
    columns = min(4, len(names))
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        backends = list(values_by_metric[name])
        for position, values in enumerate(values_by_metric[name].values()):
            ax.plot([position] * len(values), values, "o", alpha=0.7)
        ax.set_xticks(range(len(backends)), labels=backends, fontsize=8)
        ax.set_xlim(-0.6, len(backends) - 0.4)
        ax.set_title(name, fontsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def png_bytes(fig, dpi=110):
    """A matplotlib figure as PNG bytes; the figure is closed (plots.py lays it out tightly)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()
