"""The facts a text states, as the faithfulness guard compares them.

Numbers with their units, dates, person names, titles, organization names, and names
in ``《》`` or ``“”`` (:func:`extract_entities`), each with a key normalized for
comparison: Chinese and Arabic numerals (:mod:`drafter.text.numerals`), date forms
(:mod:`drafter.text.dates`), full and half width, whitespace and line breaks, and the
profile's organization aliases (``市科协`` = ``北京市科学技术协会``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from drafter.guard.people import cut_words, find_names, find_titles, word_tag
from drafter.profile import Profile, load_profile
from drafter.text.dates import DateValue, find_dates
from drafter.text.lexicon import (
    ATTEND_VERBS,
    DETERMINERS,
    HOLD_VERBS,
    LAUNCH_VERBS,
    NOT_SUFFIX_BEFORE,
    ORG_SUFFIXES_ALL,
    ORG_WHOLE_NAMES,
    REPORTING_VERBS,
    alternation,
    words,
)
from drafter.text.numerals import NumberValue, find_numbers, to_halfwidth

__all__ = [
    "ORG_SUFFIX_END_RE",
    "QUOTE_STRIP",
    "Compact",
    "Entity",
    "EntityKind",
    "extract",
    "extract_entities",
    "org_norm",
]


EntityKind = Literal["number", "date", "person", "title", "org", "document", "initiative"]


@dataclass(frozen=True)
class Entity:
    """One fact-bearing item in a text.

    ``key`` is the normalized form compared with the source (``125人``, ``--05-08``,
    ``市科协``); ``span`` is (start, end) in the text given to :func:`extract_entities`.
    A title carries the ``person`` it is attached to.
    """

    kind: EntityKind
    text: str
    key: str
    span: tuple[int, int]
    person: str | None = None
    number: NumberValue | None = None
    date: DateValue | None = None


# -- normalization ------------------------------------------------------------------------

_QUOTES = "“”‘’\"'「」『』"
QUOTE_STRIP = str.maketrans("", "", _QUOTES)


class Compact:
    """Half-width text without whitespace, with each character's original offset."""

    def __init__(self, text: str) -> None:
        half = to_halfwidth(text)
        keep: list[int] = []
        self.breaks: set[int] = set()  # compact offsets that start a new line
        newline = False
        for i, c in enumerate(half):
            if c.isspace():
                newline = newline or c == "\n"
                continue
            if newline and keep:
                self.breaks.add(len(keep))
            newline = False
            keep.append(i)
        self.text = "".join(half[i] for i in keep)
        self.pos = keep

    def span(self, s: int, e: int) -> tuple[int, int]:
        if not self.pos:
            return (0, 0)
        return (self.pos[s], self.pos[e - 1] + 1 if e > s else self.pos[s])


_DASHES = re.compile(r"[-—–－─]+")


def org_norm(s: str) -> str:
    """Whitespace-free, quote-free, one kind of dash, 科学技术协会 shortened to 科协
    and 人民政府 to 政府: the form both sides are compared in."""
    # Names (the profile's aliases above all) are normalized on every check: cache
    # the short ones; a whole report is normalized once per prepared source anyway.
    return _org_norm_short(s) if len(s) <= _NORM_CACHED_MAX else _org_norm_text(s)


_NORM_CACHED_MAX = 200


@functools.lru_cache(maxsize=4096)
def _org_norm_short(s: str) -> str:
    return _org_norm_text(s)


def _org_norm_text(s: str) -> str:
    s = re.sub(r"\s+", "", to_halfwidth(s)).translate(QUOTE_STRIP)
    s = s.replace("科学技术协会", "科协").replace("人民政府", "政府")
    s = _DASHES.sub("-", s).replace("……", "...").replace("…", "...")
    return s.replace("(", "（").replace(")", "）")


# -- extraction ---------------------------------------------------------------------------

_DOC_RE = re.compile(r"《([^《》]{1,120})》")
_QUOTE_RE = re.compile(r"“([^“”]{1,80})”|\"([^\"]{1,80})\"|「([^「」]{1,80})」")

_ORG_SUFFIX_RE = re.compile(alternation(ORG_SUFFIXES_ALL, not_before=NOT_SUFFIX_BEFORE))
ORG_SUFFIX_END_RE = re.compile(f"(?:{_ORG_SUFFIX_RE.pattern})$")
# Words that end like an organization but are not one.
_NOT_ORG_TAILS = words(
    "干部 全部 内部 外部 局部 东部 西部 南部 北部 中部 总部 头部 底部 大局 格局 布局 全局 当局 "
    "结局 开局 变局 时局 定局 骗局 常委 编委 主委 评委"
)
# Words that end the left edge of a name: whatever comes before them is not part of it.
_ORG_LEFT_STOPS = frozenset(
    (
        *HOLD_VERBS,
        *ATTEND_VERBS,
        *LAUNCH_VERBS,
        *REPORTING_VERBS,
        *words("""与 及 在 到 由 对 向 于 是 了 的 等 被 从 并 赴 至 和 该 各 其 我 组织 联合 邀请 主办
        承办 协办 来自 携手 会同 指导 支持 通过 走进 深入 依托 牵头 推动 加强 成立 签署 获得 荣获
        带领 共同 围绕 面向 协调 动员 配合 以及 包括 其中 期间 会议 活动 参观 调研 考察 座谈 合作
        表彰 授予 评为 认定 代表 专家 领导 同志 为 以 将 就 走访 前往 来到 联系 服务 发挥 作为
        会上 此次 本次 全体 所属 下属 成员 单位 驻 赴京 经过 听取 介绍 认为 提出 建议 鼓励 感谢
        祝贺 标志着"""),
    )
)


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(bs < e and s < be for bs, be in spans)


def _orgs_in(
    text: str,
    blocked: list[tuple[int, int]],
    walls: list[tuple[int, int]],
    breaks: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[int, int, str]]:
    """Organization names: a run of CJK characters ending in an organization suffix,
    cut on the left at punctuation, a number or date (``walls``), a previous name, or
    a verb or preposition."""
    out: list[tuple[int, int, str]] = []
    walled = {i for s, e in walls for i in range(s, e)}
    prev_end = 0
    for m in _ORG_SUFFIX_RE.finditer(text):
        ss, se = m.span()
        if _overlaps(ss, se, blocked):
            continue
        k = ss
        while (
            k > max(prev_end, ss - 24)
            and "\u4e00" <= text[k - 1] <= "\u9fff"
            and k - 1 not in walled
            and k not in breaks
        ):
            k -= 1
        core = _cut_left(text[k:ss])
        core = core.lstrip(DETERMINERS)
        name = core + m.group(0)
        prev_end = se
        if (not core and name not in ORG_WHOLE_NAMES) or name.endswith(_NOT_ORG_TAILS):
            continue
        out.append((se - len(name), se, name))
    return out


def _cut_left(core: str) -> str:
    """What is left of ``core`` after its last verb, preposition or function word.

    Words come from jieba, so the 和 in 北京协和医院 is not taken for a conjunction.
    """
    if not core:
        return core

    words = cut_words(core)
    keep = len(words)
    while keep > 0:
        w = words[keep - 1]
        tag = word_tag(w) or ""
        # verbs are not cut on their tag alone: names hold them (乡村振兴工作站)
        if w in _ORG_LEFT_STOPS or tag[:1] in ("p", "c", "u", "r", "d") or tag == "ad":
            break
        keep -= 1
    return "".join(words[keep:])


def _quoted(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    docs = [(m.start(), m.end(), m.group(1)) for m in _DOC_RE.finditer(text)]
    doc_spans = [(s, e) for s, e, _ in docs]
    quotes = []
    for m in _QUOTE_RE.finditer(text):
        if _overlaps(m.start(), m.end(), doc_spans):
            continue
        inner = next(g for g in m.groups() if g is not None)
        quotes.append((m.start(), m.end(), inner))
    return docs, quotes


def extract(
    c: str, profile: Profile, breaks: set[int] | frozenset[int] = frozenset()
) -> list[Entity]:
    """Entities in compact text ``c``; spans are offsets in ``c``; a name never runs
    across one of the line ``breaks``."""
    out: list[Entity] = []
    docs, quotes = _quoted(c)
    for s, e, inner in docs:
        out.append(Entity("document", c[s:e], org_norm(inner), (s, e)))
    for s, e, inner in quotes:
        out.append(Entity("initiative", c[s:e], org_norm(inner), (s, e)))
    blocked = [(s, e) for s, e, _ in docs + quotes]
    dates = [d for d in find_dates(c) if not _overlaps(d.start, d.end, blocked)]
    seen_date: set[tuple[int, str]] = set()
    for d in dates:
        if (d.start, d.key) not in seen_date:
            seen_date.add((d.start, d.key))
            out.append(Entity("date", d.text, d.key, (d.start, d.end), date=d))
    taken = blocked + [(d.start, d.end) for d in dates]
    numbers = find_numbers(c, skip=taken)
    for n in numbers:
        out.append(Entity("number", n.text, n.key, (n.start, n.end), number=n))
    walls = taken + [(n.start, n.end) for n in numbers]
    for s, e, name in _orgs_in(c, blocked, walls, breaks):
        out.append(Entity("org", name, _org_key(name, profile), (s, e)))
    org_spans = [e.span for e in out if e.kind == "org"]
    held: list[tuple[int, int]] = []
    for hit in find_names(c, blocked=blocked + org_spans):
        out.append(Entity("person", hit.name, hit.name, (hit.start, hit.end)))
        for ts, te, title in hit.titles:
            out.append(Entity("title", title, title, (ts, te), person=hit.name))
            held.append((ts, te))
    # A title with no holder (市长出席会议) is still a fact: it is checked on its own.
    for ts, te, title in find_titles(c):
        if not _overlaps(ts, te, blocked + org_spans + held):
            out.append(Entity("title", title, title, (ts, te)))
    out.sort(key=lambda x: (x.span, x.kind))
    return out


def _org_key(name: str, profile: Profile) -> str:
    match = profile.resolve_org(name)
    return match.short if match else org_norm(name)


def extract_entities(text: str, profile: Profile | None = None) -> list[Entity]:
    """Every fact-bearing item in ``text``: numbers with units, dates, person names and
    their titles, organizations, ``《documents》`` and ``“initiatives”``, in order."""
    profile = profile or load_profile()
    compact = Compact(text)
    out = []
    for ent in extract(compact.text, profile, compact.breaks):
        s, e = compact.span(*ent.span)
        out.append(Entity(ent.kind, text[s:e], ent.key, (s, e), ent.person, ent.number, ent.date))
    return out
