"""The one error type the command line turns into a one-line message and exit code 2."""


class BadInput(Exception):
    """Bad input from the user: an invalid argument, an unreadable or malformed file,
    an unwritable results directory. The message is one line, shown without a traceback."""
