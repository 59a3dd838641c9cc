"""Commands: ``draft`` (one report, or a batch) and ``check`` (any brief vs its source)."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import drafter
from drafter.cli._app import (
    ApiKeyEnvOpt,
    BaseUrlOpt,
    KindOpt,
    MethodOpt,
    ModelOpt,
    NoCacheOpt,
    OrgOpt,
    ProfileOpt,
    TextOrJson,
    TimeoutOpt,
    app,
    err,
    load_profile_opt,
    model_config,
    out,
    parse_date_opt,
    parse_kind_opt,
    write_file,
)

if TYPE_CHECKING:
    from drafter import BatchItem, BatchSummary, Finding, OrgKind, Profile


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
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    method: MethodOpt = None,
    max_repairs: Annotated[
        int | None, typer.Option("--max-repairs", min=0, help="检查未通过时最多修改几次。")
    ] = None,
    no_cache: NoCacheOpt = False,
    timeout: TimeoutOpt = None,
    fmt: Annotated[
        DraftFormat,
        typer.Option("--format", help="输出格式（单篇）；批量时总是写 .md 和 .json 两个文件。"),
    ] = DraftFormat.md,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="输出文件；批量时为输出目录。")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="批量时的并发数。")] = 4,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="覆盖只读的输出文件或符号链接；批量时还重新起草已完成的稿件。",
        ),
    ] = False,
    profile: ProfileOpt = None,
) -> None:
    """把报送材料起草成简报稿件。退出码：0 检查通过，1 需人工审核或有失败，2 输入或配置有误，3 模型接口失败。"""

    prof = load_profile_opt(profile)
    event_date = parse_date_opt(date)
    config = model_config(
        prof,
        model=model,
        base_url=base_url,
        api_key_env=api_key_env,
        method=method,
        no_cache=no_cache,
        timeout=timeout,
    )
    kind_value = parse_kind_opt(kind)
    lead_value = True if lead else None

    if _is_batch(source):
        if out_path is None:
            raise drafter.InputError(
                "批量起草需要用 --out 指定输出目录",
                hint="例如：drafter draft reports/ --out briefs/",
            )
        if title is not None:
            raise drafter.InputError(
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

    report = drafter.load_report(
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
    brief = drafter.draft(report, profile=prof, config=config, max_repairs=max_repairs)
    text = (
        drafter.render_brief_md(brief) if fmt is DraftFormat.md else brief.model_dump_json(indent=2)
    )
    if out_path is not None:
        write_file(out_path, text if text.endswith("\n") else text + "\n", force=force)
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

    if brief_path == "-" and source == "-":
        raise drafter.InputError(
            "稿件和报送材料不能都来自标准输入", hint="请至少把其中一个存为文件"
        )
    prof = load_profile_opt(profile)
    decoded = drafter.read_text(brief_path)
    report = None
    if source is not None:
        report = drafter.load_report(source, profile=prof, org=org, kind=parse_kind_opt(kind))
    findings = drafter.check_text(decoded.text, report, profile=prof, source_file=brief_path)
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


def _finding_line(f: Finding, where: str) -> str:
    loc = ""
    if f.location is not None:
        para = "标题" if f.location.paragraph < 0 else f"第{f.location.paragraph + 1}段"
        loc = f"{para}第{f.location.start + 1}字："
    text = f"{where}：{loc}{drafter.SEVERITY_ZH.get(f.severity, f.severity)} [{f.rule}] {f.message}"
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
    config: drafter.ModelConfig,
    max_repairs: int | None,
    org: str | None,
    kind: OrgKind | None,
    date: dt.date | None,
    lead: bool | None,
    force: bool,
) -> BatchSummary:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

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

        summary = drafter.draft_files(
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
