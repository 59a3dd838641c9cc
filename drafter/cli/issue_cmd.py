"""Commands: ``issue build|toc|render|parse`` and the top-level ``demo``."""

from __future__ import annotations

import enum
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drafter.cli._app import (
    DbOpt,
    ProfileOpt,
    app,
    err,
    issue_app,
    load_profile_opt,
    out,
    parse_date_opt,
)

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig
    from drafter.profile import Profile
    from drafter.schemas import Brief, Issue


class ParseFormat(enum.StrEnum):
    json = "json"
    md = "md"


ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help="目录提要用的模型；缺省时用环境变量 DRAFTER_MODEL，否则离线规则。"
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option("--out", help="输出文件，按扩展名选格式：.md .txt .docx .html .json。"),
]


def _model_config(model: str | None, profile: Profile) -> ModelConfig | None:
    """A model config only when one is asked for: the model layer is slow to import."""
    if not (model or os.environ.get("DRAFTER_MODEL") or profile.model.model):
        return None
    if model and model.strip().lower() == "offline":
        return None
    from drafter.model.providers import ModelConfig

    config = ModelConfig.resolve(model=model, profile=profile)
    return None if config.is_offline else config


def _write(path: Path, data: str | bytes) -> None:
    """Write ``data`` atomically (a half-written issue never replaces a good one)."""
    from drafter.errors import InputError

    if path.is_dir():
        raise InputError(f"{path} 是一个目录", hint="--out 请给出文件路径，例如 issue.md")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(
            f"无法写入 {path}：{exc.strerror or exc}", hint="请检查目录是否存在、是否有写权限"
        ) from exc


def _load_issue(path: str, profile: Profile) -> Issue:
    """An issue from its JSON, or parsed from Markdown / plain text."""
    from pydantic import ValidationError

    from drafter.errors import InputError
    from drafter.issue import parse_issue
    from drafter.schemas import Issue
    from drafter.text.files import read_text

    decoded = read_text(path)
    text = decoded.text.lstrip("\ufeff").strip()
    if text.startswith("{"):
        try:
            return Issue.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InputError(
                f"{path} 不是有效的简报 JSON：{where} {first['msg']}".strip(),
                hint="用 drafter schema issue 查看字段，或用 drafter issue build 重新生成",
                path=path,
            ) from None
    return parse_issue(decoded.text, profile=profile, source_file=path)


def _read_briefs(paths: list[str], profile: Profile) -> list[Brief]:
    from drafter.brieftext import parse_brief
    from drafter.text.files import read_text

    return [parse_brief(read_text(p).text, profile=profile, source_file=p) for p in paths]


def _summary(issue: Issue) -> str:
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
        typer.Option("--from-store", help="编入数据库中已采用、未刊发的稿件，并标记为已刊发。"),
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
    from drafter.errors import InputError
    from drafter.issue import build_issue, format_for, render, toc_lines
    from drafter.issue.build import review_problems, today
    from drafter.issue.numbering import load_numbering, next_numbering, save_numbering

    prof = load_profile_opt(profile)
    fmt = format_for(str(out_path))
    issue_date = parse_date_opt(date)
    items = _read_briefs(briefs or [], prof)
    if not items and not from_store:
        raise InputError(
            "没有要编排的简讯", hint="给出简讯文件，或用 --from-store 编入数据库中已采用的稿件"
        )
    when = issue_date or today(prof)
    numbering = next_numbering(when, load_numbering(), number=number, total=total)
    used: list[Brief] = []

    def make(found: list[Brief]) -> Issue:
        used.extend([*found, *items])
        return build_issue(
            used,
            profile=prof,
            date=when,
            number=numbering.number,
            total=numbering.total,
            editor=editor,
            reviewer=reviewer,
            force=force,
        )

    if from_store:
        from drafter.store.database import Store
        from drafter.store.workflow import issue_from_store

        # The issue is recorded and its drafts marked published in one transaction.
        with Store.open(db) as store:
            issue, issue_id = issue_from_store(store, make)
        err(f"已在数据库中记录第 {issue_id} 号期刊，{len(used) - len(items)} 篇稿件标记为已刊发")
    else:
        issue = make([])
    if force:
        for problem in review_problems(used, prof):
            err(f"警告：强制编入 {problem.describe()}")
    config = _model_config(model, prof)
    if config is not None:
        issue = issue.model_copy(update={"toc": toc_lines(issue, profile=prof, config=config)})
    _write(out_path, render(issue, fmt, profile=prof))
    save_numbering(numbering)
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
    from drafter.issue import toc_lines

    prof = load_profile_opt(profile)
    issue = _load_issue(issue_path, prof)
    for line in toc_lines(issue, profile=prof, config=_model_config(model, prof)):
        out(line)


@issue_app.command("render")
def render_command(
    issue_path: Annotated[
        str, typer.Argument(help="一期简报：JSON，或 Markdown/纯文本。", show_default=False)
    ],
    out_path: OutOpt,
    profile: ProfileOpt = None,
) -> None:
    """把一期简报渲染为 .md、.txt、.docx 或 .html（按 --out 的扩展名）。"""
    from drafter.issue import format_for, render

    prof = load_profile_opt(profile)
    fmt = format_for(str(out_path))
    issue = _load_issue(issue_path, prof)
    _write(out_path, render(issue, fmt, profile=prof))
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
    from drafter.issue import parse_issue, render
    from drafter.text.files import read_text

    prof = load_profile_opt(profile)
    issue = parse_issue(read_text(path).text, profile=prof, source_file=path)
    rendered = render(issue, fmt.value, profile=prof)
    assert isinstance(rendered, str)
    out(rendered)


@app.command("demo")
def demo_command(
    out_dir: Annotated[Path, typer.Option("--out", help="输出目录。")] = Path("drafter-demo"),
    profile: ProfileOpt = None,
) -> None:
    """演示：离线起草内置的样例报送材料，编成一期简报，输出 .md、.txt、.docx、.html。"""
    from drafter.samples.demo import run_demo

    prof = load_profile_opt(profile)
    result = run_demo(out_dir, profile=prof)
    for line in result.brief_lines():
        out(line)
    out(f"{_summary(result.issue)}，文件在：")
    for path in result.files:
        out(f"  {path}")
