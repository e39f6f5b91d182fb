"""Run a probe in a fresh Python and read its JSON answer, or say why the process died.

Some probes need a process of their own (one reloads a model on another backend, and Keras
fixes its backend at import). Such a process can die where the lab's cannot see: a signal
inside a native library, a missing module, a hang. Each of those is an observation about the
environment, so it comes back as ``{"error": cause}`` with where the process was, never as an
exception that would lose the run. The child runs with ``-X faulthandler``: on a fatal signal
(and on the SIGABRT sent at a time-out) Python writes every thread's stack to standard error,
and :func:`crash_site` reads the modules being imported and the call that imported them.
"""

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

# How long a timed-out child has to write its stacks after SIGABRT before it is killed.
ABORT_GRACE_SECONDS = 10

_FRAME = re.compile(r'^\s+File "(?P<path>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')


def signal_name(returncode):
    """``"SIGSEGV"`` for a return code of -11; None for a normal exit."""
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def module_name(path):
    """The dotted module a source path belongs to: ``.../site-packages/keras/src/backend/
    torch/__init__.py`` -> ``keras.src.backend.torch``; None for a path outside every
    package directory (``<frozen importlib._bootstrap>``, a script)."""
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            parts = parts[len(parts) - parts[::-1].index(marker) :]
            break
    else:
        return None
    if not parts or not parts[-1].endswith(".py"):
        return None
    names = [*parts[:-1], parts[-1][: -len(".py")]]
    if names[-1] == "__init__":
        names = names[:-1]
    return ".".join(names) or None


def _crashed_thread(stderr):
    """The frames of the thread faulthandler reports as current (``[(path, function,
    line)]``, most recent first); the first stack when only one is dumped."""
    stacks, current = [], None
    for line in stderr.splitlines():
        if line.startswith(("Current thread", "Thread 0x", "Stack (most recent")):
            current = []
            stacks.append((line.startswith(("Current thread", "Stack")), current))
            continue
        frame = _FRAME.match(line)
        if frame and current is not None:
            current.append((frame["path"], frame["function"], frame["line"]))
        elif current is not None and line.strip() and not frame:
            current = None  # the stack ended
    for is_current, frames in stacks:
        if is_current:
            return frames
    return stacks[0][1] if stacks else []


def crash_site(stderr):
    """Where a process was when faulthandler dumped its stack: ``{"importing": [modules,
    outermost first: the first of each top-level package, then the innermost], "called
    from": "module.function" (the innermost non-import frame of a package before the
    imports), "innermost": "module.function" (else the innermost frame's function, file and
    line)}``, each None or empty when the stack does not say."""
    frames = _crashed_thread(stderr)  # most recent first
    outermost_first = frames[::-1]
    importing, seen_packages, called_from = [], set(), None
    for path, function, _ in outermost_first:
        module = module_name(path)
        if module is None:
            continue
        if function == "<module>":
            package = module.split(".")[0]
            if package not in seen_packages:
                seen_packages.add(package)
                importing.append(module)
        elif not importing:
            called_from = f"{module}.{function}"
    deepest_import = next(
        (module_name(p) for p, f, _ in frames if f == "<module>" and module_name(p)), None
    )
    if deepest_import and deepest_import not in importing:
        importing.append(deepest_import)
    innermost = next(
        (f"{module_name(p)}.{f}" for p, f, _ in frames if module_name(p) is not None), None
    )
    if innermost is None and frames:
        path, function, line = frames[0]
        innermost = f"{function} ({path}, line {line})"
    return {"importing": importing, "called from": called_from, "innermost": innermost}


def describe_death(returncode, stderr, timed_out_after=None):
    """One line on why a process ended without an answer: the signal or exit code, what it
    was importing or running, or the last line it wrote."""
    if timed_out_after is not None:
        head = f"no answer within {timed_out_after:g} s (stopped)"
    elif signal_name(returncode):
        head = f"killed by {signal_name(returncode)}"
    else:
        head = f"exit {returncode}"
    site = crash_site(stderr)
    if site["importing"]:
        chain = " -> ".join(site["importing"])
        where = f" while importing {chain}"
        if site["called from"]:
            where += f" (imported by {site['called from']})"
        return head + where
    if site["innermost"]:
        return f"{head} in {site['innermost']}"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f"{head}: {lines[-1]}" if lines else f"{head}, no output"


def run_json_lines(arguments, timeout=300, env=None):
    """Run ``python -X faulthandler ARGUMENTS``: ``(answers, error)``, every JSON object it
    printed on a line of its own, in order, and None, or the cause (:func:`describe_death`)
    when it died, printed no answer, or did not finish within ``timeout`` seconds; what it
    printed before it died still comes back."""
    child = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    timed_out_after = None
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out_after = timeout
        child.send_signal(signal.SIGABRT)  # faulthandler dumps the stacks on SIGABRT
        try:
            stdout, stderr = child.communicate(timeout=ABORT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            stdout, stderr = child.communicate()
    answers, unreadable = [], None
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                answers.append(json.loads(line))
                unreadable = None
            except json.JSONDecodeError:
                unreadable = line  # an answer only if a readable one follows
    if child.returncode == 0 and timed_out_after is None:
        if unreadable is not None:
            return answers, f"exit 0 with a line that is not JSON: {unreadable[:200]}"
        if answers:
            return answers, None
    return answers, describe_death(child.returncode, stderr, timed_out_after)


def run_json(arguments, timeout=300, env=None):
    """Run ``python -X faulthandler ARGUMENTS`` and return the last JSON object it printed
    on a line of its own, or ``{"error": cause}`` (:func:`describe_death`) when it died,
    printed nothing, or did not finish within ``timeout`` seconds."""
    answers, error = run_json_lines(arguments, timeout, env)
    return {"error": error} if error else answers[-1]
