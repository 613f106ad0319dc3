"""Tokens over HTTP: the pages' sign-in cookie (``/api/auth/cookie``) and, with an admin token,
listing, creating and revoking tokens (``/api/tokens``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from vbt.service.auth import COOKIE_NAME, AdminAccess, TokenScope, add_token, check_token
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.models import ApiToken
from vbt.service.settings import Settings

router = APIRouter(tags=["tokens"])

TokenName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    token: str = Field(min_length=1, max_length=200, description="A token from `vbt token create`.")


class TokenInfo(BaseModel):
    """A stored token's name and scope (the token itself is never stored)."""

    model_config = ConfigDict(from_attributes=True)
    name: str
    scope: TokenScope
    created_at: datetime | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: TokenName
    scope: TokenScope = "read"


class TokenCreated(TokenInfo):
    token: str = Field(description="The new token: shown this once, only its hash is stored.")


class Revoked(BaseModel):
    revoked: int = Field(description="How many tokens had that name.")


@router.post("/auth/cookie", responses={401: {"description": "The token is not known."}})
def sign_in(body: SignIn, request: Request, response: Response) -> TokenInfo:
    """Sign this browser in: keep ``token`` in an HttpOnly, SameSite=Strict cookie that the pages'
    requests, streams and videos then carry (nothing in any URL)."""
    settings: Settings = request.app.state.settings
    record = check_token(request.app.state.read_sessions, body.token, "read")
    response.set_cookie(
        COOKIE_NAME,
        body.token,
        max_age=int(settings.token_cookie_max_age_s),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return TokenInfo.model_validate(record)


@router.delete("/auth/cookie", status_code=204)
def sign_out(response: Response) -> None:
    """Sign this browser out (forget the token cookie)."""
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")


@router.get("/tokens", dependencies=[AdminAccess])
def list_tokens(db: ReadSessionDep) -> list[TokenInfo]:
    """Every token's name and scope (needs an admin token beyond loopback)."""
    rows = db.scalars(select(ApiToken).order_by(ApiToken.id))
    return [TokenInfo.model_validate(row) for row in rows]


@router.post("/tokens", status_code=201, dependencies=[AdminAccess])
def create_token(body: TokenCreate, db: WriteSessionDep) -> TokenCreated:
    """Create a token (needs an admin token beyond loopback); it is in this answer only."""
    token, record = add_token(db, body.name, body.scope)
    db.commit()
    return TokenCreated(name=record.name, scope=body.scope, created_at=record.created_at, token=token)


@router.delete("/tokens/{name}", dependencies=[AdminAccess])
def revoke_token(name: Annotated[str, Path(min_length=1, max_length=100)], db: WriteSessionDep) -> Revoked:
    """Revoke every token called ``name`` (needs an admin token beyond loopback)."""
    result = db.execute(delete(ApiToken).where(ApiToken.name == name.strip()))
    db.commit()
    return Revoked(revoked=int(getattr(result, "rowcount", 0) or 0))
