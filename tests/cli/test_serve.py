"""``vbt serve`` and ``vbt token`` name the database (and the data folder) they use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vbt.cli import main


def test_serve_names_the_database_and_the_data_folder_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("vbt.service.app.run", lambda *args, **kwargs: calls.append((*args, kwargs)))
    monkeypatch.delenv("VBT_DATA_DIR", raising=False)
    db = tmp_path / "club" / "vbt.sqlite3"
    assert main(["serve", "--db", str(db), "--port", "8123"]) == 0
    assert capsys.readouterr().err == f"vbt: database {db}; data folder {db.parent}\n"
    defaults = {
        "in_process_worker": True,
        "video_store": None,
        "s3_endpoint_url": None,
        "allowed_hosts": None,
    }
    assert calls == [("127.0.0.1", 8123, str(db), {"data_dir": None, "max_upload_bytes": None, **defaults})]
    assert (
        main(["serve", "--db", "postgresql://coach:secret@db.example/vbt", "--data-dir", str(tmp_path)]) == 0
    )
    err = capsys.readouterr().err
    assert err == f"vbt: database postgresql+psycopg://coach:***@db.example/vbt; data folder {tmp_path}\n"


def test_token_names_the_database_it_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "vbt.sqlite3"
    assert main(["token", "create", "platform-1", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"vbt: database {db}\n" and len(captured.out.strip()) > 20


def test_worker_names_its_database_and_a_bad_url_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[Any] = []
    monkeypatch.setattr("vbt.service.app.run_worker", ran.append)
    db = tmp_path / "vbt.sqlite3"
    assert main(["worker", "--db", str(db)]) == 0
    assert capsys.readouterr().err == f"vbt worker: database {db}\n" and len(ran) == 1
    assert main(["worker", "--db", "postgresql://u@h:x/db"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a database URL" in err and len(ran) == 1
