"""``python -m vbt.cli`` runs the command line (as ``vbt`` and ``python -m vbt`` do)."""

import sys

from vbt.cli.command import main

sys.exit(main())
