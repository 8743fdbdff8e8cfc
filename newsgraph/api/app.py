"""The app: API routes, web pages, static files, limits and security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from newsgraph import __version__
from newsgraph.api import limits, routes
from newsgraph.api.jobs import Jobs
from newsgraph.api.stores import Stores
from newsgraph.errors import NewsgraphError
from newsgraph.graph.queries import NotFound, TooBroad
from newsgraph.web import pages
from newsgraph.web.render import STATIC, error_page


def create_app(db: str | None = None) -> FastAPI:
    """The web app over the graph at `db` (a SQLite path or a store URL; default as the CLI).

    The store is opened here, so a bad `db` fails now with a StoreError rather
    than on the first request.
    """
    stores = Stores(db)
    stores.get()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.jobs.shutdown()
        stores.close()

    app = FastAPI(title="newsgraph", version=__version__, lifespan=lifespan,
                  description="Business news as a temporal knowledge graph: entities, typed "
                              "facts with lifecycle status and certainty, their evidence.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.stores = stores
    app.state.jobs = Jobs(stores)
    app.include_router(routes.router)
    app.include_router(pages.router)
    # StaticFiles serves files under this one folder only (no ../, no symlinks out).
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handle_errors(app)
    app.add_middleware(limits.BodyLimit)
    app.add_middleware(limits.JsonSuffix)
    app.add_middleware(limits.SecurityHeaders)  # last added runs first: on every response
    return app


def _handle_errors(app: FastAPI) -> None:
    statuses: list[tuple[type[Exception], int]] = [
        (NotFound, 404), (TooBroad, 400), (ValueError, 400),
        (NewsgraphError, 400)]
    for error_type, status in statuses:
        app.add_exception_handler(error_type, _handler(status))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _problem(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _is_api(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return error_page(request, 422, "; ".join(_describe(e) for e in exc.errors()))

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def _handler(status: int) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        return _problem(request, status, str(exc))
    return handle


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or limits.wants_json(request.headers)


def _problem(request: Request, status: int, message: str,
             headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return error_page(request, status, message)


def _plain(errors: Any) -> list[dict[str, Any]]:
    """Validation errors as FastAPI documents them, minus inputs that may not be JSON."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
             "type": str(e.get("type", ""))} for e in errors]


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
    return f"{where}: {error.get('msg', 'invalid')}"
