"""Mechanical rewrites the offline engine may make: first person and the date lead.

Neither adds a fact. First person becomes the organization's own short name (outside
quotations only); the event date is moved to the front of the lead sentence in
house form (``5月8日上午，``), the year dropped when it is the issue's year, and a
relative date (``昨日``) resolved against the day the report was received.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from drafter.text.dates import find_event_dates
from drafter.text.lexicon import DAY_PARTS_LEAD, HOST_VERBS, VAGUE_TIME_WORDS, alternation
from drafter.text.numerals import cn_to_int
from drafter.text.sentences import outside_quotes

__all__ = [
    "LeadDate",
    "first_person_pattern",
    "rewrite_first_person",
    "rewrite_lead",
    "strip_vague",
    "vague_lead",
]

_CJK = "\u4e00-\u9fff"

# 本会 / 本市 … only after a non-Han character or a function word: 日本会议 is not 本会.
_BEN = rf"(?:(?<![{_CJK}])|(?<=[为由经与和及对向在是把被将从据按让请使即于同并了到给入]))"

_COUNCIL = [
    "我们学会",
    "我们协会",
    "我们科协",
    "我协会",
    "我学会",
    "我科协",
    "本协会",
    "本学会",
    "我会",
]
_WE = ["我们", "咱们", "我单位"]
_BEN_WORDS = {
    "本会": "council",
    "本单位": "we",
    "本科协": "council",
    "本区": "区",
    "本县": "县",
    "本市": "市",
    "本省": "省",
    "本校": "校",
    "本院": "院",
    "本公司": "司",
    "本部门": "dept",
}
_PLACE = {
    "我区科协": "区",
    "我县科协": "县",
    "我市科协": "市",
    "我省科协": "省",
    "我区": "区",
    "我县": "县",
    "我市": "市",
    "我省": "省",
}
_INST = {
    "我校": ("大学", "学院", "学校", "中学", "小学"),
    "我院": ("院",),
    "我所": ("所",),
    "我司": ("公司", "集团"),
    "我公司": ("公司", "集团"),
    "我集团": ("集团",),
    "我中心": ("中心",),
    "我园": ("园", "园区"),
    "我园区": ("园区",),
}
_INST_BEN = {"校": ("大学", "学院", "学校", "中学", "小学"), "院": ("院",), "司": ("公司", "集团")}


@functools.lru_cache(maxsize=64)
def _mapping(org: str | None, kind: str, association: str) -> dict[str, str | None]:
    """First-person word → replacement (None: no safe replacement; drop the sentence)."""
    council = association if kind in ("office", "department") else org
    we = org if kind != "office" else association
    place_m = re.fullmatch(rf"([{_CJK}]{{2,12}}?(区|县|市|省|旗|州))科协", org or "")
    place, place_kind = (place_m.group(1), place_m.group(2)) if place_m else (None, None)
    inst = (org.removesuffix("科协") if org else None) if not place else None
    out: dict[str, str | None] = {}
    for w, sfx in _PLACE.items():
        if w.endswith("科协"):
            out[w] = org if place_kind == sfx else None
        else:
            out[w] = place if place_kind == sfx else None
    for w in _COUNCIL:
        out[w] = council
    for w in _WE:
        out[w] = we
    out["我部"] = org if kind == "department" else None
    for w, ends in _INST.items():
        out[w] = inst if inst and inst.endswith(ends) else None
    for w, role in _BEN_WORDS.items():
        if role == "council":
            out[w] = council
        elif role in ("we", "dept"):
            out[w] = we if role == "we" or kind == "department" else None
        elif role in ("区", "县", "市", "省"):
            out[w] = place if place_kind == role else None
        else:
            out[w] = inst if inst and inst.endswith(_INST_BEN[role]) else None
    return out


@functools.lru_cache(maxsize=64)
def first_person_pattern(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One pattern for every first-person word this module knows, plus ``extra``."""
    words = {*_COUNCIL, *_WE, "我部", *_PLACE, *_INST, *extra}
    mine = sorted(words, key=len, reverse=True)
    ben = sorted(_BEN_WORDS, key=len, reverse=True)
    alts = [re.escape(w) for w in mine if not w.startswith("本")]
    ben_alts = [re.escape(w) for w in {*ben, *(w for w in mine if w.startswith("本"))}]
    return re.compile(
        "|".join([*alts, *(f"{_BEN}{w}" for w in sorted(ben_alts, key=len, reverse=True))])
    )


def rewrite_first_person(
    text: str,
    org: str | None,
    kind: str,
    association: str,
    extra: tuple[str, ...] = (),
) -> tuple[str, bool]:
    """Replace first person outside quotations; returns (text, fully_rewritten)."""
    if "我" not in text and "本" not in text and "咱" not in text:
        return text, True  # the common case, and the hot path on long reports
    mapping = _mapping(org, kind, association)
    pattern = first_person_pattern(extra)
    clean = True
    parts: list[str] = []
    last = 0
    for start, end in outside_quotes(text):
        parts.append(text[last:start])
        segment = text[start:end]

        def repl(m: re.Match[str]) -> str:
            nonlocal clean
            new = mapping.get(m.group(0))
            if new is None:
                clean = False
                return m.group(0)
            return new

        parts.append(pattern.sub(repl, segment))
        last = end
    parts.append(text[last:])
    return "".join(parts), clean


# -- dates ------------------------------------------------------------------------

_PART = rf"(?P<part>\s*{alternation(DAY_PARTS_LEAD)})?"
_PART_WORD = re.compile(alternation(DAY_PARTS_LEAD))
_CLOCK = (
    r"(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[-—–至到~～]\s*\d{1,2}\s*[:：]\s*\d{2})?)?"
    r"(?:\s*\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分|半)?)?"
)
_WEEKDAY = r"(?:\s*[（(](?:星期|周|礼拜)[一二三四五六日天][）)])?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_MONTH = r"(?:1[0-2]|0?[1-9])"
_ABS = re.compile(
    rf"(?:(?P<y>20\d{{2}})\s*年\s*)?(?P<m>{_MONTH})\s*月\s*(?P<d>{_DAY})\s*[日号]"
    rf"(?P<range>\s*(?:至|到|—|－|-|~|～)\s*(?:{_MONTH}\s*月\s*)?{_DAY}\s*[日号])?"
    rf"{_WEEKDAY}{_PART}{_CLOCK}"
)
_REL = re.compile(
    rf"(?P<rel>昨日|昨天|今日|今天|前日|前天|[上本]周[一二三四五六日天]|"
    rf"{alternation((*VAGUE_TIME_WORDS, '不久前'))}){_PART}{_CLOCK}"
)
# Words that open a purpose clause before the date: 为进一步……，5月9日，…
_PURPOSE = re.compile(r"^(?:为了?|围绕|按照|根据|结合|聚焦|随着|在.{1,30}?之际|值此|深入)")
_NOT_EVENT_BEFORE = re.compile(r"(?:截至|截止|截止到|自|从|至|到)\s*$")
_NOT_EVENT_AFTER = re.compile(
    rf"^(?:以来|前|之前|起|开始|至今|为止|{alternation((*HOST_VERBS, '开幕', '进行', '发布'))}的)"
)
_SUBJECT_TAIL = re.compile(r"(?:今年|本年)?(?:已于|于|在|将于|已经|的)?(?:今年|本年)?$")


@dataclass(frozen=True)
class LeadDate:
    """The lead sentence rewritten, and the event date it opened with (if known)."""

    text: str
    date: dt.date | None
    dated: bool  # False: the lead opens with 近日


def _fmt(m: re.Match[str], year: int | None, issue_year: int | None) -> str:
    mo, d = int(m.group("m")), int(m.group("d"))
    rng = m.groupdict().get("range") or ""
    rng = re.sub(r"(?<!\d)0(\d)", r"\1", re.sub(r"\s+", "", rng).replace("号", "日"))
    part = (m.group("part") or "").strip()
    prefix = f"{year}年" if year and issue_year and year != issue_year else ""
    return f"{prefix}{mo}月{d}日{rng}{part}"


_TAIL = re.compile(rf"{_WEEKDAY}{_PART}{_CLOCK}")
_CN_DATE = re.compile(
    r"(?P<m>[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*[日号]"
)


def _house_form(written: str, day: dt.date | None, received: dt.date | None) -> str | None:
    """``2026年05月08日（星期五）上午9:00`` → ``5月8日上午`` (the year kept only when it is
    not the issue's year); None when the wording cannot be fixed to a day."""
    m = _ABS.match(written)
    if m:
        year = int(m.group("y")) if m.group("y") else None
        issue_year = received.year if received else (day.year if day else year)
        return _fmt(m, year, issue_year)
    if day is None:
        cn = _CN_DATE.match(written)
        if not cn:
            return None
        mo, d = cn_to_int(cn.group("m")), cn_to_int(cn.group("d"))
        if not mo or not d or mo > 12 or d > 31:
            return None
        part = _PART_WORD.search(written)
        return f"{mo}月{d}日{part.group(0) if part else ''}"  # 五月八日 → 5月8日
    part = _PART_WORD.search(written)
    year_written = re.match(r"\s*(20\d{2})\s*[-/／.．年]", written)
    issue_year = received.year if received else day.year
    prefix = f"{day.year}年" if year_written and day.year != issue_year else ""
    return f"{prefix}{day.month}月{day.day}日{part.group(0) if part else ''}"


def _find_date(
    s: str, received: dt.date | None, year_hint: int | None
) -> tuple[int, int, str, dt.date | None] | None:
    """The first date expression in the head of ``s``: (start, end, house form, date)."""
    head = s[:160]
    facts = find_event_dates(head, anchor=received)
    if not facts:
        return None
    fact = facts[0]
    start = head.find(fact.text)
    if start < 0:
        return None
    end = start + len(fact.text)
    tail = _TAIL.match(head, end)
    if tail:
        end = tail.end()
    day = fact.date
    if day is None and year_hint:
        m = _ABS.match(fact.text)
        if m:
            try:
                day = dt.date(year_hint, int(m.group("m")), int(m.group("d")))
            except ValueError:
                day = None
    form = _house_form(head[start:end], day, received)
    if form is None:
        return None
    return start, end, form, day


def _split_purpose(pre: str) -> tuple[str, str]:
    """``为……，北京气象学会于`` → (``为……，``, ``北京气象学会于``)."""
    if _PURPOSE.match(pre) and "，" in pre:
        cut = pre.rfind("，") + 1
        return pre[:cut], pre[cut:]
    return "", pre


def strip_vague(s: str) -> str:
    """Remove an opening 近日/日前/昨日… (with its comma) the lead will replace."""
    m = _REL.match(s)
    if m:
        return s[m.end() :].lstrip("，, ")
    return s


def rewrite_lead(
    sentence: str, received: dt.date | None, year_hint: int | None = None
) -> LeadDate | None:
    """Open ``sentence`` with its event date in house form, or None if it has none.

    Accepted shapes: ``DATE，…``; ``SUBJECT于DATE…`` (the date moves to the front);
    either after a purpose clause ``为……，``.
    """
    hit = _find_date(sentence, received, year_hint)
    if hit is None:
        return None
    start, end, form, day = hit
    pre, rest = sentence[:start], sentence[end:].lstrip("，, \u3000")
    purpose, subject = _split_purpose(pre)
    if len(subject) > 40 or re.search("[，：:；“《]", subject):
        return None  # the date sits deep in the sentence: not an opening date
    if _NOT_EVENT_BEFORE.search(pre) or _NOT_EVENT_AFTER.match(rest) or not rest:
        return None  # 截至5月8日… / 在5月8日举行的年会上… / 5月8日以来…: not an opening date
    subject = _SUBJECT_TAIL.sub("", subject.strip())
    if purpose.startswith("为"):
        return LeadDate(f"{purpose}{form}，{subject}{rest}", day, True)
    # House style puts only a 为…… clause before the date: 按照……，→ after it.
    return LeadDate(f"{form}，{purpose}{subject}{rest}", day, True)


def vague_lead(sentence: str) -> LeadDate:
    """Open ``sentence`` with 近日 (the report gives no usable date); a purpose clause
    follows it (近日，为……，), which reads right however many commas it has."""
    return LeadDate(f"近日，{strip_vague(sentence)}", None, False)
