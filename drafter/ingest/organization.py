"""The sender of a report: inferred from its text, resolved through the profile.

Inference order (after a flag or front matter, which :mod:`drafter.ingest.report` applies
first): a ``供稿``/``报送单位`` ending or signature found by the cleaner, the org that
opens the first sentence (``5月8日，北京市怀柔区科学技术协会召开……``), the org the
title starts with (``北京气象学会关于……的情况报告`` for a ``我会`` report), and
finally the one registry organization the text mentions. The name is resolved to its
short attribution name and kind by :meth:`Profile.resolve_org`; an unknown org keeps
its name, gets a short form, and a warning naming the nearest registry names.
"""

from __future__ import annotations

import logging
import re

from pydantic import BaseModel

from drafter.profile import OrgMatch, Profile
from drafter.schemas import Finding, OrgKind
from drafter.text.dates import LEADING_DATE_RE
from drafter.text.lexicon import (
    DETERMINERS,
    HOLD_VERBS,
    LAUNCH_VERBS,
    ORG_SUFFIXES_SENDER,
    VAGUE_TIME_WORDS,
    alternation,
    words,
)

__all__ = ["OrgGuess", "infer_org", "resolve_sender"]

log = logging.getLogger(__name__)

_ORG_SUFFIX = f"(?:{alternation(ORG_SUFFIXES_SENDER)}|[\u4e00-\u9fff]{{1,4}}部)"
# What may follow the sender's name: the verb of the event, a preposition, an adverb,
# or the start of a list of its people.
_VERBS = alternation(
    (
        *HOLD_VERBS,
        *LAUNCH_VERBS,
        "参加",
        *words("""组织 联合 携手 会同 牵头 在 于 赴 到 走进 深入 前往 来到 成立 承办 主办 参与 邀请
        组团 围绕 聚焦 以 迎来 接待 完成 进行 为 与 和 及 积极 成功 隆重 圆满 正式 首次 再次 持续 第
        党组 党委 理事会 常务 领导 一行 专家 志愿 、"""),
    )
)
_SUBJECT_RE = re.compile(
    rf"^(?:由)?(?P<org>[\u4e00-\u9fff（）()·]{{1,40}}?{_ORG_SUFFIX})(?={_VERBS})"
)
_HOSTED_BY_RE = re.compile(
    rf"由(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}?{_ORG_SUFFIX})(?:主办|组织|牵头|举办|承办|发起)"
)
_TITLE_ORG_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}?{_ORG_SUFFIX})(?=关于|\d{{4}}年|[\u4e00-\u9fff]{{0,2}}{_VERBS}|“|《)"
)
_ADVERBIAL_RE = re.compile(
    r"^(?:为|为了|在|以|围绕|根据|按照|随着|据|由于|结合|对(?!外经济贸易大学)|通过|聚焦|今年|去年|当天|"
    r"当日|上午|下午|晚上|会上|期间|此次|本次|作为|着眼|立足|面向|针对|伴随|值此)"
)
_CLOCK_RE = re.compile(r"^\s*\d{1,2}\s*(?:时|点|[:：]\d{2})(?:\s*\d{1,2}\s*分|半)?许?")
_VAGUE_TIME_RE = re.compile(rf"^{alternation(VAGUE_TIME_WORDS)}\s*")
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
    # 该学会, 各区科协: a pointer to organizations, not one sender's name.
    pointer = name[0] in DETERMINERS and len(name) <= 4
    return 2 <= len(name) <= 40 and not pointer and not _NOT_ORG_RE.search(name)


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


def resolve_sender(
    name: str | None, text: str, *, title: str | None, hint: str | None, profile: Profile
) -> tuple[str | None, str | None, OrgKind | None, list[Finding]]:
    """The sender as given (``name``) or inferred → (name, short name, kind, notes)."""
    notes: list[Finding] = []
    if not name:
        guess = infer_org(text, title=title, hint=hint, profile=profile)
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
