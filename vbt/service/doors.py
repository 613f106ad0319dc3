"""Closed doors: which hosts the server answers to, which web pages may write, where tokens may not go.

:class:`Doors` is an ASGI middleware in front of every request and WebSocket:

- the ``Host`` header must name this server (:func:`allowed_host_names`): a page that rebinds its own
  DNS name to 127.0.0.1 (DNS rebinding), or a proxy forwarding a name nobody configured, gets 400;
- a write (POST, PUT, PATCH, DELETE) or a WebSocket sent by a web page (it has an ``Origin``) must
  come from the server's own pages (same host and port) or from ``Settings.cors_origins``; any other
  page gets 403. Clients that are not browsers send no ``Origin`` and are not concerned;
- a token in the URL (``?access_token=``, ``?token=``) gets 400: URLs land in access logs and
  browser history. :class:`RedactTokens` also keeps such URLs out of the access log.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from collections.abc import Collection
from urllib.parse import parse_qsl, urlsplit

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from vbt.service.settings import LOOPBACK_NAMES, Settings, is_loopback

#: Methods that change nothing; the Origin check leaves them alone.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Query parameters that would carry a token in a URL.
TOKEN_PARAMETERS = frozenset({"access_token", "token"})
_WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})


def allowed_host_names(settings: Settings) -> frozenset[str]:
    """The names (and ``*.suffix`` patterns) the server answers to: the loopback names, the address
    it binds, ``settings.allowed_hosts``; binding every address (0.0.0.0, ::) adds this machine's
    name, ``NAME.local`` and its addresses, so that the LAN finds it without settings."""
    names = {*LOOPBACK_NAMES, "*.localhost", *settings.allowed_hosts}
    bind = settings.host.strip().strip("[]").lower()
    if bind in _WILDCARD_BINDS:
        machine = socket.gethostname().lower()
        names |= {machine, f"{machine}.local"}
        with contextlib.suppress(OSError):
            names |= {str(info[4][0]).lower() for info in socket.getaddrinfo(machine, None)}
    else:
        names.add(bind)
    return frozenset(names)


def host_name(host_header: str) -> str:
    """The name in a ``Host`` header, lower case, without its port: ``[::1]:8000`` -> ``::1``."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    name, colon, port = text.rpartition(":")
    return name.rstrip(".") if colon and port.isdigit() and ":" not in name else text.rstrip(".")


def host_matches(name: str, allowed: Collection[str]) -> bool:
    """Whether ``name`` is in ``allowed``, directly or through ``*`` or a ``*.suffix`` pattern."""
    if not name:
        return False
    if name in allowed or "*" in allowed:
        return True
    return any(p.startswith("*.") and name.endswith(p[1:]) for p in allowed)


def _same_origin(origin: str, host_header: str) -> bool:
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        return False
    return bool(netloc) and netloc == host_header.strip().lower()


class Doors:
    """ASGI middleware: the Host check, the Origin check and the refusal of tokens in URLs (see the
    module's description). Refusals are JSON ``{"detail": ...}``; a refused WebSocket gets the HTTP
    answer when the server supports it, else a close with code 1008."""

    def __init__(
        self, app: ASGIApp, *, allowed_hosts: Collection[str], trusted_origins: Collection[str] = ()
    ) -> None:
        self.app = app
        self.allowed_hosts = frozenset(allowed_hosts)
        self.trusted_origins = frozenset(o.rstrip("/").lower() for o in trusted_origins)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """The status and reason to refuse this request or WebSocket with, or None."""
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        name = host_name(host)
        if not host_matches(name, self.allowed_hosts):
            shown = name or "(none)"
            return 400, (
                f"This server does not answer to the host name {shown!r} (Host header). If it is "
                f"one of its names (a LAN name, a reverse proxy's), start it with --allowed-host "
                f"{shown} or VBT_ALLOWED_HOSTS={shown}."
            )
        origin = headers.get("origin")
        is_write = scope["type"] == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if is_write and origin is not None and not self._trusted(origin, host):
            what = "open a WebSocket on" if scope["type"] == "websocket" else "change data on"
            return 403, (
                f"A web page from {origin[:100]!r} may not {what} this server. If that page is "
                "yours, add its origin to VBT_CORS_ORIGINS."
            )
        query = scope.get("query_string", b"").decode("latin-1")
        if query and any(key in TOKEN_PARAMETERS for key, _ in parse_qsl(query, keep_blank_values=True)):
            return 400, (
                "A token in a URL ends up in logs and browser history, so this server refuses it. "
                "Send it in the 'Authorization: Bearer' header, sign in on a page (a cookie), or send "
                'it as a WebSocket\'s first message {"token": "..."}.'
            )
        return None

    def _trusted(self, origin: str, host: str) -> bool:
        return origin.rstrip("/").lower() in self.trusted_origins or _same_origin(origin, host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, detail = refusal
        response = JSONResponse({"detail": detail}, status_code=status)
        if scope["type"] == "http":
            await response(scope, receive, send)
            return
        websocket = WebSocket(scope, receive, send)
        if "websocket.http.response" in scope.get("extensions", {}):
            await websocket.send_denial_response(response)
        else:
            await websocket.close(code=1008, reason=detail[:120])


_TOKEN_IN_URL = re.compile(r"((?:access_)?token=)[^&\s\"]*", re.IGNORECASE)


class RedactTokens(logging.Filter):
    """A logging filter that replaces ``token=...`` and ``access_token=...`` in a record's message
    and arguments with ``token=[redacted]`` (for uvicorn's access log: a refused URL is still logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_URL.sub(r"\1[redacted]", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_URL.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def exposed_warning(settings: Settings) -> str | None:
    """What ``vbt serve`` prints about tokens when the server is exposed, else None."""
    if not settings.exposed:
        return None
    where = settings.host if not is_loopback(settings.host) else ", ".join(settings.allowed_hosts)
    needs = [
        what
        for what, needed in (("reads", settings.reads_need_token), ("writes", settings.writes_need_token))
        if needed
    ]
    if not needs:
        return f"vbt: reachable as {where}, and reads and writes are open to anyone who reaches it."
    return (
        f"vbt: reachable as {where}: {' and '.join(needs)} need a token; create one with "
        "`vbt token create NAME --scope read|write|admin` and send it as 'Authorization: Bearer "
        "<token>' (pages: sign in with it)."
    )
