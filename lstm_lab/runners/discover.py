"""The experiment scripts: where they are, what each is about, and what their last runs
recorded.
"""

import ast

from lstm_lab.errors import BadInput
from lstm_lab.report.index import verdict_counts
from lstm_lab.results.layout import metrics_file, read_metrics


def find_experiments(experiments_dir):
    """``{"03": Path(".../03_stateful_alphabet.py"), ...}`` in number order."""
    if not experiments_dir.is_dir():
        raise BadInput(f"no experiments directory at {experiments_dir}")
    scripts = sorted(experiments_dir.glob("[0-9][0-9]_*.py"))
    return {script.name[:2]: script for script in scripts}


def declared_settings(script, profile):
    """The settings ``script`` declares for ``profile`` in its ``PROFILES`` literal, as a run
    records them in its metrics; None where they are not a literal (they name a module's
    value, say) or not declared."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "PROFILES" for target in node.targets
        ):
            try:
                return ast.literal_eval(node.value).get(profile)
            except ValueError:
                return None
    return None


def first_docstring_line(script):
    doc = ast.get_docstring(ast.parse(script.read_text()))
    return doc.strip().splitlines()[0] if doc else ""


def last_result(results_dir, name):
    path = metrics_file(results_dir, name)
    if not path.exists():
        return "not run yet"
    try:
        data = read_metrics(path)
    except BadInput:
        return f"unreadable {path.name}"
    counts, unexpected = verdict_counts(data["claims"])
    verdicts = ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n)
    expected = (
        "every verdict as the lab expects"
        if not unexpected
        else f"not as expected: {', '.join(unexpected)}"
    )
    return f"{data['profile']} run: {verdicts}; {expected}"


def last_wall_seconds(results_dir, scripts):
    """``{experiment: wall seconds of its last run}`` for those with a readable result."""
    seconds = {}
    for script in scripts:
        try:
            seconds[script.stem] = read_metrics(metrics_file(results_dir, script.stem))[
                "wall_seconds"
            ]
        except (BadInput, KeyError):
            pass
    return seconds
