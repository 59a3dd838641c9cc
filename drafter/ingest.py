"""Raw report files and pasted text → :class:`~drafter.schemas.Report`.

Reading (``.txt``/``.md`` through :mod:`drafter.textio`, ``.docx`` through python-docx,
``-`` for standard input) → optional YAML front matter → paste-damage cleaning
(:mod:`drafter.paste`) → metadata. Metadata precedence: keyword arguments (the CLI
flags) > front matter > inference from the text. The sender is inferred from a
``供稿``/``报送单位`` ending, a signature block, the subject of the first sentence, or
the org named in the title, and resolved through the profile to its short
attribution name; an org the profile does not know is kept as given, with a warning
naming the nearest registry names.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from pathlib import Path
from typing import Any, cast, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from drafter.dates import LEADING_DATE_RE, parse_date_text
from drafter.errors import InputError
from drafter.paste import REASONS, CleanResult, clean_text
from drafter.profile import OrgMatch, Profile, load_profile
from drafter.schemas import Finding, OrgKind, Report, report_id_for
from drafter.textio import read_bytes, read_text

__all__ = [
    "KIND_ALIASES",
    "FrontMatter",
    "OrgGuess",
    "infer_org",
    "load_report",
    "parse_date",
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
_FRONT_MATTER_RE = re.compile(
    r"\A[ \t\u3000]*---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
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


def parse_date(value: str | dt.date) -> dt.date:
    """``2026-05-08``, ``2026/5/8`` or ``2026年5月8日`` → a date; a clear error otherwise."""
    if isinstance(value, dt.date):
        return value
    parsed = parse_date_text(str(value))
    if parsed is None:
        raise InputError(
            f"无法识别的日期：{value}",
            hint="请写成 2026-05-08 或 2026年5月8日（须含年份）",
            date=str(value),
        )
    return parsed


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
        return parse_date(v) if isinstance(v, str) else v

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
    m = _FRONT_MATTER_RE.match(text)
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


# -- org inference ----------------------------------------------------------------------
_ORG_SUFFIX = (
    r"(?:科学技术协会|科协|学会|协会|研究会|促进会|联合会|基金会|委员会|研究院|研究所|研究中心|"
    r"大学|学院|医院|公司|集团|中心|办公室|科普部|学会部|[\u4e00-\u9fff]{1,4}部)"
)
_VERBS = (
    r"(?:召开|举办|举行|开展|组织|联合|携手|会同|牵头|在|于|赴|到|走进|深入|前往|来到|启动|发布|成立|"
    r"承办|主办|参加|参与|邀请|组团|围绕|聚焦|以|迎来|接待|完成|进行|为|与|和|及|积极|成功|隆重|圆满|"
    r"正式|首次|再次|持续|第|党组|党委|理事会|常务|领导|一行|专家|志愿|、)"
)
_SUBJECT_RE = re.compile(
    rf"^(?:由)?(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}?{_ORG_SUFFIX})(?={_VERBS})"
)
_HOSTED_BY_RE = re.compile(
    rf"由(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}?{_ORG_SUFFIX})(?:主办|组织|牵头|举办|承办|发起)"
)
_TITLE_ORG_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}?{_ORG_SUFFIX})(?=关于|\d{{4}}年|[\u4e00-\u9fff]{{0,2}}{_VERBS}|“|《)"
)
_ADVERBIAL_RE = re.compile(
    r"^(?:为|为了|在|以|围绕|根据|按照|随着|据|由于|结合|对|通过|聚焦|今年|去年|当天|"
    r"当日|上午|下午|晚上|会上|期间|此次|本次|作为|着眼|立足|面向|针对|伴随|值此)"
)
_CLOCK_RE = re.compile(r"^\s*\d{1,2}\s*(?:时|点|[:：]\d{2})(?:\s*\d{1,2}\s*分|半)?许?")
_VAGUE_TIME_RE = re.compile(r"^(?:近日|日前|近期|最近|前不久|日前)\s*")
_NOT_ORG_RE = re.compile(
    r"进一步|为了|推动|提升|加强|贯彻|落实|发挥|深化|做好|我会|我区|我们|本会|活动|会议"
)
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;]")
_SENTENCE_RE = re.compile(r"[^。！？!?]+[。！？!?]?")
_FORMAL_SUFFIX_RE = re.compile(r"科学技术协会$")


class OrgGuess(BaseModel):
    """Where an inferred org came from (for logs and tests)."""

    name: str
    via: str  # "hint" | "sentence" | "title" | "mention"


def _plausible(name: str) -> bool:
    return 2 <= len(name) <= 40 and not _NOT_ORG_RE.search(name)


def _subject_of(sentence: str) -> str | None:
    """The org that opens the main clause, after any date, time or purpose clauses; an
    org named later in the sentence is a partner or a guest, not the sender."""
    for clause in _CLAUSE_SPLIT_RE.split(sentence):
        clause = clause.strip()
        clause = _VAGUE_TIME_RE.sub("", clause)
        m = LEADING_DATE_RE.match(clause)
        if m:
            clause = _CLOCK_RE.sub("", clause[m.end() :]).lstrip("，, ")
        if not clause or _ADVERBIAL_RE.match(clause):
            continue
        sm = _SUBJECT_RE.match(clause)
        if sm and _plausible(sm.group("org")):
            return sm.group("org")
        break
    hm = _HOSTED_BY_RE.search(sentence)
    if hm and _plausible(hm.group("org")):
        return hm.group("org")
    return None


def infer_org(
    text: str,
    *,
    title: str | None = None,
    hint: str | None = None,
    profile: Profile | None = None,
) -> OrgGuess | None:
    """The sender as the report names it: an explicit hint, else the subject of the first
    sentences, else the org the title starts with, else (with a profile) the one
    registry organization the text mentions."""
    if hint:
        return OrgGuess(name=hint, via="hint")
    for para in text.split("\n\n")[:3]:
        if not re.search(r"[。！？]", para):
            continue  # a heading
        for sentence in _SENTENCE_RE.findall(para)[:2]:
            org = _subject_of(sentence)
            if org:
                return OrgGuess(name=org, via="sentence")
        break
    if title:
        m = _TITLE_ORG_RE.match(title.removeprefix("关于"))
        if m and _plausible(m.group("org")):
            return OrgGuess(name=m.group("org"), via="title")
    if profile is not None:
        return _only_registry_mention(text, profile)
    return None


def _only_registry_mention(text: str, profile: Profile) -> OrgGuess | None:
    """A first-person report (``我会``) usually names its sender once; when exactly one
    registry organization other than the bulletin's own association is mentioned, it is
    the best guess left."""
    own = profile.association_short
    found: dict[str, str] = {}
    for name, short in sorted(profile.aliases().items(), key=lambda kv: -len(kv[0])):
        if short != own and short not in found and name in text:
            found[short] = name
    if len(found) == 1:
        return OrgGuess(name=next(iter(found.values())), via="mention")
    return None


def _resolve(name: str, profile: Profile) -> tuple[str, OrgMatch | None]:
    """Resolve through the profile; ``北京机械工程学会 学术部`` falls back to its first part."""
    name = re.sub(r"\s+", " ", name).strip()
    candidates = [name]
    if " " in name:
        candidates += [name.split(" ")[0], name.replace(" ", "")]
    for candidate in candidates:
        match = profile.resolve_org(candidate)
        if match:
            return candidate, match
    return name, None


def _short_form(name: str) -> str:
    return _FORMAL_SUFFIX_RE.sub("科协", name)


def _nearest(name: str, profile: Profile, limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    hits = process.extract(name, profile.org_names(), scorer=fuzz.WRatio, limit=limit)
    return [h[0] for h in hits]


def _unknown_org_note(name: str, profile: Profile) -> Finding:
    near = _nearest(name, profile)
    return Finding(
        rule="ingest.org_unknown",
        severity="warning",
        message=f"报送单位“{name}”不在配置的单位名录中，署名暂用“{_short_form(name)}”"
        + (f"；最接近的名录名称：{'、'.join(near)}" if near else ""),
        excerpt=name,
        replacement=near[0] if near else None,
    )


# -- reading ----------------------------------------------------------------------------
# Text nodes of a paragraph, tracked insertions included (python-docx's Paragraph.text
# skips runs inside <w:ins>), deletions and the fallback copy of text boxes excluded.
_DOCX_TEXT_XPATH = (
    ".//w:t[not(ancestor::w:del) and not(ancestor::*[local-name()='Fallback'])]"
    " | .//w:tab[not(ancestor::w:del)] | .//w:br[not(ancestor::w:del)] | .//w:cr"
)


def _docx_paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.xpath(_DOCX_TEXT_XPATH):
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif (
            node.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") != "page"
        ):
            parts.append("\n")
    return "".join(parts)


def _docx_text(source: str | Path) -> str:
    """Paragraphs and table rows of a .docx, in document order, one block each."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    data = read_bytes(source)
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"{source} 不是有效的 Word（.docx）文档",
            hint="请用 Word 或 WPS 打开后另存为 .docx，或把正文复制到 .txt 文件",
            path=str(source),
        ) from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = " ".join(_docx_paragraph_text(p._p) for p in cell.paragraphs).strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                if cells:
                    blocks.append(" ".join(cells))
        else:
            blocks.append(_docx_paragraph_text(item._p))
    return "\n\n".join(b for b in blocks if b.strip())


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
        text = _docx_text(source)
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
        date = parse_date(date)
    front, body = split_front_matter(text.lstrip("\ufeff"), where=where)
    front = front or FrontMatter()
    cleaned = clean_text(body)
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
    name, org_short, org_kind, notes = _sender(
        (org or "").strip() or front.org, text, given_title or cleaned.title, cleaned, profile
    )
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


def _sender(
    name: str | None, text: str, title: str | None, cleaned: CleanResult, profile: Profile
) -> tuple[str | None, str | None, OrgKind | None, list[Finding]]:
    """The sender as given or inferred → (name, short name, kind, notes)."""
    notes: list[Finding] = []
    if not name:
        guess = infer_org(text, title=title, hint=cleaned.org_hint, profile=profile)
        if guess is None:
            notes.append(
                Finding(
                    rule="ingest.org_missing",
                    severity="warning",
                    message="未能从材料中识别报送单位，署名需人工补充（可用 --org 指定）",
                )
            )
            return None, None, None, notes
        log.debug("inferred org %s via %s", guess.name, guess.via)
        name = guess.name
        if guess.via == "mention":
            notes.append(
                Finding(
                    rule="ingest.org_inferred",
                    severity="info",
                    message=f"报送单位“{name}”是根据正文中提到的单位推断的，请核对",
                    excerpt=name,
                )
            )
    name, match = _resolve(name, profile)
    if match:
        return name, match.short, match.kind, notes
    notes.append(_unknown_org_note(name, profile))
    return name, _short_form(name), None, notes


def _cleaning_note(cleaned: CleanResult) -> Finding:
    counts: dict[str, int] = {}
    for reason, _ in cleaned.removed:
        counts[reason] = counts.get(reason, 0) + 1
    summary = "、".join(f"{REASONS.get(r, r)} {n} 处" for r, n in counts.items())
    return Finding(rule="ingest.cleaned", severity="info", message=f"已清理：{summary}")
