"""Progression over the stored data: what the progression endpoints and ``vbt profile`` / ``vbt plan``
read and hand to :mod:`vbt.progression` (``queries``), the bodies they answer with (``schemas``) and
the router (``routes``).

Import the submodules you need; importing this package loads nothing.
"""
