"""The Keras environments of ``environments.toml``, built by uv in a cache outside the checkout.

    environment = find(name)                   # KeyError-free: BadInput names the known ones
    python = build(environment, progress=print)  # the environment's interpreter, built once

An environment is the README's install (``constraints.txt``: the project's dependencies and
backends, pinned) with only its own ``pins`` replaced. Its folder is named by a hash of that
entry, ``constraints.txt`` and the Python version, so a change to any of them builds a new
one and an unchanged one is reused. The lab itself is not installed there: runs put the
checkout on ``PYTHONPATH``, so an edit to the lab never needs a rebuild.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from filelock import FileLock

from lstm_lab import CACHE_HOME, CONSTRAINTS_FILE, ENVIRONMENTS_FILE, project_root
from lstm_lab.errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LIST_FILE = ENVIRONMENTS_FILE
CACHE_VARIABLE = "LSTM_LAB_ENVS"  # where the environments are built (default below)
DESCRIPTION_FILE = "lstm-lab-environment.json"  # what an environment holds, written last
# uv writes no .pyc files unless told to, and where Python may not write them either
# (PYTHONDONTWRITEBYTECODE, a read-only cache) every run compiles the backends' sources anew.
UV_INSTALL_OPTIONS = ("--compile-bytecode",)


@dataclass(frozen=True)
class Environment:
    """One entry of ``environments.toml``: ``name`` (what ``--keras`` takes), its ``pins``
    (requirements that replace constraints.txt's pins of the same packages), the Keras
    ``backends`` it runs on, ``keras2``: Keras 2, where the Keras 2 probes run instead of
    the experiments, and ``build``: what build of a backend it differs by, where it differs
    by a build rather than a release."""

    name: str
    title: str
    pins: tuple
    backends: tuple
    keras2: bool = False
    build: str | None = None  # a backend build rather than a release (its own column)
    unpin: tuple = ()  # name patterns whose constraints are dropped, for uv to resolve anew

    @property
    def pinned_packages(self):
        return {requirement_name(pin) for pin in self.pins}

    def run_environment(self):
        """Variables a process in this environment runs with: the checkout's lab importable,
        and Keras 2 as TensorFlow's tf.keras where it is Keras 2."""
        variables = {"PYTHONPATH": str(project_root())}
        if self.keras2:
            variables["TF_USE_LEGACY_KERAS"] = "1"
        return variables


def requirement_name(requirement):
    """``"tf-keras==2.21.0 ; python_version >= '3.10'"`` -> ``"tf-keras"`` (normalised)."""
    name = requirement.split(";")[0].strip()
    for mark in "=<>!~[ ":
        name = name.split(mark)[0]
    return name.lower().replace("_", "-")


def load(path=None):
    """``{name: Environment}`` from ``environments.toml`` (default: the checkout's), in order."""
    path = Path(path or project_root() / LIST_FILE)
    try:
        table = tomllib.loads(path.read_text())["environments"]
    except (OSError, ValueError, KeyError) as error:
        raise BadInput(f"cannot read the environment list {path}: {error}")
    environments = {}
    for name, entry in table.items():
        unknown = set(entry) - {"title", "pins", "backends", "keras2", "build", "unpin"}
        backends = tuple(entry.get("backends", ()))
        if unknown or not backends or "title" not in entry:
            raise BadInput(f"{path}: environment {name!r} needs a title and backends; "
                           f"unknown keys: {sorted(unknown) or 'none'}")  # fmt: skip
        environments[name] = Environment(
            name, entry["title"], tuple(entry.get("pins", ())), backends,
            entry.get("keras2", False), entry.get("build"), tuple(entry.get("unpin", ())),
        )  # fmt: skip
    return environments


def find(name, environments=None):
    """The environment ``name`` (a name of environments.toml, with or without ``keras-``), or
    BadInput naming the known."""
    environments = environments if environments is not None else load()
    key = name.removeprefix("keras-")
    if key not in environments:
        raise BadInput(f"no Keras environment {name!r} (known: {', '.join(environments)})")
    return environments[key]


def cache_root():
    """Where environments are built: ``$LSTM_LAB_ENVS``, else ``~/.cache/lstm-lab/envs``."""
    configured = os.environ.get(CACHE_VARIABLE)
    return Path(configured) if configured else CACHE_HOME / "envs"


def requirements(environment, pyproject=None):
    """What the environment installs: the project's dependencies, its backends' extras, its
    pins (read from pyproject.toml, as ``pip install -e .[...]`` would)."""
    project = tomllib.loads(Path(pyproject or project_root() / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    wanted = list(project["project"]["dependencies"])
    for backend in environment.backends:
        wanted += extras[backend]
    wanted = [r for r in wanted if requirement_name(r) not in environment.pinned_packages]
    return wanted + list(environment.pins)


def constraints_for(environment, constraints_text):
    """constraints.txt without the lines of the packages the environment pins itself, nor
    those its ``unpin`` patterns match (what a pinned package needs at other versions)."""
    patterns = [*environment.pinned_packages, *environment.unpin]
    kept = [
        line
        for line in constraints_text.splitlines()
        if line.startswith((" ", "#")) or not line.strip()
        or not any(fnmatch(requirement_name(line), pattern) for pattern in patterns)
    ]  # fmt: skip
    return "\n".join(kept) + "\n"


def folder(environment, constraints_text=None, python=None):
    """The environment's folder in the cache: ``keras-<name>-<hash>``, the hash of its entry,
    the constraints, the Python version and how uv installs, so that any change gives a new
    folder."""
    if constraints_text is None:
        constraints_text = (project_root() / CONSTRAINTS_FILE).read_text()
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    digest = hashlib.sha256(
        json.dumps(
            [
                environment.name,
                environment.pins,
                environment.backends,
                environment.keras2,
                requirements(environment),
                constraints_text,
                python,
                UV_INSTALL_OPTIONS,
            ]  # fmt: skip
        ).encode()
    ).hexdigest()[:12]
    return cache_root() / f"keras-{environment.name}-{digest}"


def interpreter(path):
    return Path(path) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def is_built(path):
    return (Path(path) / DESCRIPTION_FILE).is_file() and interpreter(path).exists()


def uv_command():
    """uv, from this Python's environment (a dev dependency) or the PATH."""
    beside = Path(sys.executable).parent / "uv"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("uv")
    if found is None:
        raise BadInput("uv is not installed: pip install uv (it is among the dev extras)")
    return [found]


def find_links():
    """Extra wheel folders pip is configured with (``PIP_FIND_LINKS``), passed to uv so an
    environment takes the same builds as the default install (a local CPU build of torch)."""
    return [link for link in os.environ.get("PIP_FIND_LINKS", "").split() if link]


def build(environment, progress=print, force=False):
    """The environment's interpreter, building the environment first unless it is built.

    Built in a temporary folder beside its final one and renamed at the end, under a lock,
    so an interrupted or concurrent build never leaves a half environment to be reused."""
    constraints_text = (project_root() / CONSTRAINTS_FILE).read_text()
    final = folder(environment, constraints_text)
    final.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(final) + ".lock"):
        if is_built(final) and not force:
            return interpreter(final)
        started = time.perf_counter()
        progress(f"building Keras environment {environment.name} in {final} (uv)")
        staging = final.with_name(f".{final.name}.building-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _uv_install(environment, staging, constraints_text)
            installed = subprocess.run(
                [*uv_command(), "pip", "freeze", "--python", str(interpreter(staging))],
                capture_output=True, text=True, check=True,
            ).stdout.split()  # fmt: skip
            description = {
                "name": environment.name,
                "title": environment.title,
                "backends": list(environment.backends),
                "installed": installed,
                "build_seconds": round(time.perf_counter() - started, 1),
            }
            (staging / DESCRIPTION_FILE).write_text(json.dumps(description, indent=2) + "\n")
            if final.exists():
                shutil.rmtree(final)
            staging.rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        progress(f"built Keras environment {environment.name} in {description['build_seconds']} s")
        return interpreter(final)


def _uv_install(environment, staging, constraints_text):
    uv = uv_command()
    links = [option for link in find_links() for option in ("--find-links", link)]
    constraints = staging.with_name(staging.name + ".constraints.txt")
    constraints.write_text(constraints_for(environment, constraints_text))
    try:
        for command in (
            [*uv, "venv", "--quiet", "--python", sys.executable, str(staging)],
            [*uv, "pip", "install", "--quiet", *UV_INSTALL_OPTIONS, "--python",
             str(interpreter(staging)), *links, "--constraint", str(constraints),
             *requirements(environment)],
        ):  # fmt: skip
            finished = subprocess.run(command, capture_output=True, text=True)
            if finished.returncode != 0:
                why = (finished.stderr.strip() or finished.stdout.strip()).splitlines()
                raise BadInput(
                    f"uv could not build Keras environment {environment.name}: "
                    + " ".join(why[-3:] or [f"exit code {finished.returncode}"])
                )
    finally:
        constraints.unlink(missing_ok=True)


def description(path):
    """What a built environment holds (its ``lstm-lab-environment.json``)."""
    return json.loads((Path(path) / DESCRIPTION_FILE).read_text())
