"""The identities between a recurrent layer's outputs that a reader may rely on or may
expect, each measured on the run (``lstm-lab explain``)."""

import numpy as np

from lstm_lab.probes.anatomy import STATES
from lstm_lab.references.numpy_cells import MERGES

SAME = 1e-6  # Keras outputs compared with each other: the same numbers up to float32 noise
REFERENCE = 1e-5  # Keras (float32) against the NumPy reference (float64)


# -- identities ---------------------------------------------------------------------------
def difference(left, right):
    left, right = np.asarray(left, np.float64), np.asarray(right, np.float64)
    if left.shape != right.shape:
        return float("inf")
    return float(np.max(np.abs(left - right))) if left.size else 0.0


def identities(a, outputs, x, mask):
    """``[(statement, difference, tolerance, why)]``: relations between the outputs that a
    reader may rely on or may expect, each with its measured difference."""
    u, found = a["units"], []
    names = {i: f"[{i}]" for i in range(len(outputs))}

    def add(statement, left, right, why=""):
        found.append((statement, difference(left, right), SAME, why))

    rs, bi = a["return_sequences"], a["wrapper"] != "none"
    first_state = 1 if a["wrapper"] is not None else 2
    if a["return_state"] and not bi:
        h = outputs[1]
        if rs:
            add(
                f"{names[0]}[:, -1] == {names[1]} final h",
                outputs[0][:, -1],
                h,
                "the last step of the sequence is the final h"
                + (" (with go_backwards the last step processed)" if a["go_backwards"] else ""),
            )
            add(
                f"{names[0]}[:, 0] == {names[1]} final h",
                outputs[0][:, 0],
                h,
                "the first row is the first step processed, not the final state",
            )
        else:
            add(
                f"{names[0]} == {names[1]} final h",
                outputs[0],
                h,
                "the default output is the final h",
            )
        if a["kind"] == "LSTM":
            add(
                f"{names[2]} final c == {names[1]} final h",
                outputs[2],
                h,
                "c is the cell's memory, not an output",
            )
    if bi and a["return_state"]:
        per = STATES[a["kind"]]
        forward_h, backward_h = outputs[first_state], outputs[first_state + per]
        fh, bh = names[first_state], names[first_state + per]
        if a["wrapper"] == "concat":
            out = outputs[0]
            if rs:
                add(
                    f"{names[0]}[:, -1, :{u}] == {fh} forward h",
                    out[:, -1, :u],
                    forward_h,
                    "the forward half ends at the last step",
                )
                add(
                    f"{names[0]}[:, 0, {u}:] == {bh} backward h",
                    out[:, 0, u:],
                    backward_h,
                    "the backward half ends at step 0, in input order",
                )
                add(
                    f"{names[0]}[:, -1, {u}:] == {bh} backward h",
                    out[:, -1, u:],
                    backward_h,
                    "at the last step the backward direction has read one step only",
                )
            else:
                add(f"{names[0]}[:, :{u}] == {fh} forward h", out[:, :u], forward_h)
                add(f"{names[0]}[:, {u}:] == {bh} backward h", out[:, u:], backward_h)
        if a["wrapper"] is None and not rs:
            add(f"{names[0]} == {fh} forward h", outputs[0], forward_h)
            add(f"{names[1]} == {bh} backward h", outputs[1], backward_h)
        if a["wrapper"] is None and rs:
            add(
                f"{names[0]}[:, -1] == {fh} forward h",
                outputs[0][:, -1],
                forward_h,
                "the forward sequence ends at the last step",
            )
            add(
                f"{names[1]}[:, 0] == {bh} backward h",
                outputs[1][:, 0],
                backward_h,
                "the backward sequence, in input order, ends at step 0",
            )
            add(
                f"{names[1]}[:, -1] == {bh} backward h",
                outputs[1][:, -1],
                backward_h,
                "at the last step the backward direction has read one step only",
            )
        if a["wrapper"] in MERGES:
            merge = MERGES[a["wrapper"]]
            last = outputs[0][:, -1] if rs else outputs[0]
            where = f"{names[0]}[:, -1]" if rs else names[0]
            add(
                f"{where} == {a['wrapper']}({fh} forward h, {bh} backward h)",
                last,
                merge(forward_h, backward_h),
                "at the last step the backward direction has read one step only"
                if rs
                else "without return_sequences each direction gives its final h",
            )
    if mask is not None and rs and a["wrapper"] in ("none", "concat", None):
        valid = np.asarray(mask).sum(axis=1)
        padded = [i for i in range(len(valid)) if 0 < valid[i] < np.asarray(mask).shape[1]]
        if padded and not a["go_backwards"]:
            row, last = padded[0], int(valid[padded[0]]) - 1
            out = np.asarray(outputs[0])
            label = names[0]
            if a["wrapper"] == "concat":
                out, label = out[..., :u], f"{names[0]}[..., :{u}]"
            forced = " (Bidirectional sets it when it returns sequences)" if bi else ""
            add(
                f"{label} at the padded steps == the last valid output",
                out[row, last + 1 :],
                np.broadcast_to(out[row, last], out[row, last + 1 :].shape),
                "zero_output_for_mask=False (a layer's default) repeats it",
            )
            add(
                f"{label} at the padded steps == 0",
                out[row, last + 1 :],
                np.zeros_like(out[row, last + 1 :]),
                f"zero_output_for_mask=True writes zeros{forced}",
            )
    return found
