"""The dashboard's pages and the offline API docs, over HTTP (the browser tests are in tests/e2e).

Known answers: every page and every file it loads is served; no page, script or style sheet names
a host (the pages must work at a gym without internet); every id a script looks up exists in its
page; ``/docs`` and ``/redoc`` load their assets from this server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vbt.service.routes.pages import DOCS_ASSETS_URL, PAGE_CSP, STATIC_DIR

PAGES = {
    "/": "index.html",
    "/live/sessions/1": "live.html",
    "/athletes/1/history?exercise=squat": "history.html",
    "/sets/1": "set.html",
    "/sessions/1": "session.html",
}
#: The one absolute URL allowed in our files: the SVG namespace (a name, never fetched).
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
IMAGE_SUFFIXES = {".jpg", ".png"}
LOCAL_REFERENCE = re.compile(r'(?:src|href)="(/[^"]*)"')


def _static_files() -> list[Path]:
    return sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())


def test_the_static_folder_has_the_pages_their_scripts_and_styles() -> None:
    names = {p.relative_to(STATIC_DIR).as_posix() for p in _static_files()}
    assert {"index.html", "live.html", "history.html", "set.html", "css/vbt.css", "js/live.js"} <= names


@pytest.mark.parametrize("url", list(PAGES))
def test_each_page_is_served_with_a_policy_that_forbids_other_hosts(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "default-src 'self'" in PAGE_CSP
    assert response.text == (STATIC_DIR / PAGES[url]).read_text(encoding="utf-8")


@pytest.mark.parametrize("url", list(PAGES))
def test_every_file_a_page_loads_is_served(client, url: str) -> None:
    references = LOCAL_REFERENCE.findall(client.get(url).text)
    assert any(r.endswith(".js") for r in references) and any(r.endswith(".css") for r in references)
    for reference in references:
        if reference == "/":
            continue
        response = client.get(reference)
        assert response.status_code == 200, reference
        if reference.endswith(".js"):
            assert "javascript" in response.headers["content-type"]


def test_no_file_of_the_dashboard_names_another_host() -> None:
    for path in _static_files():
        if path.suffix in IMAGE_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path


def test_every_module_a_script_imports_exists() -> None:
    for script in (STATIC_DIR / "js").glob("*.js"):
        for target in re.findall(r'from\s+"(\./[^"]+)"', script.read_text(encoding="utf-8")):
            assert (script.parent / target).is_file(), f"{script.name} imports {target}"


@pytest.mark.parametrize(
    ("page", "module"),
    [
        ("index", "index"),
        ("live", "live"),
        ("history", "history"),
        ("history", "coach"),
        ("set", "set"),
        ("session", "session"),
    ],
)
def test_every_element_a_script_looks_up_is_in_its_page(page: str, module: str) -> None:
    html = (STATIC_DIR / f"{page}.html").read_text(encoding="utf-8")
    script = (STATIC_DIR / "js" / f"{module}.js").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    wanted = set(re.findall(r'\$\("([^"]+)"\)', script)) | set(
        re.findall(r'getElementById\("([^"]+)"\)', script)
    )
    assert wanted, f"{module}.js looks up no element"
    assert wanted <= ids, f"{module}.js looks up {sorted(wanted - ids)}, which {page}.html lacks"


def test_pages_reject_ids_that_are_not_ids(client) -> None:
    assert client.get("/live/sessions/abc").status_code == 422
    assert client.get("/sets/0").status_code == 422
    assert client.get("/sessions/x").status_code == 422


def test_pages_are_not_part_of_the_api_schema(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert all(p.startswith("/api/") for p in paths), sorted(paths)


@pytest.mark.parametrize("url", ["/docs", "/redoc"])
def test_the_api_docs_load_their_assets_from_this_server(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert "/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets, "the docs page loads no script"
    for asset in assets:
        assert asset.startswith(DOCS_ASSETS_URL + "/"), asset
        served = client.get(asset)
        assert served.status_code == 200
        assert len(served.content) > 100_000, asset  # the real bundle, not a stub
    assert not re.search(r"https?://(?!fastapi\.tiangolo\.com)", html.replace(SVG_NAMESPACE, ""))
