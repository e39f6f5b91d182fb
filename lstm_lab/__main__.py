"""``python -m lstm_lab``: the command line of :mod:`lstm_lab.cli`."""

import sys

from lstm_lab.cli import main

sys.exit(main())
