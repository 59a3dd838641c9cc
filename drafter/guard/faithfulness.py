"""The faithfulness guard: every fact in a brief must be found in its source.

Numbers with their units, dates, person names, titles, organization names, and names
in ``《》`` or ``“”`` are extracted from the brief (:func:`extract_entities`) and
looked up in the source after normalization: Chinese and Arabic numerals
(:mod:`drafter.text.numerals`), full and half width, date forms, whitespace and line
breaks, and the profile's organization aliases (``市科协`` = ``北京市科学技术协会``).
Each item the source does not support is an error finding that names it; a brief
that drops the source's event date or its main organization gets a warning.

The source side is cheap (regular expressions and substring tests over the whole
report), so a brief checks against a 10,000-character report in a few milliseconds.
Instructions injected into a report (``忽略以上要求…``) are not evidence: the rest of
the line they start on is cut out of the source before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from drafter.guard.injection import strip_injections
from drafter.guard.people import TITLE_RE, cut_words, find_names, word_tag
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, Location, Report
from drafter.text.numerals import DateValue, NumberValue, find_dates, find_numbers, to_halfwidth

__all__ = ["Entity", "EntityKind", "check_faithfulness", "extract_entities"]


log = logging.getLogger(__name__)


def _words(text: str) -> list[str]:
    """Whitespace-separated words: long word lists stay readable."""
    return text.split()


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
_QUOTE_STRIP = str.maketrans("", "", _QUOTES)


class _Compact:
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


def _org_norm(s: str) -> str:
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
    s = re.sub(r"\s+", "", to_halfwidth(s)).translate(_QUOTE_STRIP)
    s = s.replace("科学技术协会", "科协").replace("人民政府", "政府")
    s = _DASHES.sub("-", s).replace("……", "...").replace("…", "...")
    return s.replace("(", "（").replace(")", "）")


# -- extraction ---------------------------------------------------------------------------

_DOC_RE = re.compile(r"《([^《》]{1,120})》")
_QUOTE_RE = re.compile(r"“([^“”]{1,80})”|\"([^\"]{1,80})\"|「([^「」]{1,80})」")

_ORG_SUFFIX_RE = re.compile(
    r"(?:科学技术协会|科协|研究会|促进会|联合会|基金会|委员会|管委会|协会|学会(?!了)"
    r"|研究院|研究所|研究中心|大学(?!生)|学院(?!派)|医院|公司|集团|中心(?![任工城区组主])"
    r"|政府|办公室|联盟|实验室|工作站|局(?![长面势限])|厅(?!长)|部(?![署分门长队件]))"
)
_ORG_SUFFIX_END_RE = re.compile(f"(?:{_ORG_SUFFIX_RE.pattern})$")
# Words that end like an organization but are not one.
_NOT_ORG_TAILS = tuple(
    _words(
        "干部 全部 内部 外部 局部 东部 西部 南部 北部 中部 总部 头部 底部 大局 格局 布局 全局 当局 "
        "结局 开局 变局 时局 定局 骗局"
    )
)
_ORG_LEFT_STOPS = tuple(
    sorted(
        _words("""与 及 在 到 由 对 向 于 是 了 的 等 被 从 并 赴 至 和 该 各 其 我 召开 举办 举行 组织
        联合 邀请 参加 出席 主办 承办 协办 来自 携手 会同 指导 支持 通过 走进 深入 依托 牵头
        推动 加强 开展 成立 启动 发布 签署 获得 荣获 带领 共同 围绕 面向 协调 动员 配合 以及
        包括 其中 期间 会议 活动 参观 调研 考察 座谈 合作 表彰 授予 评为 认定 代表 专家 领导
        同志 为 以 将 就 向 走访 前往 来到 联系 服务 发挥 作为 会上 此次 本次 全体 所属 下属
        成员 单位 驻 赴京 经过 听取 指出 介绍 表示 强调 要求 希望 认为 提出 建议 鼓励 感谢
        祝贺 标志着"""),
        key=len,
        reverse=True,
    )
)
_DETERMINERS = "该本各此其我贵这那"


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
        core = core.lstrip(_DETERMINERS)
        name = core + m.group(0)
        prev_end = se
        if not core or name.endswith(_NOT_ORG_TAILS):
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


def _extract(
    c: str, profile: Profile, breaks: set[int] | frozenset[int] = frozenset()
) -> list[Entity]:
    """Entities in compact text ``c``; spans are offsets in ``c``; a name never runs
    across one of the line ``breaks``."""
    out: list[Entity] = []
    docs, quotes = _quoted(c)
    for s, e, inner in docs:
        out.append(Entity("document", c[s:e], _org_norm(inner), (s, e)))
    for s, e, inner in quotes:
        out.append(Entity("initiative", c[s:e], _org_norm(inner), (s, e)))
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
    for hit in find_names(c, blocked=blocked + org_spans):
        out.append(Entity("person", hit.name, hit.name, (hit.start, hit.end)))
        for ts, te, title in hit.titles:
            out.append(Entity("title", title, title, (ts, te), person=hit.name))
    out.sort(key=lambda x: (x.span, x.kind))
    return out


def _org_key(name: str, profile: Profile) -> str:
    match = profile.resolve_org(name)
    return match.short if match else _org_norm(name)


def extract_entities(text: str, profile: Profile | None = None) -> list[Entity]:
    """Every fact-bearing item in ``text``: numbers with units, dates, person names and
    their titles, organizations, ``《documents》`` and ``“initiatives”``, in order."""
    profile = profile or load_profile()
    compact = _Compact(text)
    out = []
    for ent in _extract(compact.text, profile, compact.breaks):
        s, e = compact.span(*ent.span)
        out.append(Entity(ent.kind, text[s:e], ent.key, (s, e), ent.person, ent.number, ent.date))
    return out


# -- the source side ----------------------------------------------------------------------


_LIST_MARKER_GAP = re.compile(r"(?<=\d[.．、)）])\s+(?=\d)")


class _Source:
    """A source report prepared for lookups."""

    def __init__(
        self, text: str, extra: list[str], profile: Profile, received: dt.date | None = None
    ) -> None:
        text = strip_injections(to_halfwidth(text))
        # A list marker before a date or number ("1. 3月23日") must not fuse with it
        # into a decimal ("1.3月") when the white space goes.
        text = _LIST_MARKER_GAP.sub("|", text)
        self.compact = re.sub(r"\s+", "", text)
        self.keyed = self.compact.translate(_QUOTE_STRIP)
        self.org_text = _org_norm(self.compact) + "\n" + "\n".join(_org_norm(x) for x in extra)
        self.dates = find_dates(self.compact)
        if received:
            # 昨日 or 上周五 in a report received on a known day supports the calendar
            # date; drafter.text.dates resolves them exactly as the offline engine does.
            from drafter.text.dates import find_event_dates

            for fact in find_event_dates(self.compact, anchor=received):
                if fact.date:
                    day = fact.date
                    self.dates.append(DateValue(0, 0, fact.text, day.year, day.month, day.day))
        taken = [(d.start, d.end) for d in self.dates]
        self.numbers = find_numbers(self.compact, skip=taken, every=True)
        self.number_keys = {n.key for n in self.numbers}
        self.values = {n.value for n in self.numbers}
        shorts = (
            {profile.association_short} if profile.association_short in self.org_text else set()
        )
        for name, short in profile.aliases().items():
            if _org_norm(name) in self.org_text:
                shorts.add(short)
        for entry in profile.orgs:
            if _org_norm(entry.short) in self.org_text:
                shorts.add(entry.short)
        self.org_shorts = shorts
        self.event_date = next((d for d in self.dates if d.month and d.day), None)
        # The entities of each brief unit (compact text, line breaks) checked against
        # this source, with whether each is supported: a gate after a repair checks
        # mostly the same headline and paragraphs again.
        self.checked: dict[tuple[str, frozenset[int]], list[tuple[Entity, bool]]] = {}

    def check_unit(
        self, text: str, breaks: set[int], profile: Profile
    ) -> list[tuple[Entity, bool]]:
        """The entities of compact brief text ``text``, each with whether it is supported."""
        key = (text, frozenset(breaks))
        found = self.checked.get(key)
        if found is None:
            found = [
                (ent, _supported(ent, self, profile)) for ent in _extract(text, profile, breaks)
            ]
            if len(self.checked) >= _CHECKED_MAX:
                self.checked.clear()
            self.checked[key] = found
        return found

    def supports_number(self, n: NumberValue) -> bool:
        if n.key in self.number_keys:
            return True
        if not n.unit and not n.ordinal:
            return n.value in self.values or format(n.value, "f") in self.compact
        return False

    def supports_date(self, d: DateValue) -> bool:
        if any(d.agrees(x) for x in self.dates):
            return True
        # a bare year may be written as part of a name: 2023中关村论坛
        return d.month is None and d.year is not None and str(d.year) in self.compact

    def supports_org(self, name: str, profile: Profile) -> bool:
        """The name, or its registry short name, is in the source. Leading words that
        cannot be part of a name (a verb or adverb the extractor kept) may be dropped;
        a place or proper name may not: 天津环境科学学会 is not 北京环境科学学会."""
        if self._has_org(name, profile):
            return True
        suffix = _ORG_SUFFIX_END_RE.search(name)
        core = name[: len(name) - len(suffix.group(0))] if suffix else name
        words = cut_words(core)
        dropped = 0
        for w in words[:-1]:
            if (word_tag(w) or "n")[:1] not in _DROPPABLE:
                break
            dropped += len(w)
            if len(core) - dropped < 2:
                break
            if self._has_org(name[dropped:], profile):
                return True
        return False

    def _has_org(self, name: str, profile: Profile) -> bool:
        variant = _org_norm(name)
        if variant in self.org_text:
            return True
        match = profile.resolve_org(variant)
        return bool(match and match.short in self.org_shorts)

    def supports_title(self, title: str, person: str) -> bool:
        """The title is written next to the person in the source: between the previous
        comma or full stop and the name (``党组书记、常务副主席沈洁``), or after the name
        in the same clause (``沈洁书记``, ``朱军、付卫等教授当选为副理事长``). Where the
        source gives the person no title at all, the title must be in it somewhere."""
        found: list[str] = []
        for m in re.finditer(re.escape(person), self.compact):
            before = re.split(_CLAUSE, self.compact[max(0, m.start() - 40) : m.start()])[-1]
            after = re.split(_CLAUSE, self.compact[m.end() : m.end() + 40])[0]
            found += [t.group(0) for t in TITLE_RE.finditer(before + "\x00" + after)]
        if not found:
            return title in self.compact
        return any(
            t == title or (t.endswith(title) and not t[: -len(title)].endswith("副")) for t in found
        )


_CLAUSE = r"[，。；！？：,;!?:]"
_CHECKED_MAX = 256
# Parts of speech (jieba's first letter) of words that are never part of a name.
_DROPPABLE = frozenset("vdpcuram")


_CACHE_LOCK = threading.Lock()
# Values keep their profile alive, so an id() in a key is never reused while cached.
_CACHE: OrderedDict[tuple[str, tuple[str, ...], int, dt.date | None], tuple[Profile, _Source]]
_CACHE = OrderedDict()


def _source(text: str, extra: list[str], profile: Profile, received: dt.date | None) -> _Source:
    # Gates and repairs check several drafts against one report: prepare it once.
    # Batch drafting runs in threads, hence the lock.
    key = (text, tuple(extra), id(profile), received)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key][1]
    src = _Source(text, extra, profile, received)
    with _CACHE_LOCK:
        _CACHE[key] = (profile, src)
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
    return src


# -- the check ----------------------------------------------------------------------------

_MESSAGES: dict[EntityKind, str] = {
    "number": "数字“{x}”在原稿中找不到，请核对原稿",
    "date": "日期“{x}”在原稿中找不到，请核对原稿",
    "person": "人名“{x}”在原稿中找不到，请核对原稿",
    "title": "职务“{x}”与原稿中{p}的职务对不上，请核对原稿",
    "org": "机构名称“{x}”在原稿中找不到，请核对原稿",
    "document": "文件名称{x}在原稿中找不到，请核对原稿",
    "initiative": "引号中的名称{x}在原稿中找不到，请核对原稿",
}


def _units(brief: Brief | str) -> list[tuple[int, int, str]]:
    """(paragraph index, line of the block or 0, text) for every checked unit."""
    if isinstance(brief, Brief):
        return [(-1, 0, brief.headline), *((i, 0, p) for i, p in enumerate(brief.paragraphs))]
    out: list[tuple[int, int, str]] = []
    pos = 0
    index = 0
    for m in [*re.finditer(r"\n[ \t\u3000]*\n", brief), None]:
        end = m.start() if m else len(brief)
        block = brief[pos:end]
        if block.strip():
            out.append((index, brief.count("\n", 0, pos) + 1, block))
            index += 1
        if m:
            pos = m.end()
    return out


def _main_org_names(main_org: str, profile: Profile) -> list[str]:
    names = [main_org]
    match = profile.resolve_org(main_org)
    if match:
        names.append(match.short)
        names += [n for n, short in profile.aliases().items() if short == match.short]
        if match.kind == "district":
            names.append("区科协")
        if match.kind == "grassroots" and match.short.endswith("科协"):
            names.append(match.short.removesuffix("科协"))  # 北京工业大学 for its 科协
        if match.kind in ("department", "office"):
            names += [profile.association, profile.association_short]
            names += profile.association_aliases
    return [_org_norm(n) for n in names if n]


def check_faithfulness(
    brief: Brief | str,
    source: Report | str,
    profile: Profile | None = None,
    *,
    main_org: str | None = None,
) -> list[Finding]:
    """Findings for every fact in ``brief`` that ``source`` does not support.

    A :class:`Brief` is checked headline (paragraph -1) and paragraphs (0..), the
    attribution excluded; a ``str`` is checked as given, by blank-line separated
    block. ``main_org`` (default: the report's organization) must be mentioned.
    """
    profile = profile or load_profile()
    if isinstance(source, Report):
        text = source.text
        if source.title:
            text = source.title + "\n" + text
        extra = [x for x in (source.org, source.org_short) if x]
        main_org = main_org or source.org_short or source.org
        received = source.received
    else:
        text, extra, received = source, [], None
    main_names = _main_org_names(main_org, profile) if main_org else []
    extra = [*extra, *main_names]
    src = _source(text, extra, profile, received)

    findings: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    brief_has_day = False
    brief_org_text = []
    for paragraph, line, unit in _units(brief):
        compact = _Compact(unit)
        brief_org_text.append(_org_norm(compact.text))
        for ent, supported in src.check_unit(compact.text, compact.breaks, profile):
            if ent.kind == "date" and ent.date and ent.date.day:
                brief_has_day = True
            if supported:
                continue
            rid = (ent.kind, ent.key)
            if rid in reported:
                continue
            reported.add(rid)
            s, e = compact.span(*ent.span)
            at_line = line + unit.count("\n", 0, s) if line else None
            loc = Location(paragraph=paragraph, start=s, end=e, line=at_line)
            findings.append(
                Finding(
                    rule=f"guard.{ent.kind}",
                    severity="error",
                    message=_MESSAGES[ent.kind].format(x=unit[s:e], p=ent.person or ""),
                    location=loc,
                    excerpt=unit[s:e],
                )
            )
    if src.event_date and not brief_has_day:
        findings.append(
            Finding(
                rule="guard.missing_date",
                severity="warning",
                message=f"原稿写明了活动日期“{src.event_date.text}”，简报中没有日期",
                excerpt=src.event_date.text,
            )
        )
    if main_org:
        joined = "\n".join(brief_org_text)
        if not any(n in joined for n in main_names):
            findings.append(
                Finding(
                    rule="guard.missing_org",
                    severity="warning",
                    message=f"简报没有提到主体单位“{main_org}”",
                    excerpt=main_org,
                )
            )
    return findings


def _supported(ent: Entity, src: _Source, profile: Profile) -> bool:
    if ent.kind == "number" and ent.number:
        return src.supports_number(ent.number)
    if ent.kind == "date" and ent.date:
        return src.supports_date(ent.date)
    if ent.kind == "person":
        return ent.text in src.compact
    if ent.kind == "title":
        if ent.person and ent.person not in src.compact:
            return True  # the person is already reported; one finding is enough
        return src.supports_title(ent.text, ent.person or "")
    if ent.kind == "org":
        return src.supports_org(ent.text, profile)
    return ent.key in src.keyed or ent.key in src.org_text
