"""A run's report: the claims, metrics, figures and prose an experiment collects.

    report.check("C004-01", documented=1.0, observed=accuracy, evidence="evaluate after a reset")
    report.metric("final_loss", loss)
    report.figure("training_loss", fig, "Training loss per epoch")
    return report.write()          # 0 when every verdict is as expected, else 1

:meth:`Report.write` renders ``report.md`` (:mod:`lstm_lab.report.markdown`) and the run's
metrics (:func:`lstm_lab.results.layout.metrics_file`), writes them with the figures
atomically and refreshes the index (:mod:`lstm_lab.report.index`).
"""

import json
import math
import os
import platform
import sys
import time
import uuid
from importlib import metadata
from pathlib import Path

import lstm_lab
from lstm_lab.arrays import jsonable, numbers_in
from lstm_lab.claims.catalogue import record_of
from lstm_lab.claims.compare import exactly
from lstm_lab.claims.record import describe_seed_rate
from lstm_lab.claims.verdict import VERDICTS, Claim, check, check_failed, check_not_run
from lstm_lab.files import check_writable
from lstm_lab.report.figures import png_bytes
from lstm_lab.report.index import publish
from lstm_lab.report.markdown import render_markdown, short
from lstm_lab.report.tolerances import metric_tolerances
from lstm_lab.results.layout import (
    METRICS_NAME,
    RUN_ID_VARIABLE,
    SOURCES_NAME,
    crash_file,
    results_root,
    sweeps_covering,
)


def new_run_id():
    """A run's id: the one the runner that started it gave (``LSTM_LAB_RUN_ID``), else a new
    one. A runner reads a run's metrics only if it carries the id the runner gave."""
    return os.environ.get(RUN_ID_VARIABLE) or uuid.uuid4().hex[:12]


def json_compliant(value):
    """``value`` with every non-finite number (an overflowed loss, say) written as the text
    ``"inf"``, ``"-inf"`` or ``"nan"``: JSON has no such numbers, and Python's ``Infinity``
    is not JSON that other readers accept."""
    if isinstance(value, dict):
        return {key: json_compliant(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_compliant(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def library_versions(backend="tensorflow"):
    """Versions of Python and the installed libraries, read without importing them
    (TensorFlow's only when it is the backend)."""
    versions = {"python": platform.python_version()}
    tensorflow = (
        [("tensorflow", ["tensorflow", "tensorflow-cpu"])] if backend == "tensorflow" else []
    )
    for name, distributions in [
        *tensorflow,
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


class Report:
    def __init__(self, experiment, title, *, profile, seed, results_dir, command=None):
        self.experiment = experiment
        self.title = title
        self.profile = profile
        self.seed = seed
        self.results_dir = check_writable(results_dir)
        self.command = command or command_line()
        self.run_id = new_run_id()
        self.claims: list[Claim] = []
        self.metrics = {}
        self.stated_tolerances = {}  # metric -> (tolerance across machines, why)
        self.sections = []  # (heading, markdown)
        self.figures = {}  # file name -> (caption, PNG bytes)
        self.notes = []
        self.seeds = {}  # what each seed was used for -> the seed
        self.settings = {}  # the profile's settings, shown in the report's header
        # Why this run's data is not the source's (claims about the source's data are then
        # not run), or None.
        self.other_data = None
        self._started = lstm_lab.STARTED

    # -- collecting -------------------------------------------------------------------
    def add(self, claim):
        """Record a checked :class:`~lstm_lab.claims.verdict.Claim` and print its verdict."""
        self.claims.append(claim)
        if claim.verdict == claim.expect:
            mark = ""
        elif claim.as_expected:
            mark = f"  (within its seed rate: {describe_seed_rate(claim.seed_rate)})"
        else:
            mark = f"  <-- expected {claim.expect}"
        print(f"[{claim.id}] {claim.verdict}: {claim.evidence}{mark}", flush=True)
        return claim

    def check(
        self, claim_id, documented, observed, compare=exactly, not_run_because=None, **options
    ):
        """Compare and record in one call: :func:`lstm_lab.claims.verdict.check`'s arguments
        (``evidence``, ``tolerance``, and ``control``: what the same probe observed on the
        record's control configuration, with ``control_evidence``), ``compare`` by default
        :func:`exactly`; the verdict expected is the claim's record's for this backend, build,
        Keras and profile.

        ``not_run_because``: why this run cannot check the claim (it is about the source's
        data and the run has other data): the claim is then *not run*, and the reason says
        what this run observed. A claim whose record is ``about_source_data`` is not run so
        whenever the report's ``other_data`` says why."""
        if not not_run_because and record_of(claim_id).about_source_data:
            not_run_because = self.other_data
        if not_run_because:
            evidence = options.get("evidence")
            return self.not_run(
                claim_id,
                f"{not_run_because}; this run observed {short(observed, 100)}"
                + (f" ({evidence})" if evidence else ""),
                documented,
            )
        return self.add(
            check(claim_id, documented, observed, compare, **options, **self._run_context())
        )

    def expected_error(self, claim_id):
        """The exception a claim about an error expects (its record's ``raises``), as
        :func:`lstm_lab.claims.compare.same_error` takes it as the documented value."""
        return record_of(claim_id).raises

    def failed(self, claim_id, reason, documented=None):
        """Record a claim whose check failed (verdict ``error``)."""
        return self.add(check_failed(claim_id, reason, documented, **self._run_context()))

    def _run_context(self):
        from lstm_lab.backend import BACKEND

        return {"backend": BACKEND, "profile": self.profile, "seed": self.seed}

    def not_run(self, claim_id, reason, documented=None):
        """Record a claim this run cannot check, with the reason (verdict ``not run``)."""
        return self.add(check_not_run(claim_id, reason, documented))

    def metric(self, name, value, tolerance=None, why=None):
        """Record a metric. ``tolerance`` (with ``why``): how far it may differ on another
        machine, where no sweep measures that (:mod:`lstm_lab.report.tolerances`); for a
        dictionary of numbers it applies to each."""
        self.metrics[name] = value
        if tolerance is not None:
            names = numbers_in({name: value})
            self.stated_tolerances.update({n: (tolerance, why) for n in names})

    def section(self, heading, markdown):
        self.sections.append((heading, markdown.strip()))

    def note(self, text):
        """A line for the report's 'Notes' list (determinism, deviations from the source)."""
        self.notes.append(text)

    def figure(self, name, fig, caption):
        self.figures[f"{name}.png"] = (caption, png_bytes(fig))

    # -- writing ----------------------------------------------------------------------
    @property
    def exit_code(self):
        return 0 if all(claim.as_expected for claim in self.claims) else 1

    def to_dict(self, wall_seconds):
        from lstm_lab.backend import BACKEND, backend_versions, device_description

        return {
            "experiment": self.experiment,
            "run_id": self.run_id,
            "title": self.title,
            "profile": self.profile,
            "seed": self.seed,
            "seeds": self.seeds,
            "settings": jsonable(self.settings),
            "command": self.command,
            "backend": BACKEND,
            "device": device_description(),
            "versions": {**library_versions(BACKEND), **backend_versions()},
            "wall_seconds": wall_seconds,
            "claims": [claim.to_dict() for claim in self.claims],
            "metrics": self.metrics,
            "metric_tolerances": metric_tolerances(
                jsonable(self.metrics),
                self.stated_tolerances,
                self.results_dir,
                self.experiment,
                BACKEND,
                self.profile,
            ),
        }

    def sweeps(self):
        """``[(name, link from this report, seeds)]`` of the sweeps that ran this experiment
        on this backend and profile."""
        from lstm_lab.backend import BACKEND

        folder = Path(self.results_dir) / self.experiment
        return [
            (name, Path(os.path.relpath(report, folder)).as_posix(), seeds)
            for name, report, seeds in sweeps_covering(
                self.results_dir, self.experiment, BACKEND, self.profile
            )
        ]

    def write(self):
        """Write the report atomically and return the exit code (0 as expected, 1 not)."""
        wall_seconds = round(time.perf_counter() - self._started, 1)
        data = json_compliant(self.to_dict(wall_seconds))
        captions = {name: caption for name, (caption, _) in self.figures.items()}
        folder = Path(self.results_dir) / self.experiment
        sources = os.path.relpath(results_root(self.results_dir) / SOURCES_NAME, folder)
        report_md = render_markdown(
            data, self.sections, captions, self.notes, self.sweeps(), Path(sources).as_posix()
        )
        files = {
            METRICS_NAME: (json.dumps(data, indent=2, allow_nan=False) + "\n").encode(),
            "report.md": report_md.encode(),
        }
        files.update({name: png for name, (_, png) in self.figures.items()})
        final = publish(self.results_dir, self.experiment, files)
        crash_file(self.results_dir, self.experiment).unlink(missing_ok=True)  # an older run's
        print(f"{self.experiment}: {self.summary(wall_seconds)} -> {final / 'report.md'}")
        if self.exit_code:
            unexpected = [c.id for c in self.claims if not c.as_expected]
            print(f"verdicts differ from expectations: {', '.join(unexpected)}", file=sys.stderr)
        return self.exit_code

    def summary(self, wall_seconds):
        """``"8 confirmed, 1 refuted in 15.4 s: all as expected (1 refuted as expected)"``,
        or which verdicts are not; verdicts that stood only within a seed rate are counted."""
        counts = {v: sum(c.verdict == v for c in self.claims) for v in VERDICTS}
        text = ", ".join(f"{n} {v}" for v, n in counts.items() if n) + f" in {wall_seconds} s"
        unexpected = [c for c in self.claims if not c.as_expected]
        by_rate = [c for c in self.claims if c.as_expected and c.verdict != c.expect]
        if unexpected:
            text += f": {len(unexpected)} not as expected ({', '.join(c.id for c in unexpected)})"
        else:
            expected_refuted = counts["refuted"] - sum(c.verdict == "refuted" for c in by_rate)
            text += ": all as expected" + (
                f" ({expected_refuted} refuted as expected)" if expected_refuted else ""
            )
        if by_rate:
            text += f"; {len(by_rate)} decided by a seed rate ({', '.join(c.id for c in by_rate)})"
        return text
