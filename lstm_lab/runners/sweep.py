"""A sweep: experiments x backends x seeds, each cell an ordinary run in its own process,
farmed out as Ray tasks. The only module that imports Ray.

    python -m lstm_lab sweep --experiments 03 --seeds 5 --profile quick [--address HOST:PORT]

- By default ``ray.init()`` starts a local Ray on this machine with the cores it has;
  ``--address`` joins a running cluster (every machine needs lstm-lab installed).
- The data files a cell's experiment reads travel through Ray's object store, put there once
  by the driver; a cell writes them to a temporary folder on whichever machine runs it.
- ``keras``: a cell runs ``run NN --keras NAME``, so the worker builds (once, with uv) and
  uses that Keras environment of ``environments.toml``; a sweep holds one Keras release.
- A cell returns its results folder's files; the driver writes them, atomically, to
  ``results/sweeps/<name>/cells/<backend>/seed-<N>/<experiment>/``. A cell with its
  metrics there is finished and never re-run, so re-running the same command resumes.
  A cell that fails (no report) is recorded in ``failed.json`` beside it and retried next time.
"""

import json
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lstm_lab.data.fetch import files_for
from lstm_lab.errors import BadInput
from lstm_lab.files import write_file_atomically
from lstm_lab.report.index import publish
from lstm_lab.results.layout import METRICS_NAME, cell_dir, metrics_file, read_metrics
from lstm_lab.runners.launch import lab_command

FAILED_FILE = "failed.json"
STDERR_KEPT = 2000  # characters of a failed cell's stderr kept in failed.json


@dataclass(frozen=True)
class Cell:
    """One run: an experiment (``"03_stateful_alphabet"``) on a backend with a seed."""

    experiment: str
    backend: str
    seed: int
    profile: str
    keras: str | None = None  # an environment of environments.toml; None: this one
    settings: str = "null"  # the profile's settings as the script declares them, in JSON
    # ("null": not known without running it)

    @property
    def label(self):
        keras = f" Keras {self.keras}" if self.keras else ""
        return f"{self.experiment[:2]} {self.backend}{keras} seed {self.seed}"

    def results_dir(self, sweep_dir):
        """The ``--results-dir`` of this cell: its experiment's folder goes inside."""
        return cell_dir(sweep_dir, self.backend, self.seed)

    def is_finished(self, sweep_dir):
        path = metrics_file(self.results_dir(sweep_dir), self.experiment)
        if not path.exists():
            return False
        data = read_metrics(path)
        # a cell run before its profile's settings changed is run again
        settings = json.dumps(data.get("settings"), sort_keys=True)
        return (
            data["profile"] == self.profile
            and data.get("seed") == self.seed
            and self.settings in ("null", settings)
        )


def grid(experiments, backends, seeds, profile, keras=None, settings=None):
    """The cells; ``settings`` maps an experiment to its profile's declared settings."""
    settings = settings or {}
    return [
        Cell(e, b, s, profile, keras, json.dumps(settings.get(e), sort_keys=True))
        for e in experiments
        for b in backends
        for s in seeds
    ]


def run_cell(cell, data, project_dir=None):
    """Run one cell in a fresh process and return ``{"exit_code", "files", "stderr",
    "seconds"}``: ``files`` maps the names of its results folder to their bytes. ``data``
    maps data file names to their bytes. Runs anywhere lstm-lab is installed."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstm-lab-cell-") as workdir:
        data_dir, results_dir = Path(workdir) / "data", Path(workdir) / "results"
        data_dir.mkdir()
        for name, content in data.items():
            (data_dir / name).write_bytes(content)
        command = lab_command(
            "run", cell.experiment[:2], "--backend", cell.backend, "--profile", cell.profile,
            "--seed", cell.seed, "--results-dir", results_dir, "--data-dir", data_dir,
            *(["--keras", cell.keras] if cell.keras else []),
        )  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True, cwd=project_dir)
        folder = results_dir / cell.experiment
        files = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}
    return {
        "exit_code": completed.returncode,
        "files": files,
        "stderr": completed.stderr[-STDERR_KEPT:],
        "seconds": round(time.perf_counter() - started, 1),
    }


def record(cell, outcome, sweep_dir):
    """Write a cell's outcome under the sweep; returns True when it finished (a report)."""
    results_dir = cell.results_dir(sweep_dir)
    failed = results_dir / cell.experiment / FAILED_FILE
    if outcome["exit_code"] in (0, 1) and METRICS_NAME in outcome["files"]:
        publish(results_dir, cell.experiment, outcome["files"])
        return True
    failed.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomically(
        failed,
        json.dumps(
            {
                "cell": cell.__dict__,
                "exit_code": outcome["exit_code"],
                "seconds": outcome["seconds"],
                "stderr": outcome["stderr"],
            },
            indent=2,
        ).encode(),
    )
    return False


def check_reachable(address, timeout=10):
    """BadInput unless something listens at ``HOST:PORT`` (Ray itself retries for minutes)."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise BadInput(f"--address {address!r}: give HOST:PORT of the Ray head, or 'auto'")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        why = error.strerror or error
        raise BadInput(f"--address {address}: no Ray head answers there ({why})")


def run_sweep(
    cells, sweep_dir, data_dir=None, address=None, cpus=None, cpus_per_cell=1, progress=None
):
    """Run the cells that are not finished on Ray; ``{"finished", "skipped", "failed"}``
    counts. ``cpus`` limits a local Ray (default: every core); ``progress`` wraps the
    iterator of outcomes (a tqdm progress bar)."""
    import ray

    to_run = [cell for cell in cells if not cell.is_finished(sweep_dir)]
    counts = {"skipped": len(cells) - len(to_run), "finished": 0, "failed": 0}
    if not to_run:
        return counts
    if address and address != "auto":
        check_reachable(address)
    local = {} if address else {"num_cpus": cpus}
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, **local)
    except ConnectionError as error:
        raise BadInput(
            f"cannot join the Ray cluster at {address}: {error} (is it running? A cluster with "
            "token authentication also needs RAY_AUTH_MODE=token and its token here)"
        )
    try:
        # Each data file goes into the object store once; the cells get references to it.
        references = {}
        for experiment in sorted({cell.experiment for cell in to_run}):
            for name, path in files_for(experiment, data_dir).items():
                if name not in references:
                    references[name] = ray.put(path.read_bytes())
        project_dir = str(Path(__file__).resolve().parent.parent)

        @ray.remote(num_cpus=cpus_per_cell)
        def remote_cell(cell, data_references):
            names = list(data_references)
            data = dict(zip(names, ray.get([data_references[n] for n in names])))
            here = project_dir if Path(project_dir).is_dir() else None
            return run_cell(cell, data, project_dir=here)

        pending = {}
        for cell in to_run:
            needed = {n: references[n] for n in files_for(cell.experiment, data_dir)}
            pending[remote_cell.remote(cell, needed)] = cell

        def outcomes():
            while pending:
                [done], _ = ray.wait(list(pending), num_returns=1)
                cell = pending.pop(done)
                try:
                    outcome = ray.get(done)
                except ray.exceptions.RayError as error:  # the worker or its machine died
                    outcome = {"exit_code": None, "files": {}, "stderr": str(error), "seconds": 0}
                yield cell, outcome

        for cell, outcome in (progress or (lambda x, total: x))(outcomes(), total=len(to_run)):
            finished = record(cell, outcome, sweep_dir)
            counts["finished" if finished else "failed"] += 1
            if not finished:
                print(f"\n{cell.label}: failed (exit code {outcome['exit_code']})", flush=True)
    finally:
        ray.shutdown()
    return counts
