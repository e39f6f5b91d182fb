"""Reports: ``results/<experiment>/report.md``, ``metrics.json`` and PNG figures.

A :class:`Report` collects claims, metrics, figures and prose sections in
memory while the experiment runs; :meth:`Report.write` renders them into a
temporary folder beside the final one and swaps it into place, so a crash
leaves the previous report whole and never half a new one. It then refreshes
the index ``results/README.md``.
"""

import io
import json
import os
import platform
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

from lstm_lab import STARTED
from lstm_lab.claims import VERDICTS, Claim
from lstm_lab.errors import BadInput

INDEX_NAME = "README.md"


def library_versions():
    """Versions of Python and the installed libraries, read without importing them."""
    versions = {"python": platform.python_version()}
    for name, distributions in [
        ("tensorflow", ["tensorflow", "tensorflow-cpu"]),
        ("keras", ["keras"]),
        ("numpy", ["numpy"]),
        ("matplotlib", ["matplotlib"]),
    ]:
        for distribution in distributions:
            try:
                versions[name] = metadata.version(distribution)
                break
            except metadata.PackageNotFoundError:
                continue
    return versions


def command_line():
    """The command that is running, as a reader would type it from the working directory."""
    script = Path(sys.argv[0])
    if script.is_absolute() and script.is_relative_to(Path.cwd()):
        script = script.relative_to(Path.cwd())
    return " ".join(["python", str(script), *sys.argv[1:]])


def ensure_writable(results_dir):
    """Create ``results_dir`` if needed and prove we can write there; BadInput if not."""
    path = Path(results_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise BadInput(f"results directory {path} is not writable: {error.strerror or error}")
    return path


class Report:
    def __init__(self, experiment, title, *, profile, seed, results_dir, command=None):
        self.experiment = experiment
        self.title = title
        self.profile = profile
        self.seed = seed
        self.results_dir = ensure_writable(results_dir)
        self.command = command or command_line()
        self.claims: list[Claim] = []
        self.metrics = {}
        self.sections = []  # (heading, markdown)
        self.figures = {}  # file name -> (caption, PNG bytes)
        self.notes = []
        self._started = STARTED

    # -- collecting -------------------------------------------------------------
    def add(self, claim):
        self.claims.append(claim)
        mark = "" if claim.as_expected else f"  <-- expected {claim.expect}"
        print(f"[{claim.id}] {claim.verdict}: {claim.evidence}{mark}", flush=True)
        return claim

    def metric(self, name, value):
        self.metrics[name] = value

    def section(self, heading, markdown):
        self.sections.append((heading, markdown.strip()))

    def note(self, text):
        """A line for the report's 'Notes' list (determinism, deviations from the source)."""
        self.notes.append(text)

    def figure(self, name, fig, caption):
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)  # plots.py lays the figures out tightly
        plt.close(fig)
        self.figures[f"{name}.png"] = (caption, buffer.getvalue())

    # -- writing ----------------------------------------------------------------
    @property
    def exit_code(self):
        return 0 if all(claim.as_expected for claim in self.claims) else 1

    def to_dict(self, wall_seconds):
        return {
            "experiment": self.experiment,
            "title": self.title,
            "profile": self.profile,
            "seed": self.seed,
            "command": self.command,
            "versions": library_versions(),
            "wall_seconds": wall_seconds,
            "claims": [claim.to_dict() for claim in self.claims],
            "metrics": self.metrics,
        }

    def write(self):
        """Write the report atomically and return the exit code (0 as expected, 1 not)."""
        wall_seconds = round(time.perf_counter() - self._started, 1)
        data = self.to_dict(wall_seconds)
        files = {
            "metrics.json": (json.dumps(data, indent=2, allow_nan=False) + "\n").encode(),
            "report.md": render_markdown(data, self.sections, self.figures, self.notes).encode(),
        }
        files.update({name: png for name, (_, png) in self.figures.items()})
        final = self.results_dir / self.experiment
        write_folder_atomically(final, files)
        write_index(self.results_dir)
        counts = {v: sum(c.verdict == v for c in self.claims) for v in VERDICTS}
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        print(f"{self.experiment}: {summary} in {wall_seconds} s -> {final / 'report.md'}")
        if self.exit_code:
            unexpected = [c.id for c in self.claims if not c.as_expected]
            print(f"verdicts differ from expectations: {', '.join(unexpected)}", file=sys.stderr)
        return self.exit_code


def write_folder_atomically(final, files):
    """Write ``files`` (name -> bytes) as the folder ``final``, replacing it whole."""
    final = Path(final)
    parent, name = final.parent, final.name
    _recover_interrupted_swap(final)
    staging = parent / f".{name}.tmp-{os.getpid()}"
    previous = parent / f".{name}.old-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for file_name, content in files.items():
            (staging / file_name).write_bytes(content)
        if final.exists():
            final.rename(previous)
        staging.rename(final)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not final.exists():
            previous.rename(final)
        raise BadInput(f"cannot write {final}: {error.strerror or error}")
    shutil.rmtree(previous, ignore_errors=True)


def _recover_interrupted_swap(final):
    """A run killed between the two renames leaves ``.name.old-PID``: put it back."""
    if final.exists():
        for leftover in final.parent.glob(f".{final.name}.old-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        return
    for leftover in sorted(final.parent.glob(f".{final.name}.old-*")):
        leftover.rename(final)
        return


# -- rendering --------------------------------------------------------------------
def short(value, limit=60):
    """A compact one-line rendering of a documented or observed value for a table cell."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown_table(header, rows):
    """A markdown table: ``header`` is a list of column names, ``rows`` lists of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(data, sections, figures, notes):
    v = data["versions"]
    lines = [
        f"# {data['experiment']}: {data['title']}",
        "",
        "Generated by the command below; do not edit by hand.",
        "",
        f"- Command: `{data['command']}`",
        f"- Profile: {data['profile']} · seed {data['seed']} · wall time {data['wall_seconds']} s",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
        "## Claims",
        "",
        "| id | claim | documented | observed | tolerance | expected | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in data["claims"]:
        verdict = c["verdict"] if c["verdict"] == c["expect"] else f"**{c['verdict']}** (unexpected)"
        lines.append(
            f"| {c['id']} | {short(c['statement'], 90)} | {short(c['documented'])} | "
            f"{short(c['observed'])} | {c['tolerance'] or '–'} | {c['expect']} | {verdict} |"
        )
    lines += ["", "### Evidence", ""]
    lines += [f"- **{c['id']}** ({c['source']}): {c['evidence']}" for c in data["claims"]]
    for heading, markdown in sections:
        lines += ["", f"## {heading}", "", markdown]
    if figures:
        lines += ["", "## Figures", ""]
        for file_name, (caption, _) in figures.items():
            lines += [f"![{caption}]({file_name})", "", f"*{caption}*", ""]
    if data["metrics"]:
        lines += ["", "## Metrics", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {short(val, 100)} |" for k, val in data["metrics"].items()]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines).rstrip() + "\n"


# -- the index ----------------------------------------------------------------------
def write_index(results_dir):
    """Regenerate ``results/README.md`` from every ``results/*/metrics.json``."""
    results_dir = Path(results_dir)
    rows = []
    for metrics_file in sorted(results_dir.glob("*/metrics.json")):
        try:
            data = json.loads(metrics_file.read_text())
            claims = data["claims"]
            counts = {v: sum(c["verdict"] == v for c in claims) for v in VERDICTS}
            unexpected = [c["id"] for c in claims if c["verdict"] != c["expect"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BadInput(f"{metrics_file} is not a valid metrics file: {error}")
        name = metrics_file.parent.name
        rows.append(
            f"| [{name}]({name}/report.md) | {short(data.get('title', ''), 70)} | "
            f"{data['profile']} | {len(claims)} | {counts['confirmed']} | {counts['refuted']} | "
            f"{counts['error']} | {'yes' if not unexpected else 'no: ' + ', '.join(unexpected)} | "
            f"{data['wall_seconds']} |"
        )
    text = "\n".join(
        [
            "# Results",
            "",
            "Generated by `python -m lstm_lab report` (and after every experiment run) from",
            "`results/*/metrics.json`; do not edit by hand. *refuted* means the source document's",
            "claim does not hold on the installed Keras: a finding, explained in the report.",
            "",
            "| experiment | what | profile | claims | confirmed | refuted | error | as expected | wall s |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    write_file_atomically(results_dir / INDEX_NAME, text.encode())
    return results_dir / INDEX_NAME


def write_file_atomically(path, content):
    path = Path(path)
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        staging.write_bytes(content)
        os.replace(staging, path)
    except OSError as error:
        staging.unlink(missing_ok=True)
        raise BadInput(f"cannot write {path}: {error.strerror or error}")
