"""Commands: ``lint`` (house-style findings), ``fix`` (safe mechanical fixes), ``rules``."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import drafter
from drafter.cli._app import (
    ProfileOpt,
    TextOrJson,
    app,
    err,
    load_profile_opt,
    out,
)

if TYPE_CHECKING:
    from rich.text import Text

    from drafter import Decoded, Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class DocKind(enum.StrEnum):
    auto = "auto"
    brief = "brief"
    issue = "issue"


def _read(path: Path) -> Decoded:
    decoded = drafter.read_text(path)
    if decoded.encoding == "gb18030":
        err(f"注意：{decoded.path} 按 GB18030（GBK）编码读取")
    elif decoded.encoding == "utf-8-sig":
        err(f"注意：{decoded.path} 带 UTF-8 BOM，已按 UTF-8 读取")
    elif decoded.encoding in ("utf-16", "utf-32"):
        err(f"注意：{decoded.path} 是 {decoded.encoding.upper()} 编码，已按其读取")
    if decoded.mixed_line_endings:
        err(f"注意：{decoded.path} 混用了多种换行符，已统一为 \\n")
    return decoded


@app.command("lint")
def lint_cmd(
    files: Annotated[list[Path], typer.Argument(help="要检查的简讯或整期文件（- 表示标准输入）")],
    fmt: Annotated[
        TextOrJson, typer.Option("--format", help="输出格式：text（默认，便于阅读）或 json")
    ] = TextOrJson.text,
    kind: Annotated[
        DocKind, typer.Option("--kind", help="文件类型：auto 自动判断，brief 单篇，issue 整期")
    ] = DocKind.auto,
    profile: ProfileOpt = None,
) -> None:
    """按本刊版式检查简讯或整期；有错误时退出码为 1。"""
    prof = load_profile_opt(profile)
    docs = [_read(p) for p in files]  # read everything first: bad input fails before output
    results: list[tuple[Decoded, list[Finding]]] = [
        (d, drafter.lint(d.text, prof, kind=kind.value)) for d in docs
    ]
    if fmt is TextOrJson.json:
        rows = [
            {"file": d.path, **f.model_dump(mode="json", exclude_none=True)}
            for d, findings in results
            for f in findings
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        render_findings_text(results)
    if any(f.severity == "error" for _, findings in results for f in findings):
        raise typer.Exit(1)


def render_findings_text(results: list[tuple[Decoded, list[Finding]]]) -> None:
    """Findings per file for people: file:line, severity, rule, message, the span marked."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    counts = {"error": 0, "warning": 0, "info": 0}
    for decoded, findings in results:
        text = decoded.text
        for f in findings:
            counts[f.severity] += 1
            loc = f.location
            line_no = loc.line if loc and loc.line else 0
            head = Text(f"{decoded.path}:{line_no}: ")
            head.append(f"{drafter.SEVERITY_ZH[f.severity]} ", style=_STYLE[f.severity])
            head.append(f"[{f.rule}] ", style="dim")
            head.append(f.message)
            if f.replacement is not None and f.excerpt is not None:
                head.append(
                    f"  “{_visible(f.excerpt)}” → “{_visible(f.replacement)}”", style="green"
                )
            console.print(head)
            pos = drafter.finding_offset(text, f)
            if pos is not None:
                console.print(_context(text, pos, f.excerpt or ""))
    n = sum(len(fs) for _, fs in results)
    summary = f"共 {n} 条：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
    console.print(Text(summary, style="bold" if counts["error"] else ""))


def _visible(s: str) -> str:
    return s.replace(" ", "␠").replace("\u3000", "␣").replace("\n", "⏎")


def _context(text: str, pos: int, excerpt: str) -> Text:
    """The file line around offset ``pos``, the offending span highlighted."""
    from rich.text import Text

    lo_line = text.rfind("\n", 0, pos) + 1
    hi_line = text.find("\n", pos)
    hi_line = len(text) if hi_line < 0 else hi_line
    span = excerpt if text.startswith(excerpt, pos) else ""
    end = min(pos + len(span), hi_line)
    lo, hi = max(lo_line, pos - 20), min(hi_line, end + 20)
    t = Text("    " + ("…" if lo > lo_line else ""))
    t.append(text[lo:pos])
    t.append(_visible(text[pos:end]) or "▏", style="reverse red")
    t.append(text[end:hi] + ("…" if hi < hi_line else ""))
    return t


@app.command("fix")
def fix_cmd(
    file: Annotated[Path, typer.Argument(help="要修正的简讯或整期文件（- 表示标准输入）")],
    write: Annotated[
        bool, typer.Option("--write", help="直接改写原文件（统一写为 UTF-8）")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="只输出统一差异（unified diff）")] = False,
    kind: Annotated[
        DocKind, typer.Option("--kind", help="文件类型：auto 自动判断，brief 单篇，issue 整期")
    ] = DocKind.auto,
    force: Annotated[
        bool, typer.Option("--force", help="配合 --write：只读文件或符号链接也照样改写")
    ] = False,
    profile: ProfileOpt = None,
) -> None:
    """机械修正标点、空格、日期写法、断行和署名格式；不改动任何字词。

    默认把修正后的全文输出到标准输出、修改清单输出到标准错误。开头的元数据块
    （--- 之间的 org:、date: 等）原样保留。
    """
    if write and diff:
        raise drafter.InputError(
            "--write 与 --diff 不能同时使用", hint="先用 --diff 查看，再用 --write 改写"
        )
    if write and str(file) == "-":
        raise drafter.InputError("标准输入无法 --write 改写", hint="请指定文件路径")
    prof = load_profile_opt(profile)
    decoded = _read(file)
    # The front matter is YAML for ingest, not prose: fixing it would change what
    # the next `draft` reads (“org: …” → “org：…” is no longer a key).
    head, body = drafter.split_front_matter_block(decoded.text)
    result = drafter.fix(body, prof, kind=kind.value)
    fixed = head + result.text
    head_lines = head.count("\n")
    for c in result.changes:
        line = c.location.line + head_lines if c.location.line else 0
        err(f"{decoded.path}:{line}: [{c.rule}] “{_visible(c.before)}” → “{_visible(c.after)}”")
    err(f"共修改 {len(result.changes)} 处")
    if diff:
        import difflib

        out(
            "".join(
                difflib.unified_diff(
                    decoded.text.splitlines(keepends=True),
                    fixed.splitlines(keepends=True),
                    fromfile=f"{decoded.path}（原文）",
                    tofile=f"{decoded.path}（修正后）",
                )
            )
            or "（没有需要修改的地方）"
        )
        return
    if write:
        if fixed != decoded.text or decoded.encoding != "utf-8":
            drafter.write_atomic(file, fixed, force=force)
            if decoded.encoding != "utf-8":
                err(f"已按 UTF-8 写回 {decoded.path}（原编码 {decoded.encoding}）")
            else:
                err(f"已写回 {decoded.path}")
        else:
            err(f"{decoded.path} 无需修改")
        return
    import sys

    sys.stdout.write(fixed)


@app.command("rules")
def rules_cmd(
    fmt: Annotated[
        TextOrJson, typer.Option("--format", help="输出格式：text（表格）或 json")
    ] = TextOrJson.text,
    profile: ProfileOpt = None,
) -> None:
    """列出全部版式规则：编号、级别（按配置）、来源、能否自动修正、理由。"""
    rules = drafter.RULES
    sev = drafter.severity_map(load_profile_opt(profile))
    if fmt is TextOrJson.json:
        rows = [
            {
                "id": r.id,
                "severity": sev[r.id],
                "default_severity": r.severity,
                "tier": r.tier,
                "autofix": r.autofix,
                "message": r.message,
                "reason": r.reason,
            }
            for r in rules.values()
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"版式规则（共 {len(rules)} 条）", show_lines=False)
    for col in ("编号", "级别", "来源", "自动修正"):
        table.add_column(col, no_wrap=True)
    table.add_column("理由", overflow="fold")
    for r in rules.values():
        s = sev[r.id]
        table.add_row(
            r.id,
            drafter.SEVERITY_ZH[s] + ("" if s == r.severity else "（配置）"),
            r.tier,
            "是" if r.autofix else "否",
            r.reason,
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)
    console.print(table)
