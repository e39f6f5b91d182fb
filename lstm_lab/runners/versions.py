"""The version matrix: every claim's verdict on each Keras release and backend, side by side.

    python -m lstm_lab conformance --keras NAME [NAME ...] [--backends ...] [--jobs 2]

runs each experiment on each backend of each Keras environment (``environments.toml``, built
by :mod:`lstm_lab.environments`), each run a new process with that environment's Python,
``jobs`` at a time; in the Keras 2 environment the Keras 2 probes run instead
(:mod:`lstm_lab.runners.keras2`). The runs go to ``results/versions/keras-<name>/<backend>/``;
the matrix to ``results/versions.md`` and ``versions.json``: one row per claim, a column per
(Keras, backend), the rows whose verdict changes with the release first, each change with the
first release that has it and that run's own evidence.
"""

import time

from packaging.version import Version

from lstm_lab import environments as lab_environments
from lstm_lab.files import write_json_and_markdown
from lstm_lab.report.markdown import markdown_table, short
from lstm_lab.report.questions import write_questions
from lstm_lab.results.layout import KERAS2_PROBES, RUN_ID_VARIABLE, version_results_dir
from lstm_lab.runners.local import Command, run_commands
from lstm_lab.runners.matrix import (
    BEFORE_CONTROLS,
    cell,
    error_cells,
    is_unexpected,
    judged_claims,
    new_run_id,
    read_run,
    run_variables,
)


def column(environment, backend):
    return f"{environment.name}/{backend}"


def commands(environments, backends, scripts, results_dir, options, pythons):
    """One :class:`Command` per (environment, backend, experiment) that the environment
    supports, and one for the Keras 2 probes; ``pythons`` maps an environment's name to its
    interpreter."""
    found = []
    for environment in environments:
        python = str(pythons[environment.name])
        variables = tuple(environment.run_environment().items())
        for backend in [b for b in backends if b in environment.backends]:
            folder = version_results_dir(results_dir, environment.name, backend)
            if environment.keras2:
                words = (
                    python,
                    "-m",
                    "lstm_lab.runners.keras2",
                    "--results-dir",
                    str(folder),
                    *_profile(options),
                )
                found.append(
                    Command(column(environment, backend) + " probes", words, _new_id(variables))
                )
                continue
            for script in scripts:
                words = (
                    python,
                    str(script),
                    "--backend",
                    backend,
                    "--results-dir",
                    str(folder),
                    *options,
                )
                label = f"{column(environment, backend)} {script.stem[:2]}"
                found.append(
                    Command(label, words, _new_id(variables) + (("KERAS_BACKEND", backend),))
                )
    return found


def _new_id(variables):
    """``variables`` with a run id of its own."""
    kept = tuple((name, value) for name, value in variables if name != RUN_ID_VARIABLE)
    return kept + tuple(run_variables(new_run_id()).items())


def run_id_of(command):
    return dict(command.variables)[RUN_ID_VARIABLE]


def _profile(options):
    options = list(options)
    return options[options.index("--profile") : options.index("--profile") + 2]


def build_all(environments, progress=print):
    """``{name: interpreter}``: each environment built (or found built), with its time."""
    pythons = {}
    for environment in environments:
        started = time.perf_counter()
        pythons[environment.name] = lab_environments.build(environment, progress=progress)
        progress(f"Keras {environment.name}: ready in {time.perf_counter() - started:.1f} s")
    return pythons


def run_matrix(environments, backends, scripts, results_dir, options, jobs, progress=print):
    """Build the environments, then run every cell ``jobs`` at a time; ``{label: (exit code,
    run id)}``."""
    pythons = build_all(environments, progress)
    cells = commands(environments, backends, scripts, results_dir, options, pythons)
    progress(f"{len(cells)} runs, {jobs} at a time")
    outcomes = run_commands(cells, jobs)
    return {
        command.label: (outcome[0], run_id_of(command)) for command, outcome in outcomes.items()
    }


def collect(environments, backends, names, results_dir, profile, codes=None):
    """The matrix as plain data: ``columns`` (``"3.12/jax"`` -> Keras and backend versions),
    ``claims`` (per claim: its verdicts per column, its changes), ``failed`` runs.

    ``codes`` maps a cell's label to the (exit code, run id) of the run this invocation
    started there; :func:`lstm_lab.runners.matrix.read_run` decides which runs are read. A
    failed run is listed under ``failed`` and its claims are *error* cells with its cause; a
    cell with no run at all is listed under ``not_measured``."""
    codes = codes or {}
    columns, rows, failed, not_measured, before_controls = {}, {}, [], [], []
    for environment in environments:
        for backend in [b for b in backends if b in environment.backends]:
            key = column(environment, backend)
            folder = version_results_dir(results_dir, environment.name, backend)
            runs = [KERAS2_PROBES] if environment.keras2 else names
            for name in runs:
                label = f"{key} probes" if environment.keras2 else f"{key} {name[:2]}"
                code, run_id = codes.get(label, (None, None))
                data, cause = read_run(folder, name, profile, code=code, run_id=run_id)
                if cause == "no run in the results":
                    not_measured.append({"column": key, "experiment": name})
                    continue
                if cause:
                    failed.append({"column": key, "experiment": name, "why": cause})
                    claims = [] if environment.keras2 else error_cells(name, cause)
                    columns.setdefault(key, _column_facts(environment, backend, {}))
                else:
                    columns[key] = _column_facts(environment, backend, data)
                    claims, uncontrolled = judged_claims(data)
                    if uncontrolled:
                        before_controls.append({"column": key, "experiment": name})
                for claim in claims:
                    row = rows.setdefault(claim["id"], {"experiment": None, "verdicts": {}})
                    if not environment.keras2:
                        row["experiment"] = name
                    row["verdicts"][key] = cell(claim)
    order = list(columns)
    releases = [key for key in order if not columns[key]["build"]]
    for row in rows.values():
        row["changes"] = changes(row["verdicts"], releases, columns)
        row["build_changes"] = build_changes(row["verdicts"], order, columns)
        row["unexpected"] = [key for key, entry in row["verdicts"].items() if is_unexpected(entry)]
        row["era"] = era(row["verdicts"], releases, columns)
    return {
        "profile": profile,
        "columns": columns,
        "claims": rows,
        "failed": failed,
        "not_measured": not_measured,
        "before_controls": before_controls,
    }


def _column_facts(environment, backend, data):
    """A column's Keras and backend versions, as its run recorded them (a failed run's Keras
    from the environment's pin, or the default install's)."""
    versions = data.get("versions", {})
    keras = versions.get("keras") or data.get("keras", "") or _pinned_keras(environment)
    return {
        "keras_environment": environment.name,
        "backend": backend,
        "keras": keras.removeprefix("tf-keras ") if environment.keras2 else keras,
        "keras2": environment.keras2,
        "build": environment.build,
        "backend_version": versions.get(backend) or data.get(backend, ""),
    }


def _pinned_keras(environment):
    from lstm_lab.builds import installed_version

    for pin in environment.pins:
        name, _, version = pin.partition("==")
        if name.strip() in ("keras", "tf-keras"):
            return version.split(";")[0].strip()
    return installed_version("keras") or "0"


def changes(verdicts, order, columns):
    """Per backend, each release where the verdict differs from the release before it (in
    the column order, oldest first): ``[{backend, from, to, was, now}]``. Keras 2 counts as
    TensorFlow's oldest release."""
    found = []
    for backend in dict.fromkeys(columns[key]["backend"] for key in order):
        previous = None
        for key in [k for k in order if columns[k]["backend"] == backend and k in verdicts]:
            if previous is not None and verdicts[key]["verdict"] != verdicts[previous]["verdict"]:
                found.append(
                    {
                        "backend": backend,
                        "from": columns[previous]["keras"],
                        "to": columns[key]["keras"],
                        "was": verdicts[previous]["verdict"],
                        "now": verdicts[key]["verdict"],
                        "column": key,
                    }
                )
            previous = key
    return found


def build_changes(verdicts, order, columns):
    """Each column of a build (say torch's CUDA build) whose verdict differs from that of the
    same Keras release and backend without it: ``[{backend, build, keras, was, now, column}]``."""
    found = []
    for key in [k for k in order if columns[k]["build"] and k in verdicts]:
        facts = columns[key]
        plain = [
            k
            for k in order
            if not columns[k]["build"]
            and k in verdicts
            and (columns[k]["keras"], columns[k]["backend"]) == (facts["keras"], facts["backend"])
        ]
        if plain and verdicts[plain[0]]["verdict"] != verdicts[key]["verdict"]:
            found.append(
                {
                    "backend": facts["backend"],
                    "build": facts["build"],
                    "keras": facts["keras"],
                    "was": verdicts[plain[0]]["verdict"],
                    "now": verdicts[key]["verdict"],
                    "column": key,
                }
            )
    return found


def era(verdicts, order, columns):
    """What Keras 2 says of a claim beside the newest Keras 3 on TensorFlow: ``"held on Keras
    2, changed in Keras 3"``, ``"wrong on both"``, ``"holds on both"``,
    ``"wrong on Keras 2, holds on Keras 3"``, or None where either is missing."""
    keras2 = [k for k in order if columns[k]["keras2"] and k in verdicts]
    keras3 = [
        k
        for k in order
        if not columns[k]["keras2"] and columns[k]["backend"] == "tensorflow" and k in verdicts
    ]
    if not keras2 or not keras3:
        return None
    then, now = verdicts[keras2[0]]["verdict"], verdicts[keras3[-1]]["verdict"]
    if then == "confirmed" and now == "refuted":
        first = next(columns[k]["keras"] for k in keras3 if verdicts[k]["verdict"] == "refuted")
        return f"held on Keras 2, changed in Keras 3 (refuted from {first} on TensorFlow)"
    return {
        ("refuted", "refuted"): "wrong on both",
        ("confirmed", "confirmed"): "holds on both",
        ("refuted", "confirmed"): "wrong on Keras 2, holds on Keras 3",
    }.get((then, now))


def summary_line(matrix):
    rows = matrix["claims"].values()
    changing = sum(bool(row["changes"]) for row in rows)
    by_build = sum(bool(row["build_changes"]) for row in rows)
    unexpected = sum(bool(row["unexpected"]) for row in rows)
    return (
        f"{len(matrix['claims'])} claims in {len(matrix['columns'])} (Keras, backend) columns: "
        f"{changing} change with the Keras release, {by_build} with a backend build, "
        f"{unexpected} differ somewhere from the "
        f"lab's expectation"
        + (f"; {len(matrix['failed'])} run(s) missing or failed" if matrix["failed"] else "")
        + (f"; {len(missing)} cell(s) not measured" if (missing := matrix["not_measured"]) else "")
    )


def _cell(entry, key, row):
    if entry is None:
        return "–"
    text = entry["verdict"]
    if key in row["unexpected"]:
        text = f"**{text}** (expected {entry['expect']})"
    return text


def render(matrix):
    order = list(matrix["columns"])
    ordered = sorted(
        matrix["claims"].items(),
        key=lambda item: (
            not (item[1]["changes"] or item[1]["build_changes"]),
            not item[1]["unexpected"],
            item[0],
        ),
    )
    header = ["claim", "exp.", "first change"] + [
        f"Keras {facts['keras']} {facts['backend']}"
        + (f" ({facts['build']})" if facts["build"] else "")
        for facts in matrix["columns"].values()
    ]
    table = [
        [claim_id, (row["experiment"] or "K2")[:2], _first_change(row)]
        + [_cell(row["verdicts"].get(key), key, row) for key in order]
        for claim_id, row in ordered
    ]
    lines = [
        "# Versions: every claim on every Keras release the lab supports",
        "",
        "Generated by `python -m lstm_lab conformance --keras ...`; do not edit by hand. Each",
        "column is one Keras environment of `environments.toml` (built by uv from",
        "`constraints.txt` with only Keras replaced) and one backend; each cell the verdict of",
        "one run there, a new process. On Keras 2 the claims are replayed by the Keras 2",
        "probes (`lstm_lab/probes/keras2.py`) with Keras 2's own API, since the experiments are",
        "Keras 3 code. Rows whose verdict changes with the release come first, then rows that",
        "differ from the lab's expectation somewhere (**bold**).",
        "",
        f"**{summary_line(matrix)}** ({matrix['profile']} profile).",
        "",
        markdown_table(header, table),
    ]
    lines += _change_section(
        ordered,
        "changes",
        "What changed, by the runs' own evidence",
        lambda c: f"on {c['backend']}: {c['was']} on Keras {c['from']}, {c['now']} on {c['to']}",
    )
    lines += _change_section(
        ordered,
        "build_changes",
        "What a backend build changes",
        lambda c: (
            f"on {c['backend']}, Keras {c['keras']}: {c['was']} on the default build, "
            f"{c['now']} with the {c['build']}"
        ),
    )
    eras = [(claim_id, row["era"]) for claim_id, row in ordered if row["era"]]
    if eras:
        lines += ["", "## Keras 2, the tutorials' era, beside Keras 3 on TensorFlow", ""]
        lines += [f"- **{claim_id}**: {text}" for claim_id, text in sorted(eras)]
    if matrix["failed"]:
        lines += ["", "## Runs that failed", ""]
        lines += [f"- {f['experiment']} in {f['column']}: {f['why']}" for f in matrix["failed"]]
    earlier = {}
    for run in matrix.get("before_controls", []):
        earlier.setdefault(run["column"], []).append(run["experiment"][:2])
    if earlier:
        lines += ["", "## Runs measured before the lab had controls", "", BEFORE_CONTROLS, ""]
        lines += [f"- {column}: {', '.join(names)}" for column, names in earlier.items()]
    missing = {}
    for gap in matrix.get("not_measured", []):
        missing.setdefault(gap["column"], []).append(gap["experiment"][:2])
    if missing:
        lines += ["", "## Not measured", ""]
        lines += [f"- {column}: {', '.join(names)}" for column, names in missing.items()]
    return "\n".join(lines) + "\n"


def _change_section(ordered, key, title, describe):
    """A section listing each row's ``key`` changes (``describe(change)``), with the evidence
    of the run that shows each; nothing where no row has any."""
    lines = [
        f"- **{claim_id}** {describe(change)}. "
        f"{short(row['verdicts'][change['column']]['evidence'], 400)}"
        for claim_id, row in ordered
        for change in row[key]
    ]
    return ["", f"## {title}", "", *lines] if lines else []


def _first_change(row):
    if not row["changes"]:
        return (
            "a build: " + ", ".join(c["build"] for c in row["build_changes"])
            if row["build_changes"]
            else "–"
        )
    first = min(row["changes"], key=lambda change: Version(change["to"]))
    backends = sorted({c["backend"] for c in row["changes"] if c["to"] == first["to"]})
    return f"{first['to']} ({', '.join(backends)})"


def write_matrix(results_dir, matrix):
    """``versions.md`` and ``versions.json`` in ``results_dir``, then ``questions.md`` where the
    full runs' matrix is there too."""
    written = write_json_and_markdown(results_dir, "versions", matrix, render(matrix))
    if (results_dir / "conformance.json").exists():
        write_questions(results_dir)
    return written
