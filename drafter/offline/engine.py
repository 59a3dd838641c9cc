"""The offline engine: a deterministic, extractive draft with no model.

It only selects, trims and mechanically rewrites what the report says, so the
faithfulness guard passes by construction:

1. clean the text into content paragraphs (captions, contacts, greetings, credits,
   web chrome, headings and attendee lists dropped — :mod:`drafter.offline.selection`);
2. split into sentences, rewrite first person to the organization's short name
   outside quotations (a sentence whose first person cannot be resolved is dropped);
3. pick the lead: the first early sentence with an event date, moved to the front in
   house form (``5月8日上午，``), else ``近日，`` — :mod:`drafter.offline.first_person`;
4. fill the length budget with the best-scoring later sentences (who, titles,
   decisions, numbers, outcome), kept in report order, 1–4 paragraphs;
5. a headline from the title or the lead event — :mod:`drafter.offline.headline`;
6. attribution, section and date set from fields; ``fix_brief`` for typography.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from drafter.brieftext import split_attribution
from drafter.errors import InputError
from drafter.guard.context_dates import completed_days
from drafter.guard.injection import strip_injections
from drafter.offline.first_person import (
    LeadDate,
    rewrite_first_person,
    rewrite_lead,
    strip_vague,
    vague_lead,
)
from drafter.offline.headline import make_headline
from drafter.offline.selection import (
    DANGLING,
    Sentence,
    clean_blocks,
    has_attendee_list,
    is_boilerplate,
    is_closing,
    is_filler,
    score_sentence,
)
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, OrgKind, Provenance, Report
from drafter.style import fix_brief
from drafter.text.lexicon import (
    EVENT_VERBS,
    HOLD_VERBS,
    ORG_SUFFIXES_COMMON,
    ORG_SUFFIXES_SIGNED,
    SPEECH_VERBS,
    alternation,
    words,
)
from drafter.text.sentences import split_sentences

__all__ = ["draft_offline"]

log = logging.getLogger(__name__)

_LEAD_WINDOW = 5  # an undated lead is one of the first content sentences
_DATED_WINDOW = 12  # a dated lead may come after a background preamble
_HALF_TO_FULL = str.maketrans({"!": "！", "?": "？", ";": "；", ",": "，", ":": "："})
_DATED_YEAR = re.compile(r"(20\d{2})\s*(?:年\s*\d{1,2}\s*月|[-/.]\s*\d{1,2}\s*[-/.])")
_YEAR = re.compile(r"(20\d{2})\s*年")
_BAD = re.compile(r"图为|https?://|www\.|\d{3,4}-\d{7,8}|1[3-9]\d{9}|@\w+\.\w")
_DECOR = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200b-\u200d\u2060]|\\*\\*|__|^[ \\t\\u3000▲△●○◆◇■□★☆▶►•·]+",
    re.M,
)
_TIME_LINE = re.compile(
    r"^\s*(?:活动|会议|培训|调研|比赛|论坛)?(?:时间|日期)\s*[：:]\s*([^\n]{4,40})$", re.M
)
_EVENT = re.compile(alternation(EVENT_VERBS))
_BACKGROUND = re.compile(r"^(?:近年来|多年来|长期以来|今年以来|一直以来|自.{1,12}以来)")
_BREAK = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{2,4}}(?:在[^，。]{{0,15}})?{alternation(SPEECH_VERBS)}|"
    r"会上|会议(?!由)|活动中|活动期间|下一步|此外|据悉|据了解|今年以来|截至目前)"
)
_TERMINAL = re.compile("[。！？…”’」』）)]$")


def _year_hint(text: str) -> int | None:
    """The year of an undated ``5月8日`` when the report was not given a received date:
    a year written with a month first (``2026年5月``), else any year (``2026年工作``)."""
    m = _DATED_YEAR.search(text) or _YEAR.search(text)
    return int(m.group(1)) if m else None


def _prepare(text: str) -> str:
    """Sentence-end punctuation in half width between Chinese becomes full width, so
    the splitter sees it (fix_paragraph repairs the rest of the typography later)."""
    text = re.sub(
        r"(?<=[\u4e00-\u9fff”）])\s*[!?;,:]",
        lambda m: m.group(0).strip().translate(_HALF_TO_FULL),
        text,
    )
    text = re.sub(
        r'(?<=[\u4e00-\u9fff”）])\.(?=\s*(?:[\u4e00-\u9fff“”（"]|$))', "。", text, flags=re.M
    )
    # Paired straight quotes become “”, so that quotations are seen as quotations.
    text = re.sub(r'"([^"\n]{1,300})"', r"“\1”", text)
    # Emoji, bullets and Markdown emphasis from WeChat and web pastes: never content.
    return _DECOR.sub("", text)


_ORG_ONLY = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}{alternation(ORG_SUFFIXES_COMMON)}$")
_TITLE_WORDS = re.compile(
    alternation((*words("关于 报告 简讯 简报 情况 总结"), *HOLD_VERBS, *words("活动 会议 论坛")))
)


def _title_from_text(text: str) -> str | None:
    """A title line at the top of an untitled paste: short, no closing punctuation, not
    the sender's name, a salutation, a label or a date."""
    seen = 0
    first: str | None = None
    for line in text.split("\n"):
        s = line.strip()
        if not s or s.startswith("---"):
            continue
        seen += 1
        if seen > 4 or re.search("[。！？；;]", s) or len(s) > 60:
            break
        if _ORG_ONLY.match(s) or is_boilerplate(s) or re.match(r"^\d{4}[-年./]", s):
            continue
        if _TITLE_WORDS.search(s):
            return s
        first = first or s
    return first


def _org_names(report: Report, profile: Profile, subject: str | None) -> list[str]:
    names = [n for n in (subject, report.org, report.org_short) if n]
    names += [profile.association_short, profile.association, *profile.association_aliases]
    return names


def _shorten_names(headline: str, report: Report, profile: Profile, subject: str | None) -> str:
    """Formal names become short ones in a headline: 北京市怀柔区科学技术协会 → 怀柔区科协,
    北京市科学技术协会 → 市科协 (the body keeps the full name at first mention)."""
    pairs = [
        (n, profile.association_short) for n in (profile.association, *profile.association_aliases)
    ]
    if report.org and subject and len(report.org) > len(subject):
        pairs.append((report.org, subject))
    for long, short in sorted(pairs, key=lambda p: -len(p[0])):
        headline = headline.replace(long, short)
    return headline


def _subject(report: Report, profile: Profile) -> str | None:
    """Who the report's first person means: its short name (市科协 for the office)."""
    if report.org_short:
        return report.org_short
    if report.org:
        match = profile.resolve_org(report.org)
        return match.short if match else report.org
    if report.kind == "office":
        return profile.association_short
    return None


_ORG_SUFFIX = re.compile(f"{alternation(ORG_SUFFIXES_SIGNED)}$")


def _is_org_name(name: str, subject: str | None, profile: Profile) -> bool:
    return name == subject or bool(_ORG_SUFFIX.search(name)) or bool(profile.resolve_org(name))


def _candidates(
    text: str, kind: OrgKind, profile: Profile, subject: str | None, title: str | None
) -> list[Sentence]:
    """Every usable sentence of the prepared ``text``, first person rewritten, in order."""
    extra = tuple(profile.first_person)
    out: list[Sentence] = []
    seen: set[str] = set()
    for b, block in enumerate(clean_blocks(text, title)):
        body, signed = split_attribution(block)
        if signed and _is_org_name(signed, subject, profile):
            block = body  # the contributor already signed it: （北京抗癌协会）
        for raw in split_sentences(block):
            s, ok = rewrite_first_person(raw, subject, kind, profile.association_short, extra)
            key = re.sub(r"\W", "", s)
            if not ok or key in seen or len(s) < 6 or _BAD.search(s):
                continue
            if has_attendee_list(s):
                continue
            seen.add(key)
            out.append(Sentence(text=s, block=b, index=len(out), filler=is_filler(s)))
    return out


def _choose_lead(
    cands: list[Sentence], text: str, received: dt.date | None, year_hint: int | None
) -> tuple[int, LeadDate]:
    eventful = False  # has an undated sentence told of an event already?
    months = {d.start: d.month for d in completed_days(text)}
    for i, c in enumerate(cands[:_DATED_WINDOW]):
        # Past the opening sentences, only a background preamble (近年来……, no event
        # of its own) may be skipped: an undated account of the event must not be lost.
        if i >= _LEAD_WINDOW and eventful:
            break
        lead = rewrite_lead(_with_month(c.text, text, months), received, year_hint)
        if lead:
            return i, lead
        eventful = eventful or bool(_EVENT.search(c.text))
    # No date in the opening sentences: open with the first that is not background
    # (近年来……), dated from a "时间：5月8日" line of the report if it has one.
    i = next((k for k, c in enumerate(cands[:_LEAD_WINDOW]) if not _BACKGROUND.match(c.text)), 0)
    when = _TIME_LINE.search(text)
    if when:
        dated = rewrite_lead(
            when.group(1).strip() + "，" + strip_vague(cands[i].text), received, year_hint
        )
        if dated:
            return i, dated
    if _BACKGROUND.match(cands[i].text):
        return i, LeadDate(cands[i].text, None, False)  # 近年来…… needs no 近日 in front
    return i, vague_lead(cands[i].text)


def _with_month(sentence: str, text: str, months: dict[int, int | None]) -> str:
    """``sentence`` opening with a bare day (``23日，……``) given the month the report
    set before it (``11月23日，……``; the guard accepts it on the same evidence)."""
    day = _BARE_DAY.match(sentence)
    at = text.find(sentence)
    month = months.get(at + day.start(1)) if day and at >= 0 else None
    return f"{month}月{sentence}" if month else sentence


_BARE_DAY = re.compile(r"\s*(\d{1,2})日")


def _trim(text: str, limit: int) -> str:
    """Trim an over-long sentence at its last ；/， before ``limit``, closing with 。;
    with no such boundary (pasted garbage), cut where no number is split."""
    if len(text) <= limit:
        return text
    for sep in "；，":
        cut = text.rfind(sep, 0, limit)
        if cut > limit // 3:
            return text[:cut] + "。"
    cut = limit
    while cut > 1 and (text[cut - 1].isascii() and text[cut - 1].isalnum()):
        cut -= 1  # never end inside 2026 or a Latin word: that would make a new fact
    opened = text[:cut]
    for opener, closer in (("《", "》"), ("“", "”"), ("（", "）")):
        if opened.count(opener) > opened.count(closer):
            opened = opened[: opened.rfind(opener)]
    return opened.rstrip("，、；：") + "。"


def _budget(profile: Profile, lead: bool, cands: list[Sentence]) -> int:
    """Characters of body to fill: 60% of the usable text, at least a few sentences'
    worth, never near the profile's cap (fix_brief may still change a few characters)."""
    limits = profile.limits
    cap = limits.lead_body_max if lead else limits.body_max
    total = sum(len(c.text) for c in cands)
    floor = 500 if lead else 320
    return max(limits.body_min, min(int(cap * 0.85), max(int(total * 0.6), floor)))


def _select(cands: list[Sentence], lead_i: int, budget: int) -> list[Sentence]:
    """The lead, a closing sentence if one fits, then the best-scoring sentences."""
    rest = cands[lead_i + 1 :]
    n = len(cands)
    for c in rest:
        c.score = score_sentence(c.text, c.index, n)
    chosen = {cands[lead_i].index}
    used = len(cands[lead_i].text)
    rest = [c for c in rest if not c.filler]  # praise may open a lead, never fill the body
    tail = [c for c in rest if c.index >= n * 0.7 and is_closing(c.text)]
    if tail:
        closing = tail[-1]
        if used + len(closing.text) <= budget and len(closing.text) <= budget // 4:
            chosen.add(closing.index)
            used += len(closing.text)
    ranked = sorted(rest, key=lambda c: (-c.score, c.index))
    for _ in range(2):  # the second pass admits "他表示……" once its antecedent is in
        for c in ranked:
            if c.index in chosen or used + len(c.text) > budget:
                continue
            if DANGLING.match(c.text) and c.index - 1 not in chosen:
                continue
            chosen.add(c.index)
            used += len(c.text)
    return [c for c in cands if c.index in chosen]


def _paragraphs(selected: list[Sentence], max_paras: int) -> list[str]:
    """Sentences in report order, a paragraph per source paragraph; a long run from one
    paragraph (a WeChat or one-block paste) breaks where a speaker or a new topic starts."""
    groups: list[list[str]] = []
    last_block = None
    size = 0
    for s in selected:
        if s.block != last_block or (size > 150 and _BREAK.match(s.text)):
            groups.append([])
            last_block = s.block
            size = 0
        groups[-1].append(s.text)
        size += len(s.text)
    paras = ["".join(g) for g in groups]
    while len(paras) > max_paras:
        # Merge the adjacent pair that makes the shortest paragraph.
        keys = range(1, len(paras) - 1) if len(paras) > 2 else range(1)
        i = min(keys, key=lambda k: len(paras[k]) + len(paras[k + 1]))
        paras[i : i + 2] = [paras[i] + paras[i + 1]]
    paras = [_drop_stray_brackets(p) for p in paras]
    return [p if _TERMINAL.search(p) else p + "。" for p in paras]


_PAIRS = {"）": "（", ")": "(", "》": "《", "】": "【", "”": "“"}


def _drop_stray_brackets(text: str) -> str:
    """``text`` without brackets that have no partner (“一项举措）。” from a page's
    leftovers): a stray bracket is a typo the linter would reject, not content."""
    if all(text.count(closer) == text.count(opener) for closer, opener in _PAIRS.items()):
        return text  # the usual case; an out-of-order pair is left to the linter
    openers = set(_PAIRS.values())
    stack: list[int] = []
    stray: set[int] = set()
    for i, c in enumerate(text):
        if c in openers:
            stack.append(i)
        elif c in _PAIRS:
            if stack and text[stack[-1]] == _PAIRS[c]:
                stack.pop()
            else:
                stray.add(i)
    stray.update(stack)
    return "".join(c for i, c in enumerate(text) if i not in stray)


def draft_offline(report: Report, profile: Profile | None = None) -> Brief:
    """Draft ``report`` without a model: extractive, deterministic, faithful by design."""
    profile = profile or load_profile()
    is_lead = profile.is_lead(report.kind, flagged=report.lead)
    subject = _subject(report, profile)
    # Instructions injected into the report are cut before any sentence is chosen.
    title, text = report.title, strip_injections(_prepare(report.text))
    if title and is_boilerplate(title):
        # A metadata line taken for the title (活动时间：……): keep it only as a date source.
        title, text = None, f"{title}\n{text}"
    title = title or _title_from_text(text)
    cands = _candidates(text, report.kind, profile, subject, title)
    if not cands:
        raise InputError(
            "报告中没有可用的正文句子（只有标题、图片说明、联系方式等）",
            hint="请提供活动报告的正文，或用模型起草",
            report=report.id,
        )
    year_hint = _year_hint(report.text)
    lead_i, lead = _choose_lead(cands, text, report.received, year_hint)
    budget = _budget(profile, is_lead, cands)
    cands[lead_i].text = _trim(lead.text, budget)
    selected = _select(cands, lead_i, budget)
    paragraphs = _paragraphs(selected, profile.limits.paragraphs_max)
    names = _org_names(report, profile, subject)
    if title:
        rewritten, ok = rewrite_first_person(
            title, subject, report.kind, profile.association_short, tuple(profile.first_person)
        )
        title = rewritten if ok else None
    headline = make_headline(
        title,
        cands[lead_i].text,
        subject=subject,
        names=names,
        body=report.text,
        limit=profile.limits.headline_max,
        minimum=profile.limits.headline_min,
    )
    brief = Brief(
        headline=_shorten_names(headline, report, profile, subject),
        event_date=lead.date,
        paragraphs=paragraphs,
        attribution=None if is_lead else subject,
        section=profile.section_of(report.kind, lead=is_lead),
        lead=is_lead,
        kind=report.kind,
        source_id=report.id,
        provenance=Provenance(
            engine="offline", prompt_id=None, calls=0, source_file=report.source_path
        ),
    )
    fixed, _ = fix_brief(brief, profile)
    log.debug("offline draft %s: %d of %d sentences", report.id, len(selected), len(cands))
    return fixed
