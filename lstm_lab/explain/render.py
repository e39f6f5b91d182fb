"""``lstm-lab explain``'s explanations as text for a terminal or as Markdown tables."""

from lstm_lab.explain.identities import SAME


# -- rendering ----------------------------------------------------------------------------
def _verdict(check):
    return "holds" if check["holds"] else "does not hold"


def _gap(check, form):
    """The check's difference, or "–" for a check that is not a difference."""
    return "–" if check["max_abs_difference"] is None else format(check["max_abs_difference"], form)


def _heading(e):
    """``"LSTM(3) on input (2, 5, 3) (how it is masked)"``."""
    return f"{e['layer']} on input {tuple(e['input_shape'])}" + (
        f" ({e['mask']})" if e["mask"] else ""
    )


def _against_the_rules(row):
    if row["shape"] == row["shape_by_the_rules"]:
        return ""
    return f"; NOT the shape the rules give, {tuple(row['shape_by_the_rules'])}"


def render_text(explained):
    lines = [explained[0]["keras"]] if explained else []
    for number, e in enumerate(explained, 1):
        p = e["parameters"]
        lines += [
            f"layer {number}: {_heading(e)}",
            f"  parameters: {p['formula']} (count_params: {p['count_params']})",
            "  outputs (shape; largest difference from the layer's equations in NumPy):",
        ]
        for row in e["outputs"]:
            lines.append(
                f"    [{row['index']}] {str(tuple(row['shape'])):14s} {row['name']} "
                f"({row['max_abs_difference_from_the_equations']:.1g}{_against_the_rules(row)})"
            )
        lines.append(f"  identities and repeated calls (max abs difference, tolerance {SAME:g}):")
        if not e["identities"]:
            lines.append("    none: with one output there is nothing to relate")
        for check in e["identities"]:
            why = f": {check['why']}" if check["why"] else ""
            lines.append(
                f"    {_verdict(check):14s} {check['statement']} ({_gap(check, '.2g')}){why}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(explained):
    from lstm_lab.report.markdown import markdown_table

    parts = [f"Measured with {explained[0]['keras']}.", ""] if explained else []
    for number, e in enumerate(explained, 1):
        p = e["parameters"]
        parts += [
            f"**Layer {number}:** {_heading(e)}",
            "",
            markdown_table(
                ["output", "shape", "what it is", "vs the equations"],
                [
                    [
                        f"[{r['index']}]",
                        str(tuple(r["shape"])),
                        r["name"],
                        f"{r['max_abs_difference_from_the_equations']:.1g}",
                    ]
                    for r in e["outputs"]
                ],
            ),
            "",
            markdown_table(
                ["identity", "on this run", "max abs difference", "why"],
                [
                    [f"`{c['statement']}`", _verdict(c), _gap(c, ".2g"), c["why"]]
                    for c in e["identities"]
                ],
            ),
            "",
            f"Parameters: {p['formula']} (`count_params()`: {p['count_params']}).",
            "",
        ]
    return "\n".join(parts).rstrip() + "\n"
