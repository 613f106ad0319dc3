"""Capture: frames from files, cameras and streams (``sources``), the picture the analysis sees (``picture``:
black bars left out by ``borders``, a conversion's repeated frames left out by ``repeats``), the lifter's
joints (``pose``), pose model bundles (``models``), a demo MJPEG server (``mjpeg``) and the bar (``bar``).

Import the submodules you need; importing this package loads nothing (OpenCV and MediaPipe are
imported by the submodules that use them).
"""
