"""What goes back to the society or district that sent a report: its outcome, why, what changed.

:func:`draft_status` is one submission's state, the editor's reason (a rejection, or a
forced accept), where it was printed, and the sentence diff between the machine draft
and the text that was published (or accepted, or last revised). :func:`org_feedback`
collects these for one organization since a date; :func:`feedback_markdown` renders
them as a note ready to send.
"""

from __future__ import annotations

from typing import Any

from drafter.brieftext import join_attribution, render_brief_txt
from drafter.profile import Profile
from drafter.schemas import Brief
from drafter.store.database import Store
from drafter.store.diff import diff_blocks, format_diff, sentence_diff
from drafter.store.feedback import parse_since
from drafter.store.notes import list_notes
from drafter.store.records import DraftRecord
from drafter.text.clock import local_time

__all__ = ["draft_status", "feedback_markdown", "issue_label", "org_feedback"]


def issue_label(store: Store, issue_id: int | None) -> str | None:
    """How a contributor names an issue: 2026年第12期（总第345期）."""
    if issue_id is None:
        return None
    from drafter.store.issues import get_issue

    record = get_issue(store, issue_id)
    return f"{record.year}年第{record.number}期（总第{record.total}期）"


def _attribution(brief: Brief | None) -> str | None:
    """How the text closes with the brief's attribution (as :func:`join_attribution` writes it)."""
    return join_attribution("", brief.attribution) if brief and brief.attribution else None


def _status(store: Store, d: DraftRecord) -> dict[str, Any]:
    reason = None
    for e in reversed(store.events(d.id)):
        if e.kind == "rejected" or (e.kind == "accepted" and e.detail.get("forced")):
            reason = e.detail.get("reason") or e.detail.get("why")
            break
        if e.kind == "draft_failed":
            reason = e.detail.get("reason")
            break
    final = d.current_brief
    final_text = render_brief_txt(final) if final is not None else None
    diff = sentence_diff(d.draft_text, final_text) if d.draft_text and final_text else []
    return {
        "draft_id": d.id,
        "org": d.org,
        "org_short": d.org_short,
        "kind": d.kind,
        "submitted_at": d.created_at,
        "status": d.display_status,
        "status_zh": d.status_zh,
        "headline": d.headline,
        "reason": reason,
        "issue": issue_label(store, d.published_issue_id),
        "edit_ratio": d.edit_ratio,
        "changed": any(op["op"] != "equal" for op in diff),
        "diff": diff,
        # The text as it reads (headline, paragraphs), the changes marked where they are.
        "blocks": (
            diff_blocks(d.draft_text or final_text, final_text, tail=_attribution(final))
            if final_text
            else []
        ),
        "drafted_text": d.draft_text,
        "final_text": final_text,
        "notes": [
            {"author": n.author, "created_at": n.created_at, "body": n.body}
            for n in list_notes(store, d.id, audience="contributor")
        ],
    }


def draft_status(store: Store, draft_id: int) -> dict[str, Any]:
    """One submission as its contributor sees it: state, reason, issue and the diff."""
    return _status(store, store.get_draft(draft_id))


def org_feedback(
    store: Store, org: str, *, since: str | None = None, profile: Profile | None = None
) -> dict[str, Any]:
    """Every submission of ``org`` (full or short name) since ``since``, with outcomes."""
    names = {org.strip()}
    if profile is not None:
        match = profile.resolve_org(org)
        if match is not None:
            names.add(match.short)
    drafts = [
        d
        for d in store.list_drafts(since=parse_since(since))
        if d.org in names or d.org_short in names
    ]
    items = [_status(store, d) for d in drafts]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    return {"org": org, "since": since, "counts": counts, "drafts": items}


def feedback_markdown(data: dict[str, Any]) -> str:
    """The feedback of :func:`org_feedback` as a Markdown note for the contributor."""
    since = f"（{data['since']} 以来）" if data.get("since") else ""
    lines = [f"# {data['org']} 报送稿件处理情况{since}", ""]
    if not data["drafts"]:
        lines.append("这段时间没有收到报送材料。")
    for item in data["drafts"]:
        lines.append(f"## {item['headline'] or '（未成稿）'}")
        lines.append("")
        lines.append(f"- 状态：{item['status_zh']}")
        if item["issue"]:
            lines.append(f"- 刊于：{item['issue']}")
        notes = [n["body"] for n in item.get("notes", [])]
        if item["reason"] and item["reason"] not in notes:
            lines.append(f"- 编辑意见：{item['reason']}")
        for n in item.get("notes", []):
            when = local_time(n["created_at"], fmt="%Y-%m-%d")  # the office's day
            lines.append(f"- 编辑说明（{n['author']}，{when}）：{n['body']}")
        changes = format_diff(item["diff"])
        if changes:
            lines.append("- 编辑改动（- 原稿，+ 改后）：")
            lines.extend(f"    {line}" for line in changes)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
