"""Run experiment scripts several at a time, each on its share of the CPU cores.

On a small CPU the experiments' models are too small for Keras to keep two cores busy: an
experiment runs about as fast on one thread as on two, so two experiments side by side,
one thread each, take about half the time of the two in turn
(``benchmarks/bench_full_profile.py`` measures it).

Importing Keras with TensorFlow takes seconds of CPU in every new Python. ``run all
--jobs`` has a fork server (``multiprocessing``) import it once and forks each experiment's
process from that server; the experiment then runs as under ``python script``.
"""

import atexit
import functools
import multiprocessing
import os
import resource
import runpy
import selectors
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import lstm_lab
from lstm_lab.errors import BadInput
from lstm_lab.runners.discover import last_wall_seconds
from lstm_lab.runners.launch import script_command


def thread_limits(threads):
    """Environment variables that hold TensorFlow, JAX (XLA), PyTorch and the BLAS
    libraries to ``threads`` threads each."""
    limits = {
        name: str(threads)
        for name in (
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS",
        )
    }
    xla = os.environ.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in xla:
        xla = f"{xla} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    limits["XLA_FLAGS"] = xla.strip()
    return limits


def run_side_by_side(scripts, options, jobs, backend, results_dirs):
    """``run all --jobs N``: the scripts ``jobs`` at a time in processes forked from one that
    imported Keras on ``backend`` (None: ``KERAS_BACKEND``'s), the longest first by their
    last runs in ``results_dirs`` (later folders win). Returns their exit codes in order."""
    if backend is not None:  # the fork server imports Keras with it, so it is checked first
        if backend not in lstm_lab.BACKENDS:
            raise BadInput(
                f"unknown Keras backend {backend!r} (choose from {', '.join(lstm_lab.BACKENDS)})"
            )
        os.environ["KERAS_BACKEND"] = backend
    expected = {}
    for results_dir in results_dirs:
        expected |= last_wall_seconds(results_dir, scripts)
    outcomes = run_scripts(scripts, options, jobs, expected, preload="lstm_lab.runners.preloaded")
    return [outcomes[script][0] for script in scripts]


def run_scripts(scripts, options, jobs, expected_seconds=None, preload=None):
    """Run each script (``python script *options``) ``jobs`` at a time, longest expected
    first; every output line is printed as it comes, behind the script's number.

    ``preload``, a module name: a fork server (``multiprocessing``) imports it once, and each
    script runs in a process forked from that server instead of a new Python, with the
    module's imports already done. Without it, or where there is no fork server, each
    script starts a new Python.

    Returns ``{script: (exit code, wall seconds, peak resident memory in GiB or None)}``.
    """
    expected_seconds = expected_seconds or {}
    limits = thread_limits(max(1, (os.cpu_count() or 1) // jobs))
    saved_environment = dict(os.environ)
    os.environ.update(limits)  # the fork server and the new Pythons start with them
    try:
        if preload is not None and "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([preload])
            start = functools.partial(_fork, context)
        else:
            start = _spawn
        waiting = sorted(scripts, key=lambda s: -expected_seconds.get(s.stem, float("inf")))
        return _run_all(waiting, jobs, lambda script: start(script, options), _script_labels)
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)


@dataclass(frozen=True)
class Command:
    """A command for :func:`run_commands`: its name in the output (``label``), its words,
    and the variables it adds to this process's environment."""

    label: str
    words: tuple
    variables: tuple = ()  # (name, value) pairs


def run_commands(commands, jobs, collect_output=None):
    """Run each :class:`Command` in a new process, ``jobs`` at a time, in order, each held to
    its share of the cores; output lines are printed as they come, behind the label, and
    kept in ``collect_output[command]`` where that is a dict.
    Returns ``{command: (exit code, wall seconds, peak resident memory in GiB)}``."""
    limits = thread_limits(max(1, (os.cpu_count() or 1) // jobs))

    def start(command):
        return _spawn_words(command.words, {**limits, **dict(command.variables)})

    def labels(command):
        return command.label, command.label

    return _run_all(list(commands), jobs, start, labels, collect_output)


def _script_labels(script):
    return script.stem[:2], script.stem


def _run_all(waiting, jobs, start, labels, collect_output=None):
    """One thread: start tasks while fewer than ``jobs`` run, print their lines, reap them.
    ``labels(task)`` gives its prefix for output lines and its name in the end line."""
    waiting = list(waiting)
    running, outcomes = {}, {}
    with selectors.DefaultSelector() as selector:
        while waiting or running:
            while waiting and len(running) < jobs:
                task = waiting.pop(0)
                output, wait = start(task)
                running[output] = (task, wait, time.perf_counter(), bytearray())
                selector.register(output, selectors.EVENT_READ)
            for key, _ in selector.select():
                task, wait, started, pending = running[key.fd]
                chunk = os.read(key.fd, 65536)
                if chunk:
                    *lines, rest = (pending + chunk).split(b"\n")
                    pending[:] = rest
                else:  # the task has ended
                    lines = [bytes(pending)] if pending else []
                for line in lines:
                    text = line.decode(errors="replace")
                    print(f"{labels(task)[0]} | {text}", flush=True)
                    if collect_output is not None:
                        collect_output.setdefault(task, []).append(text)
                if not chunk:
                    selector.unregister(key.fd)
                    os.close(key.fd)
                    del running[key.fd]
                    code, peak = wait()
                    seconds = time.perf_counter() - started
                    outcomes[task] = (code, seconds, peak)
                    memory = f" (peak {peak:.2f} GiB)" if peak is not None else ""
                    name = labels(task)[1]
                    print(f"== {name}: exit {code} in {seconds:.0f} s{memory}", flush=True)
    return outcomes


def _spawn(script, options):
    """A new Python runs the script. Returns the read end of its output, and a function that
    waits for its end and gives its exit code and peak memory (GiB; Linux counts the memory
    this process had when it forked the new one, before the exec)."""
    return _spawn_words(script_command(script, *options), {})


def _spawn_words(words, variables):
    """A new process runs ``words`` with ``variables`` added to the environment; as
    :func:`_spawn`."""
    read_end, write_end = os.pipe()
    child = subprocess.Popen(
        list(words),
        stdout=write_end,
        stderr=write_end,
        env={**os.environ, **variables, "PYTHONUNBUFFERED": "1"},
    )
    os.close(write_end)

    def wait():
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        return child.returncode, _gib(usage.ru_maxrss)

    return read_end, wait


def _fork(context, script, options):
    """A process forked from ``context``'s fork server runs the script, as :func:`_spawn`."""
    reader, writer = context.Pipe(duplex=False)  # plain pipes; only their descriptors are used
    peak_reader, peak_writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_run_here_and_exit, args=(script, options, writer, peak_writer)
    )
    process.start()
    writer.close()
    peak_writer.close()
    output = os.dup(reader.fileno())
    reader.close()

    def wait():
        process.join()
        peak = peak_reader.recv() if peak_reader.poll() else None
        peak_reader.close()
        return process.exitcode, peak

    return output, wait


def _run_here_and_exit(script, options, writer, peak_writer):
    """In the forked process: run ``script`` as ``python script *options`` would, its standard
    output and error going to ``writer``, then send its peak memory (GiB) to ``peak_writer``
    and end the process with the script's exit code."""
    code = 1
    try:
        os.dup2(writer.fileno(), 1)
        os.dup2(writer.fileno(), 2)
        writer.close()
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")
        lstm_lab.STARTED = time.perf_counter()  # the report's clock: from here, as in a new Python
        sys.argv = [str(script), *options]
        sys.path[0] = str(Path(script).resolve().parent)
        try:
            runpy.run_path(str(script), run_name="__main__")
            code = 0
        except SystemExit as ending:
            code = _exit_code(ending.code)
        except BaseException:  # as Python reports an uncaught exception, and exits 1
            traceback.print_exc()
        atexit._run_exitfuncs()
        peak_writer.send(_gib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _exit_code(code):
    """The process's exit code for ``sys.exit(code)``, as Python gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _gib(max_resident):
    """``ru_maxrss`` in GiB: it counts bytes on macOS, KiB elsewhere."""
    return max_resident / (2**30 if sys.platform == "darwin" else 2**20)
