"""The error type the command line turns into a one-line message and exit code 2, and
one-line summaries of the exceptions that experiments record as findings."""

import re

# The exit codes of every experiment and runner: each outcome its own, so that a crash is
# never read as a verdict.
EXIT_AS_EXPECTED = 0
EXIT_VERDICT_DIFFERS = 1
EXIT_BAD_INPUT = 2
EXIT_CRASH = 3


def combined_exit_code(codes):
    """One exit code for several runs: a crash (any code but 0, 1 and 2, or a signal) before
    bad input, before a verdict that differs."""
    codes = list(codes) or [EXIT_AS_EXPECTED]
    if any(code not in (EXIT_AS_EXPECTED, EXIT_VERDICT_DIFFERS, EXIT_BAD_INPUT) for code in codes):
        return EXIT_CRASH
    return max(codes)


class BadInput(Exception):
    """Bad input from the user: an invalid argument, an unreadable or malformed file,
    an unwritable results directory. Shown without a traceback, on one line: whatever
    the message holds (an exception's text, say), its whitespace is collapsed."""

    def __str__(self):
        return " ".join(super().__str__().split())


class DataUnavailable(BadInput):
    """Data the user gave no copy of, and that could not be downloaded (no network, a
    blocked host). An experiment whose claims partly need no data catches it: those claims
    are still checked, the rest are *not run* with this message as the reason. Elsewhere it
    is bad input like any other."""


def error_summary(error):
    """``"ValueError: <message>"`` on one line, without Keras's terminal colours and call dump."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).split("Arguments received")[0]
    message = message.replace("Exception encountered when calling LSTM.call().", "")
    message = re.sub(r"\s*\((/|[A-Za-z]:\\)[^)]*\)", "", message)  # a file path in parentheses
    return f"{type(error).__name__}: {' '.join(message.split())}"


def download_failure(error):
    """Why ``keras.utils.get_file`` failed, in a few words: it raises a bare Exception whose
    text is "URL fetch failure on URL: None -- <the cause>"; the cause is what a reader needs."""
    message = " ".join(str(error).split())
    cause = message.split(" -- ", 1)[-1] if " -- " in message else error_summary(error)
    return cause[:200]
