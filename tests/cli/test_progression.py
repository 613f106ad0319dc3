"""``vbt profile`` and ``vbt plan`` through their argparse commands, on a database the service filled."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from vbt.cli import plan, profile
from vbt.errors import VbtError
from vbt.service.app import create_app
from vbt.service.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vbt")
    commands = p.add_subparsers(dest="command", required=True)
    profile.add_command(commands)
    plan.add_command(commands)
    return p


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    status: int = args.handler(args)
    return status


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/vbt.sqlite3"
    with TestClient(create_app(Settings(database_url=url)), base_url="http://127.0.0.1") as client:
        athlete = client.post("/api/athletes", json={"name": "Ada"}).json()["id"]
        for load in (40, 60, 80, 100):
            session = client.post("/api/sessions", json={"athlete_id": athlete}).json()
            lift_set = client.post(
                f"/api/sessions/{session['id']}/sets", json={"exercise": "squat", "load_kg": load}
            ).json()
            rep = {"client_rep_id": "r0", "index": 0, "start_s": 1.0, "end_s": 1.8, "status": "ok"}
            rep["mean_velocity_m_s"] = 1.5 - 0.01 * load
            assert client.post(f"/api/sets/{lift_set['id']}/reps", json=rep).status_code == 201
    return url


def test_vbt_profile_prints_the_fit_and_the_1rm(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["profile", "--athlete", "1", "--exercise", "squat", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "4 sets at 4 loads (40-100 kg)" in out
    assert "velocity = 1.500 -0.01000 x load_kg" in out
    assert "1RM: ≈ 120 kg" in out
    assert run(["profile", "--athlete", "1", "--exercise", "squat", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["one_rm"]["value_kg"] == pytest.approx(120.0)


def test_the_methods_offered_are_the_fit_methods_and_the_parser_does_not_import_progression() -> None:
    from vbt.progression.profile import FitMethod

    assert tuple(m.value for m in FitMethod) == profile.FIT_METHODS
    assert FitMethod(profile.FIT_METHODS[0]) is FitMethod.REGRESSION  # the default
    code = "import sys, vbt.cli.command; print(any(m.startswith('vbt.progression') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_vbt_profile_says_what_is_missing(db_url: str) -> None:
    with pytest.raises(VbtError, match="needs at least 3 sets"):
        run(["profile", "--athlete", "1", "--exercise", "bench", "--db", db_url])
    with pytest.raises(VbtError, match=r"^athlete 7 does not exist \(database .*vbt.sqlite3\)$"):
        run(["profile", "--athlete", "7", "--exercise", "squat", "--db", db_url])


def test_vbt_plan_stores_and_shows_a_plan(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(VbtError, match="athlete 1 has no plan; store one with vbt plan --athlete 1 --set"):
        run(["plan", "--athlete", "1", "--db", db_url])
    plan = {
        "start_date": "2099-01-05",
        "weekdays": [1],
        "key_runs": [{"weekday": 2, "start_time": "07:00"}],
        "prerequisites": {
            "deadlift_competent": True,
            "front_squat_competent": True,
            "shoulder_mobility": True,
        },
        "one_rm_kg": 60,
        "one_rm_tested": True,
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert run(["plan", "--athlete", "1", "--set", str(path), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "1RM 60 kg (tested (plan))" in out
    assert "next load: 20 kg" in out
    assert "moved from Tue 2099-01-06 18:00 to Mon 2099-01-05 18:00" in out
    assert run(["plan", "--athlete", "1", "--db", db_url, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["weeks"]) == 12
    path.write_text(json.dumps({**plan, "weekdays": [9], "one_rm_kg": "heavy"}))
    with pytest.raises(VbtError, match="is not a valid plan") as info:
        run(["plan", "--athlete", "1", "--set", str(path), "--db", db_url])
    message = str(info.value)
    assert "weekdays.0: " in message and "one_rm_kg: " in message and "validation error" not in message
    assert run(["plan", "--athlete", "1", "--db", db_url, "--json"]) == 0  # the stored plan is kept
    assert json.loads(capsys.readouterr().out)["settings"]["one_rm_kg"] == 60


def test_the_athlete_is_found_by_name_in_any_case_and_an_ambiguous_name_lists_the_matches(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["profile", "--athlete", "ADA", "--exercise", "squat", "--db", db_url]) == 0
    assert capsys.readouterr().out.startswith("athlete 1, squat:")
    with TestClient(create_app(Settings(database_url=db_url)), base_url="http://127.0.0.1") as client:
        assert client.post("/api/athletes", json={"name": "ada"}).json()["id"] == 2
        assert client.post("/api/athletes", json={"name": "Bo"}).json()["id"] == 3
    with pytest.raises(
        VbtError, match=r"2 athletes are named 'Ada': Ada \(id 1\), ada \(id 2\); give the id"
    ):
        run(["profile", "--athlete", "Ada", "--exercise", "squat", "--db", db_url])
    with pytest.raises(
        VbtError, match=r"no athlete named 'Cy'; the athletes are Ada \(id 1\), ada \(id 2\), Bo"
    ):
        run(["plan", "--athlete", "Cy", "--db", db_url])


def test_the_database_is_named_and_a_missing_one_is_not_created(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["profile", "--athlete", "1", "--exercise", "squat", "--db", db_url])
    assert capsys.readouterr().err == f"vbt: database {tmp_path / 'vbt.sqlite3'}\n"
    missing = tmp_path / "elsewhere" / "vbt.sqlite3"
    with pytest.raises(VbtError, match=f"^no database at {missing}; vbt serve creates it"):
        run(["plan", "--athlete", "1", "--db", str(missing)])
    assert not missing.parent.exists()
