"""Headlines for the offline engine: from the report's title, else from the lead event.

A contributor's title is a wrapper around the event (``关于召开……的情况报告``,
``……活动简讯``); the headline is the event, stating who did what
(``北京气象学会举行团体标准初审会``), with no closing punctuation and within the
profile's length limit. Only words of the title or the lead sentence are used, plus
the organization's own short name as the subject.
"""

from __future__ import annotations

import re

from drafter.text.lexicon import (
    ATTEND_VERBS,
    EVENT_VERBS,
    HOLD_VERBS,
    LAUNCH_VERBS,
    LEADER_TITLES,
    OPEN_CLOSE_VERBS,
    ORG_SUFFIXES_COMMON,
    ORG_SUFFIXES_COMMON_SHORT,
    ORG_SUFFIXES_DIGEST,
    ORG_SUFFIXES_NAMED,
    SIGN_VERBS,
    alternation,
    words,
)

__all__ = ["headline_from_sentence", "make_headline", "strip_title_wrappers"]

_CJK = "\u4e00-\u9fff"

_WRAPPERS = [
    re.compile(
        r"^关于(.+?)的?(?:有关|相关)?(?:工作)?(?:情况|进展)?(?:的)?(?:报告|汇报|总结|通报|简报|说明|报道|请示|材料)$"
    ),
    re.compile(r"^关于(.+?)(?:的)?(?:情况|进展情况|开展情况)$"),
    re.compile(r"^关于(.+)$"),
    re.compile(r"^(.+?)(?:的)?(?:情况报告|工作报告|总结报告|报告|汇报)$"),
    re.compile(r"^(.+?)(?:工作简报|活动简讯|工作简讯|简讯|简报|工作动态|工作信息|纪实|侧记|综述)$"),
    re.compile(r"^(.+?)(?:的)?(?:活动总结|工作总结|总结|开展情况|进展情况|有关情况|情况)$"),
]
_LABEL = re.compile(
    r"^\s*(?:【[^】]{1,12}】|\[[^\]]{1,12}\]|(?:简讯|快讯|动态|信息|工作动态|通讯)\s*[：:|｜丨])\s*"
)
# A leading date, a trailing photo marker or issue number: 5月8日，……（图）/（第12期）
_TITLE_NOISE = re.compile(
    r"^(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日[上下]?午?\s*[，,：:\s]*|"
    r"\s*[（(\[【](?:组图|图|图文|视频|(?:\d{4}\s*年\s*)?第\s*\d+\s*期)[）)\]】]\s*$"
)
# A digest's title names no event: 本周工作动态, 工作简报, 近期工作情况.
_GENERIC_TITLE = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{0,20}}?{alternation(ORG_SUFFIXES_DIGEST)})?"
    r"(?:本周|本月|近期|近日|每周|一周)?(?:重点)?(?:工作)?"
    r"(?:动态|简报|简讯|信息|情况|总结|汇报|要闻|快讯|新闻|资讯)$"
)
_ORG_ONLY = re.compile(rf"[\u4e00-\u9fff（）]{{2,30}}{alternation(ORG_SUFFIXES_COMMON)}")
_ORG_COLON = re.compile(
    rf"^([\u4e00-\u9fff（）]{{2,20}}{alternation(ORG_SUFFIXES_COMMON_SHORT)})\s*[：:|｜]\s*"
)
_TAIL_PUNCT = re.compile(r"[。．.！!？?；;，,、：:\s]+$")
_ADVERBS = re.compile(
    "(?:圆满成功|圆满|成功|顺利|隆重|胜利)"
    f"(?={alternation((*HOLD_VERBS, *OPEN_CLOSE_VERBS, *words('完成 签约 启动 结束')))})"
)
# Verbs that open a predicate: a title starting with one has no subject.
_VERB_FIRST = re.compile(
    "^"
    + alternation(
        (
            *HOLD_VERBS,
            *LAUNCH_VERBS,
            *SIGN_VERBS,
            *ATTEND_VERBS,
            *words("""组织 参与 赴 到 走进 深入 成立 完成 推进 加快 积极 扎实 全力 聚焦 助力 携手 联合
            协办 承办 主办 荣获 获批 获得 入选 做好 持续 深化 打造 实施 召集 邀请 接待 迎接 开启 建设
            建立 探索 服务 筹备 部署 落实 加强"""),
        )
    )
)
_EVENT_NOUN = re.compile(
    r"(?:会|会议|座谈会|研讨会|论坛|年会|大会|沙龙|讲座|培训班?|比赛|大赛|竞赛|展览|展|活动|仪式|宣讲|调研|交流会|推进会|启动会|发布会|评审会|初审会)$"
)
_PASSIVE_END = re.compile(
    f"({alternation((*HOLD_VERBS, '启动', *OPEN_CLOSE_VERBS, *words('结束 完成 揭晓 发布')))})$"
)
_ORGISH = re.compile(
    rf"(?:^[{_CJK}]{{1,6}}(?:区|县|市|省|镇|乡|街道)(?![长委])|[{_CJK}]{{2,}}{alternation(ORG_SUFFIXES_NAMED)})"
)


def strip_title_wrappers(title: str) -> str:
    """``关于召开2026年全民科学素质工作会的情况报告`` → ``召开2026年全民科学素质工作会``."""
    t = _LABEL.sub("", title.strip().strip("\ufeff"))
    t = _TITLE_NOISE.sub("", t)
    t = _ORG_COLON.sub(r"\1", t)  # 怀柔区科协：召开…… → 怀柔区科协召开……
    t = t.strip(" \u3000")
    if len(t) > 2 and t[0] + t[-1] in ("“”", '""', "《》") and t.count(t[0]) == 1:
        t = t[1:-1]  # a title wrapped whole in quotes
    org_about = re.match(r"^(.{2,20}?)关于(.{4,})$", t)
    if org_about and _ORGISH.search(org_about.group(1)):
        # 平谷区科协关于组织……的工作简报 → 平谷区科协组织……
        t = org_about.group(1) + strip_title_wrappers(org_about.group(2))
    t = _TAIL_PUNCT.sub("", t)
    for _ in range(3):
        before = t
        for rx in _WRAPPERS:
            m = rx.match(t)
            if m and len(m.group(1)) >= 4:
                t = m.group(1).strip()
        t = _TAIL_PUNCT.sub("", t).removesuffix("的")
        if t == before:
            break
    return _ADVERBS.sub("", t)


# An event that is itself the subject: ……活动走进海淀, ……工作会召开.
_EVENT_SUBJECT = re.compile(
    r"(?:活动|会|会议|论坛|大赛|比赛|仪式|培训班|讲堂|展览|沙龙|工作站|项目|行动|周|节)"
    "(?:在[^，。]{1,12})?"
    + alternation(
        (
            "走进",
            *HOLD_VERBS,
            *OPEN_CLOSE_VERBS,
            *LAUNCH_VERBS,
            *words("开讲 亮相 上线 揭牌 开班 结业"),
        )
    )
)


def _names_org(text: str, names: list[str]) -> bool:
    """The title names an organization: a known name anywhere, an org-like word early."""
    return any(n and n in text for n in names) or bool(_ORGISH.search(text[:24]))


_GENERIC_SUBJECT = re.compile(
    r"^(?:本|我)?(?:区|县|市|校|院|园区|集团|公司)?科协(?=[\u4e00-\u9fff])"
)
_ANY_VERB = re.compile(
    alternation(
        (
            *EVENT_VERBS,
            *OPEN_CLOSE_VERBS,
            *words("授牌 成立 走进 赴 到 完成 召集 调研 考察 座谈 走访 慰问 参观 通过"),
        )
    )
)
# A person with a title is a subject too: 杜志雄会长召集……
_PERSON_SUBJECT = re.compile(rf"^[\u4e00-\u9fff]{{2,4}}{alternation(LEADER_TITLES)}")
_PASSIVE_VERBS = (*HOLD_VERBS, "开幕", "启动")


def _with_verb(t: str, body: str) -> str:
    """``……2026年学术年会`` → ``……2026年学术年会召开`` when the report says so."""
    if not _EVENT_NOUN.search(t) or _ANY_VERB.search(t):
        return t
    tail = re.escape(t[-4:])
    m = re.search(f"{tail}[^。，；]{{0,24}}?({'|'.join(_PASSIVE_VERBS)})", body)
    return t + m.group(1) if m else t


def _with_subject(t: str, subject: str | None, names: list[str], body: str) -> str:
    """Make ``t`` state who did what, using only its own words and ``subject``."""
    generic = _GENERIC_SUBJECT.match(t)
    if subject and generic and generic.group(0) not in names:
        return _GENERIC_SUBJECT.sub(subject, t, count=1)  # 区科协召开… → 怀柔区科协召开…
    if _names_org(t, names) or _PERSON_SUBJECT.match(t):
        return t if _VERB_FIRST.match(t) else _with_verb(t, body)
    if not subject:
        return t
    if _VERB_FIRST.match(t):
        return subject + t
    m = _PASSIVE_END.search(t)
    if m and m.group(1) in (*HOLD_VERBS, *LAUNCH_VERBS):
        # 团体标准初审会召开 → 北京气象学会召开团体标准初审会
        return subject + m.group(1) + t[: m.start()]
    if _EVENT_SUBJECT.search(t):
        return t  # the event is the subject: ……进校园活动走进海淀
    if _EVENT_NOUN.search(t) and not _ANY_VERB.search(t):
        for verb in (*HOLD_VERBS, "组织"):
            if verb + t[:4] in body or re.search(f"{verb}[^。，]{{0,30}}{re.escape(t[-4:])}", body):
                return subject + verb + t
    return subject + t


def _fit(t: str, limit: int) -> str:
    """Shorten to ``limit``: drop a series prefix before ——, then parentheses, then cut
    at a phrase boundary outside brackets."""
    if len(t) <= limit:
        return t
    if "——" in t and len(t.split("——", 1)[1]) >= 6:
        t = t.split("——", 1)[1]  # a series prefix: 2026中关村论坛系列活动——……
    t = re.sub(r"[（(][^（）()]{1,30}[）)]", "", t)
    if len(t) > limit and "暨" in t:
        before, after = t.split("暨", 1)
        if _ANY_VERB.search(before) and len(before) >= 8:
            t = before  # 北京X学会召开理事会暨常务理事会: who did what comes first
        elif len(after) >= 8:
            t = after  # ……高峰论坛暨……签约仪式举办: the part after 暨 is the news
    if len(t) <= limit:
        return t
    depth = 0
    cut = 0
    for i, ch in enumerate(t[:limit]):
        if ch in "“《（(":
            depth += 1
        elif ch in "”》）)":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "，、；暨" and i >= 8:
            cut = i
    if cut:
        return t[:cut]
    # No boundary: stop before an opening bracket so no quotation is left unclosed.
    head = t[:limit]
    for opener, closer in (("《", "》"), ("“", "”"), ("（", "）")):
        if head.count(opener) > head.count(closer):
            head = head[: head.rfind(opener)]
    return head


_PLACE_VERBS = alternation(
    (*HOLD_VERBS, "组织", "签署", *LAUNCH_VERBS, *OPEN_CLOSE_VERBS, *words("开赛 开班 开讲 召集"))
)
_HOSTED = re.compile(
    rf"^由(?P<org>[^，。、]{{2,30}}?)(?P<verb>主办|举办|组织|发起)(?:、[^，。]{{2,30}}?承办)?的"
    rf"(?P<event>[^，。]{{2,40}}?)(?:在[^，。]{{1,20}}?)?(?:{_PLACE_VERBS})"
)
_CLAUSE_PURPOSE = re.compile(
    r"^(?:为了?|围绕|按照|根据|结合|聚焦|随着|在.{1,30}?之际|值此|近日|日前)"
)


def headline_from_sentence(sentence: str, subject: str | None, names: list[str]) -> str:
    """A headline from the lead sentence: its first event clause after the date lead."""
    s = re.sub(r"^(?:为[^。]{0,80}?，)?(?:\d{4}年)?\d{1,2}月\d{1,2}日[^，]{0,12}，", "", sentence)
    clauses = [c for c in re.split(r"[，。；！？：]", s) if c]
    if not clauses:
        return ""
    clause = next(
        (c for c in clauses if _ANY_VERB.search(c) and not _CLAUSE_PURPOSE.match(c)), clauses[0]
    )
    clause = re.sub(r"(?<=[召举组开签发启])([开办行织展署布动])了", r"\1", clause)
    hosted = _HOSTED.match(clause)
    if hosted:  # 由北京自动化学会主办的……大赛在……开赛 → 北京自动化学会主办……大赛
        clause = hosted.group("org") + hosted.group("verb") + hosted.group("event")
    clause = re.sub(f"在[^，。]{{1,25}}?(?={_PLACE_VERBS})", "", clause)
    return _with_subject(_ADVERBS.sub("", clause), subject, names, sentence)


def make_headline(
    title: str | None,
    lead_sentence: str | None,
    *,
    subject: str | None,
    names: list[str],
    body: str,
    limit: int = 40,
    minimum: int = 6,
) -> str:
    """The brief's headline: the title unwrapped and given a subject, else the lead event."""
    candidates: list[str] = []
    if title:
        t = strip_title_wrappers(title)
        usable = len(t) >= minimum and not _ORG_ONLY.fullmatch(t)
        if usable and not _GENERIC_TITLE.match(_TITLE_NOISE.sub("", title)):
            candidates.append(_with_subject(t, subject, names, body))
    if lead_sentence:
        candidates.append(headline_from_sentence(lead_sentence, subject, names))
    for c in candidates:
        c = _TAIL_PUNCT.sub("", c)
        if minimum <= len(c) <= limit:
            return c
    for c in candidates:
        c = _TAIL_PUNCT.sub("", _fit(c, limit))
        if len(c) >= minimum:
            return c
    for c in [*candidates, subject or ""]:
        c = _TAIL_PUNCT.sub("", _fit(c, limit))
        if c:
            return c
    return "工作动态"  # nothing usable at all: a neutral label the editor will replace
