"""Settings: URLs as users type them, environment variables, who needs a token, where uploads go."""

from __future__ import annotations

import argparse

import pytest

from vbt.cli.serve import add_serve_arguments
from vbt.errors import InputError
from vbt.service.settings import (
    Settings,
    default_database_url,
    is_loopback,
    normalize_database_url,
    settings_from_env,
)


def test_a_plain_path_becomes_an_absolute_sqlite_url(tmp_path):
    assert normalize_database_url(str(tmp_path / "gym.sqlite3")) == f"sqlite:///{tmp_path}/gym.sqlite3"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgresql_urls_use_psycopg_3(scheme):
    url = normalize_database_url(f"{scheme}://coach:secret@db.local:5432/vbt")
    assert url == "postgresql+psycopg://coach:secret@db.local:5432/vbt"


def test_an_explicit_driver_is_kept():
    assert normalize_database_url("sqlite:////data/vbt.db") == "sqlite:////data/vbt.db"


def test_an_empty_url_is_refused_with_advice():
    with pytest.raises(InputError, match="empty"):
        normalize_database_url("  ")


def test_the_default_database_is_a_sqlite_file_in_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path}/vbt/vbt.sqlite3"
    assert settings_from_env({}).database_url == default_database_url()


def test_environment_variables_are_read_and_overrides_win():
    env = {
        "VBT_DATABASE_URL": "postgresql://u@h/db",
        "VBT_CORS_ORIGINS": "http://a.local, http://b.local",
        "VBT_REQUIRE_TOKEN_FOR_WRITES": "no",
        "VBT_REQUIRE_TOKEN_FOR_READS": "yes",
    }
    settings = settings_from_env(env, host="0.0.0.0", port=9000, database_url=None)
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.cors_origins == ("http://a.local", "http://b.local")
    assert settings.require_token_for_writes is False
    assert settings.require_token_for_reads is True
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert settings_from_env(env, database_url="x.db").database_url.endswith("/x.db")


def test_a_yes_no_variable_that_is_neither_is_an_input_error():
    with pytest.raises(InputError, match="VBT_REQUIRE_TOKEN_FOR_READS='maybe'"):
        settings_from_env({"VBT_REQUIRE_TOKEN_FOR_READS": "maybe"})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("gym.example", False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_writes_need_a_token_exactly_when_bound_beyond_loopback_unless_forced():
    assert not Settings(database_url="x.db").writes_need_token
    assert Settings(database_url="x.db", host="0.0.0.0").writes_need_token
    assert not Settings(database_url="x.db", host="0.0.0.0", require_token_for_writes=False).writes_need_token
    assert Settings(database_url="x.db", require_token_for_writes=True).writes_need_token


def test_a_port_outside_the_tcp_range_is_refused():
    with pytest.raises(InputError, match="port 70000"):
        Settings(database_url="x.db", port=70000)


def test_uploads_go_next_to_the_sqlite_file_unless_a_data_dir_is_given(tmp_path):
    sqlite = Settings(database_url=str(tmp_path / "db" / "vbt.sqlite3"))
    assert sqlite.data_dir is None and sqlite.resolved_data_dir == tmp_path / "db"
    given = Settings(database_url=str(tmp_path / "db" / "vbt.sqlite3"), data_dir=tmp_path / "videos")
    assert given.resolved_data_dir == tmp_path / "videos"
    assert sqlite.max_upload_bytes == 500_000_000


def test_uploads_of_a_postgresql_service_go_to_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    for url in ("postgresql://u@h/db", "sqlite:///:memory:"):
        assert Settings(database_url=url).resolved_data_dir == tmp_path / "vbt"


def test_the_upload_variables_are_read_and_overrides_win(tmp_path):
    env = {"VBT_DATA_DIR": str(tmp_path / "v"), "VBT_MAX_UPLOAD_BYTES": " 1000 "}
    settings = settings_from_env(env, database_url="x.db")
    assert (settings.data_dir, settings.max_upload_bytes) == (tmp_path / "v", 1000)
    given = settings_from_env(env, database_url="x.db", data_dir=tmp_path / "w", max_upload_bytes=5)
    assert (given.data_dir, given.max_upload_bytes) == (tmp_path / "w", 5)
    unset = settings_from_env({"VBT_DATA_DIR": " ", "VBT_MAX_UPLOAD_BYTES": ""}, database_url="x.db")
    assert (unset.data_dir, unset.max_upload_bytes) == (None, 500_000_000)


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1e9", "12.5"])
def test_an_upload_limit_that_is_not_a_number_of_bytes_is_an_input_error(value):
    with pytest.raises(InputError, match=f"VBT_MAX_UPLOAD_BYTES={value!r} is not a size"):
        settings_from_env({"VBT_MAX_UPLOAD_BYTES": value}, database_url="x.db")


@pytest.mark.parametrize(("field", "value"), [("max_upload_bytes", 0), ("video_progress_interval_s", -1.0)])
def test_upload_settings_out_of_range_are_refused(field, value):
    with pytest.raises(InputError, match=field):
        Settings(database_url="x.db", **{field: value})


def test_vbt_serve_takes_the_upload_folder_and_limit(tmp_path):
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args(["--data-dir", str(tmp_path), "--max-upload-mb", "2.5"])
    assert (args.data_dir, args.max_upload_bytes) == (tmp_path, 2_500_000)
    defaults = parser.parse_args([])
    assert (defaults.data_dir, defaults.max_upload_bytes) == (None, None)
    for bad in ("0", "-1", "nan", "big"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--max-upload-mb", bad])
