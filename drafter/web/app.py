"""The newsroom ASGI app: routes, templates, security headers and the error page.

:func:`create_app` builds a Starlette app over one store file. Pages are rendered on
the server (Jinja2, autoescape on) and work without JavaScript; assets are served from
the package, never from a CDN. Any unexpected exception becomes a Chinese error page
carrying an id that the server log carries with the traceback.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import drafter
from drafter.web import (
    views_admin,
    views_auth,
    views_collab,
    views_contrib,
    views_desk,
    views_editor,
    views_stats,
)
from drafter.web.templating import render

__all__ = ["SECURITY_HEADERS", "create_app"]

log = logging.getLogger("drafter.web")

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

MAX_UPLOAD = 2 * 1024 * 1024


class _Headers:
    """Outermost ASGI layer: the security headers on every response, errors included."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.lower().encode() not in present:  # a route may set its own CSP
                        headers.append((key.lower().encode(), value.encode()))
                if self.secure:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_STATUS_ZH = {
    400: "请求有误",
    403: "没有权限",
    404: "找不到页面",
    405: "不支持的操作",
    409: "操作冲突",
    413: "文件太大",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = _STATUS_ZH.get(exc.status_code, "请求未完成")
    detail = exc.detail if exc.detail and exc.detail[:1] > "\u2e80" else title
    return render(request, "error.html", exc.status_code, title=title, detail=detail, error_id=None)


async def _drafter_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, drafter.DrafterError)
    status = (
        404
        if isinstance(exc, drafter.NotFoundError)
        else 409
        if isinstance(exc, drafter.ConflictError | drafter.LockedError)
        else 400
    )
    hint = getattr(exc, "hint", None)
    return render(
        request,
        "error.html",
        status,
        title=_STATUS_ZH[status],
        detail=str(exc),
        hint=hint,
        error_id=None,
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    error_id = secrets.token_hex(6)
    log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return render(
        request,
        "error.html",
        500,
        title="服务器出错",
        detail="处理请求时出了错，已记录在服务器日志中。请稍后重试，或把错误编号告诉管理员。",
        error_id=error_id,
    )


def create_app(
    db: str | Path,
    *,
    profile: drafter.Profile | None = None,
    secure: bool = False,
    max_upload: int = MAX_UPLOAD,
    workers: int | None = None,
    worker_settings: drafter.WorkerSettings | None = None,
    outbox_interval: float = 5.0,
) -> ASGIApp:
    """The newsroom over the store at ``db``; ``secure`` marks cookies Secure (https).

    Submissions are drafted by workers: ``workers`` threads run in the app's lifespan
    with ``worker_settings`` (its model; ``None``: one thread on SQLite, none on
    PostgreSQL, where ``drafter worker`` processes do it; 0: none).
    """
    routes = [
        *views_auth.ROUTES,
        *views_contrib.ROUTES,
        *views_editor.ROUTES,
        *views_desk.ROUTES,
        *views_stats.ROUTES,
        *views_admin.ROUTES,
        *views_collab.ROUTES,
        Mount("/static", StaticFiles(packages=[("drafter.web", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=_lifespan,
        exception_handlers={
            HTTPException: _http_error,
            drafter.DrafterError: _drafter_error,
            Exception: _server_error,
        },
    )
    drafter.Store(db).close()  # create and migrate now, not on the first request
    app.state.db = str(db)
    app.state.profile = profile or drafter.load_profile()
    app.state.secure = secure
    app.state.max_upload = max_upload
    count = drafter.InProcessWorkers.default_jobs(db) if workers is None else workers
    settings = worker_settings or drafter.WorkerSettings(profile=app.state.profile)
    app.state.workers = drafter.InProcessWorkers(db, settings, jobs=count) if count else None
    # Notifications: collected from the event log and mailed (when SMTP is configured)
    # by a background thread, never inside a request.
    smtp = drafter.smtp_config(app.state.profile)
    app.state.outbox = drafter.OutboxSender(db, smtp, interval=outbox_interval)
    return _Headers(app, secure=secure)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """Start the in-process drafting workers with the server; stop them with it."""
    runner = app.state.workers
    if runner is not None:
        runner.start()
    app.state.outbox.start()
    try:
        yield
    finally:
        await run_in_threadpool(app.state.outbox.stop)
        if runner is not None:
            await run_in_threadpool(runner.stop)
