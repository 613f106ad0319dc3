"""``python -m vbt`` runs the command line."""

import sys

from vbt.cli import main

sys.exit(main())
