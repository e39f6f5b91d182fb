import sys

from lstm_lab.cli import main

sys.exit(main())
