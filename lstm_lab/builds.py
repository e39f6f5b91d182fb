"""Which build of each backend is installed, read from package metadata and files without
importing the backend (importing torch's CUDA build costs seconds and, in some processes,
the process itself).

A verdict can depend on the build rather than the Keras release: reloading on TensorFlow a
model saved on torch crashes where torch ships triton. :data:`BUILD_TRAITS` names the traits
an expectation can be keyed by, each a predicate of the installed packages.
"""

import importlib.util
import re
from importlib import metadata
from pathlib import Path

from lstm_lab import CONSTRAINTS_FILE, ENVIRONMENTS_FILE, project_root

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def installed_version(distribution):
    """The installed version of ``distribution`` (``"2.13.0+cpu"``), or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def torch_cuda_version():
    """The CUDA release torch was built for, from ``torch/version.py`` (a generated file of
    plain assignments), without importing torch; None for a CPU build or no torch."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    version_file = Path(next(iter(spec.submodule_search_locations))) / "version.py"
    try:
        text = version_file.read_text()
    except OSError:
        return None
    found = re.search(r"^cuda\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    return found.group(1) if found else None


def torch_build():
    """``{"torch": "2.14.1", "cuda": "13.0", "triton": "3.7.1"}``: torch's version, the CUDA
    release it was built for and the triton it brought (None where absent)."""
    return {
        "torch": installed_version("torch"),
        "cuda": torch_cuda_version(),
        "triton": installed_version("triton"),
    }


def describe_torch_build(build=None):
    """``"torch 2.14.1 (CUDA 13.0 build, triton 3.7.1)"``, ``"torch 2.13.0+cpu (CPU build,
    no triton)"``, or ``"no torch"``."""
    build = build or torch_build()
    if build["torch"] is None:
        return "no torch"
    kind = f"CUDA {build['cuda']} build" if build["cuda"] else "CPU build"
    triton = f"triton {build['triton']}" if build["triton"] else "no triton"
    return f"torch {build['torch']} ({kind}, {triton})"


# The traits a record's by_build can name (lstm_lab.claims.record.BuildExpectation): name -> whether
# the installed packages have it.
BUILD_TRAITS = {
    "torch with triton": lambda: bool(installed_version("torch") and installed_version("triton")),
}


def has_trait(name):
    """Whether the installed packages have the build trait ``name`` (a key of BUILD_TRAITS)."""
    try:
        return BUILD_TRAITS[name]()
    except KeyError:
        raise KeyError(f"unknown build trait {name!r} (known: {', '.join(BUILD_TRAITS)})")


def build_description():
    """The builds that can change a verdict, in words, for reports (``{"torch": "..."}``);
    empty where none is installed."""
    return {"torch": describe_torch_build()} if installed_version("torch") else {}


BACKEND_DISTRIBUTIONS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def environment_line(backend):
    """The versions a cross-process observation depends on, in one line: ``"Keras 3.15.1,
    tensorflow 2.21.0, torch 2.14.1 (CUDA 13.0 build, triton 3.7.1)"`` (torch's build
    whenever torch is installed, since Keras may import its backend on any backend)."""
    parts = [f"Keras {installed_version('keras')}"]
    if backend != "torch":
        parts.append(f"{backend} {installed_version(BACKEND_DISTRIBUTIONS[backend])}")
    if installed_version("torch"):
        parts.append(describe_torch_build())
    return ", ".join(parts)


def measured_keras_releases(root=None):
    """The Keras 3 releases of ``environments.toml`` (each entry's ``keras==`` pin, or
    ``constraints.txt``'s for the entry that pins none), where every expectation was
    measured; () where the checkout's files are not there."""
    root = Path(root or project_root())
    try:
        entries = tomllib.loads((root / ENVIRONMENTS_FILE).read_text())["environments"]
        constraints = (root / CONSTRAINTS_FILE).read_text()
    except (OSError, KeyError, ValueError):
        return ()
    default = pinned_here("keras", constraints)
    releases = []
    for entry in entries.values():
        if entry.get("keras2") or entry.get("build"):
            continue
        pins = [p.split(";")[0].strip() for p in entry.get("pins", [])]
        pinned = [p.split("==")[1] for p in pins if p.startswith("keras==")]
        release = pinned[0] if pinned else default
        if release and release not in releases:
            releases.append(release)
    return tuple(releases)


def pinned_here(name, constraints):
    """The version of ``name`` that ``constraints`` (pip constraints, one line per Python
    range) pins for this Python, or None."""
    from packaging.markers import Marker

    for line in constraints.splitlines():
        requirement, _, marker = line.partition(";")
        package, _, version = requirement.strip().partition("==")
        if package == name and (not marker.strip() or Marker(marker.strip()).evaluate()):
            return version
    return None
