"""What every response carries and what every request may weigh.

Scraped text is hostile, so the pages never run a script they did not ship:
the Content-Security-Policy allows scripts and styles from our own origin
only (no inline code, no `javascript:` URLs, no plugins, no framing). Request
bodies are capped before they are read: by Content-Length when it is sent,
and by counting the bytes as they arrive when it is not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsgraph.read import MAX_INPUT_BYTES

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
# An uploaded file may be as large as any input (20 MB), plus the multipart framing.
UPLOAD_BYTES = MAX_INPUT_BYTES + 256 * 1024
# Every other request body (forms, pasted text) stays far below this.
BODY_BYTES = 2 * 1024 * 1024
# Pasted text is extracted while the browser waits: about a long feature article, times ten.
TEXT_CHARS = 200_000
UPLOAD_PATHS = ("/api/ingest", "/ingest")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class BodyTooLarge(HTTPException):
    """413: the request body is over its limit (raised while it is read, so FastAPI keeps it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the {_megabytes(limit)} limit; "
                              "send a smaller file, or split it")


def text_too_long(length: int) -> HTTPException:
    return HTTPException(413, f"the text has {length:,} characters, more than the "
                              f"{TEXT_CHARS:,} that can be pasted; upload it as a file instead")


def body_limit(path: str) -> int:
    return UPLOAD_BYTES if path in UPLOAD_PATHS else BODY_BYTES


class SecurityHeaders:
    """Adds the CSP and friends to every response, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.encode(), v.encode()) for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.raw if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `limit_for(path)` bytes with a 413 that says the limit."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int] = body_limit) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, BodyTooLarge(limit))
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, error: HTTPException) -> None:
    body = json.dumps({"detail": error.detail}).encode()
    await send({"type": "http.response.start", "status": error.status_code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class JsonSuffix:
    """`/entities/7.json` is `/entities/7` asked for as JSON: every page answers both ways."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (scope["type"] == "http" and path.endswith(".json")
                and not path.startswith(("/api/", "/static/"))):
            stripped = path[:-len(".json")]
            stripped = "/" if stripped in ("", "/", "/index") else stripped
            raw: bytes = scope.get("raw_path") or path.encode()
            raw = raw.removesuffix(b".json") if stripped != "/" else b"/"
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept"]
            scope = {**scope, "path": stripped, "raw_path": raw,
                     "headers": [*headers, (b"accept", b"application/json")]}
        await self.app(scope, receive, send)


def wants_json(headers: Any) -> bool:
    """JSON when the client asks for it and does not also take HTML (browsers do)."""
    accept = headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
