"""Commands: ``issue build|toc|render|parse`` and the top-level ``demo``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import drafter
from drafter.cli._app import (
    DbOpt,
    ModelOpt,
    ProfileOpt,
    app,
    err,
    issue_app,
    load_profile_opt,
    model_config,
    out,
    parse_date_opt,
    write_file,
)

if TYPE_CHECKING:
    from drafter import Brief, Profile


class ParseFormat(enum.StrEnum):
    json = "json"
    md = "md"


OutOpt = Annotated[
    Path,
    typer.Option("--out", help="输出文件，按扩展名选格式：.md .txt .docx .html .pdf .json。"),
]


def _load_issue(path: str, profile: Profile) -> drafter.Issue:
    """An issue from its JSON, or parsed from Markdown / plain text."""
    from pydantic import ValidationError

    decoded = drafter.read_text(path)
    text = decoded.text.lstrip("\ufeff").strip()
    if text.startswith("{"):
        try:
            return drafter.Issue.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise drafter.InputError(
                f"{path} 不是有效的简报 JSON：{where} {first['msg']}".strip(),
                hint="用 drafter schema issue 查看字段，或用 drafter issue build 重新生成",
                path=path,
            ) from None
    return drafter.parse_issue(decoded.text, profile=profile, source_file=path)


def _read_briefs(paths: list[str], profile: Profile) -> list[Brief]:

    return [
        drafter.parse_brief(drafter.read_text(p).text, profile=profile, source_file=p)
        for p in paths
    ]


def _summary(issue: drafter.Issue) -> str:
    m = issue.masthead
    parts = [f"头条{len(issue.leads)}篇"] if issue.leads else []
    parts += [f"{s.title.strip('【】')}{len(s.briefs)}篇" for s in issue.sections if s.briefs]
    return f"{m.name} {m.year}年 第{m.number}期（总第{m.total}期）：{'，'.join(parts)}"


@issue_app.command("build")
def build_command(
    out_path: OutOpt,
    briefs: Annotated[
        list[str] | None,
        typer.Argument(
            help="简讯文件（“### 标题”加正文的 Markdown，或 Brief JSON）。", show_default=False
        ),
    ] = None,
    from_store: Annotated[
        bool,
        typer.Option(
            "--from-store",
            help="用数据库中已采用、未刊发的稿件新建草稿期并写出预览（刊发用 issue publish）。",
        ),
    ] = False,
    db: DbOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="出刊日期 YYYY-MM-DD，默认今天（北京时间）。")
    ] = None,
    number: Annotated[
        int | None, typer.Option("--number", min=1, help="本年第几期，默认接上一期。")
    ] = None,
    total: Annotated[
        int | None, typer.Option("--total", min=1, help="总第几期，默认接上一期。")
    ] = None,
    editor: Annotated[str | None, typer.Option("--editor", help="编辑。")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="审核。")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="规范检查有错误或待审核的稿件也编入（会列出）。")
    ] = False,
    model: ModelOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """把简讯编排成一期简报：报头、目录提要、头条、各栏目、报尾；期号自动续编。"""

    prof = load_profile_opt(profile)
    fmt = drafter.format_for(str(out_path))
    issue_date = parse_date_opt(date)
    items = _read_briefs(briefs or [], prof)
    if not items and not from_store:
        raise drafter.InputError(
            "没有要编排的简讯", hint="给出简讯文件，或用 --from-store 编入数据库中已采用的稿件"
        )
    when = issue_date or drafter.today(prof)
    if from_store:
        if number is not None or total is not None:
            raise drafter.InputError(
                "从数据库编排的期刊在刊发时才编期号",
                hint="去掉 --number/--total；刊发时用 drafter issue publish N --number … 指定",
            )
        if items:
            raise drafter.InputError(
                "--from-store 不能同时给出简讯文件", hint="先把简讯用 drafter submit 提交到数据库"
            )
        # A draft issue in the store: edit it, then `issue publish` numbers and freezes it.
        with drafter.Store.open(db) as store:
            record = drafter.new_issue(
                store, profile=prof, date=when, editor=editor, reviewer=reviewer
            )
            shorten = drafter.toc_shortener(model_config(prof, model=model), prof)
            issue = drafter.preview_issue(store, record.id, profile=prof, shorten=shorten)
        write_file(out_path, drafter.render(issue, fmt, profile=prof), force=force)
        err(
            f"已新建草稿期 {record.id}（{len(record.draft_ids)} 篇，未刊发），预览已写入 {out_path}；"
            f"调整后用 drafter issue publish {record.id} --out 文件 刊发"
        )
        return
    # Files only: numbering continues from the record in the user's data directory, as
    # before (a store-backed issue is numbered by the store when it is published).
    numbering = drafter.next_numbering(when, drafter.load_numbering(), number=number, total=total)
    issue = drafter.build_issue(
        items,
        profile=prof,
        date=when,
        number=numbering.number,
        total=numbering.total,
        editor=editor,
        reviewer=reviewer,
        force=force,
    )
    if force:
        for problem in drafter.review_problems(items, prof):
            err(f"警告：强制编入 {problem.describe()}")
    shorten = drafter.toc_shortener(model_config(prof, model=model), prof)
    if shorten is not None:
        issue = issue.model_copy(
            update={"toc": drafter.toc_lines(issue, profile=prof, shorten=shorten)}
        )
    write_file(out_path, drafter.render(issue, fmt, profile=prof), force=force)
    drafter.save_numbering(numbering)
    err(f"{_summary(issue)}；已写入 {out_path}")


@issue_app.command("toc")
def toc_command(
    issue_path: Annotated[
        str, typer.Argument(help="一期简报：JSON，或 Markdown/纯文本。", show_default=False)
    ],
    model: ModelOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """按本期稿件重新生成目录提要（忽略文件中已有的），一行一条。"""

    prof = load_profile_opt(profile)
    issue = _load_issue(issue_path, prof)
    shorten = drafter.toc_shortener(model_config(prof, model=model), prof)
    for line in drafter.toc_lines(issue, profile=prof, shorten=shorten):
        out(line)


@issue_app.command("render")
def render_command(
    issue_path: Annotated[
        str, typer.Argument(help="一期简报：JSON，或 Markdown/纯文本。", show_default=False)
    ],
    out_path: OutOpt,
    force: Annotated[
        bool, typer.Option("--force", help="输出文件是只读文件或符号链接时也替换。")
    ] = False,
    profile: ProfileOpt = None,
) -> None:
    """把一期简报渲染为 .md、.txt、.docx、.html 或 .pdf（按 --out 的扩展名；PDF 需要 LibreOffice）。"""
    prof = load_profile_opt(profile)
    fmt = drafter.format_for(str(out_path))
    issue = _load_issue(issue_path, prof)
    write_file(out_path, drafter.render(issue, fmt, profile=prof), force=force)
    err(f"{_summary(issue)}；已写入 {out_path}")


@issue_app.command("parse")
def parse_command(
    path: Annotated[
        str,
        typer.Argument(
            help="已出刊的简报（Markdown 或纯文本）；- 表示标准输入。", show_default=False
        ),
    ],
    fmt: Annotated[ParseFormat, typer.Option("--format", help="输出格式。")] = ParseFormat.json,
    profile: ProfileOpt = None,
) -> None:
    """把已出刊的简报（含排版损伤）解析为结构化数据：报头、目录提要、稿件、报尾。"""

    prof = load_profile_opt(profile)
    issue = drafter.parse_issue(drafter.read_text(path).text, profile=prof, source_file=path)
    rendered = drafter.render(issue, fmt.value, profile=prof)
    assert isinstance(rendered, str)
    out(rendered)


@app.command("demo")
def demo_command(
    out_dir: Annotated[Path, typer.Option("--out", help="输出目录。")] = Path("drafter-demo"),
    profile: ProfileOpt = None,
) -> None:
    """演示：离线起草内置的样例报送材料，编成一期简报，输出 .md、.txt、.docx、.html。"""

    prof = load_profile_opt(profile)
    result = drafter.run_demo(out_dir, profile=prof)
    for line in result.brief_lines():
        out(line)
    out(f"{_summary(result.issue)}，文件在：")
    for path in result.files:
        out(f"  {path}")
