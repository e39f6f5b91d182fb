"""Run every finding's reproduction in every Keras environment and backend, and on the patch
releases around where it appears or goes away, and write ``results/findings.md`` (+ ``.json``):
where it reproduces, the first release that has it, and its history.

    python -m lstm_lab findings [--keras NAME ...] --jobs 2   # environments.toml's releases
    python -m lstm_lab findings --patches --jobs 1            # the patch scan

Each reproduction runs as ``python reproductions/<name>.py`` with the environment's Python and
``KERAS_BACKEND``. Its outcome is explicit: it ends by printing ``reproduced: ...`` and exiting
0, or ``not reproduced: ...`` and exiting 1. Anything else (another exit code, a signal, a
traceback, no such line, a line that contradicts the exit code) is a *crash* cell with its
cause, never "not reproduced": Python exits 1 on an uncaught exception too.

The patch scan runs each finding's ``scan`` of findings.toml (the patch releases between the
last measured release where it does not reproduce and the first where it does, and older ones
as far back as their backends install) in environments built like environments.toml's, the
README's install with Keras replaced (and :data:`SCAN_PINS` where a backend must be older),
in a temporary folder unless ``--envs DIR`` keeps them. It writes
``results/findings-patches.json`` and renders findings.md and .json again with it.
"""

import json
import os
import platform
import re
import signal
import tempfile
import time
from pathlib import Path

from packaging.version import Version

from lstm_lab.files import (
    check_writable,
    locked,
    write_file_atomically,
    write_json_and_markdown,
)
from lstm_lab.report.markdown import markdown_table
from lstm_lab.runners.local import Command, run_commands

REPRODUCED, NOT_REPRODUCED, CRASH = "reproduced", "not reproduced", "crash"
OUTCOMES = {0: REPRODUCED, 1: NOT_REPRODUCED}
VERDICT_LINES = ("reproduced:", "not reproduced:")
TRACEBACK = "Traceback (most recent call last):"
PATCHES = "findings-patches"  # the patch scan's own results file, beside findings.json
FIRST_KERAS_3 = Version("3.0.0")  # nothing older runs a Keras 3 reproduction

# What a Keras release needs beside its own pin where the README's backends refuse it, by
# Keras minor release and backend: the newest TensorFlow that takes that Keras (TensorFlow
# 2.21 needs Keras >= 3.12, 2.20 >= 3.10, 2.19 >= 3.5, 2.17 >= 3.2, 2.16 >= 3.0), with what
# it needs resolved anew (`unpin`), as environments.toml's 3.11 has it. Each backend gets an
# environment of its own, so one backend's older pins never hold another back.
_TF = ("tensorboard", "tensorboard-*", "numpy", "ml-dtypes", "protobuf", "h5py", "scipy", "pandas")
_TF_PINS = {
    "2.20.0": {"pins": ["tensorflow==2.20.0", "tensorboard==2.20.0"]},
    "2.19.1": {"pins": ["tensorflow==2.19.1"], "unpin": _TF},
    "2.17.1": {"pins": ["tensorflow==2.17.1"], "unpin": _TF},
    "2.16.2": {"pins": ["tensorflow==2.16.2"], "unpin": _TF},
}
# JAX 0.6.0 is the last with jax.spmd_mode, which Keras's JAX trainer calls up to 3.9.
_JAX = {"pins": ["jax[cpu]==0.6.0", "jaxlib==0.6.0"], "unpin": ("ml-dtypes", "numpy", "scipy")}
SCAN_PINS = {
    **{minor: {"tensorflow": _TF_PINS["2.20.0"]} for minor in ("3.10", "3.11")},
    **{f"3.{n}": {"tensorflow": _TF_PINS["2.19.1"], "jax": _JAX} for n in range(5, 10)},
    **{f"3.{n}": {"tensorflow": _TF_PINS["2.17.1"], "jax": _JAX} for n in range(2, 5)},
    **{f"3.{n}": {"tensorflow": _TF_PINS["2.16.2"], "jax": _JAX} for n in range(0, 2)},
}


def outcome_of(code, lines):
    """``(outcome, what it said)`` of one run of a reproduction, from its exit code and its
    output lines: reproduced or not reproduced only where its last verdict line says so, no
    traceback follows that line and the exit code is that verdict's; else ``crash`` with its
    cause (the exception, the signal, the exit code)."""
    verdicts = [i for i, line in enumerate(lines) if line.startswith(VERDICT_LINES)]
    tracebacks = [i for i, line in enumerate(lines) if line.startswith(TRACEBACK)]
    if verdicts and not any(i > verdicts[-1] for i in tracebacks):
        said = lines[verdicts[-1]]
        outcome = REPRODUCED if said.startswith(REPRODUCED) else NOT_REPRODUCED
        if OUTCOMES.get(code) == outcome:
            return outcome, said
        return CRASH, f"{_ending(code)} after the line {said!r}"
    return CRASH, crash_cause(code, lines, tracebacks)


def crash_cause(code, lines, tracebacks=()):
    """Why a run gave no outcome, in one line: the signal that killed it, or its exit code and
    the exception its last traceback ends with."""
    if tracebacks and (code is None or code >= 0):
        after = lines[tracebacks[-1] + 1 :]
        starts = [i for i, line in enumerate(after) if line.strip() and line[0] not in " \t"]
        if starts:
            return f"{_ending(code)}: {_exception(after[starts[0] :])}"
    return _ending(code) + ("" if code is not None and code < 0 else " without a verdict line")


def _ending(code):
    """``"exit code 3"``, or ``"killed by SIGKILL"`` for a process a signal ended."""
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _exception(lines):
    """The exception a traceback ends with, on one line: its type and message, without
    Keras's colours, its "Exception encountered when calling" preface and its argument dump."""
    kept = []
    for line in lines[:12]:
        if line.startswith("Arguments received"):
            break
        kept.append(re.sub(r"\x1b\[[0-9;]*m", "", line))
    text = re.sub(r"Exception encountered when calling [\w.]+\(\)\.\s*", "", " ".join(kept))
    return " ".join(text.split())[:300]


def commands(findings, environments, backends, pythons):
    found = []
    for finding in findings.values():
        for environment in environments:
            variables = tuple(environment.run_environment().items())
            for backend in [b for b in backends if b in environment.backends]:
                found.append(Command(
                    f"{finding.name} {environment.name}/{backend}",
                    (str(pythons[environment.name]), str(finding.reproduction)),
                    variables + (("KERAS_BACKEND", backend),),
                ))  # fmt: skip
    return found


def run_cells(cells, jobs, releases):
    """``{finding: {column: {"outcome", "keras", "said"}}}`` from running ``cells`` (Commands
    labelled ``"<finding> <environment>/<backend>"``); ``releases`` maps an environment's name
    to its Keras release."""
    said = {}
    outcomes = run_commands(cells, jobs, collect_output=said)
    results = {}
    for command, (code, _, _) in outcomes.items():
        name, column = command.label.split(" ")
        outcome, line = outcome_of(code, said.get(command, []))
        results.setdefault(name, {})[column] = {
            "outcome": outcome,
            "keras": releases[column.split("/")[0]],
            "said": line,
        }
    return results


def run_all(findings, environments, backends, pythons, jobs):
    """``{finding: {"3.12/jax": {"outcome", "keras", "said"}}}`` from running every cell,
    with the reproduction's verdict line (or a crash's cause)."""
    cells = commands(findings, environments, backends, pythons)
    releases = {e.name: keras_release(e.title) for e in environments}
    results = {name: {} for name in findings}
    results.update(run_cells(cells, jobs, releases))
    return results


def keras_release(title):
    """``"Keras 3.12.4"`` -> ``"3.12.4"``: the release an environment's title names."""
    for word in title.replace(",", " ").split():
        if word[:1].isdigit() and word.count(".") == 2:
            return word
    return title


def _by_backend(cells):
    """``{backend: [(release, outcome), ...]}``, oldest first, of the cells with an outcome
    (a crash says nothing about the finding) in a release's column (not a build's, such as
    ``3.15-cuda``: the same release built another way)."""
    found = {}
    for column, cell in cells.items():
        environment = column.split("/")[0]
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", environment):
            continue
        if cell["outcome"] in (REPRODUCED, NOT_REPRODUCED):
            runs = found.setdefault(column.split("/")[1], {})
            runs[Version(cell["keras"])] = cell["outcome"]
    return {backend: sorted(found[backend].items()) for backend in sorted(found)}


def first_release(cells):
    """The oldest Keras release where the reproduction reproduces, with its backends; "it may
    be older" where no older release on those backends ran and did not reproduce (unless it
    is Keras 3.0.0); then the first release on each other backend where it reproduces."""
    history = _by_backend(cells)
    firsts = {
        backend: min(release for release, outcome in runs if outcome == REPRODUCED)
        for backend, runs in history.items()
        if any(outcome == REPRODUCED for _, outcome in runs)
    }
    if not firsts:
        return None
    oldest = min(firsts.values())
    backends = [backend for backend, release in firsts.items() if release == oldest]
    bounded = any(
        release < oldest and outcome == NOT_REPRODUCED
        for backend in backends
        for release, outcome in history[backend]
    )
    if oldest == FIRST_KERAS_3:
        since = ", the first Keras 3 release"
    else:
        since = "" if bounded else ", the oldest release where it ran: it may be older"
    later = sorted((release, backend) for backend, release in firsts.items() if release > oldest)
    others = "".join(f"; on {backend} from {release}" for release, backend in later)
    return f"{oldest} ({', '.join(backends)}{since}){others}"


def history(cells, fixes=None):
    """Each change of outcome between consecutive releases measured, per backend, in words:
    ``"fixed in 3.12.0 by #21742 (jax, tensorflow)"``, ``"regressed in 3.14.0 (fixed in 3.9.0
    by #20916) (torch)"``; ``fixes`` maps a release to the upstream change that fixed it there."""
    fixes = fixes or {}
    events = {}
    for backend, runs in _by_backend(cells).items():
        fixed = None
        for (_, was), (release, now) in zip(runs, runs[1:]):
            if was == REPRODUCED and now == NOT_REPRODUCED:
                by = fixes.get(str(release))
                fixed = f"{release} by {by}" if by else f"{release}"
                events.setdefault(f"fixed in {fixed}", []).append(backend)
            elif was == NOT_REPRODUCED and now == REPRODUCED and fixed:
                events.setdefault(f"regressed in {release} (fixed in {fixed})", []).append(backend)
    return [f"{event} ({', '.join(backends)})" for event, backends in events.items()]


def _table(cells, versions=None):
    heads = ["Keras/backend", "outcome", "what it printed"]
    rows = [[column, cell["outcome"], cell["said"].replace("|", "\\|")]
            for column, cell in cells.items()]  # fmt: skip
    if versions is not None:
        heads.append("installed")
        for row in rows:
            installed = versions.get(row[0], {})
            row.append(", ".join(f"{name} {installed[name]}" for name in sorted(installed)))
    return markdown_table(heads, rows)


def render(findings, results, measured_on, patches=None):
    patches = patches or {"findings": {}}
    lines = [
        "# Findings: where Keras contradicts its documentation or another backend",
        "",
        "Generated by `python -m lstm_lab findings`; do not edit by hand. Each finding has a",
        "self-contained reproduction (below, as committed in `lstm_lab/findings/reproductions/`),",
        "run in each Keras environment of `environments.toml` on each backend, a new process",
        f"each, on {measured_on}. The tests run every reproduction on the installed Keras.",
        "A reproduction ends by printing `reproduced: ...` (exit 0) or `not reproduced: ...`",
        "(exit 1); anything else is a *crash*, with its cause, and says nothing of the finding.",
    ]
    if patches["findings"]:
        lines += [
            "The patch releases around each change, and older ones as far back as their",
            f"backends install, ran with `{patches.get('command', '')}` on",
            f"{patches.get('measured_on', measured_on)}: each first release is a patch release.",
        ]
    for name, finding in findings.items():
        cells = results.get(name, {})
        scanned = patches["findings"].get(name, {})
        everything = {**cells, **scanned}
        where = [column for column, cell in cells.items() if cell["outcome"] == REPRODUCED]
        events = history(everything, finding.fixes)
        lines += [
            "",
            f"## {finding.title}",
            "",
            f"- **Claims:** {', '.join(finding.claims)}",
            f"- **Documented:** {finding.documented}",
            f"- **Reproduces in:** {', '.join(where) or 'none of the environments measured'}",
            f"- **First release where it reproduces:** {first_release(everything) or '–'}",
        ]
        if events:
            lines.append(f"- **History:** {'; '.join(events)}")
        lines += [
            f"- **Upstream:** {finding.upstream}",
            "",
            "```python",
            finding.reproduction.read_text().rstrip(),
            "```",
            "",
            _table(cells),
        ]
        if scanned:
            ordered = dict(sorted(scanned.items(), key=lambda item: Version(item[1]["keras"])))
            versions = patches.get("environments", {})
            lines += ["", "Patch releases:", "", _table(ordered, versions)]
    return "\n".join(lines) + "\n"


def summary(findings, results, patches):
    """Per finding, what findings.md says of it: its first release and its history."""
    found = {}
    for name, finding in findings.items():
        everything = {**results.get(name, {}), **patches["findings"].get(name, {})}
        found[name] = {
            "first_release": first_release(everything),
            "history": history(everything, finding.fixes),
        }
    return found


def read_patches(results_dir):
    """The patch scan's results (``findings-patches.json``), or none."""
    path = Path(results_dir) / f"{PATCHES}.json"
    return json.loads(path.read_text()) if path.exists() else {"findings": {}}


def write(results_dir, findings, results, measured_on, patches=None):
    """findings.json and findings.md from the environments' ``results`` and the patch scan's
    (``patches``; by default the one in ``results_dir``)."""
    patches = patches if patches is not None else read_patches(results_dir)
    data = {
        "measured_on": measured_on,
        "findings": results,
        "summary": summary(findings, results, patches),
        "patches": patches,
    }
    return write_json_and_markdown(
        results_dir, "findings", data, render(findings, results, measured_on, patches)
    )


def scan_environments(findings):
    """``{(release, backend): Environment}``, oldest first: one environment per release that
    some finding's ``scan`` names and per backend it is scanned on there."""
    from lstm_lab.environments import Environment

    wanted = set()
    for finding in findings.values():
        for group in scan_groups(finding):
            wanted.update((r, b) for r in group["releases"] for b in group["backends"])
    found = {}
    for release, backend in sorted(wanted, key=lambda pair: (Version(pair[0]), pair[1])):
        minor = ".".join(release.split(".")[:2])
        extra = SCAN_PINS.get(minor, {}).get(backend, {})
        found[release, backend] = Environment(
            release, f"Keras {release}", (f"keras=={release}", *extra.get("pins", ())),
            (backend,), unpin=tuple(extra.get("unpin", ())),
        )  # fmt: skip
    return found


def scan_groups(finding):
    """A finding's ``scan``: ``[{releases, backends}]``."""
    return finding.scan


def installed_versions(python):
    """The versions of Keras, its backends and NumPy in the environment of ``python``."""
    from lstm_lab import environments as lab_environments

    wanted = ("keras", "tensorflow", "jax", "torch", "numpy")
    installed = lab_environments.description(Path(python).parent.parent)["installed"]
    pairs = [line.split("==") for line in installed if "==" in line]
    return {name: version for name, version in pairs if name in wanted}


def scan(findings, jobs, envs=None, progress=print):
    """Every finding's ``scan``: ``({finding: {"3.14.0/torch": cell}}, {column: versions})``,
    each environment built in ``envs`` (kept) or in a temporary folder (removed at the end)."""
    from lstm_lab import environments as lab_environments

    chosen = scan_environments(findings)
    with tempfile.TemporaryDirectory(prefix="lstm-lab-scan-") as temporary:
        previous = os.environ.get(lab_environments.CACHE_VARIABLE)
        os.environ[lab_environments.CACHE_VARIABLE] = str(envs or temporary)
        try:
            pythons = {
                key: lab_environments.build(e, progress=progress) for key, e in chosen.items()
            }
            cells = []
            for (release, backend), environment in chosen.items():
                variables = tuple(environment.run_environment().items())
                for finding in findings.values():
                    if not any(release in group["releases"] and backend in group["backends"]
                               for group in scan_groups(finding)):  # fmt: skip
                        continue
                    cells.append(Command(
                        f"{finding.name} {release}/{backend}",
                        (str(pythons[release, backend]), str(finding.reproduction)),
                        variables + (("KERAS_BACKEND", backend),),
                    ))  # fmt: skip
            versions = {
                f"{r}/{b}": installed_versions(python) for (r, b), python in pythons.items()
            }
            progress(f"{len(cells)} runs in {len(chosen)} environments, {jobs} at a time")
            return run_cells(cells, jobs, {release: release for release, _ in chosen}), versions
        finally:
            if previous is None:
                os.environ.pop(lab_environments.CACHE_VARIABLE, None)
            else:
                os.environ[lab_environments.CACHE_VARIABLE] = previous


def patch_scan(catalogue, only, jobs, envs, results_dir, progress=print):
    """Run the ``scan`` of each finding (``only`` these, or every one), write
    ``results/findings-patches.json`` and render findings.md and .json again with it; the
    summary line to print."""
    check_writable(results_dir)  # before the work, not after it
    chosen = {name: catalogue[name] for name in (only or catalogue)}
    started = time.perf_counter()
    measured, versions = scan(chosen, jobs, envs, progress=progress)
    patches = read_patches(results_dir) if only else {"findings": {}}
    patches["findings"].update({name: measured.get(name, {}) for name in chosen})
    patches["environments"] = {**patches.get("environments", {}), **versions}
    patches["measured_on"] = f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU"
    patches["command"] = f"python -m lstm_lab findings --patches --jobs {jobs}"
    patches["wall_seconds"] = round(time.perf_counter() - started, 1)
    environments_file = results_dir / "findings.json"
    existing = (
        json.loads(environments_file.read_text())
        if environments_file.exists()
        else {"findings": {}, "measured_on": patches["measured_on"]}
    )
    results_dir.mkdir(parents=True, exist_ok=True)
    with locked(results_dir):
        text = json.dumps(patches, indent=2, allow_nan=False) + "\n"
        write_file_atomically(results_dir / f"{PATCHES}.json", text.encode())
    written = write(results_dir, catalogue, existing["findings"], existing["measured_on"], patches)
    crashed = [
        f"{name} {column}"
        for name, cells in measured.items()
        for column, cell in cells.items()
        if cell["outcome"] == CRASH
    ]
    return (
        f"{sum(map(len, measured.values()))} runs in {patches['wall_seconds']} s; crashed: "
        f"{', '.join(crashed) or 'none'} -> {written}"
    )
