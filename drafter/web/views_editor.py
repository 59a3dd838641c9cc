"""Editor pages: the queue, the review page (source beside draft), edit, accept, reject."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.templating import render
from drafter.web.views_collab import poke, review_context
from drafter.web.views_contrib import KINDS

__all__ = ["ROUTES"]

EDITORS = ("editor", "admin")
STATES = {**drafter.STATUS_ZH, "published": "已刊发"}


def _int(value: str, default: int) -> int:
    try:
        return max(1, int(value))
    except ValueError:
        return default


@page(*EDITORS)
async def queue(ctx: Ctx) -> Response:
    """Drafts filtered by state, section, organization kind, organization and errors,
    sorted, 50 to a page; an unknown value falls back to its default."""
    q = ctx.request.query_params
    profile: drafter.Profile = ctx.request.app.state.profile
    sections = {"lead": "头条", **{s.key: s.toc_title for s in profile.ordered_sections()}}
    status = q.get("status", "drafted")
    status = status if status in STATES or status == "" else "drafted"
    kind = q.get("kind", "")
    kind = kind if kind in KINDS else ""
    section = q.get("section", "")
    section = section if section in sections else ""
    sort = q.get("sort", "oldest")
    sort = sort if sort in drafter.QUEUE_SORTS else "oldest"
    errors = q.get("errors", "")
    errors = errors if errors in ("yes", "no") else ""
    org = q.get("org", "").strip()[:200]
    result = await ctx.store(
        drafter.queue_page,
        status=status or None,
        kind=kind or None,
        org=org or None,
        has_errors={"yes": True, "no": False}.get(errors),
        section=section or None,
        profile=profile,
        sort=sort,
        page=_int(q.get("page", "1"), 1),
    )
    filters = {"status": status, "section": section, "kind": kind, "org": org, "errors": errors}
    return render(
        ctx.request,
        "queue.html",
        result=result,
        states=STATES,
        kinds=KINDS,
        sections=sections,
        sorts=drafter.QUEUE_SORTS,
        filters={**filters, "sort": sort},
    )


def _review_data(store: drafter.Store, draft_id: int, profile: drafter.Profile) -> dict[str, Any]:
    d = store.get_draft(draft_id)
    report = store.get_report(d.report_id).report
    brief = d.current_brief
    source, paragraphs = drafter.linked_facts(
        report.text, list(brief.paragraphs) if brief is not None else [], profile
    )
    return {
        "source_segments": source,
        "paragraph_segments": paragraphs,
        "draft": d,
        "report": report,
        "brief": brief,
        "brief_md": drafter.render_brief_md(brief) if brief is not None else "",
        "findings": d.current_findings,
        "events": store.events(draft_id),
        "revisions": [(r, drafter.format_diff(r.diff)) for r in store.revisions(draft_id)],
    }


@page(*EDITORS)
async def review(ctx: Ctx) -> Response:
    draft_id = int(ctx.request.path_params["draft_id"])
    profile = ctx.request.app.state.profile
    data = await ctx.store(_review_data, draft_id, profile)
    data |= await ctx.store(
        review_context, draft_id, profile, findings=data["findings"], me=ctx.account.name
    )
    return render(ctx.request, "review.html", states=STATES, kinds=KINDS, **data)


def _version(ctx: Ctx) -> int:
    try:
        return int(ctx.field("version"))
    except ValueError as exc:
        raise HTTPException(400, "表单缺少稿件版本号，请刷新页面后重试") from exc


def _back(draft_id: int) -> RedirectResponse:
    return RedirectResponse(f"/review/{draft_id}", status_code=303)


@page(*EDITORS)
async def edit(ctx: Ctx) -> Response:
    """Save the edited Markdown as a revision; lint and guard run again on it."""
    draft_id = int(ctx.request.path_params["draft_id"])
    await ctx.store(
        drafter.revise_text,
        draft_id,
        ctx.field("text"),
        profile=ctx.request.app.state.profile,
        expected_version=_version(ctx),
        source="web",
    )
    await ctx.store(drafter.heartbeat, draft_id, "")  # saved: nothing unsaved to keep
    return _back(draft_id)


@page(*EDITORS)
async def accept(ctx: Ctx) -> Response:
    """Accept; with errors left, only with an override reason."""
    draft_id = int(ctx.request.path_params["draft_id"])
    why = ctx.field("why").strip()
    await ctx.store(
        drafter.accept,
        draft_id,
        expected_version=_version(ctx),
        force=bool(why),
        why=why or None,
        profile=ctx.request.app.state.profile,
        note=ctx.field("note").strip() or None,
    )
    poke(ctx)
    return _back(draft_id)


@page(*EDITORS)
async def reject(ctx: Ctx) -> Response:
    draft_id = int(ctx.request.path_params["draft_id"])
    await ctx.store(drafter.reject, draft_id, ctx.field("why"), expected_version=_version(ctx))
    poke(ctx)
    return _back(draft_id)


@page(*EDITORS)
async def redraft(ctx: Ctx) -> Response:
    """Draft the stored report again, optionally with another organization, kind, date or model.

    The date is parsed by :func:`drafter.parse_user_date` (a bad one is a Chinese 400);
    the model defaults to the offline engine.
    """
    draft_id = int(ctx.request.path_params["draft_id"])
    org = ctx.field("org").strip() or None
    kind = ctx.field("kind").strip()
    if kind and kind not in KINDS:
        raise HTTPException(400, "未知的单位类型，请从列表中选择")
    date_text = ctx.field("date").strip()
    date = drafter.parse_user_date(date_text) if date_text else None
    model = ctx.field("model").strip()[:100] or "offline"
    result = await ctx.store(
        drafter.redraft,
        draft_id,
        profile=ctx.request.app.state.profile,
        model=model,
        org=org,
        kind=kind or None,
        date=date,
    )
    return _back(result.draft.id)


ROUTES = [
    Route("/queue", queue),
    Route("/review/{draft_id:int}", review),
    Route("/review/{draft_id:int}/edit", edit, methods=["POST"]),
    Route("/review/{draft_id:int}/accept", accept, methods=["POST"]),
    Route("/review/{draft_id:int}/reject", reject, methods=["POST"]),
    Route("/review/{draft_id:int}/redraft", redraft, methods=["POST"]),
]
