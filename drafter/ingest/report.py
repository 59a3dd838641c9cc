"""Raw report files and pasted text → :class:`~drafter.schemas.Report`.

Reading (``.txt``/``.md`` through :mod:`drafter.text.files`, ``.docx`` through python-docx,
``-`` for standard input) → optional YAML front matter → paste-damage cleaning
(:mod:`drafter.ingest.paste`) → metadata. Metadata precedence: keyword arguments (the CLI
flags) > front matter > inference from the text (the sender: :mod:`drafter.ingest.organization`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any, cast, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from drafter.errors import InputError
from drafter.ingest.characters import repair_characters
from drafter.ingest.docx_reader import docx_text
from drafter.ingest.organization import OrgGuess, infer_org, resolve_sender
from drafter.ingest.paste import REASONS, CleanResult, clean_text
from drafter.profile import Profile, load_profile
from drafter.schemas import Finding, OrgKind, Report, report_id_for
from drafter.text.dates import parse_user_date
from drafter.text.files import read_text
from drafter.text.frontmatter import FRONT_MATTER_RE

__all__ = [
    "KIND_ALIASES",
    "FrontMatter",
    "OrgGuess",
    "infer_org",
    "load_report",
    "parse_kind",
    "report_from_text",
    "split_front_matter",
]

log = logging.getLogger(__name__)

KIND_ALIASES: dict[str, OrgKind] = {
    "学会": "society",
    "协会": "society",
    "区科协": "district",
    "县科协": "district",
    "地方科协": "district",
    "基层": "grassroots",
    "基层组织": "grassroots",
    "高校科协": "grassroots",
    "企业科协": "grassroots",
    "部门": "department",
    "机关部门": "department",
    "办公室": "office",
    "头条": "office",
}
"""Chinese words a user may type for a kind, besides the English values."""

_KINDS: tuple[str, ...] = get_args(OrgKind)
_KEY_LINE_RE = re.compile(r"^[A-Za-z_]+\s*:")
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}


# -- flag values ------------------------------------------------------------------------
def parse_kind(value: str) -> OrgKind:
    """``district`` or ``区科协`` → ``"district"``; a clear error for anything else."""
    v = value.strip()
    if v.lower() in _KINDS:
        return cast(OrgKind, v.lower())
    if v in KIND_ALIASES:
        return KIND_ALIASES[v]
    raise InputError(
        f"无法识别的单位类型：{value}",
        hint=f"可选：{' | '.join(_KINDS)}（学会、区科协、基层组织、机关部门、办公室）",
        kind=value,
    )


# -- front matter -----------------------------------------------------------------------
class FrontMatter(BaseModel):
    """The optional YAML block at the top of a report file."""

    model_config = ConfigDict(extra="forbid")

    org: str | None = None
    kind: OrgKind | None = None
    title: str | None = None
    date: dt.date | None = None
    lead: bool | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> Any:
        return parse_kind(str(v)) if isinstance(v, str) else v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.date()
        return parse_user_date(v) if isinstance(v, str) else v

    @field_validator("lead", mode="before")
    @classmethod
    def _lead(cls, v: Any) -> Any:
        return {"是": True, "否": False}.get(v.strip(), v) if isinstance(v, str) else v

    @field_validator("org", "title", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, int | float):
            return str(v)
        return v.strip() or None if isinstance(v, str) else v


def split_front_matter(text: str, *, where: str = "输入") -> tuple[FrontMatter | None, str]:
    """Split a leading ``---`` YAML block off ``text``; the rest is the report."""
    m = FRONT_MATTER_RE.match(text)
    if m is None:
        lines = text.lstrip(" \t\u3000").split("\n", 2)
        if len(lines) >= 2 and lines[0].strip() == "---" and _KEY_LINE_RE.match(lines[1]):
            raise InputError(
                f"{where} 开头的元数据块没有结束行“---”",
                hint="元数据块以一行 --- 开始、以一行 --- 结束，中间是 org: / kind: / title: / date: / lead:",
                path=where,
            )
        return None, text
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"（第 {mark.line + 2} 行）" if mark is not None else ""
        raise InputError(
            f"{where} 的元数据块不是有效的 YAML{at}：{getattr(exc, 'problem', None) or exc}",
            hint="每行写成“键: 值”，冒号后留一个空格；值里有冒号时用引号括起",
            path=where,
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            f"{where} 的元数据块应是“键: 值”的列表",
            hint="可用的键：org、kind、title、date、lead",
            path=where,
        )
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(_describe(e) for e in exc.errors())
        raise InputError(
            f"{where} 的元数据块有误：{problems}",
            hint="可用的键：org、kind（society|district|grassroots|department|office）、"
            "title、date（2026-05-08）、lead（true|false）",
            path=where,
        ) from exc
    except InputError as exc:  # raised inside a validator (bad kind or date)
        raise InputError(
            f"{where} 的元数据块有误：{exc.message}", hint=exc.hint, path=where
        ) from exc
    return front, text[m.end() :]


def _describe(error: Any) -> str:
    key = ".".join(str(x) for x in error["loc"]) or "?"
    if error["type"] == "extra_forbidden":
        return f"不认识的键“{key}”"
    ctx = error.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, InputError):
        return f"{key}：{inner.message}"
    return f"{key} 的值 {error.get('input')!r} 无效"


# -- reading ----------------------------------------------------------------------------
def load_report(
    source: str | Path,
    *,
    profile: Profile | None = None,
    org: str | None = None,
    kind: OrgKind | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    lead: bool | None = None,
) -> Report:
    """Read a report from a file (``.txt``, ``.md``, ``.docx``) or ``-`` (standard input)."""
    suffix = Path(str(source)).suffix.lower() if str(source) != "-" else ""
    keywords: dict[str, Any] = dict(
        profile=profile, org=org, kind=kind, title=title, date=date, lead=lead
    )
    if suffix in {".doc", ".wps", ".pdf", ".rtf", ".odt"}:
        raise InputError(
            f"不支持 {suffix} 文件：{source}",
            hint="请另存为 .docx，或把正文复制粘贴到 .txt 文件（或用 - 从标准输入粘贴）",
            path=str(source),
        )
    if suffix == ".docx":
        text = docx_text(source)
        if not text.strip():
            raise InputError(f"{source} 中没有文字", hint="请检查文档内容", path=str(source))
        return report_from_text(text, source_path=str(source), encoding="docx", **keywords)
    if suffix not in _TEXT_SUFFIXES:
        log.info("unknown suffix %s, reading %s as text", suffix, source)
    decoded = read_text(source)
    report = report_from_text(
        decoded.text, source_path=str(source), encoding=decoded.encoding, **keywords
    )
    if decoded.mixed_line_endings:
        report.notes.append(
            Finding(
                rule="ingest.line_endings",
                severity="info",
                message="输入混用了 Windows 与 Unix 换行符，已统一",
            )
        )
    return report


def report_from_text(
    text: str,
    *,
    source_path: str | None = None,
    encoding: str | None = None,
    profile: Profile | None = None,
    org: str | None = None,
    kind: OrgKind | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    lead: bool | None = None,
) -> Report:
    """A :class:`Report` from already-decoded text (pasted or read from a file)."""
    profile = profile or load_profile()
    where = {None: "输入", "-": "标准输入"}.get(source_path, source_path) or "输入"
    if kind is not None:
        kind = parse_kind(kind)
    if date is not None:
        date = parse_user_date(date)
    front, body = split_front_matter(text.lstrip("\ufeff"), where=where)
    front = front or FrontMatter()
    repaired = repair_characters(body)
    cleaned = clean_text(repaired.text)
    if not cleaned.text.strip():
        raise InputError(
            f"{where} 清理后没有正文",
            hint="请确认粘贴的是活动材料本身，而不只是标题、网页栏目或联系方式",
            path=where,
        )
    given_title = title or front.title
    text = cleaned.text
    if given_title and text.startswith(given_title + "\n\n"):
        text = text[len(given_title) + 2 :]  # the title line the cleaner did not take
    name, org_short, org_kind, notes = resolve_sender(
        (org or "").strip() or front.org,
        text,
        title=given_title or cleaned.title,
        hint=cleaned.org_hint,
        profile=profile,
    )
    notes.extend(repaired.notes)
    if cleaned.removed:
        notes.append(_cleaning_note(cleaned))
    return Report(
        id=report_id_for(text),
        text=text,
        title=given_title or cleaned.title,
        org=name,
        org_short=org_short,
        kind=kind or front.kind or org_kind or "society",
        received=date or front.date,
        contact=cleaned.contact,
        source_path=source_path,
        encoding=encoding,
        lead=lead if lead is not None else bool(front.lead),
        notes=notes,
    )


def _cleaning_note(cleaned: CleanResult) -> Finding:
    counts: dict[str, int] = {}
    for reason, _ in cleaned.removed:
        counts[reason] = counts.get(reason, 0) + 1
    summary = "、".join(f"{REASONS.get(r, r)} {n} 处" for r, n in counts.items())
    return Finding(rule="ingest.cleaned", severity="info", message=f"已清理：{summary}")
