"""``python -m vbt.calibration marker-sheet OUT.png``: see ``vbt.calibration.main``."""

from vbt.calibration import main

raise SystemExit(main())
