"""Tokens with scopes: created once, shown once, stored as their SHA-256.

A token has a scope: ``read`` (every GET, the stream, the live video, the videos), ``write`` (read
plus every change and the frame push) or ``admin`` (write plus managing tokens). When the server is
exposed beyond loopback (``Settings.exposed``), writes need a write token and reads a read token;
settings can force either way (``require_token_for_writes``, ``require_token_for_reads``).

A token travels in the ``Authorization: Bearer`` header, in the ``vbt_token`` cookie (set by
``POST /api/auth/cookie``, HttpOnly and SameSite=Strict: how the dashboard's pages sign in), or as
a WebSocket's first message (``{"token": "..."}``). Never in a URL: :mod:`vbt.service.doors`
refuses ``?access_token=``, since URLs end up in access logs and browser history.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from vbt.errors import InputError
from vbt.service.db import make_engine, make_sessionmakers, run_migrations
from vbt.service.errors import AuthError, ForbiddenError
from vbt.service.models import ApiToken
from vbt.service.settings import Settings, settings_from_env

TOKEN_PREFIX = "vbt_"
COOKIE_NAME = "vbt_token"

TokenScope = Literal["read", "write", "admin"]
SCOPES: tuple[TokenScope, ...] = get_args(TokenScope)

_bearer = HTTPBearer(auto_error=False, description="A token made with `vbt token create NAME --scope ...`.")
_cookie = APIKeyCookie(
    name=COOKIE_NAME, auto_error=False, description="Set by POST /api/auth/cookie (the pages' sign-in)."
)
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
CookieDep = Annotated[str | None, Depends(_cookie)]

HOW = (
    "create one with `vbt token create NAME --scope read|write|admin` on the server and send it as "
    "'Authorization: Bearer <token>' (pages: sign in with it)"
)


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def scope_allows(scope: str, needed: TokenScope) -> bool:
    """Whether a token of ``scope`` may do what needs ``needed`` (admin > write > read)."""
    return scope in SCOPES and SCOPES.index(scope) >= SCOPES.index(needed)


def token_record(session: Session, token: str | None) -> ApiToken | None:
    """The stored token ``token`` is, or None (no token, unknown or revoked)."""
    if not token:
        return None
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def token_is_valid(session: Session, token: str | None) -> bool:
    """True when ``token`` is a stored (not revoked) token."""
    return token_record(session, token) is not None


def presented_token(connection: HTTPConnection) -> str | None:
    """The token a request or WebSocket carries in its ``Authorization: Bearer`` header or its
    ``vbt_token`` cookie (the header wins), or None."""
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(COOKIE_NAME) or None


def check_token(sessions: sessionmaker[Session], token: str | None, needed: TokenScope) -> ApiToken:
    """The stored token when ``token`` is one whose scope covers ``needed``.

    Raises:
        AuthError: no token, or an unknown one (401).
        ForbiddenError: a known token whose scope is too small (403).
    """
    what = "reads" if needed == "read" else "changes" if needed == "write" else "managing tokens"
    if token is None:
        raise AuthError(f"This server needs a token for {what}; {HOW}.")
    # A short-lived session: a dependency's session would stay open for a whole stream.
    with sessions() as session:
        record = token_record(session, token)
    if record is None:
        raise AuthError(f"The token is not known to this server (revoked, or mistyped); {HOW}.")
    if not scope_allows(record.scope, needed):
        raise ForbiddenError(
            f"The token {record.name!r} has the {record.scope} scope, and {what} need the {needed} "
            f"scope; create a token with `vbt token create NAME --scope {needed}`."
        )
    return record


def _access(needed: TokenScope, must: Callable[[Settings], bool]) -> Any:
    def dependency(request: Request, _credentials: CredentialsDep, _cookie_token: CookieDep) -> None:
        if must(request.app.state.settings):
            check_token(request.app.state.read_sessions, presented_token(request), needed)

    dependency.__doc__ = f"Dependency: a token with the {needed} scope when the settings ask for one."
    return Depends(dependency)


@contextmanager
def _token_database(db_url: str | None) -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    """The reader and writer of the database at ``db_url`` (default: as ``vbt serve`` would use),
    migrated to the newest schema, for the ``vbt token`` commands."""
    engine = make_engine(settings_from_env(database_url=db_url).database_url)
    try:
        run_migrations(engine)
        yield make_sessionmakers(engine)
    finally:
        engine.dispose()


def create_token(db_url: str | None = None, *, name: str = "default", scope: str = "write") -> str:
    """Create a token with ``scope`` in the database at ``db_url`` (default: as ``vbt serve`` would
    use) and return it. Only its hash is stored, so this is the one time it can be shown.

    Raises:
        InputError: for an empty or over-long name, an unknown scope or a bad database URL.
        ServiceError: the database cannot be reached.
    """
    with _token_database(db_url) as (_, writer), writer() as session:
        token, _ = add_token(session, name, scope)
        session.commit()
        return token


def add_token(session: Session, name: str, scope: str) -> tuple[str, ApiToken]:
    """Add a new token called ``name`` with ``scope`` to ``session`` (the caller commits); return
    it and its record.

    Raises:
        InputError: for an empty or over-long name or an unknown scope.
    """
    label = name.strip()
    if not 1 <= len(label) <= 100:
        raise InputError("a token name must have 1 to 100 characters, e.g. 'platform-1'")
    if scope not in SCOPES:
        raise InputError(f"{scope!r} is not a token scope; use one of {', '.join(SCOPES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(name=label, token_hash=hash_token(token), scope=scope)
    session.add(record)
    return token, record


def list_tokens(db_url: str | None = None) -> list[tuple[str, str]]:
    """Every stored token's name and scope, oldest first (the tokens themselves are not stored)."""
    with _token_database(db_url) as (reader, _), reader() as session:
        rows = session.execute(select(ApiToken.name, ApiToken.scope).order_by(ApiToken.id))
        return [(name, scope) for name, scope in rows]


def revoke_tokens(db_url: str | None = None, *, name: str) -> int:
    """Delete every token called ``name``; returns how many there were."""
    with _token_database(db_url) as (_, writer), writer() as session:
        result = session.execute(delete(ApiToken).where(ApiToken.name == name.strip()))
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


#: Route dependencies: every write route, every read route, the token management routes.
WriteAccess = _access("write", lambda settings: settings.writes_need_token)
ReadAccess = _access("read", lambda settings: settings.reads_need_token)
AdminAccess = _access("admin", lambda settings: settings.writes_need_token)
