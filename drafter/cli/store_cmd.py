"""Commands of the editorial workflow: submit, queue, show, accept, reject, redraft,
log, revise, stats, export-evals. Each opens the store, calls :mod:`drafter.store.workflow`
or :mod:`drafter.store.feedback`, and renders the result.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import drafter
from drafter.cli._app import (
    DbOpt,
    KindOpt,
    OrgOpt,
    ProfileOpt,
    TextOrJson,
    app,
    err,
    load_profile_opt,
    out,
    parse_date_opt,
    parse_kind_opt,
    say_notified,
    store_app,
)

if TYPE_CHECKING:
    from drafter import DraftRecord, Finding, Store


class StatusChoice(enum.StrEnum):
    pending = "pending"
    submitted = "submitted"
    failed = "failed"
    drafted = "drafted"
    revised = "revised"
    accepted = "accepted"
    rejected = "rejected"
    all = "all"


IdArg = Annotated[int, typer.Argument(help="稿件编号（见 drafter queue）。", min=1)]
FormatOpt = Annotated[TextOrJson, typer.Option("--format", help="输出格式：text 或 json。")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="起草用的模型名；offline 为离线引擎。")
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="当前文本有错误也通过（须用 --why 说明理由，记入处理记录）。"),
]
WhyOpt = Annotated[str | None, typer.Option("--why", help="理由（--force 时必填）。")]
ReceivedOpt = Annotated[
    str | None,
    typer.Option("--date", help="收稿日期（如 2026-06-16），用于换算材料中的“昨天”“上周五”。"),
]


def _open(db: Path | None, *, create: bool = True) -> Store:
    """The store; ``create=False`` for commands that only read (a mistyped --db is an error)."""
    return drafter.Store.open(db, create=create)


def _dump(data: Any) -> None:
    out(json.dumps(data, ensure_ascii=False, indent=2))


def _summary(d: DraftRecord) -> str:
    org = d.org_short or d.org or "（未知单位）"
    headline = d.headline or "（无草稿）"
    return (
        f"{org}｜{headline}｜错误 {d.current_errors} 个、警告 {d.current_warnings} 个｜"
        f"{d.status_zh}｜稿件编号 {d.id}"
    )


def _finding_line(f: Finding) -> str:
    where = ""
    if f.location is not None:
        where = "标题" if f.location.paragraph == -1 else f"第{f.location.paragraph + 1}段"
    level = drafter.SEVERITY_ZH[f.severity]
    excerpt = f"：“{f.excerpt}”" if f.excerpt else ""
    return f"  [{level}] {f.rule} {where} {f.message}{excerpt}".rstrip()


@app.command("submit")
def submit_cmd(
    file: Annotated[str, typer.Argument(help="报送材料文件（.txt/.md/.docx），- 表示标准输入。")],
    org: OrgOpt = None,
    kind: KindOpt = None,
    date: ReceivedOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
    queue: Annotated[
        bool,
        typer.Option("--queue", help="只保存并排队，由 drafter worker（或网站进程）在后台起草。"),
    ] = False,
) -> None:
    """保存一份报送材料（先落库），再起草；输出一行摘要，以稿件编号结尾。"""
    prof = load_profile_opt(profile)
    org_kind = parse_kind_opt(kind)
    received = parse_date_opt(date)
    with _open(db) as store:
        result = drafter.submit(
            store,
            file,
            profile=prof,
            org=org,
            kind=org_kind,
            date=received,
            model=model,
            defer=queue,
        )
    if result.earlier:
        earlier = "、".join(str(i) for i in result.earlier)
        err(f"注意：同样内容的材料此前已提交过（稿件 {earlier}），请确认不是重复报送")
    if queue:
        err("已排队：由 drafter worker（或网站进程）起草；用 drafter jobs 查看进度")
    if result.error is not None:
        err(f"起草失败：{result.error.message}")
        err(f"提示：材料已保存，稍后可用 drafter redraft {result.draft.id} 重新起草")
        out(_summary(result.draft))
        raise typer.Exit(drafter.exit_code_for(result.error))
    out(_summary(result.draft))


@app.command("queue")
def queue_cmd(
    status: Annotated[
        StatusChoice,
        typer.Option("--status", help="只看某种状态；pending 为尚未采用或退回的稿件。"),
    ] = StatusChoice.pending,
    fmt: FormatOpt = TextOrJson.text,
    db: DbOpt = None,
) -> None:
    """列出待处理的稿件：状态、单位、标题、错误与警告数。"""
    statuses: list[str] | None
    if status is StatusChoice.pending:
        statuses = list(drafter.UNDECIDED)
    elif status is StatusChoice.all:
        statuses = None
    else:
        statuses = [status.value]
    with _open(db, create=False) as store:
        drafts = store.list_drafts(statuses)
    rows = [
        {
            "draft_id": d.id,
            "status": d.display_status,
            "org": d.org_short or d.org,
            "org_kind": d.kind,
            "headline": d.headline,
            "revision": d.revision.number if d.revision else None,
            "error_count": d.current_errors,
            "warning_count": d.current_warnings,
            "findings": [f.model_dump(mode="json") for f in d.current_findings],
            "failure": d.failure,
            "version": d.version,
            "updated_at": d.updated_at,
        }
        for d in drafts
    ]
    if fmt is TextOrJson.json:
        _dump(rows)
        return
    if not drafts:
        out("没有符合条件的稿件。")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("编号", "状态", "单位", "标题", "错误", "警告")
    for d in drafts:
        table.add_row(
            str(d.id),
            d.status_zh,
            d.org_short or d.org or "",
            d.headline or (d.failure or ""),
            str(d.current_errors),
            str(d.current_warnings),
        )
    Console(soft_wrap=True).print(table)


@app.command("show")
def show_cmd(draft_id: IdArg, fmt: FormatOpt = TextOrJson.text, db: DbOpt = None) -> None:
    """左右对照显示报送材料与当前稿件（有修改时为最后一次修改稿），标出检查发现的问题。"""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    with _open(db, create=False) as store:
        d = store.get_draft(draft_id)
        report = store.get_report(d.report_id).report
        revisions = store.revisions(draft_id)
        forced = [e for e in store.events(draft_id) if e.detail.get("forced")]
    brief = d.current_brief
    findings = d.current_findings
    if fmt is TextOrJson.json:
        _dump(
            {
                "draft_id": d.id,
                "status": d.display_status,
                "version": d.version,
                "revision": d.revision.number if d.revision else None,
                "org": d.org_short or d.org,
                "headline": d.headline,
                "text": drafter.brief_text(brief) if brief else None,
                "findings": [f.model_dump(mode="json") for f in findings],
                "forced": [{"actor": e.actor, **e.detail} for e in forced],
                "report": report.text,
            }
        )
        return
    draft_view = Text(
        drafter.brief_text(brief) if brief else d.failure or "（尚无草稿）", overflow="fold"
    )
    for f in findings:
        if f.excerpt:
            style = "bold red" if f.severity == "error" else "yellow"
            draft_view.highlight_words([f.excerpt], style=style)
    title = "编辑修改稿" if revisions else "机器草稿"
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(
        Panel(
            Text(
                f"{report.title}\n\n{report.text}" if report.title else report.text, overflow="fold"
            ),
            title=f"报送材料（{report.org or '未知单位'}）",
        ),
        Panel(draft_view, title=f"{title}（{d.status_zh}，版本 {d.version}）"),
    )
    console = Console(soft_wrap=False)
    console.print(f"稿件 {d.id}：{d.org_short or d.org or ''} {d.kind}")
    console.print(grid)
    if findings:
        console.print(Text("检查发现：", style="bold"))
        for f in findings:
            console.print(
                Text(_finding_line(f), style="red" if f.severity == "error" else "yellow")
            )
    else:
        console.print("检查未发现问题。")
    for e in forced:
        console.print(Text(_forced_note(e.detail, e.actor), style="bold yellow"))


def _forced_note(detail: dict[str, Any], actor: str | None) -> str:
    n = len(detail.get("overridden") or [])
    who = f"{actor} " if actor else ""
    return f"{who}强制采用（越过 {n} 处错误），理由：{detail.get('why')}"


@app.command("accept")
def accept_cmd(
    draft_id: IdArg,
    version: Annotated[
        int | None,
        typer.Option("--version", help="只在稿件仍是这个版本时采用（防止覆盖他人的改动）。"),
    ] = None,
    force: ForceOpt = False,
    why: WhyOpt = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="给报送人的说明（采用修改稿时必填，随通知发给报送人）。"),
    ] = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """采用稿件（有修改时采用最后一次修改稿）；当前文本有错误时拒绝，列出错误。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        d = drafter.accept(
            store,
            draft_id,
            expected_version=version,
            force=force,
            why=why,
            profile=prof,
            note=note,
        )
        forced = f"，强制采用，理由：{d_why}" if (d_why := (why or "").strip()) and force else ""
        out(f"已采用稿件 {d.id}（编辑比例 {d.edit_ratio or 0:.3f}{forced}）。")
        say_notified(store, [d.id], "accepted")


@app.command("reject")
def reject_cmd(
    draft_id: IdArg,
    why: Annotated[str, typer.Option("--why", help="退回理由（必填）。")],
    db: DbOpt = None,
) -> None:
    """退回稿件，并记录理由。"""
    with _open(db) as store:
        d = drafter.reject(store, draft_id, why)
        out(f"已退回稿件 {d.id}：{why.strip()}")
        say_notified(store, [d.id], "rejected")


@app.command("redraft")
def redraft_cmd(
    draft_id: IdArg,
    org: OrgOpt = None,
    kind: KindOpt = None,
    date: ReceivedOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """重新起草一份稿件（起草失败、中断后，换一个模型，或更正单位、类型、收稿日期后）。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        result = drafter.redraft(
            store,
            draft_id,
            profile=prof,
            model=model,
            org=org,
            kind=parse_kind_opt(kind),
            date=parse_date_opt(date),
        )
    out(_summary(result.draft))
    if result.error is not None:
        err(f"起草失败：{result.error.message}")
        raise typer.Exit(drafter.exit_code_for(result.error))


def _correction(detail: dict[str, Any]) -> str:
    names = {"org": "单位", "org_short": "署名", "kind": "类型", "received": "收稿日期"}
    names["section"] = "栏目"
    return "，".join(
        f"{names.get(k, k)} {v['before'] or '（无）'} → {v['after'] or '（无）'}"
        for k, v in detail.get("changes", {}).items()
    )


@app.command("log")
def log_cmd(draft_id: IdArg, fmt: FormatOpt = TextOrJson.text, db: DbOpt = None) -> None:
    """显示一份稿件的全部处理记录，含每次修改的逐句差异。"""
    with _open(db, create=False) as store:
        d = store.get_draft(draft_id)
        events = store.events(draft_id)
        revisions = {r.number: r for r in store.revisions(draft_id)}
    if fmt is TextOrJson.json:
        _dump(
            {
                "draft_id": d.id,
                "status": d.display_status,
                "version": d.version,
                "events": [
                    {"at": e.created_at, "event": e.kind, "actor": e.actor, "detail": e.detail}
                    for e in events
                ],
                "revisions": [
                    {"number": r.number, "edit_ratio": r.edit_ratio, "diff": r.diff}
                    for r in revisions.values()
                ],
            }
        )
        return
    out(f"稿件 {d.id}（{d.status_zh}，版本 {d.version}）")
    for e in events:
        note = ""
        if e.kind in ("draft_failed", "rejected"):
            note = f"：{e.detail.get('reason')}"
        elif e.kind in ("drafted", "redrafted"):
            note = f"：{e.detail.get('engine')} 错误 {e.detail.get('errors')} 警告 {e.detail.get('warnings')}"
        elif e.kind == "accepted":
            note = f"：编辑比例 {e.detail.get('edit_ratio') or 0:.3f}"
            if e.detail.get("forced"):
                note += f"；{_forced_note(e.detail, None)}"
        elif e.kind == "corrected":
            note = f"：{_correction(e.detail)}"
        elif e.kind == "published":
            note = f"：{e.detail.get('year')}年第{e.detail.get('number')}期"
        out(f"{e.created_at}  {e.actor or ''}  {e.kind_zh}{note}")
        if e.kind == "revised":
            rev = revisions.get(int(e.detail.get("revision", 0)))
            if rev is not None:
                out(f"    第{rev.number}次修改，编辑比例 {rev.edit_ratio:.3f}")
                for line in drafter.format_diff(rev.diff):
                    out(f"    {line}")


@app.command("revise")
def revise_cmd(draft_id: IdArg, db: DbOpt = None, profile: ProfileOpt = None) -> None:
    """用 $VISUAL / $EDITOR 修改稿件；保存后检查并记录逐句差异。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        result = drafter.revise(store, draft_id, profile=prof)
    if result.outcome == "empty":
        out("文件为空，未保存任何内容。")
        return
    if result.outcome == "unchanged":
        out("文件未作修改，未保存任何内容。")
        return
    rev = result.revision
    assert rev is not None
    changed = sum(1 for op in rev.diff if op["op"] != "equal")
    out(
        f"已保存稿件 {draft_id} 的第{rev.number}次修改：改动 {changed} 处，编辑比例 {rev.edit_ratio:.3f}。"
    )
    for f in result.findings:
        out(_finding_line(f))


@app.command("stats")
def stats_cmd(
    since: Annotated[
        str | None,
        typer.Option("--since", help="只统计该日期（含）之后提交的稿件，如 2026-05-01。"),
    ] = None,
    fmt: FormatOpt = TextOrJson.text,
    db: DbOpt = None,
) -> None:
    """编辑工作量统计：采用率、编辑比例（按引擎/模型/提示词版本、按单位类型）、手工修正最多的问题。"""
    with _open(db, create=False) as store:
        data = drafter.stats(store, since=since)
    if fmt is TextOrJson.json:
        _dump(data)
        return
    rate = data["acceptance_rate"]
    out(
        f"提交 {data['submitted']}，采用 {data['accepted']}（原样采用 {data['accepted_unchanged']}），"
        f"修改 {data['revised']}，退回 {data['rejected']}，待处理 {data['pending']}，"
        f"起草失败 {data['draft_failed']}"
    )
    out(f"采用率：{'—' if rate is None else f'{rate:.1%}'}")
    for row in data["pending_with_errors"]:
        out(
            f"待处理且当前文本有错误：稿件 {row['draft_id']}“{row['headline']}”{row['error_count']} 处"
        )

    def ratio(group: dict[str, Any]) -> str:
        if group["edit_ratio_mean"] is None:
            return "—"
        return f"平均 {group['edit_ratio_mean']:.3f}，中位 {group['edit_ratio_median']:.3f}（{group['drafts']} 篇）"

    out(f"编辑比例：{ratio(data['edit_ratio'])}")
    for g in data["edit_ratio_by_model"]:
        prompt = f" {g['prompt_id']}@{g['prompt_version']}" if g["prompt_id"] else ""
        out(f"  {g['engine']} {g['model'] or ''}{prompt}：{ratio(g)}")
    for g in data["edit_ratio_by_org_kind"]:
        out(f"  单位类型 {g['org_kind']}：{ratio(g)}")
    for key, title in (
        ("lint_rules_fixed_by_hand", "编辑手工修正最多的版式问题"),
        ("guard_findings_fixed_by_hand", "编辑手工修正最多的事实问题"),
    ):
        if data[key]:
            out(
                title
                + "："
                + "，".join(f"{r['rule']} {r['fixed_count']} 次" for r in data[key][:10])
            )


@app.command("export-evals")
def export_evals_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="输出目录，每个用例一个子目录。")],
    since: Annotated[
        str | None, typer.Option("--since", help="只导出该日期之后提交的稿件。")
    ] = None,
    db: DbOpt = None,
) -> None:
    """把已采用、已修改的稿件导出为评测用例（报送材料 + 定稿作为标准答案）。"""
    with _open(db, create=False) as store:
        written = drafter.export_evals(store, out_dir, since=since)
    out(f"已导出 {len(written)} 个评测用例到 {out_dir}")


@store_app.command("copy")
def copy_cmd(
    source: Annotated[str, typer.Argument(help="源数据库：SQLite 文件路径或 postgresql:// 地址。")],
    target: Annotated[
        str, typer.Argument(help="目标数据库（须为空），例如 postgresql://用户@主机:端口/库名。")
    ],
) -> None:
    """把整个数据库原样复制到一个新的空数据库（如从 SQLite 文件迁到 PostgreSQL），编号不变。"""
    result = drafter.copy_store(source, target)
    for table, rows in result.rows.items():
        out(f"  {table}：{rows} 行")
    out(f"已复制 {result.total} 行（{len(result.rows)} 张表）：{result.source} → {result.target}")
    out("之后请用 --db 或环境变量 DRAFTER_DB 指向新数据库；源数据库保持不变，可留作备份。")
