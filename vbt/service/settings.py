"""Settings of one service instance: where the database and the uploads are, who may write, which
origins may call.

A :class:`Settings` is an immutable value. :func:`settings_from_env` reads the ``VBT_*`` environment
variables; nothing here is read at import time.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vbt.errors import InputError

#: Environment variables read by :func:`settings_from_env`.
ENV_DATABASE_URL = "VBT_DATABASE_URL"
ENV_CORS_ORIGINS = "VBT_CORS_ORIGINS"
ENV_REQUIRE_TOKEN_FOR_WRITES = "VBT_REQUIRE_TOKEN_FOR_WRITES"
ENV_REQUIRE_TOKEN_FOR_READS = "VBT_REQUIRE_TOKEN_FOR_READS"
ENV_DATA_DIR = "VBT_DATA_DIR"
ENV_MAX_UPLOAD_BYTES = "VBT_MAX_UPLOAD_BYTES"
ENV_VIDEO_STORE = "VBT_VIDEO_STORE"
ENV_S3_ENDPOINT_URL = "VBT_S3_ENDPOINT_URL"
ENV_ALLOWED_HOSTS = "VBT_ALLOWED_HOSTS"
ENV_BODY_IDLE_TIMEOUT_S = "VBT_BODY_IDLE_TIMEOUT_S"
ENV_IDLE_TIMEOUT_S = "VBT_IDLE_TIMEOUT_S"
ENV_MAX_CONCURRENT_UPLOADS = "VBT_MAX_CONCURRENT_UPLOADS"

#: Host names every server answers to (with any port).
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

DEFAULT_MAX_UPLOAD_BYTES = 500_000_000

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How one service instance runs.

    Attributes:
        database_url: a SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host/db``) or a plain
            path to a SQLite file; normalised by :func:`normalize_database_url`.
        host: the address the server binds; decides whether writes need a token by default.
        port: the TCP port the server binds.
        require_token_for_writes: ``True``/``False`` to force it; ``None`` (default) requires a
            bearer token with the ``write`` scope exactly when the server is :attr:`exposed`.
        require_token_for_reads: ``True``/``False`` to force it; ``None`` (default) requires a token
            (any scope) for reads, the live stream and video included, exactly when the server is
            :attr:`exposed`. ``False`` opens reads beyond loopback on purpose.
        allowed_hosts: names the server answers to besides the loopback names and the address it
            binds (``Host`` header, port ignored), e.g. ``("gym.local", "*.example.org")``; ``"*"``
            accepts any. A request naming another host gets 400 (DNS rebinding, a stray proxy).
            A non-loopback name here makes the server :attr:`exposed`.
        cors_origins: web origins (besides the server's own pages) allowed to call the API from a
            browser, e.g. ``("http://gym.local",)``; they may also write and open WebSockets.
            Empty means no CORS headers at all, and a write or WebSocket from any other page's
            ``Origin`` gets 403.
        stream_poll_s: how often a session's stream reader re-reads the database when it was not
            woken, so reps written by a process that does not notify still arrive (seconds).
        sqlite_busy_timeout_s: how long a SQLite writer waits for the lock before giving up (seconds).
        max_body_bytes: requests with a larger body get 413.
        max_frame_bytes: the largest JPEG frame live mode may push to ``/api/sessions/{id}/frames``
            (a larger one closes the connection with code 1009).
        frame_stale_s: a session's live video shows a "no video" image once its newest frame is
            older than this (seconds).
        data_dir: uploaded videos go to ``data_dir / "videos"``; ``None`` (default) means the SQLite
            file's folder, or ``platformdirs.user_data_dir("vbt")`` for other databases (see
            :attr:`resolved_data_dir`).
        max_upload_bytes: a video upload (the whole multipart body) over this gets 413.
        video_progress_interval_s: a video analysis writes its progress to the database at most
            this often (seconds).
        body_idle_timeout_s: a request body (an upload, a rep) that sends nothing for this long is
            answered 408 and its connection closed (seconds). Raising it tolerates worse networks
            but lets a stalled client hold a connection (and an upload's file) longer.
        idle_timeout_s: an idle keep-alive connection is closed after this long (seconds).
        max_concurrent_uploads: video uploads received at the same time; one more gets 503 with
            ``Retry-After``. Raising it admits more platforms at once but more open files and disk.
        websocket_auth_timeout_s: a WebSocket that must send its token as its first message is
            closed when none came within this long (seconds).
        token_cookie_max_age_s: how long a browser keeps the token cookie set by
            ``POST /api/auth/cookie`` (seconds).
        video_store: where uploaded and annotated videos are kept: ``None`` (default) for the folder
            ``<resolved data dir>/videos``, a folder path, or ``s3://BUCKET/PREFIX`` for an
            S3-compatible object store (see :mod:`vbt.service.videos.storage`).
        s3_endpoint_url: the S3 endpoint for an ``s3://`` store (e.g. a MinIO or Ceph server);
            ``None`` lets boto3 choose (AWS).
        in_process_worker: whether ``vbt serve`` runs an analysis worker in its own process
            (``vbt serve --no-worker`` leaves the analyses to ``vbt worker`` processes).
    """

    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    require_token_for_writes: bool | None = None
    require_token_for_reads: bool | None = None
    allowed_hosts: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    stream_poll_s: float = 2.0
    sqlite_busy_timeout_s: float = 30.0
    max_body_bytes: int = 1_000_000
    max_frame_bytes: int = 1_000_000
    frame_stale_s: float = 3.0
    data_dir: Path | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    video_progress_interval_s: float = 0.5
    body_idle_timeout_s: float = 30.0
    idle_timeout_s: float = 5.0
    max_concurrent_uploads: int = 4
    websocket_auth_timeout_s: float = 5.0
    token_cookie_max_age_s: float = 30 * 24 * 3600.0
    video_store: str | None = None
    s3_endpoint_url: str | None = None
    in_process_worker: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalize_database_url(self.database_url))
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        if not 0 <= self.port <= 65535:
            raise InputError(f"port {self.port} is not a TCP port; use a number from 1 to 65535")
        if not self.stream_poll_s > 0:
            raise InputError(f"stream_poll_s must be positive, got {self.stream_poll_s}")
        if not self.frame_stale_s > 0:
            raise InputError(f"frame_stale_s must be positive, got {self.frame_stale_s}")
        if not self.max_frame_bytes > 0:
            raise InputError(f"max_frame_bytes must be positive, got {self.max_frame_bytes}")
        if not self.max_upload_bytes > 0:
            raise InputError(f"max_upload_bytes must be positive, got {self.max_upload_bytes}")
        object.__setattr__(self, "allowed_hosts", tuple(h.strip().lower() for h in self.allowed_hosts))
        for name in (
            "body_idle_timeout_s",
            "idle_timeout_s",
            "websocket_auth_timeout_s",
            "token_cookie_max_age_s",
        ):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be a positive number of seconds, got {getattr(self, name)}")
        if not self.max_concurrent_uploads >= 1:
            raise InputError(f"max_concurrent_uploads must be 1 or more, got {self.max_concurrent_uploads}")
        if not self.video_progress_interval_s >= 0:
            raise InputError(
                f"video_progress_interval_s must be zero or more, got {self.video_progress_interval_s}"
            )

    @property
    def exposed(self) -> bool:
        """Whether callers beyond this machine can reach the server: it binds a non-loopback
        address, or answers to a non-loopback name (e.g. behind a reverse proxy on 127.0.0.1)."""
        return not is_loopback(self.host) or any(not is_loopback(h) for h in self.allowed_hosts)

    @property
    def writes_need_token(self) -> bool:
        """Whether writes (POST/PUT/PATCH/DELETE, the frame push) need a token with the write scope."""
        if self.require_token_for_writes is not None:
            return self.require_token_for_writes
        return self.exposed

    @property
    def reads_need_token(self) -> bool:
        """Whether reads (and the stream, the live video, the videos) need a token."""
        if self.require_token_for_reads is not None:
            return self.require_token_for_reads
        return self.exposed

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def resolved_data_dir(self) -> Path:
        """``data_dir``, else the SQLite file's folder, else ``platformdirs.user_data_dir("vbt")``."""
        if self.data_dir is not None:
            return self.data_dir
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).expanduser().resolve().parent
        import platformdirs

        return Path(platformdirs.user_data_dir("vbt"))


def default_database_url() -> str:
    """A SQLite file in the user's data directory (``platformdirs.user_data_dir("vbt")``)."""
    import platformdirs

    path = Path(platformdirs.user_data_dir("vbt")) / "vbt.sqlite3"
    return f"sqlite:///{path}"


def normalize_database_url(url: str) -> str:
    """Turn what a user typed into a SQLAlchemy URL.

    A plain path becomes a SQLite URL; ``postgres://`` and ``postgresql://`` select psycopg 3.

    Raises:
        InputError: for an empty URL.
    """
    text = url.strip()
    if not text:
        raise InputError(
            "the database URL is empty; give a path to a SQLite file, a sqlite:/// URL or a postgresql:// URL"
        )
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return text


def is_loopback(host: str) -> bool:
    """True for ``localhost`` (and its subdomains) and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError(f"{name}={value!r} is not a yes/no value; use 1/0, true/false, yes/no or on/off")


def _parse_positive(name: str, value: str, unit: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise InputError(f"{name}={value!r} is not a positive number of {unit}, e.g. 30")
    return number


def _parse_whole(
    name: str, value: str, *, what: str = "a size; give a number of bytes, e.g. 500000000"
) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise InputError(f"{name}={value!r} is not {what}")
    return int(text)


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``VBT_*`` environment variables, then ``overrides`` (keyword, non-None wins).

    Reads ``VBT_DATABASE_URL`` (default :func:`default_database_url`), ``VBT_CORS_ORIGINS``
    (comma-separated), ``VBT_REQUIRE_TOKEN_FOR_WRITES``, ``VBT_REQUIRE_TOKEN_FOR_READS``,
    ``VBT_DATA_DIR`` (where uploaded videos go), ``VBT_MAX_UPLOAD_BYTES``, ``VBT_VIDEO_STORE``,
    ``VBT_S3_ENDPOINT_URL``, ``VBT_ALLOWED_HOSTS`` (comma-separated), ``VBT_BODY_IDLE_TIMEOUT_S``,
    ``VBT_IDLE_TIMEOUT_S`` and ``VBT_MAX_CONCURRENT_UPLOADS``.

    Raises:
        InputError: when a variable cannot be understood.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {"database_url": env.get(ENV_DATABASE_URL) or default_database_url()}
    if origins := env.get(ENV_CORS_ORIGINS, "").strip():
        values["cors_origins"] = tuple(o.strip() for o in origins.split(",") if o.strip())
    if (writes := env.get(ENV_REQUIRE_TOKEN_FOR_WRITES, "").strip()) != "":
        values["require_token_for_writes"] = _parse_bool(ENV_REQUIRE_TOKEN_FOR_WRITES, writes)
    if (reads := env.get(ENV_REQUIRE_TOKEN_FOR_READS, "").strip()) != "":
        values["require_token_for_reads"] = _parse_bool(ENV_REQUIRE_TOKEN_FOR_READS, reads)
    if data_dir := env.get(ENV_DATA_DIR, "").strip():
        values["data_dir"] = Path(data_dir)
    if (limit := env.get(ENV_MAX_UPLOAD_BYTES, "").strip()) != "":
        values["max_upload_bytes"] = _parse_whole(ENV_MAX_UPLOAD_BYTES, limit)
    if hosts := env.get(ENV_ALLOWED_HOSTS, "").strip():
        values["allowed_hosts"] = tuple(h.strip() for h in hosts.split(",") if h.strip())
    if (idle := env.get(ENV_BODY_IDLE_TIMEOUT_S, "").strip()) != "":
        values["body_idle_timeout_s"] = _parse_positive(ENV_BODY_IDLE_TIMEOUT_S, idle, "seconds")
    if (idle := env.get(ENV_IDLE_TIMEOUT_S, "").strip()) != "":
        values["idle_timeout_s"] = _parse_positive(ENV_IDLE_TIMEOUT_S, idle, "seconds")
    if (count := env.get(ENV_MAX_CONCURRENT_UPLOADS, "").strip()) != "":
        values["max_concurrent_uploads"] = _parse_whole(
            ENV_MAX_CONCURRENT_UPLOADS, count, what="a count, e.g. 4"
        )
    if store := env.get(ENV_VIDEO_STORE, "").strip():
        values["video_store"] = store
    if endpoint := env.get(ENV_S3_ENDPOINT_URL, "").strip():
        values["s3_endpoint_url"] = endpoint
    settings = Settings(**values)
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(settings, **given) if given else settings
