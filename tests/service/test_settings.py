"""Settings: URLs as users type them, environment variables, who needs a token."""

from __future__ import annotations

import pytest

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
