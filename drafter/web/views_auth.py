"""Logging in and out, and the home page that sends each role to its desk."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import COOKIE, Ctx, page, run_store
from drafter.web.templating import render

__all__ = ["ROUTES"]

_CSRF_COOKIE = "drafter_csrf"


def _safe_next(target: str) -> str:
    # Only a path on this site: never an open redirect to another host.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = request.cookies.get(_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status,
        csrf=token,
        error=error,
        next=_safe_next(request.query_params.get("next", "/")),
    )
    response.set_cookie(
        _CSRF_COOKIE, token, httponly=True, samesite="lax", secure=request.app.state.secure
    )
    return response


@page(public=True)
async def login_form(ctx: Ctx) -> Response:
    """The login form (its CSRF token is a double-submit cookie: there is no session yet)."""
    return _login_page(ctx.request)


@page(public=True)
async def login(ctx: Ctx) -> Response:
    name = ctx.field("name").strip()
    password = ctx.field("password")
    try:
        account = await ctx.store(drafter.authenticate, name, password)
    except drafter.InputError as exc:  # throttled
        return _login_page(ctx.request, error=str(exc), status=429)
    if account is None:
        return _login_page(ctx.request, error="账号或密码不正确", status=401)
    old = ctx.request.cookies.get(COOKIE, "")
    if old:  # a new session id at every login: whatever id was there before is ended
        await run_store(ctx.request, drafter.end_session, old, actor=account.name)
    collab = ctx.request.app.state.profile.collab
    ttl = drafter.session_limits(collab.session_idle_minutes, collab.session_max_hours)[1]
    token, _session = await run_store(
        ctx.request, drafter.open_session, account, ttl=ttl, actor=account.name
    )
    response = RedirectResponse(_safe_next(ctx.field("next", "/")), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.request.app.state.secure,
    )
    response.delete_cookie(_CSRF_COOKIE)
    return response


@page()
async def logout(ctx: Ctx) -> Response:
    await ctx.store(drafter.end_session, ctx.request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@page()
async def home(ctx: Ctx) -> Response:
    """Editors start at the queue, contributors at the submit page."""
    return RedirectResponse("/queue" if ctx.account.is_editor else "/submit", status_code=303)


ROUTES = [
    Route("/", home),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
