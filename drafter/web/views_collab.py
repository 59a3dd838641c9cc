"""Working together: edit locks and takeovers, notes, kept copies, the notifications page.

The review page takes the draft's lock (:func:`review_context`, called by
``views_editor.review``); the browser's script reports the editor's unsaved text with a
heartbeat and when leaving the page, so a takeover keeps it as a copy the editor is
told about. Without the script the lock lapses after the idle time and the last saved
text stands.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.templating import render

__all__ = ["ROUTES", "publish_context", "review_context"]

EDITORS = ("editor", "admin")
MAX_TEXT = 200_000
AUDIENCES = {"internal": "内部备注（仅编辑可见）", "contributor": "给报送人的说明"}


def review_context(
    store: drafter.Store, draft_id: int, profile: drafter.Profile, *, findings: list[Any], me: str
) -> dict[str, Any]:
    """What the review page adds: the lock (taken if free), notes, checklist, recipients."""
    lock = drafter.open_for_edit(store, draft_id, holder=me, idle=drafter.lock_idle(profile))
    d = store.get_draft(draft_id)
    revised = d.revision is not None
    told = any(
        n.audience == "contributor"
        and (d.revision is None or n.created_at >= d.revision.created_at)
        for n in drafter.list_notes(store, draft_id)
    )
    return {
        "lock": lock,
        "lock_label": lock.label(profile.timezone),
        "lock_mine": lock.holder == me,
        "notes": drafter.list_notes(store, draft_id),
        "audiences": AUDIENCES,
        "checklist": drafter.checklist(
            profile, "accept", d.current_brief, findings, revised=revised, note=told
        ),
        "needs_note": revised
        and not told
        and "changes_have_note" in profile.transitions.get("accept", []),
        "notify": {
            "accept": drafter.notify_recipients(
                store, draft_id, "changed" if revised else "accepted"
            ),
            "reject": drafter.notify_recipients(store, draft_id, "rejected"),
        },
        "copies": drafter.kept_copies(store, draft_id=draft_id, holder=me),
    }


def publish_context(
    store: drafter.Store, issue_id: int, profile: drafter.Profile
) -> dict[str, Any]:
    """The issue page's publish checklist (per brief, failures first) and who is told."""
    record = drafter.get_issue(store, issue_id)
    rows: list[tuple[int, str, list[drafter.CheckItem]]] = []
    told: list[str] = []
    for draft_id in record.draft_ids:
        d = store.get_draft(draft_id)
        accepted = [e for e in store.events(draft_id) if e.kind == "accepted"]
        forced = (
            accepted[-1].detail.get("why")
            if accepted and accepted[-1].detail.get("forced")
            else None
        )
        items = drafter.checklist(
            profile, "publish", d.current_brief, d.current_findings, reason=forced
        )
        rows.append((draft_id, d.headline or "", items))
        told += drafter.notify_recipients(store, draft_id, "published")
    rows.sort(key=lambda r: all(i.ok for i in r[2]))
    return {"publish_checks": rows, "publish_notify": sorted(set(told))}


def _draft_id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["draft_id"])


@page(*EDITORS)
async def heartbeat(ctx: Ctx) -> Response:
    """The editor is still on the page; ``text`` is what they have typed but not saved.

    ``leaving`` without text (the page closed with nothing unsaved) gives the lock back.
    """
    text = ctx.field("text", "") if ctx.form is not None and "text" in ctx.form else None
    if text is not None and len(text) > MAX_TEXT:
        raise HTTPException(413, "文字太长")
    if ctx.field("leaving") and not text:  # left with nothing unsaved: free the draft
        await ctx.store(drafter.release_lock, _draft_id(ctx))
        return JSONResponse({"holder": False})
    mine = await ctx.store(drafter.heartbeat, _draft_id(ctx), text)
    return JSONResponse({"holder": mine})


@page(*EDITORS)
async def takeover(ctx: Ctx) -> Response:
    """Take the lock from its holder; their unsaved text is kept and they are told."""
    draft_id = _draft_id(ctx)
    await ctx.store(drafter.take_over, draft_id)
    poke(ctx)
    return RedirectResponse(f"/review/{draft_id}", status_code=303)


@page(*EDITORS)
async def note(ctx: Ctx) -> Response:
    draft_id = _draft_id(ctx)
    audience = ctx.field("audience")
    if audience not in AUDIENCES:
        raise HTTPException(400, "请选择备注类型")
    await ctx.store(drafter.add_note, draft_id, ctx.field("body"), audience=audience)
    return RedirectResponse(f"/review/{draft_id}#notes", status_code=303)


@page(*EDITORS)
async def copy(ctx: Ctx) -> Response:
    """One of my kept copies; reading it clears its notice."""
    copy_id = int(ctx.request.path_params["copy_id"])
    name = ctx.account.name
    copies = await ctx.store(drafter.kept_copies, holder=name)
    found = next((c for c in copies if c.id == copy_id), None)
    if found is None:
        raise HTTPException(404, "没有这份副本")
    await ctx.store(drafter.mark_copy_seen, copy_id, holder=name)
    return render(ctx.request, "copy.html", copy=found)


@page()
async def notifications(ctx: Ctx) -> Response:
    """Messages to me; editors also see the whole outbox (what SMTP sent or would send)."""
    me = ctx.account.name
    mine = await ctx.store(drafter.outbox_messages, recipient=me)
    everyone = await ctx.store(drafter.outbox_messages) if ctx.account.is_editor else []
    smtp = drafter.smtp_config(ctx.request.app.state.profile) is not None
    return render(ctx.request, "notifications.html", mine=mine, everyone=everyone, smtp=smtp)


def poke(ctx: Ctx) -> None:
    """Ask the background sender for a round now (it never runs in the request)."""
    sender = getattr(ctx.request.app.state, "outbox", None)
    if sender is not None:
        sender.poke()


ROUTES = [
    Route("/review/{draft_id:int}/heartbeat", heartbeat, methods=["POST"]),
    Route("/review/{draft_id:int}/takeover", takeover, methods=["POST"]),
    Route("/review/{draft_id:int}/note", note, methods=["POST"]),
    Route("/copies/{copy_id:int}", copy),
    Route("/notifications", notifications),
]
