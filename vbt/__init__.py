"""vbt: velocity-based training from a camera.

Importing the package does nothing but define names; models, engines and settings are made by the
commands and factories that need them.
"""

__version__ = "0.1.0"
