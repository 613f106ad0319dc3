"""Property-based fuzz of the whole API from its own OpenAPI document (schemathesis, in-process ASGI).

Every operation gets generated requests, valid ones and invalid ones (schemathesis's positive and
negative modes): none may get a 500, and every response
must match the schema the OpenAPI document declares for it. The database holds an athlete, a
session, a set with reps and a video whose analysis failed, so that small ids reach real rows. The SSE stream and the
live video are left out (responses that never end, or wait up to 10 s for a frame;
tests/service/test_stream.py and test_frames.py cover them). Bounded by
``MAX_EXAMPLES`` per operation so that the whole module runs in well under a minute. Each request
generated goes to the app on every backend in turn (SQLite, and PostgreSQL when configured), each
on its own database: generating the requests costs more than answering them.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (dev dependency) runs the fuzz")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.python import asgi  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
)

from vbt.errors import VbtError  # noqa: E402
from vbt.service.app import create_app  # noqa: E402
from vbt.service.settings import Settings  # noqa: E402

from ..capture.video_fixtures import write_clip  # noqa: E402
from .conftest import backends, fresh_database  # noqa: E402
from .helpers import rep_body  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from .conftest import TestClient

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _no_analysis(path: Path, **_: Any) -> dict[str, Any]:
    raise VbtError("the fuzz does not analyse videos")


def _seed(app: Any, folder: Path) -> None:
    with TestClient(app) as client:
        athlete = client.post("/api/athletes", json={"name": "Fuzz", "body_mass_kg": 80}).json()
        session = client.post("/api/sessions", json={"athlete_id": athlete["id"]}).json()
        lift_set = client.post(
            f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": 100}
        ).json()
        for index in range(3):
            response = client.post(f"/api/sets/{lift_set['id']}/reps", json=rep_body(index))
            assert response.status_code == 201, response.text
        provisional = {**rep_body(3, client_rep_id="live-3"), "provisional": True}
        assert client.post(f"/api/sets/{lift_set['id']}/reps", json=provisional).status_code == 201
        clip = write_clip(folder / "clip.mp4", 5, 30.0)
        with clip.open("rb") as file:
            files = {"file": ("clip.mp4", file, "video/mp4")}
            form = {"athlete_id": str(athlete["id"]), "exercise": "clean", "load_kg": "80"}
            video = client.post("/api/videos", files=files, data=form).json()
        end = time.monotonic() + 20
        while client.get(f"/api/videos/{video['id']}").json()["status"] != "failed":
            assert time.monotonic() < end, "the seeded video was not processed"
            time.sleep(0.02)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The API's schema, and an app per backend (``backends``), each on its own seeded database.
    The schema is the first app's document, which every app serves alike: each generated request
    goes to every backend (generating the requests costs more than answering them)."""
    with ExitStack() as stack:
        apps: dict[str, Any] = {}
        for backend in backends():
            folder = tmp_path_factory.mktemp(f"fuzz-{backend}")
            database_url = stack.enter_context(fresh_database(backend, folder))
            # schemathesis calls the app "testserver": a name it answers to, with no tokens needed (as
            # on loopback)
            settings_ = Settings(
                database_url=database_url,
                data_dir=folder / "data",
                max_upload_bytes=200_000,
                allowed_hosts=("testserver",),
                require_token_for_reads=False,
                require_token_for_writes=False,
            )
            _seed(_app(settings_), folder)
            apps[backend] = app = _app(settings_)
            stack.callback(app.state.engine.dispose)
        stack.callback(asgi.shutdown_lifespans)  # before the engines are disposed
        schemas = {
            backend: schemathesis.openapi.from_asgi("/openapi.json", app) for backend, app in apps.items()
        }
        first = next(iter(schemas.values()))
        assert all(schema.raw_schema == first.raw_schema for schema in schemas.values())
        yield first.exclude(path_regex=r"/events$|/live\.mjpg$|/live\.jpg$"), apps


def _app(settings_: Settings) -> Any:
    app = create_app(settings_)
    app.state.video_analyzer = _no_analysis
    return app


def _fuzz(operation: Any, mode: Any, apps: dict[str, Any]) -> str | None:
    """Run one operation's examples, each against every app (backend); None when all pass, else the
    failures, described."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for backend, app in apps.items():
            try:
                case.call_and_validate(checks=CHECKS, app=app)
            except (Exception, BaseExceptionGroup) as exc:
                exc.add_note(f"on {backend}")
                raise

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups distinct failures
        return f"{operation.label} ({mode.value} data): {type(exc).__name__}: {exc}"
    return None


def test_no_server_error_and_every_response_matches_the_schema(
    api_schema: tuple[Any, dict[str, Any]],
) -> None:
    schema, apps = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]  # every route is in the document
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    failures = [
        failure for op in operations for mode in modes if (failure := _fuzz(op, mode, apps)) is not None
    ]
    assert not failures, "\n\n".join(failures)
