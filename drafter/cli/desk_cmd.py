"""The issue desk: ``issue new|list|show|add|remove|lead|move|toc-line|set|preview|publish|reopen``.

A draft issue lives in the store until ``issue publish`` numbers and freezes it. Each
command opens the store, calls one library operation and prints the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import drafter
from drafter.cli._app import (
    DbOpt,
    ModelOpt,
    ProfileOpt,
    TextOrJson,
    err,
    issue_app,
    load_profile_opt,
    model_config,
    out,
    parse_date_opt,
    say_notified,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from drafter import Brief, IssueRecord, Profile, Store

IssueArg = Annotated[int, typer.Argument(help="期刊编号（见 drafter issue list）。", min=1)]
DraftArg = Annotated[int, typer.Argument(help="稿件编号（见 drafter queue）。", min=1)]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="稿件当前文本有错误也编入（须用 --why 说明理由）。")
]
WhyOpt = Annotated[str | None, typer.Option("--why", help="理由（--force 时必填）。")]
EditorOpt = Annotated[str | None, typer.Option("--editor", help="编辑。")]
ReviewerOpt = Annotated[str | None, typer.Option("--reviewer", help="审核。")]
DateOpt = Annotated[str | None, typer.Option("--date", help="出刊日期，默认今天（北京时间）。")]


def _open(db: Path | None, *, create: bool = True) -> Store:
    """The store; ``create=False`` for commands that only read (a mistyped --db is an error)."""
    return drafter.Store.open(db, create=create)


def _layout_lines(store: Store, record: IssueRecord, profile: Profile) -> list[str]:
    titles = {s.key: s.title for s in profile.ordered_sections()} | {"lead": "【头条】"}
    lines = [f"期刊 {record.id}：{record.label}，出刊日期 {record.date.isoformat()}"]
    lines.append(
        f"编辑：{record.editor or '（版式默认）'}  审核：{record.reviewer or '（版式默认）'}"
    )
    for key, ids in record.layout.items():
        lines.append(titles.get(key, key))
        for n, draft_id in enumerate(ids, 1):
            d = store.get_draft(draft_id)
            lines.append(f"  {n}. 稿件 {draft_id}｜{d.org_short or d.org or ''}｜{d.headline}")
    if record.draft_ids:
        issue = drafter.preview_issue(store, record.id, profile=profile)
        lines.append("目录提要：")
        lines.extend(f"  {n}. {line}" for n, line in enumerate(issue.toc, 1))
    return lines


def _shortener(profile: Profile, model: str | None) -> Callable[[Brief], str | None] | None:
    """The model's 目录提要 shortener when a model is configured, else None (the rules)."""
    return drafter.toc_shortener(model_config(profile, model=model), profile)


def _show(db: Path | None, profile: Profile, record: IssueRecord) -> None:
    with _open(db) as store:
        for line in _layout_lines(store, record, profile):
            out(line)


@issue_app.command("new")
def new_command(
    drafts: Annotated[
        list[int] | None, typer.Argument(help="要编入的稿件编号；缺省为全部已采用、未编入的稿件。")
    ] = None,
    date: DateOpt = None,
    editor: EditorOpt = None,
    reviewer: ReviewerOpt = None,
    force: ForceOpt = False,
    why: WhyOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """新建一期草稿期刊（未编期号、未刊发），稿件按版式放入头条和各栏目。"""
    prof = load_profile_opt(profile)
    when = parse_date_opt(date) or drafter.today(prof)
    with _open(db) as store:
        record = drafter.new_issue(
            store,
            profile=prof,
            date=when,
            draft_ids=drafts,
            editor=editor,
            reviewer=reviewer,
            force=force,
            why=why,
        )
    err(f"已新建草稿期 {record.id}（{len(record.draft_ids)} 篇稿件）；刊发前可随时调整、预览")
    _show(db, prof, record)


@issue_app.command("list")
def list_command(
    fmt: Annotated[TextOrJson, typer.Option("--format")] = TextOrJson.text, db: DbOpt = None
) -> None:
    """列出数据库中的期刊：草稿期和已刊发的期刊。"""
    with _open(db, create=False) as store:
        records = drafter.list_issues(store)
    if fmt is TextOrJson.json:
        rows = [
            {
                "issue_id": r.id,
                "status": r.status,
                "year": r.year,
                "number": r.number,
                "total": r.total,
                "date": r.date.isoformat(),
                "drafts": r.draft_ids,
                "files": r.files,
            }
            for r in records
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not records:
        out("数据库里还没有期刊。")
    for r in records:
        out(f"{r.id}  {r.label}  {r.date.isoformat()}  {len(r.draft_ids)} 篇")


@issue_app.command("show")
def show_command(issue_id: IssueArg, db: DbOpt = None, profile: ProfileOpt = None) -> None:
    """显示一期的编排：头条、各栏目稿件顺序、目录提要（带行号）、处理记录。"""
    prof = load_profile_opt(profile)
    with _open(db, create=False) as store:
        record = drafter.get_issue(store, issue_id)
        events = drafter.issue_events(store, issue_id)
    _show(db, prof, record)
    names = {
        "issue_created": "新建草稿期",
        "issue_briefs_added": "编入稿件",
        "issue_brief_removed": "移出稿件",
        "issue_brief_placed": "调整位置",
        "issue_toc_set": "改写目录提要",
        "issue_meta_set": "设置编辑/审核/日期",
        "published": "稿件刊发",
        "issue_published": "刊发",
        "unpublished": "稿件撤回刊发",
        "issue_reopened": "重新打开",
    }
    out("处理记录：")
    for e in events:
        who = f"稿件 {e['draft_id']} " if e["draft_id"] else ""
        why = f"：{e['detail']['why']}" if e["detail"].get("why") else ""
        out(f"  {e['at']}  {e['actor'] or ''}  {who}{names.get(e['event'], e['event'])}{why}")


@issue_app.command("add")
def add_command(
    issue_id: IssueArg,
    drafts: Annotated[list[int], typer.Argument(help="要编入的稿件编号。")],
    force: ForceOpt = False,
    why: WhyOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """把已采用的稿件编入草稿期（放在所属栏目的末尾）。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        record = drafter.add_briefs(store, issue_id, drafts, profile=prof, force=force, why=why)
    _show(db, prof, record)


@issue_app.command("remove")
def remove_command(
    issue_id: IssueArg, draft_id: DraftArg, db: DbOpt = None, profile: ProfileOpt = None
) -> None:
    """把稿件移出草稿期（稿件仍为已采用，可编入以后的期刊）。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        record = drafter.remove_brief(store, issue_id, draft_id)
    _show(db, prof, record)


@issue_app.command("lead")
def lead_command(
    issue_id: IssueArg,
    draft_id: DraftArg,
    off: Annotated[bool, typer.Option("--off", help="取消头条，放回所属栏目。")] = False,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """把稿件设为头条（排在已有头条之后），或用 --off 取消。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        record = drafter.set_lead(store, issue_id, draft_id, profile=prof, lead=not off)
    _show(db, prof, record)


@issue_app.command("move")
def move_command(
    issue_id: IssueArg,
    draft_id: DraftArg,
    section: Annotated[
        str | None,
        typer.Option("--section", help="移到哪个栏目（栏目键，如 societies；lead 为头条）。"),
    ] = None,
    position: Annotated[
        int | None, typer.Option("--position", min=1, help="在栏目中的位置，从 1 开始。")
    ] = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """调整稿件在栏目中的顺序，或移到另一个栏目。"""
    prof = load_profile_opt(profile)
    if section is None and position is None:
        raise drafter.InputError("没有指定移到哪里", hint="用 --section 或 --position 指定")
    with _open(db) as store:
        record = drafter.place_brief(
            store, issue_id, draft_id, profile=prof, section=section, position=position
        )
    _show(db, prof, record)


@issue_app.command("toc-line")
def toc_line_command(
    issue_id: IssueArg,
    line_no: Annotated[
        int, typer.Argument(help="目录提要第几行（见 drafter issue show）。", min=1)
    ],
    text: Annotated[str, typer.Argument(help="新的提要文字；空字符串恢复自动生成。")],
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """改写一行目录提要；写了稿件中没有的内容（人名、单位、数字等）会被拒绝。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        record = drafter.set_toc_line(store, issue_id, line_no, text, profile=prof)
    _show(db, prof, record)


@issue_app.command("set")
def set_command(
    issue_id: IssueArg,
    editor: EditorOpt = None,
    reviewer: ReviewerOpt = None,
    date: DateOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """设置草稿期的编辑、审核或出刊日期。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        record = drafter.set_issue_meta(
            store, issue_id, editor=editor, reviewer=reviewer, date=parse_date_opt(date)
        )
    _show(db, prof, record)


OutsOpt = Annotated[
    list[Path],
    typer.Option(
        "--out", help="输出文件（可多次给出），按扩展名选格式：.md .txt .docx .html .json。"
    ),
]


@issue_app.command("preview")
def preview_command(
    issue_id: IssueArg,
    out_paths: OutsOpt,
    model: ModelOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """随时预览一期（草稿期显示将获得的期号），写到 --out；不改变任何状态。"""
    from drafter.cli._app import write_file

    prof = load_profile_opt(profile)
    with _open(db) as store:
        issue = drafter.preview_issue(
            store, issue_id, profile=prof, shorten=_shortener(prof, model)
        )
    for path in out_paths:
        write_file(path, drafter.render(issue, drafter.format_for(str(path)), profile=prof))
        err(f"已写入预览 {path}")


@issue_app.command("publish")
def publish_command(
    issue_id: IssueArg,
    out_paths: OutsOpt,
    number: Annotated[
        int | None, typer.Option("--number", min=1, help="本年第几期，默认由数据库续编。")
    ] = None,
    total: Annotated[
        int | None, typer.Option("--total", min=1, help="总第几期，默认由数据库续编。")
    ] = None,
    force: ForceOpt = False,
    why: WhyOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """刊发：由数据库编期号，冻结本期，稿件标记为已刊发，记录输出文件的哈希。"""
    prof = load_profile_opt(profile)
    with _open(db) as store:
        result = drafter.publish_issue(
            store,
            issue_id,
            profile=prof,
            outputs=out_paths,
            number=number,
            total=total,
            force=force,
            why=why,
            shorten=_shortener(prof, model),
        )
    r = result.record
    out(
        f"已刊发 {r.year}年第{r.number}期（总第{r.total}期），{len(r.draft_ids)} 篇稿件标记为已刊发"
    )
    for path, digest in result.files.items():
        out(f"  {path}  sha256 {digest}")


@issue_app.command("reopen")
def reopen_command(
    issue_id: IssueArg,
    why: Annotated[str, typer.Option("--why", help="重新打开的理由（必填，记入处理记录）。")],
    db: DbOpt = None,
) -> None:
    """重新打开已刊发的期刊（保留期号），修改后再用 issue publish 刊发。"""
    with _open(db) as store:
        record = drafter.reopen_issue(store, issue_id, why)
        out(f"已重新打开{record.label}：{why.strip()}")
        say_notified(store, record.draft_ids, "unpublished")
