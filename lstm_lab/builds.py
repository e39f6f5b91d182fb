"""Which build of each backend is installed, read from package metadata and files without
importing the backend (importing torch's CUDA build costs seconds and, in some processes,
the process itself).

A verdict can depend on the build rather than the Keras release: K3-09's reload crashes on
TensorFlow where torch ships triton. :data:`BUILD_TRAITS` names the traits an expectation
can be keyed by, each a predicate of the installed packages.
"""

import importlib.util
import re
from importlib import metadata
from pathlib import Path


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
