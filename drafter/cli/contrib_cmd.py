"""Commands about a submission's metadata and what goes back to its contributor:
``correct``, ``status`` and ``feedback``."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer

import drafter
from drafter.cli._app import (
    DbOpt,
    KindOpt,
    OrgOpt,
    ProfileOpt,
    TextOrJson,
    app,
    load_profile_opt,
    out,
    parse_kind_opt,
    write_file,
)

IdArg = Annotated[int, typer.Argument(help="稿件编号（见 drafter queue）。", min=1)]


class FeedbackFormat(enum.StrEnum):
    md = "md"
    json = "json"


@app.command("correct")
def correct_cmd(
    draft_id: IdArg,
    org: OrgOpt = None,
    kind: KindOpt = None,
    section: Annotated[
        str | None, typer.Option("--section", help="栏目键（如 societies、districts）。")
    ] = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """更正稿件的报送单位、单位类型或栏目（不重新起草；记入处理记录）。"""
    prof = load_profile_opt(profile)
    with drafter.Store.open(db) as store:
        d = drafter.correct_draft(
            store, draft_id, profile=prof, org=org, kind=parse_kind_opt(kind), section=section
        )
    brief = d.current_brief
    where = f"，栏目 {brief.section}" if brief is not None else ""
    out(
        f"已更正稿件 {d.id}：单位 {d.org or '（未知）'}（{d.org_short or '无署名'}），类型 {d.kind}{where}"
    )


def _status_lines(item: dict[str, Any]) -> list[str]:
    lines = [
        f"稿件 {item['draft_id']}：{item['org_short'] or item['org'] or '（未知单位）'}｜"
        f"{item['headline'] or '（未成稿）'}",
        f"状态：{item['status_zh']}" + (f"，刊于 {item['issue']}" if item["issue"] else ""),
    ]
    notes = item.get("notes", [])
    if item["reason"] and item["reason"] not in [n["body"] for n in notes]:
        lines.append(f"编辑意见：{item['reason']}")
    for n in notes:
        lines.append(f"编辑说明（{n['author']}，{n['created_at'][:16].replace('T', ' ')}）：{n['body']}")
    changes = drafter.format_diff(item["diff"])
    if changes:
        lines.append("编辑改动（- 机器草稿，+ 定稿）：")
        lines.extend(f"  {line}" for line in changes)
    elif item["final_text"]:
        lines.append("编辑未改动草稿。")
    return lines


@app.command("status")
def status_cmd(
    draft_id: IdArg,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="输出格式。")] = TextOrJson.text,
    db: DbOpt = None,
) -> None:
    """报送单位查询一份稿件：状态、编辑意见、刊发期号，以及草稿与定稿的逐句差异。"""
    with drafter.Store.open(db, create=False) as store:
        item = drafter.draft_status(store, draft_id)
    if fmt is TextOrJson.json:
        out(json.dumps(item, ensure_ascii=False, indent=2))
        return
    for line in _status_lines(item):
        out(line)


@app.command("feedback")
def feedback_cmd(
    org: Annotated[str, typer.Option("--org", help="报送单位（全称或署名简称）。")],
    since: Annotated[
        str | None, typer.Option("--since", help="只看该日期（含）之后提交的，如 2026-06-15。")
    ] = None,
    fmt: Annotated[
        FeedbackFormat, typer.Option("--format", help="md 为可直接发送的说明，json 为数据。")
    ] = FeedbackFormat.md,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="写到文件；缺省输出到屏幕。")
    ] = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """给报送单位的反馈：这段时间每篇稿件的结果、编辑意见和改动。"""
    prof = load_profile_opt(profile)
    with drafter.Store.open(db, create=False) as store:
        data = drafter.org_feedback(store, org, since=since, profile=prof)
    text = (
        json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if fmt is FeedbackFormat.json
        else drafter.feedback_markdown(data)
    )
    if out_path is not None:
        write_file(out_path, text)
        return
    out(text.rstrip("\n"))
