"""Contributor pages: paste or upload a report, preview the draft, submit, follow it up."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.templating import render

__all__ = ["ROUTES"]

KINDS = {
    "society": "学会",
    "district": "区科协",
    "grassroots": "基层组织",
    "department": "机关部门",
    "office": "办公室",
}


def _report_from_upload(data: bytes, profile: drafter.Profile, **meta: Any) -> drafter.Report:
    """The same ingest as the CLI; the type is decided by the content, never the name."""
    suffix = ".docx" if data[:4] == b"PK\x03\x04" else ".txt"
    if suffix == ".txt" and b"\x00" in data[:4096]:
        raise drafter.InputError("上传的文件不是文本或 Word 文档", hint="请上传 .txt、.md 或 .docx")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return drafter.load_report(path, profile=profile, **meta)


async def _report(ctx: Ctx) -> tuple[drafter.Report, bytes | None]:
    profile = ctx.request.app.state.profile
    org = ctx.field("org")
    if not org:
        raise drafter.InputError("请选择报送单位")
    if org not in ctx.account.orgs:
        raise HTTPException(403, "只能以你所属的单位报送")
    meta: dict[str, Any] = {"profile": profile, "org": org}
    kind = ctx.field("kind")
    if kind:
        meta["kind"] = drafter.parse_kind(kind)
    date = ctx.field("date").strip()
    if date:
        try:
            meta["date"] = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise drafter.InputError(f"日期格式不正确：{date}", hint="例如 2026-05-08") from exc
    upload = ctx.form.get("file") if ctx.form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        limit = ctx.request.app.state.max_upload
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"文件太大：上限 {limit // 1024 // 1024} MB")
        report = _report_from_upload(data, **meta)
        return report, data
    text = ctx.field("text")
    if not text.strip():
        raise drafter.InputError("请粘贴报送材料，或上传文件")
    return drafter.report_from_text(text, **meta), None


def _form(ctx: Ctx, **extra: Any) -> Response:
    return render(
        ctx.request,
        "submit.html",
        kinds=KINDS,
        orgs=ctx.account.orgs,
        values={k: ctx.field(k) for k in ("text", "org", "kind", "date")},
        **extra,
    )


@page("contributor")
async def submit_form(ctx: Ctx) -> Response:
    return _form(ctx)


@page("contributor")
async def submit_post(ctx: Ctx) -> Response:
    """``action=preview`` drafts with the offline engine and stores nothing; else submit."""
    report, original = await _report(ctx)
    profile = ctx.request.app.state.profile
    if ctx.field("action") == "preview":
        from starlette.concurrency import run_in_threadpool

        brief = await run_in_threadpool(drafter.draft, report, profile=profile, model="offline")
        return _form(ctx, preview=brief, preview_text=drafter.render_brief_txt(brief))
    # Stored and queued at once; a worker drafts it (the page shows the job's state).
    result = await ctx.store(
        drafter.submit_report, report, original=original, profile=profile, defer=True
    )
    workers = getattr(ctx.request.app.state, "workers", None)
    if workers is not None:
        workers.wake()
    return RedirectResponse(f"/mine/{result.draft.id}", status_code=303)


@page("contributor")
async def mine(ctx: Ctx) -> Response:
    """The account's organizations' submissions, newest first."""

    def load(store: drafter.Store) -> tuple[list[drafter.DraftRecord], dict[int, drafter.Job]]:
        drafts = [d for d in store.list_drafts() if ctx.account.may_see(d.org, d.org_short)]
        waiting = [d.id for d in drafts if d.status == "submitted"]
        return drafts, drafter.jobs_for_drafts(store, waiting)

    drafts, jobs = await ctx.store(load)
    return render(ctx.request, "mine.html", drafts=list(reversed(drafts)), jobs=jobs)


@page("contributor")
async def mine_one(ctx: Ctx) -> Response:
    draft_id = int(ctx.request.path_params["draft_id"])

    def load(store: drafter.Store) -> tuple[dict[str, Any], drafter.Job | None] | None:
        d = store.get_draft(draft_id)
        if not ctx.account.may_see(d.org, d.org_short):
            return None  # another organization's: as if it did not exist
        return drafter.draft_status(store, draft_id), drafter.job_for_draft(store, draft_id)

    found = await ctx.store(load)
    if found is None:
        raise HTTPException(404, "没有这篇稿件")
    item, job = found
    # While a worker has it, the page reloads itself (a meta refresh: no script needed).
    waiting = job is not None and job.state in ("queued", "running")
    return render(ctx.request, "mine_one.html", item=item, job=job, refresh=3 if waiting else None)


ROUTES = [
    Route("/submit", submit_form, methods=["GET"]),
    Route("/submit", submit_post, methods=["POST"]),
    Route("/mine", mine),
    Route("/mine/{draft_id:int}", mine_one),
]
