"""benchmarks/profile_split.py: a function's py-spy samples split by line and callee."""

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("profile_split", ROOT / "benchmarks/profile_split.py")
profile_split = importlib.util.module_from_spec(spec)
spec.loader.exec_module(profile_split)

RAW = [
    "<module> (b.py:1);loop (t.py:10);forward (k.py:5) 6\n",
    "<module> (b.py:1);loop (t.py:12);apply (o.py:7);_step (o.py:9) 3\n",
    "<module> (b.py:1);loop (t.py:12) 1\n",
    "<module> (b.py:1);import_keras (k.py:1) 40\n",  # outside the function: not counted
]


def test_samples_are_split_by_the_line_and_the_call_made_there():
    total, parts = profile_split.split(RAW, "loop")
    assert total == 10
    assert parts == {(10, "forward"): 6, (12, "apply"): 3, (12, "itself"): 1}


def test_a_function_absent_from_the_profile_has_no_samples():
    assert profile_split.split(RAW, "backward")[0] == 0
