"""Commands: ``draft`` (one report, or a batch) and ``check`` (any brief vs its source)."""

from __future__ import annotations

import datetime as dt
import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drafter.cli._app import (
    SEVERITY_ZH,
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
)

if TYPE_CHECKING:
    from drafter.drafting.batch import BatchItem, BatchSummary
    from drafter.model.providers import ModelConfig
    from drafter.profile import Profile
    from drafter.schemas import Brief, Finding, OrgKind


class MethodChoice(enum.StrEnum):
    json_schema = "json_schema"
    function_calling = "function_calling"
    json_mode = "json_mode"


class DraftFormat(enum.StrEnum):
    md = "md"
    json = "json"


_GLOB_CHARS = set("*?[")


@app.command("draft")
def draft_command(
    source: Annotated[
        str,
        typer.Argument(
            help="报送材料：文件，- 表示标准输入（粘贴）；目录或通配符则批量起草（须配 --out 目录）。",
            show_default=False,
        ),
    ],
    org: OrgOpt = None,
    kind: KindOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="报送材料的标题（仅单篇）。")] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="收稿日期（如 2026-05-08），用于换算“昨日”等相对日期。"),
    ] = None,
    lead: Annotated[bool, typer.Option("--lead", help="作为头条稿件（不署来源）。")] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="模型名称；offline 表示离线规则引擎。")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI 兼容接口地址。")
    ] = None,
    api_key_env: Annotated[
        str | None,
        typer.Option("--api-key-env", help="从哪个环境变量读取 API 密钥（密钥本身不上命令行）。"),
    ] = None,
    method: Annotated[
        MethodChoice | None, typer.Option("--method", help="结构化输出方式。")
    ] = None,
    max_repairs: Annotated[
        int | None, typer.Option("--max-repairs", min=0, help="检查未通过时最多修改几次。")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="不用本地缓存的模型回答，重新请求模型。")
    ] = False,
    fmt: Annotated[
        DraftFormat,
        typer.Option("--format", help="输出格式（单篇）；批量时总是写 .md 和 .json 两个文件。"),
    ] = DraftFormat.md,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="输出文件；批量时为输出目录。")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="批量时的并发数。")] = 4,
    force: Annotated[bool, typer.Option("--force", help="批量时重新起草已完成的稿件。")] = False,
    profile: ProfileOpt = None,
) -> None:
    """把报送材料起草成简报稿件。退出码：0 检查通过，1 需人工审核或有失败，2 输入或配置有误，3 模型接口失败。"""
    from drafter.errors import InputError

    prof = load_profile_opt(profile)
    event_date = parse_date_opt(date)
    config = _config(model, base_url, api_key_env, method, prof, cache=not no_cache)
    kind_value = parse_kind_opt(kind)
    lead_value = True if lead else None

    if _is_batch(source):
        if out_path is None:
            raise InputError(
                "批量起草需要用 --out 指定输出目录",
                hint="例如：drafter draft reports/ --out briefs/",
            )
        if title is not None:
            raise InputError(
                "批量起草时不能用 --title（每份材料的标题各不相同）",
                hint="标题写在各文件的 front matter 里，或逐个起草",
            )
        summary = _run_batch(
            source,
            out_path,
            jobs=jobs,
            profile=prof,
            config=config,
            max_repairs=max_repairs,
            org=org,
            kind=kind_value,
            date=event_date,
            lead=lead_value,
            force=force,
        )
        raise typer.Exit(0 if summary.all_ready else 1)

    from drafter.brieftext import render_brief_md
    from drafter.drafting.pipeline import draft
    from drafter.ingest.report import load_report

    report = load_report(
        source,
        profile=prof,
        org=org,
        kind=kind_value,
        title=title,
        date=event_date,
        lead=lead_value,
    )
    for note in report.notes:
        err(_finding_line(note, source))
    brief = draft(report, profile=prof, config=config, max_repairs=max_repairs)
    text = render_brief_md(brief) if fmt is DraftFormat.md else brief.model_dump_json(indent=2)
    if out_path is not None:
        _write_out(out_path, text)
    else:
        out(text)
    for finding in brief.findings:
        err(_finding_line(finding, source))
    if brief.status != "ready":
        n = sum(1 for f in brief.findings if f.severity == "error")
        err(f"稿件需人工审核：{n} 个错误未能自动修正。")
        raise typer.Exit(1)


@app.command("check")
def check_command(
    brief_path: Annotated[
        str,
        typer.Argument(
            help="要检查的稿件（“### 标题”加正文的 Markdown，或 Brief JSON）；- 表示标准输入。",
            show_default=False,
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option("--source", help="稿件所依据的报送材料；缺省时只做版式检查。"),
    ] = None,
    org: OrgOpt = None,
    kind: KindOpt = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="输出格式。")] = TextOrJson.text,
    profile: ProfileOpt = None,
) -> None:
    """检查任一稿件（起草的或编辑手写的）的版式和事实依据；有错误时退出码 1。"""
    from drafter.brieftext import parse_brief
    from drafter.drafting.pipeline import check
    from drafter.errors import InputError
    from drafter.text.files import read_text

    if brief_path == "-" and source == "-":
        raise InputError("稿件和报送材料不能都来自标准输入", hint="请至少把其中一个存为文件")
    prof = load_profile_opt(profile)
    decoded = read_text(brief_path)
    brief = parse_brief(decoded.text, profile=prof, source_file=brief_path)
    report = None
    if source is not None:
        from drafter.ingest.report import load_report

        report = load_report(source, profile=prof, org=org, kind=parse_kind_opt(kind))
    findings = _file_locations(check(brief, report, profile=prof), decoded.text, brief)
    # Rendered exactly as ``drafter lint`` renders findings, against the brief's file.
    if fmt is TextOrJson.json:
        import json

        rows = [
            {"file": decoded.path, **f.model_dump(mode="json", exclude_none=True)} for f in findings
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from drafter.cli.lint_cmd import render_findings_text

        render_findings_text([(decoded, findings)])
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


# -- helpers ----------------------------------------------------------------------------


def _is_batch(source: str) -> bool:
    if source == "-":
        return False
    p = Path(source)
    return p.is_dir() or (not p.exists() and bool(_GLOB_CHARS & set(source)))


def _config(
    model: str | None,
    base_url: str | None,
    api_key_env: str | None,
    method: MethodChoice | None,
    profile: Profile,
    *,
    cache: bool,
) -> ModelConfig:
    from drafter.errors import ConfigError
    from drafter.model.providers import ModelConfig

    api_key = None
    if api_key_env is not None:
        api_key = os.environ.get(api_key_env)
        if not api_key:
            raise ConfigError(
                f"环境变量 {api_key_env} 未设置或为空",
                hint=f"请先 export {api_key_env}=…，或去掉 --api-key-env 使用 DRAFTER_API_KEY",
            )
    return ModelConfig.resolve(
        model=model,
        base_url=base_url,
        api_key=api_key,
        method=method.value if method else None,
        profile=profile,
        cache=cache,
    )


def _write_out(path: Path, text: str) -> None:
    from drafter.errors import InputError

    try:
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"无法写入 {path}：{exc.strerror}", hint="请检查路径和权限") from None


def _file_locations(findings: list[Finding], text: str, brief: Brief) -> list[Finding]:
    """Brief locations (-1 headline, 0.. body) → blocks and lines of the brief's file.

    Where the file's blocks do not line up with the parsed brief (JSON input, a headline
    run into the first paragraph), locations are dropped rather than misplaced.
    """
    from drafter.schemas import Location
    from drafter.style.document import block_starts

    starts = block_starts(text)
    aligned = not text.lstrip().startswith("{") and len(starts) == 1 + len(brief.paragraphs)
    head_at = text.find(brief.headline, starts[0]) if starts else -1
    mapped: list[Finding] = []
    for f in findings:
        loc = f.location
        if loc is None:
            mapped.append(f)
            continue
        if not aligned or (loc.paragraph < 0 and head_at < 0):
            mapped.append(f.model_copy(update={"location": None}))
            continue
        block = max(loc.paragraph, -1) + 1
        shift = head_at - starts[0] if loc.paragraph < 0 else 0
        pos = starts[block] + shift + loc.start
        new = Location(
            paragraph=block,
            start=shift + loc.start,
            end=shift + loc.end,
            line=text.count("\n", 0, pos) + 1,
        )
        mapped.append(f.model_copy(update={"location": new}))
    return mapped


def _finding_line(f: Finding, where: str) -> str:
    loc = ""
    if f.location is not None:
        para = "标题" if f.location.paragraph < 0 else f"第{f.location.paragraph + 1}段"
        loc = f"{para}第{f.location.start + 1}字："
    text = f"{where}：{loc}{SEVERITY_ZH.get(f.severity, f.severity)} [{f.rule}] {f.message}"
    if f.excerpt:
        text += f"「{f.excerpt}」"
    if f.replacement:
        text += f" → 「{f.replacement}」"
    return text


def _run_batch(
    source: str,
    out_dir: Path,
    *,
    jobs: int,
    profile: Profile,
    config: ModelConfig,
    max_repairs: int | None,
    org: str | None,
    kind: OrgKind | None,
    date: dt.date | None,
    lead: bool | None,
    force: bool,
) -> BatchSummary:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from drafter.drafting.batch import draft_files

    console = Console(stderr=True)
    with Progress(
        TextColumn("起草"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("", total=None)

        def started(total: int) -> None:
            progress.update(task, total=total)

        def finished(item: BatchItem) -> None:
            progress.update(task, advance=1, description=Path(item.source).name)

        summary = draft_files(
            source,
            out_dir,
            jobs=jobs,
            profile=profile,
            config=config,
            max_repairs=max_repairs,
            org=org,
            kind=kind,
            date=date,
            lead=lead,
            force=force,
            on_start=started,
            on_result=finished,
        )
    _print_summary(summary)
    return summary


def _print_summary(summary: BatchSummary) -> None:
    for item in summary.items:
        if item.status == "needs_review" and item.brief is not None:
            n = sum(1 for f in item.brief.findings if f.severity == "error")
            err(f"需审核：{item.source}（{n} 个错误）")
    failures = summary.failures
    if failures:
        err("失败：")
        for item in failures:
            err(f"  {item.source}：{item.error}")
    err(
        f"共 {len(summary.items)} 份：可用 {summary.count('ready')}，"
        f"需审核 {summary.count('needs_review')}，失败 {len(failures)}，"
        f"其中跳过已完成 {summary.skipped}。"
    )
