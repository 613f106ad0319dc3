"""Bearer tokens: created once, shown once, stored as their SHA-256.

Writes need a token when the server listens beyond loopback (``Settings.writes_need_token``); reads
need one only when ``Settings.require_token_for_reads`` is set. Browsers cannot put headers on a
WebSocket or an EventSource, so the stream endpoints also accept ``?access_token=...``.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from vbt.errors import InputError
from vbt.service.db import make_engine, make_sessionmakers, run_migrations
from vbt.service.errors import AuthError
from vbt.service.models import ApiToken
from vbt.service.settings import Settings, settings_from_env

TOKEN_PREFIX = "vbt_"

_bearer = HTTPBearer(auto_error=False, description="A token made with `vbt token create`.")
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_is_valid(session: Session, token: str | None) -> bool:
    """True when ``token`` is a stored (not revoked) token."""
    if not token:
        return False
    found = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token)))
    return found is not None


def _settings_for(db_url: str | None) -> Settings:
    return settings_from_env(database_url=db_url)


def create_token(db_url: str | None = None, *, name: str = "default") -> str:
    """Create a bearer token in the database at ``db_url`` (default: as ``vbt serve`` would use)
    and return it. Only its hash is stored, so this is the one time it can be shown.

    Raises:
        InputError: for an empty or over-long name or a bad database URL.
        ServiceError: the database cannot be reached.
    """
    label = name.strip()
    if not 1 <= len(label) <= 100:
        raise InputError("a token name must have 1 to 100 characters, e.g. 'platform-1'")
    settings = _settings_for(db_url)
    engine = make_engine(settings.database_url)
    try:
        run_migrations(engine)
        _, writer = make_sessionmakers(engine)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with writer() as session:
            session.add(ApiToken(name=label, token_hash=hash_token(token)))
            session.commit()
        return token
    finally:
        engine.dispose()


def revoke_tokens(db_url: str | None = None, *, name: str) -> int:
    """Delete every token called ``name``; returns how many there were."""
    settings = _settings_for(db_url)
    engine = make_engine(settings.database_url)
    try:
        run_migrations(engine)
        _, writer = make_sessionmakers(engine)
        with writer() as session:
            result = session.execute(delete(ApiToken).where(ApiToken.name == name.strip()))
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)
    finally:
        engine.dispose()


HOW = "create one with `vbt token create NAME` on the server and send it as 'Authorization: Bearer <token>'"


def _check_token(request: Request, token: str | None, *, what: str) -> None:
    # A short-lived session: a dependency's session would stay open for a whole stream.
    if token is None:
        raise AuthError(f"This server needs a bearer token for {what}; {HOW}.")
    factory: sessionmaker[Session] = request.app.state.read_sessions
    with factory() as session:
        if not token_is_valid(session, token):
            raise AuthError(f"The bearer token is not known to this server; {HOW}.")


def require_write_access(request: Request, credentials: CredentialsDep) -> None:
    """Dependency of every write route: a valid token when the settings ask for one."""
    settings: Settings = request.app.state.settings
    if settings.writes_need_token:
        _check_token(request, credentials.credentials if credentials else None, what="changes")


def require_read_access(request: Request, credentials: CredentialsDep) -> None:
    """Dependency of every read route: a valid token when reads are closed (``?access_token=``
    works too, for browsers' EventSource)."""
    settings: Settings = request.app.state.settings
    if settings.require_token_for_reads:
        token = credentials.credentials if credentials else request.query_params.get("access_token")
        _check_token(request, token, what="reads")


WriteAccess = Depends(require_write_access)
ReadAccess = Depends(require_read_access)
