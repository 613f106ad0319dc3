"""Capture: frames from files, cameras and streams (``sources``), the lifter's joints (``pose``),
pose model bundles (``models``), a demo MJPEG server (``mjpeg``) and the bar (``bar``).

Import the submodules you need; importing this package loads nothing (OpenCV and MediaPipe are
imported by the submodules that use them).
"""
