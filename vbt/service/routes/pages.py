"""The web dashboard and the offline API docs: static pages shipped inside the package.

The pages are plain HTML, CSS and JavaScript modules in ``vbt/service/static`` (no CDN, no build
step), so they work at a gym without internet. Each page is a shell that reads the API from the
browser: the live session page follows ``/api/sessions/{id}/stream`` (SSE twin as fallback).

``/docs`` (Swagger UI) and ``/redoc`` use the assets of the ``fastapi-offline`` package instead of
FastAPI's CDN links. :func:`install` adds all of it to an app.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Route

from vbt.errors import VbtError
from vbt.service.deps import AthleteId, SessionId, SetId

#: Where the pages' files are (inside the installed package).
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: URL prefixes of the dashboard's files and of the docs assets.
STATIC_URL = "/static"
DOCS_ASSETS_URL = "/static-docs"

#: The pages load nothing from elsewhere: the browser refuses it (a check that no CDN slipped in).
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'self'"
)

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"},
    )


@router.get("/")
def index_page() -> FileResponse:
    """Start page: pick an athlete and one of their sessions."""
    return _page("index.html")


@router.get("/sessions/{session_id}")
def session_page(session_id: SessionId) -> FileResponse:
    """A session to run: add a set with its video, follow its analysis, see its reps or its problem."""
    return _page("session.html")


@router.get("/live/sessions/{session_id}")
def live_page(session_id: SessionId) -> FileResponse:
    """A session's reps as they are recorded: big numbers, bars by zone, velocity loss."""
    return _page("live.html")


@router.get("/athletes/{athlete_id}/history")
def history_page(athlete_id: AthleteId) -> FileResponse:
    """An athlete's best velocity per set over time and load-velocity profile (``?exercise=``)."""
    return _page("history.html")


@router.get("/sets/{set_id}")
def set_page(set_id: SetId) -> FileResponse:
    """One set: its reps and, when a video was analysed for it, the annotated video."""
    return _page("set.html")


def docs_assets_dir() -> Path:
    """The Swagger UI and ReDoc files shipped by the ``fastapi-offline`` package.

    Raises:
        VbtError: the package is not installed.
    """
    try:
        folder = resources.files("fastapi_offline").joinpath("static")
    except ModuleNotFoundError:
        raise VbtError(
            "the offline API docs need the fastapi-offline package; install it with "
            "`pip install fastapi-offline` (it ships Swagger UI and ReDoc)"
        ) from None
    return Path(str(folder))


def _docs_router(app: FastAPI) -> APIRouter:
    docs = APIRouter(include_in_schema=False)
    title = f"{app.title} API"

    @docs.get("/docs")
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=title,
            swagger_js_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.svg",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @docs.get("/redoc")
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=title,
            redoc_js_url=f"{root}{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.svg",
            with_google_fonts=False,
        )

    return docs


def _is_cdn_docs_route(route: BaseRoute) -> bool:
    return isinstance(route, Route) and route.path in ("/docs", "/redoc")


def install(app: FastAPI) -> None:
    """Serve the dashboard pages, their files under ``/static`` and offline ``/docs``/``/redoc``.

    FastAPI's own ``/docs`` and ``/redoc`` (which load Swagger UI from a CDN) are replaced; the
    OpenAPI schema and the OAuth2 redirect page stay as they are.

    Raises:
        VbtError: the ``fastapi-offline`` package (the docs assets) is not installed.
    """
    assets = docs_assets_dir()
    app.router.routes[:] = [r for r in app.router.routes if not _is_cdn_docs_route(r)]
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=assets), name="static-docs")
    app.include_router(_docs_router(app))
    app.include_router(router)
