"""Fixtures of the browser tests: a real uvicorn server on loopback with a fresh SQLite database,
and one headless Chromium for the module (both started once per module to keep the tests fast)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.browser import chromium_or_skip
from tests.service.helpers import ThreadServer
from vbt.service.app import create_app
from vbt.service.settings import Settings


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = chromium_or_skip(tmp_path_factory.mktemp("chromium-profile"), width=1400, height=1000)
    driver.set_page_load_timeout(15)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    folder: Path = tmp_path_factory.mktemp("e2e-db")
    app = create_app(Settings(database_url=f"sqlite:///{folder}/vbt.sqlite3"))
    with ThreadServer(app) as running:
        yield running


@pytest.fixture
def api(server: ThreadServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        yield client
