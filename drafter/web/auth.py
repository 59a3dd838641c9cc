"""The one place the newsroom checks who is asking: session cookie, role, CSRF token.

Every route is wrapped by :func:`page` with the roles it admits. A request without a
live session is sent to the login page (GET) or refused (POST); a role not admitted
gets 403; a POST whose form lacks the session's CSRF token gets 403. The store work of
a request runs in a worker thread acting as the account, so every event it writes
carries the account's name.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

import drafter

__all__ = ["COOKIE", "Ctx", "page", "run_store"]

COOKIE = "drafter_session"
T = TypeVar("T")


class Ctx:
    """What a route gets: the request, its session (or ``None``) and the parsed form."""

    def __init__(
        self, request: Request, session: drafter.LoginSession | None, form: FormData | None
    ) -> None:
        self.request = request
        self.session = session
        self.form = form

    @property
    def account(self) -> drafter.Account:
        assert self.session is not None
        return self.session.account

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    async def store(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, *args, **kwargs)`` in a worker thread, acting as the account."""
        actor = self.session.account.name if self.session else None
        return await run_store(self.request, fn, *args, actor=actor, **kwargs)


async def run_store(
    request: Request, fn: Callable[..., T], *args: Any, actor: str | None = None, **kwargs: Any
) -> T:
    """Open the app's store in a worker thread and run ``fn(store, …)`` there."""
    db = request.app.state.db

    def work() -> T:
        with drafter.Store(db) as store:
            if actor is None:
                return fn(store, *args, **kwargs)
            with drafter.acting_as(actor):
                return fn(store, *args, **kwargs)

    return await run_in_threadpool(work)


Handler = Callable[[Ctx], Awaitable[Response]]


def page(
    *roles: str, public: bool = False
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a route: require a session with one of ``roles`` (any role when empty)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            token = request.cookies.get(COOKIE, "")
            idle = drafter.session_limits(request.app.state.profile.collab.session_idle_minutes)[0]
            session = (
                await run_store(request, drafter.session_for, token, idle=idle) if token else None
            )
            request.state.session = session
            if session is not None and session.account.is_editor and request.method == "GET":
                # An editor whose lock was taken over hears of the kept copy on the next page.
                request.state.notices = await run_store(
                    request, drafter.kept_copies, holder=session.account.name, unseen=True
                )
            form = None
            if request.method == "POST":
                max_size = request.app.state.max_upload
                form = await request.form(max_part_size=max_size)
                sent = form.get("csrf")
                expected = (
                    session.csrf_token if session else request.cookies.get("drafter_csrf", "")
                )
                if (
                    not isinstance(sent, str)
                    or not expected
                    or not hmac.compare_digest(sent, expected)
                ):
                    raise HTTPException(
                        403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"
                    )
            if not public:
                if session is None:
                    if request.method == "GET":
                        nxt = quote(request.url.path)
                        return RedirectResponse(f"/login?next={nxt}", status_code=303)
                    raise HTTPException(403, "请先登录")
                if roles and session.account.role not in roles:
                    raise HTTPException(403, "你的账号没有权限访问此页面")
            return await handler(Ctx(request, session, form))

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap
