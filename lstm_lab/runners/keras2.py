"""Runs the Keras 2 probes and writes their results, as an experiment writes its own.

    TF_USE_LEGACY_KERAS=1 python -m lstm_lab.runners.keras2 --results-dir DIR

runs in the Keras 2 environment of ``environments.toml`` (``conformance --keras 2`` starts
it there) and writes the metrics of ``DIR/keras2_probes/``: one entry per claim of
:mod:`lstm_lab.probes.keras2`, in the shape the experiments' metrics have, so that
``results/versions.md`` can say of each refuted claim whether it held when the tutorials were
written.

Exit codes as the experiments': 0 every verdict as the catalogue expects, 1 one differs, 2 an
unwritable results folder (nothing run), 3 a crash (traceback beside the results folder).
"""

import argparse
import os
import sys
import time
import traceback
import uuid
from pathlib import Path

from lstm_lab.errors import EXIT_BAD_INPUT, EXIT_CRASH, BadInput
from lstm_lab.experiment import PROFILES
from lstm_lab.files import check_writable, write_json_atomically
from lstm_lab.results.layout import KERAS2_PROBES, RUN_ID_VARIABLE, crash_file, metrics_file


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--results-dir", type=Path, required=True)
    parser.add_argument("--profile", choices=PROFILES, default="quick")
    args = parser.parse_args(argv)
    run_id = os.environ.get(RUN_ID_VARIABLE) or uuid.uuid4().hex[:12]
    try:  # checked before the work, as the experiments do
        check_writable(args.results_dir)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return _run(args, run_id)
    except Exception:  # a crash: never a verdict, whatever it is
        crash = crash_file(args.results_dir, KERAS2_PROBES)
        crash.parent.mkdir(parents=True, exist_ok=True)
        crash.write_text(f"run_id: {run_id}\n{traceback.format_exc()}")
        print(f"crash: no metrics were written; traceback: {crash}", file=sys.stderr)
        return EXIT_CRASH


def _run(args, run_id):
    started = time.perf_counter()
    from lstm_lab.probes.keras2 import keras2, run_probes

    keras = keras2()
    import tensorflow as tf

    from lstm_lab.claims.catalogue import record_of

    claims = run_probes(keras)
    for claim in claims:
        expected = record_of(claim["id"]).expected("tensorflow", args.profile, keras.__version__)
        claim["expect"] = expected.verdict
    data = {
        "experiment": KERAS2_PROBES,
        "run_id": run_id,
        "profile": args.profile,  # the probes are the same in both; kept for the matrix
        "backend": "tensorflow",
        "keras": f"tf-keras {keras.__version__}",
        "tensorflow": tf.__version__,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "claims": claims,
    }
    target = metrics_file(args.results_dir, KERAS2_PROBES)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(target, data)
    crash_file(args.results_dir, KERAS2_PROBES).unlink(missing_ok=True)
    differing = [c["id"] for c in claims if c["verdict"] != c["expect"]]
    for claim in claims:
        control = claim["control"]["outcome"]
        print(f"{claim['id']:8s} {claim['verdict']:12s} control {control:9s} "
              f"{claim['evidence'][:100]}")  # fmt: skip
    print(
        f"{len(claims)} claims on tf-keras {keras.__version__}; differ from the catalogue's "
        f"expectation: {', '.join(differing) or 'none'} -> {target}"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
