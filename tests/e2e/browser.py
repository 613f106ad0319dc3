"""Headless Chromium for the end-to-end tests (Debian's ``chromium`` and ``chromium-driver``).

:func:`chromium_or_skip` skips the test with the reason when the browser, the driver or selenium
is missing; :func:`chromium_driver` (for scripts) raises :class:`BrowserMissingError` instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


class BrowserMissingError(RuntimeError):
    """Chromium, its driver or selenium is not installed (the message says which and how to get it)."""


def chromium_driver(profile_dir: Path, *, width: int = 1280, height: int = 900) -> Any:
    """A selenium Chrome driver on headless Chromium.

    Raises:
        BrowserMissingError: the browser, the driver or selenium is missing.
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise BrowserMissingError("selenium is not installed (pip install selenium)") from None
    binary = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), shutil.which("chromium"))
    if binary is None:
        raise BrowserMissingError("Chromium is not installed (apt-get install chromium)")
    if not Path(CHROMEDRIVER).exists():
        raise BrowserMissingError(f"{CHROMEDRIVER} is not installed (apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def chromium_or_skip(profile_dir: Path, *, width: int = 1280, height: int = 900) -> Any:
    """:func:`chromium_driver`, or ``pytest.skip`` saying what is missing."""
    try:
        return chromium_driver(profile_dir, width=width, height=height)
    except BrowserMissingError as exc:
        pytest.skip(str(exc))
