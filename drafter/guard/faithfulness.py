"""The faithfulness guard: every fact in a brief must be found in its source.

The facts of a brief (:mod:`drafter.guard.entities`) are looked up in the source after
normalization. Each item the source does not support is an error finding that names
it; a brief that drops the source's event date or its main organization gets a
warning.

Claims that name nothing (“与会专家一致认为，其他省市也可借鉴”) are out of the guard's
reach: no entity in them can be looked up. The profile's ``review_phrases`` (一致认为,
可借鉴, 首次, 领先 …) mark the usual ones, and a brief that uses one gets a
``guard.claim`` warning so that an editor checks it.

The source side is cheap (regular expressions and substring tests over the whole
report), so a brief checks against a 10,000-character report in a few milliseconds.
Instructions injected into a report (``忽略以上要求…``, :mod:`drafter.guard.injection`)
are not evidence: the rest of the line they start on is cut out of the source before
anything is looked up, and each is reported as a ``guard.injection`` warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import threading
from collections import OrderedDict

from drafter.guard.context_dates import completed_days
from drafter.guard.entities import (
    ORG_SUFFIX_END_RE,
    QUOTE_STRIP,
    Compact,
    Entity,
    extract,
    org_norm,
)
from drafter.guard.injection import find_injections, strip_injections
from drafter.guard.people import TITLE_RE, cut_words, word_tag
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, Location, Report
from drafter.text.dates import DateValue, find_dates, find_event_dates
from drafter.text.lexicon import alternation
from drafter.text.numerals import NumberValue, find_numbers, to_halfwidth

__all__ = ["check_faithfulness"]


log = logging.getLogger(__name__)


# -- the source side ----------------------------------------------------------------------


_LIST_MARKER_GAP = re.compile(r"(?<=\d[.．、)）])\s+(?=\d)")


class _Source:
    """A source report prepared for lookups."""

    def __init__(
        self, text: str, extra: list[str], profile: Profile, received: dt.date | None = None
    ) -> None:
        self.injections = find_injections(text)
        self.received = received
        text = to_halfwidth(text)
        if self.injections:
            text = strip_injections(text)
        # 23日 under a November dateline supports 11月23日, as the offline engine writes it.
        completed = [DateValue(0, 0, d.text, d.year, d.month, d.day) for d in completed_days(text)]
        # A list marker before a date or number ("1. 3月23日") must not fuse with it
        # into a decimal ("1.3月") when the white space goes.
        text = _LIST_MARKER_GAP.sub("|", text)
        self.compact = re.sub(r"\s+", "", text)
        self.keyed = self.compact.translate(QUOTE_STRIP)
        self.org_text = org_norm(self.compact) + "\n" + "\n".join(org_norm(x) for x in extra)
        self.dates = find_dates(self.compact) + completed
        if received:
            # 昨日 or 上周五 in a report received on a known day supports the calendar
            # date, resolved exactly as the offline engine resolves them.
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
            if org_norm(name) in self.org_text:
                shorts.add(short)
        for entry in profile.orgs:
            if org_norm(entry.short) in self.org_text:
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
                (ent, _supported(ent, self, profile)) for ent in extract(text, profile, breaks)
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
        agreeing = [x for x in self.dates if d.agrees(x)]
        if agreeing:
            if d.year is None or d.month is None or any(x.year == d.year for x in agreeing):
                return True
            # The source gives the day without a year: the brief's year must be one the
            # report writes somewhere or the year it was received in.
            years = {x.year for x in self.dates if x.year}
            if self.received:
                years.add(self.received.year)
            return not years or d.year in years
        # a bare year may be written as part of a name: 2023中关村论坛
        return d.month is None and d.year is not None and str(d.year) in self.compact

    def supports_org(self, name: str, profile: Profile) -> bool:
        """The name, or its registry short name, is in the source. Leading words that
        cannot be part of a name (a verb or adverb the extractor kept) may be dropped;
        a place or proper name may not: 天津环境科学学会 is not 北京环境科学学会."""
        if self._has_org(name, profile):
            return True
        suffix = ORG_SUFFIX_END_RE.search(name)
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
        variant = org_norm(name)
        if variant in self.org_text:
            return True
        match = profile.resolve_org(variant)
        return bool(match and match.short in self.org_shorts)

    def supports_bare_title(self, title: str) -> bool:
        """A title written with no holder (市长出席) is in the source as that title, not
        only as the end of a deputy's (副市长)."""
        return any(
            title.startswith("副") or m.start() == 0 or self.compact[m.start() - 1] != "副"
            for m in re.finditer(re.escape(title), self.compact)
        )

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

_MESSAGES: dict[str, str] = {
    "number": "数字“{x}”在原稿中找不到，请核对原稿",
    "date": "日期“{x}”在原稿中找不到，请核对原稿",
    "person": "人名“{x}”在原稿中找不到，请核对原稿",
    "title": "职务“{x}”与原稿中{p}的职务对不上，请核对原稿",
    "bare_title": "职务“{x}”在原稿中找不到，请核对原稿中出席人员的职务",
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
    return [org_norm(n) for n in names if n]


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
        compact = Compact(unit)
        brief_org_text.append(org_norm(compact.text))
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
            key = "bare_title" if ent.kind == "title" and not ent.person else ent.kind
            findings.append(
                Finding(
                    rule=f"guard.{ent.kind}",
                    severity="error",
                    message=_MESSAGES[key].format(x=unit[s:e], p=ent.person or ""),
                    location=loc,
                    excerpt=unit[s:e],
                )
            )
        findings += _claims(unit, paragraph, src, profile)
    findings += [
        Finding(
            rule="guard.injection",
            severity="warning",
            message=f"原稿中有疑似注入指令“{hit.text[:120]}”，已排除在依据之外、不写入简报，"
            "请核对原稿来源",
            excerpt=hit.text[:120],
        )
        for hit in src.injections
    ]
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


@functools.lru_cache(maxsize=8)
def _phrases_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # (?!) never matches: a profile with no review phrases warns of nothing
    return re.compile(alternation(phrases, longest_first=True) if phrases else "(?!)")


def _claims(unit: str, paragraph: int, src: _Source, profile: Profile) -> list[Finding]:
    """A warning for each review phrase (一致认为, 首次) in ``unit``: a claim the guard
    cannot check, which an editor must."""
    out = []
    seen: set[str] = set()
    for m in _phrases_re(tuple(profile.review_phrases)).finditer(unit):
        phrase, at = m.group(0), m.start()
        if phrase in seen:
            continue
        seen.add(phrase)
        said = "原稿有此说法，" if phrase in src.compact else "原稿中没有此说法，"
        out.append(
            Finding(
                rule="guard.claim",
                severity="warning",
                message=f"“{phrase}”是无法逐项核对的判断，{said}请编辑核实后再用",
                location=Location(paragraph=paragraph, start=at, end=at + len(phrase)),
                excerpt=phrase,
            )
        )
    return out


def _supported(ent: Entity, src: _Source, profile: Profile) -> bool:
    if ent.kind == "number" and ent.number:
        return src.supports_number(ent.number)
    if ent.kind == "date" and ent.date:
        return src.supports_date(ent.date)
    if ent.kind == "person":
        return ent.text in src.compact
    if ent.kind == "title":
        if not ent.person:
            return src.supports_bare_title(ent.text)
        if ent.person not in src.compact:
            return True  # the person is already reported; one finding is enough
        return src.supports_title(ent.text, ent.person or "")
    if ent.kind == "org":
        return src.supports_org(ent.text, profile)
    return ent.key in src.keyed or ent.key in src.org_text
