"""The issue desk: draft issues, briefs by section, leads, order, 目录提要, preview, publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.templating import render
from drafter.web.views_collab import publish_context

__all__ = ["ROUTES"]

EDITORS = ("editor", "admin")
LEAD = "lead"
DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
# The preview is the issue's own HTML render: its styles are inline, it has no script.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def _issue_id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["issue_id"])


def _draft_id(ctx: Ctx) -> int:
    try:
        return int(ctx.field("draft_id"))
    except ValueError as exc:
        raise HTTPException(400, "没有指定稿件") from exc


def _back(issue_id: int) -> RedirectResponse:
    return RedirectResponse(f"/issues/{issue_id}", status_code=303)


@page(*EDITORS)
async def issues(ctx: Ctx) -> Response:
    records = await ctx.store(drafter.list_issues)
    return render(ctx.request, "issues.html", issues=list(reversed(records)))


@page(*EDITORS)
async def issue_new(ctx: Ctx) -> Response:
    """A draft issue of every accepted brief that is in no issue yet."""
    record = await ctx.store(
        drafter.new_issue,
        profile=ctx.request.app.state.profile,
        date=dt.date.today(),
        editor=ctx.account.name,
    )
    return _back(record.id)


def _desk(store: drafter.Store, issue_id: int, profile: drafter.Profile) -> dict[str, Any]:
    record = drafter.get_issue(store, issue_id)
    briefs = {i: store.get_draft(i) for i in record.draft_ids}
    sections = [(LEAD, "头条")] + [(s.key, s.title) for s in profile.ordered_sections()]
    candidates = [a for a in store.accepted_unpublished() if a.draft_id not in record.draft_ids]
    toc: list[str] = []
    if record.draft_ids:
        issue = drafter.preview_issue(store, issue_id, profile=profile)
        toc = list(issue.toc) or drafter.toc_lines(issue, profile=profile)
    return {
        "record": record,
        "briefs": briefs,
        "sections": sections,
        "candidates": candidates,
        "toc": toc,
    }


@page(*EDITORS)
async def desk(ctx: Ctx) -> Response:
    data = await ctx.store(_desk, _issue_id(ctx), ctx.request.app.state.profile)
    data |= await ctx.store(publish_context, _issue_id(ctx), ctx.request.app.state.profile)
    return render(ctx.request, "desk.html", **data)


@page(*EDITORS)
async def desk_action(ctx: Ctx) -> Response:
    """One change to a draft issue: add, remove, lead, move, reorder, 目录提要 line."""
    issue_id = _issue_id(ctx)
    profile = ctx.request.app.state.profile
    action = ctx.request.path_params["action"]
    if action == "add":
        await ctx.store(drafter.add_briefs, issue_id, [_draft_id(ctx)], profile=profile)
    elif action == "remove":
        await ctx.store(drafter.remove_brief, issue_id, _draft_id(ctx))
    elif action == "lead":
        lead = ctx.field("lead", "1") == "1"
        await ctx.store(drafter.set_lead, issue_id, _draft_id(ctx), profile=profile, lead=lead)
    elif action == "move":
        section = ctx.field("section") or None
        position = int(ctx.field("position")) if ctx.field("position").isdigit() else None
        await ctx.store(
            drafter.place_brief,
            issue_id,
            _draft_id(ctx),
            profile=profile,
            section=section,
            position=position,
        )
    elif action == "toc":
        line = ctx.field("line")
        if not line.isdigit():
            raise HTTPException(400, "没有指定目录提要的行号")
        await ctx.store(
            drafter.set_toc_line, issue_id, int(line), ctx.field("text"), profile=profile
        )
    elif action == "publish":
        await ctx.store(drafter.publish_issue, issue_id, profile=profile)
    else:
        raise HTTPException(404, "没有这个操作")
    return _back(issue_id)


@page(*EDITORS)
async def preview(ctx: Ctx) -> Response:
    """The issue as it will print (the HTML render)."""
    profile = ctx.request.app.state.profile

    def work(store: drafter.Store) -> str:
        issue = drafter.preview_issue(store, _issue_id(ctx), profile=profile)
        html = drafter.render(issue, "html", profile=profile)
        return html if isinstance(html, str) else html.decode("utf-8")

    html = await ctx.store(work)
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP})


@page(*EDITORS)
async def download(ctx: Ctx) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in DOWNLOADS:
        raise HTTPException(404, "没有这种格式")
    profile = ctx.request.app.state.profile
    issue_id = _issue_id(ctx)

    def work(store: drafter.Store) -> bytes:
        issue = drafter.preview_issue(store, issue_id, profile=profile)
        data = drafter.render(issue, fmt, profile=profile)
        return data if isinstance(data, bytes) else data.encode("utf-8")

    data = await ctx.store(work)
    name = f"issue-{issue_id}.{fmt}"
    return Response(
        data,
        media_type=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/issues", issues),
    Route("/issues/new", issue_new, methods=["POST"]),
    Route("/issues/{issue_id:int}", desk),
    Route("/issues/{issue_id:int}/preview", preview),
    Route("/issues/{issue_id:int}/download.{fmt}", download),
    Route("/issues/{issue_id:int}/{action}", desk_action, methods=["POST"]),
]
