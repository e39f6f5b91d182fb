"""A probe's fresh process that dies is an observation with its cause, never a lost run
(lstm_lab.probes.fresh_process), and the installed builds are read without importing them
(lstm_lab.builds)."""

import signal
import textwrap

import pytest

from lstm_lab import builds
from lstm_lab.claims import catalogue
from lstm_lab.probes.fresh_process import (
    crash_site,
    describe_death,
    module_name,
    run_json,
    signal_name,
)

SITE = "/venv/lib/python3.11/site-packages"

# The stack faulthandler wrote when K3-09's reload of a torch-saved model died on TensorFlow
# (torch 2.14.1, CUDA 13.0 build, triton 3.8.0), shortened: importlib's own frames and most
# of torch._dynamo's are left out.
RELOAD_CRASH = f"""\
Fatal Python error: Segmentation fault

Thread 0x00007f65533fe6c0 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 324 in wait
  File "{SITE}/tensorflow/python/summary/writer/event_file_writer.py", line 1 in run

Current thread 0x00007f6589441b80 (most recent call first):
  File "<frozen importlib._bootstrap>", line 241 in _call_with_frames_removed
  File "{SITE}/triton/knobs.py", line 15 in <module>
  File "{SITE}/triton/runtime/__init__.py", line 1 in <module>
  File "{SITE}/triton/__init__.py", line 8 in <module>
  File "{SITE}/torch/utils/_triton.py", line 39 in has_triton_package
  File "{SITE}/torch/_dynamo/utils.py", line 2932 in <module>
  File "{SITE}/torch/_dynamo/__init__.py", line 13 in <module>
  File "{SITE}/keras/src/backend/torch/image.py", line 7 in <module>
  File "{SITE}/keras/src/backend/torch/__init__.py", line 19 in <module>
  File "/usr/lib/python3.11/importlib/__init__.py", line 126 in import_module
  File "{SITE}/keras/src/saving/serialization_lib.py", line 883 in _retrieve_class_or_fn
  File "{SITE}/keras/src/trainers/trainer.py", line 1016 in compile_from_config
  ...

Extension modules: numpy._core._multiarray_umath (total: 1)
"""


def test_module_names_come_from_the_package_directory():
    assert module_name(f"{SITE}/keras/src/backend/torch/__init__.py") == "keras.src.backend.torch"
    assert module_name(f"{SITE}/triton/knobs.py") == "triton.knobs"
    assert module_name("<frozen importlib._bootstrap>") is None
    assert module_name("/home/me/script.py") is None


def test_the_crash_site_is_the_current_thread_s_imports_and_their_caller():
    site = crash_site(RELOAD_CRASH)
    # One module per top-level package, outermost first, then the innermost import.
    assert site["importing"] == [
        "keras.src.backend.torch",
        "torch._dynamo",
        "triton",
        "triton.knobs",
    ]
    assert site["called from"] == "keras.src.saving.serialization_lib._retrieve_class_or_fn"
    assert site["innermost"] == "triton.knobs.<module>"  # not the other thread's frames
    assert describe_death(-11, RELOAD_CRASH) == (
        "killed by SIGSEGV while importing keras.src.backend.torch -> torch._dynamo -> "
        "triton -> triton.knobs (imported by "
        "keras.src.saving.serialization_lib._retrieve_class_or_fn)"
    )


def test_deaths_without_a_stack_name_the_exit_and_the_last_line():
    assert signal_name(-9) == "SIGKILL" and signal_name(0) is None and signal_name(1) is None
    assert describe_death(1, "Traceback ...\nValueError: bad\n") == "exit 1: ValueError: bad"
    assert describe_death(-9, "") == "killed by SIGKILL, no output"


@pytest.fixture
def crashing_package(tmp_path):
    """A package whose import segfaults, in a folder named like an installed environment's,
    and a script that imports it through a function."""
    package = tmp_path / "site-packages" / "crashing"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("import crashing.native\n")
    (package / "native.py").write_text("import faulthandler\n\nfaulthandler._sigsegv()\n")
    script = tmp_path / "load.py"
    script.write_text(
        textwrap.dedent(f"""\
            import importlib, sys
            sys.path.insert(0, {str(package.parent)!r})
            importlib.import_module("crashing")
        """)
    )
    return script


def test_a_segfault_in_an_import_is_an_answer_with_its_cause(crashing_package):
    assert run_json([str(crashing_package)]) == {
        "error": "killed by SIGSEGV while importing crashing -> crashing.native"
    }


def test_a_missing_module_a_hang_and_an_answer():
    assert run_json(["-c", "import no_such_module_here"]) == {
        "error": "exit 1: ModuleNotFoundError: No module named 'no_such_module_here'"
    }
    hang = "import time\ndef wait():\n    time.sleep(60)\nwait()\n"
    assert run_json(["-c", hang], timeout=1) == {
        "error": "no answer within 1 s (stopped) in wait (<string>, line 3)"
    }
    assert run_json(["-c", "print('noise'); print('{\"max difference\": 0.5}')"]) == {
        "max difference": 0.5
    }
    assert run_json(["-c", "print('{not json')"]) == {
        "error": "exit 0 with a line that is not JSON: {not json"
    }


def test_the_torch_build_is_read_without_importing_torch():
    import sys

    build = builds.torch_build()
    assert "torch" not in sys.modules or build["torch"] is not None
    if build["torch"] is None:
        assert builds.describe_torch_build(build) == "no torch"
    else:
        assert build["torch"] in builds.describe_torch_build(build)
        assert ("CUDA" in builds.describe_torch_build(build)) == (build["cuda"] is not None)
    assert builds.describe_torch_build({"torch": "2.13.0+cpu", "cuda": None, "triton": None}) == (
        "torch 2.13.0+cpu (CPU build, no triton)"
    )
    assert builds.describe_torch_build({"torch": "2.14.1", "cuda": "13.0", "triton": "3.8.0"}) == (
        "torch 2.14.1 (CUDA 13.0 build, triton 3.8.0)"
    )
    with pytest.raises(KeyError, match="unknown build trait"):
        builds.has_trait("torch with wings")


def test_a_build_expectation_follows_the_installed_build(monkeypatch):
    record = catalogue.record_of("K3-09")
    trait = record.by_build["torch"].trait
    # Refuted on either build (a file saved on torch names torch's own Adam class), for a
    # reason of each build's: with triton the reload on TensorFlow also kills the process.
    for installed, cause in [(True, "SIGSEGV"), (False, "loads elsewhere only where torch")]:
        monkeypatch.setitem(builds.BUILD_TRAITS, trait, lambda i=installed: i)
        expected = record.expected("torch")
        assert expected.verdict == "refuted" and "measured with" in expected.why
        assert cause in expected.why
    # The same claim on another backend has no build-specific expectation.
    assert record.expected("tensorflow").why is None


def test_the_signal_names_match_the_platform():
    assert signal_name(-signal.SIGSEGV) == "SIGSEGV"
