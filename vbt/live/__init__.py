"""Live mode: capture on its own thread (``capture``) and the offline analysis run online (``online``).

Import the submodules you need; importing this package loads nothing.
"""
