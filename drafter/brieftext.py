"""One brief as text: render it as Markdown or plain text, read it back, measure edits.

A brief file is a ``###`` headline line, then paragraphs separated by blank lines; the
attribution ``（…）`` ends the last paragraph. A file whose first character is ``{`` is
read as the JSON of a :class:`~drafter.schemas.Brief`. :func:`edit_ratio` is the one
measure of how much one brief differs from another (editor effort in the store, distance
from the golden brief in the eval).
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from rapidfuzz.distance import Levenshtein

from drafter.errors import InputError
from drafter.profile import Profile
from drafter.schemas import Brief, OrgKind, Provenance

__all__ = [
    "edit_ratio",
    "join_attribution",
    "parse_brief",
    "render_brief_md",
    "render_brief_txt",
    "split_attribution",
    "split_paragraphs",
]

# An attribution: a short name in full- or half-width parentheses closing the text,
# right after sentence-final punctuation (with or without a stray space).
_ATTR_RE = re.compile(r"(?<=[。！？”’）)\]】…])\s*[（(]([^（）()。，,；;：:\n]{2,30})[）)]\s*$")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")


def split_attribution(paragraph: str) -> tuple[str, str | None]:
    """Split ``…力量。（北京抗癌协会）`` into body and attribution name."""
    m = _ATTR_RE.search(paragraph)
    if not m:
        return paragraph, None
    return paragraph[: m.start()].rstrip(), m.group(1).strip()


def join_attribution(paragraph: str, attribution: str | None) -> str:
    """The last paragraph with its attribution appended in house style: no space."""
    if not attribution:
        return paragraph
    return f"{paragraph.rstrip()}（{attribution}）"


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each stripped; line breaks inside a block kept."""
    blocks = re.split(r"\n[ \t\u3000]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [b.strip() for b in blocks if b.strip()]


def _strip_emphasis(s: str) -> str:
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", s).strip("*_ \t")


def render_brief_md(brief: Brief, *, level: int = 3) -> str:
    """``### headline``, blank line, paragraphs; the attribution ends the last one."""
    paras = list(brief.paragraphs)
    paras[-1] = join_attribution(paras[-1], brief.attribution)
    return "#" * level + " " + brief.headline + "\n\n" + "\n\n".join(paras) + "\n"


def render_brief_txt(brief: Brief) -> str:
    """Plain text: the headline line, then paragraphs; the attribution ends the last one."""
    paras = list(brief.paragraphs)
    paras[-1] = join_attribution(paras[-1], brief.attribution)
    return brief.headline + "\n\n" + "\n\n".join(paras) + "\n"


def edit_ratio(before: Brief, after: Brief) -> float:
    """How much of ``before`` was changed to give ``after``: 0 = unchanged, 1 = rewritten.

    The normalized character-level Levenshtein distance (edits ÷ length of the longer
    text) between the Markdown renderings (:func:`render_brief_md`: ``### headline``,
    paragraphs, attribution) of the two briefs: the text an editor revises and a golden
    brief is written in. Levenshtein, not difflib: it counts true insertions, deletions
    and substitutions, while difflib's ratio is a matching heuristic.
    """
    return float(Levenshtein.normalized_distance(render_brief_md(before), render_brief_md(after)))


def parse_brief(
    text: str,
    *,
    profile: Profile,
    source_file: str | None = None,
    lead: bool | None = None,
) -> Brief:
    """Read a brief from Markdown (or JSON) text.

    The section is taken from the attribution's kind in the profile registry; a brief
    without attribution is a lead story unless ``lead=False``.
    """
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise InputError("简讯文件为空", hint="请提供“### 标题”加正文的 Markdown 或 Brief JSON")
    if stripped.startswith("{"):
        try:
            return Brief.model_validate_json(stripped)
        except ValidationError as exc:
            raise InputError(
                f"简讯 JSON 不符合 Brief 格式：{exc.errors()[0]['msg']}",
                hint="用 drafter schema brief 查看字段",
                source=source_file,
            ) from exc
    blocks = split_paragraphs(stripped)
    first_line, _, rest = blocks[0].partition("\n")
    m = _HEADING_RE.match(first_line)
    if m:
        headline = _strip_emphasis(m.group(1))
        blocks = ([rest.strip()] if rest.strip() else []) + blocks[1:]
    else:
        headline = _strip_emphasis(first_line)
        blocks = ([rest.strip()] if rest.strip() else []) + blocks[1:]
    if not blocks:
        raise InputError(
            f"简讯只有标题“{headline}”，没有正文",
            hint="标题行之后空一行写正文",
            source=source_file,
        )
    body, attribution = split_attribution(blocks[-1])
    paragraphs = [*blocks[:-1], body] if body else blocks[:-1]
    if not paragraphs:
        paragraphs = [body]
    is_lead = attribution is None if lead is None else lead
    kind: OrgKind | None = None
    if attribution:
        match = profile.resolve_org(attribution)
        kind = match.kind if match else None
    section = profile.section_of(kind or "society", lead=is_lead)
    return Brief(
        headline=headline,
        paragraphs=paragraphs,
        attribution=attribution,
        section=section,
        lead=is_lead,
        kind=kind,
        provenance=Provenance(engine="parsed", source_file=source_file),
    )
