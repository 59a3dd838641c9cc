"""The admin's account page: list, add, disable, re-enable, change organizations, reset a password.

Administrators only. Every change is a call to the same library functions as
``drafter user …`` (:func:`drafter.add_account`, :func:`drafter.disable_account`,
:func:`drafter.enable_account`, :func:`drafter.set_orgs`, :func:`drafter.set_password`), so the rules (name form, password length, a contributor
needs an organization) and the event log are the library's; this module only reads the
form and shows the outcome. A result that carries a password shown once (a generated
one) is rendered directly rather than redirected, so it never sits in a URL.
"""

from __future__ import annotations

import secrets

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.templating import render

__all__ = ["ROUTES"]

ADMINS = ("admin",)
ROLES_ZH = {"contributor": "报送人", "editor": "编辑", "admin": "管理员"}


def _orgs(text: str) -> list[str]:
    """One organization a line (commas and 、 also separate), as typed."""
    for sep in (",", "，", "、", ";", "；"):
        text = text.replace(sep, "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _new_password() -> str:
    # 12 URL-safe characters: over the library's minimum, easy to read out on the phone.
    return secrets.token_urlsafe(9)


async def _page(
    ctx: Ctx,
    *,
    notice: str | None = None,
    shown_password: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    accounts = await ctx.store(drafter.list_accounts)
    return render(
        ctx.request,
        "admin_accounts.html",
        status,
        accounts=accounts,
        roles=ROLES_ZH,
        notice=notice,
        shown_password=shown_password,
        error=error,
        form=form or {},
    )


@page(*ADMINS)
async def accounts(ctx: Ctx) -> Response:
    """Every account: role, organizations, state; the forms to change them."""
    done = ctx.request.query_params.get("done", "")
    notice = {
        "disabled": "账号已停用，其所有登录已失效。",
        "enabled": "账号已重新启用，可用原密码登录。",
    }.get(done)
    return await _page(ctx, notice=notice)


@page(*ADMINS)
async def add(ctx: Ctx) -> Response:
    """A new account; a blank password field gets a generated one, shown once."""
    name = ctx.field("name").strip()
    role = ctx.field("role")
    orgs = _orgs(ctx.field("orgs"))
    typed = ctx.field("password")
    password = typed or _new_password()
    try:
        account = await ctx.store(drafter.add_account, name, password, role=role, orgs=orgs)
    except (drafter.InputError, drafter.ConflictError) as exc:
        message = str(exc)  # the message and its hint, as the CLI shows them
        form = {"name": name, "role": role, "orgs": "\n".join(orgs)}
        status = 409 if isinstance(exc, drafter.ConflictError) else 400
        return await _page(ctx, error=message, form=form, status=status)
    return await _page(
        ctx,
        notice=f"已新建账号 {account.name}（{account.role_zh}）。",
        shown_password=None if typed else f"{account.name} 的初始密码：{password}",
    )


def _name(ctx: Ctx) -> str:
    return str(ctx.request.path_params["name"])


@page(*ADMINS)
async def disable(ctx: Ctx) -> Response:
    name = _name(ctx)
    if name == ctx.account.name:
        raise HTTPException(400, "不能停用自己正在使用的管理员账号")
    await ctx.store(drafter.disable_account, name)
    return RedirectResponse("/admin/accounts?done=disabled", status_code=303)


@page(*ADMINS)
async def enable(ctx: Ctx) -> Response:
    await ctx.store(drafter.enable_account, _name(ctx))
    return RedirectResponse("/admin/accounts?done=enabled", status_code=303)


@page(*ADMINS)
async def orgs(ctx: Ctx) -> Response:
    """Replace a contributor's organizations (the library refuses none, or a non-contributor)."""
    name = _name(ctx)
    try:
        account = await ctx.store(drafter.set_orgs, name, _orgs(ctx.field("orgs")))
    except drafter.InputError as exc:
        return await _page(ctx, error=str(exc), status=400)
    return await _page(ctx, notice=f"{account.name} 的所属单位已改为：{'、'.join(account.orgs)}。")


@page(*ADMINS)
async def password(ctx: Ctx) -> Response:
    """Set a new password (typed, or generated and shown once); the account's sessions end."""
    name = _name(ctx)
    typed = ctx.field("password")
    new = typed or _new_password()
    try:
        await ctx.store(drafter.set_password, name, new)
    except drafter.InputError as exc:
        return await _page(ctx, error=str(exc), status=400)
    return await _page(
        ctx,
        notice=f"已为 {name} 设置新密码，其原有登录已失效。",
        shown_password=None if typed else f"{name} 的新密码：{new}",
    )


ROUTES = [
    Route("/admin/accounts", accounts),
    Route("/admin/accounts/new", add, methods=["POST"]),
    Route("/admin/accounts/{name}/disable", disable, methods=["POST"]),
    Route("/admin/accounts/{name}/enable", enable, methods=["POST"]),
    Route("/admin/accounts/{name}/orgs", orgs, methods=["POST"]),
    Route("/admin/accounts/{name}/password", password, methods=["POST"]),
]
