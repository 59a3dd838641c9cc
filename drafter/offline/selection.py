"""What the offline engine keeps of a report: content paragraphs, and sentence scores.

Cleaning drops what is never content; scoring ranks the sentences
(:func:`drafter.text.sentences.split_sentences` cuts them). Everything here is regular-expression work on one pass
over the text (no word segmentation), so a 50,000-character paste costs milliseconds.
The drop rules are written for what contributors actually paste: WeChat articles,
government-site news pages, Word reports with headings and numbered points, photo
captions, contact lines, attendee lists and sign-offs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.text.lexicon import (
    HOLD_VERBS,
    LAUNCH_VERBS,
    NOTABLE_TITLES,
    PLAQUE_VERBS,
    REPORTING_VERBS,
    SIGN_VERBS,
    SPEECH_VERBS,
    alternation,
    words,
)

__all__ = [
    "Sentence",
    "clean_blocks",
    "has_attendee_list",
    "is_boilerplate",
    "is_closing",
    "is_filler",
    "score_sentence",
    "strip_preamble",
    "strip_source_tail",
]

_CJK = "\u4e00-\u9fff"
_END = "。！？"
_CLOSERS = "”’」』）)"

# Lines that are never part of a brief, whatever else they contain.
_JUNK_LINE = re.compile(
    r"^\s*(?:"
    r"图\s*[为：:]|图片[：:来]|（?\(?图\s*\d|上图|下图|左图|右图|▲|△|↑|↓|"
    r"摄影|摄像|拍摄|(?:活动|会议|培训|调研|比赛|论坛|举办)?(?:文|图|文字|图片|撰稿|编辑|审核|责编|责任编辑|校对|排版|美编|初审|复审|终审|一审|二审|三审|来源|原标题|编者按|编者的话|作者|"
    r"供稿|供稿单位|报送单位|报送|通讯员|记者|联系人|联系电话|联系方式|电话|手机|传真|邮箱|电子邮箱|"
    r"E-?mail|邮编|地址|网址|QQ|微信号?|发布者|发布人|发布时间|发布日期|时间|日期|地点|浏览次数|浏览量|点击数|阅读量?|字号|字体)人?\s*[：:|｜/]|"
    r"(?:分享到|扫码|扫一扫|长按|识别二维码|欢迎转发|欢迎分享|转载请注明|版权归|免责声明|点击(?:蓝字|上方|下方|关注|阅读)|关注我们|阅读原文|"
    r"打印本页|关闭窗口|返回顶部|上一篇|下一篇|【字体|字体\s*[：:]?\s*大|您当前的位置|当前位置|首页\s*[>＞»]|"
    r"END$|—\s*END|往期回顾|推荐阅读|相关链接|附件\s*\d*\s*[：:]|附\s*[：:]|抄送|此致|敬礼|特此(?:报告|汇报|说明)|"
    r"尊敬的|各位(?:领导|同仁|会员)|(?:你|您|大家)们?好)"
    r")",
    re.IGNORECASE,
)
# A caption or credit at the end of a line: "（张三 摄）", "摄影：李四".
_CREDIT_TAIL = re.compile(r"[（(][^（）()]{0,20}(?:摄|摄影|供图|图片来源)[^（）()]{0,10}[）)]\s*$")
_CONTACT = re.compile(
    r"(?:\d{3,4}[-－—]\d{7,8}|1[3-9]\d{9}|[\w.+-]+@[\w-]+\.[\w.]+|https?://|www\.)", re.IGNORECASE
)
# "参加会议的有：…", "参会人员：…", "出席名单" …: an attendee list, dropped whole.
_ATTENDEES = re.compile(
    rf"^(?:(?:参加|出席|参与|列席)(?:本次)?[^：:，。]{{0,10}}?(?:的|人员|领导|同志|嘉宾)?(?:还有|有|包括|名单)"
    rf"(?:\s*[：:]|[{_CJK}]{{2,4}}[、，])|"
    r"(?:参会|与会|出席|列席|参加)(?:人员|领导|嘉宾|单位|名单)(?:名单)?(?:有|包括|如下)?\s*[：:]|"
    r".{0,10}名单(?:如下)?\s*[：:])"
)
_LIST_ITEM = re.compile(rf"[{_CJK}]{{2,4}}")
# "现将有关情况报告如下" and the like: throat-clearing, not content.
_PREAMBLE = re.compile(
    r"(?:现将|特将|兹将).{0,20}(?:报告|汇报|通报|报送|介绍)如下|(?:具体|有关)情况如下"
)
_HEADING_MARK = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[）)]|"
    r"\d{1,2}(?:、|[．.](?!\d))|[（(]\d{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[部分章节])\s*"
)
_SOURCE_TAIL = re.compile(
    r"\s*[（(](?:[^（）()]{0,30}(?:供稿|供图|撰稿|报送|来源)[^（）()]{0,30}|(?:文|图|文/图|文图)\s*[/／：:][^（）()]{0,30}|"
    r"通讯员[^（）()]{0,20}|记者[^（）()]{0,20})[）)]\s*$"
)
_NEWS_PREFIX = re.compile(
    rf"^\s*(?:【[^】]{{1,15}}】)?\s*(?:[{_CJK}]{{0,12}}[报网台]讯|本报讯|本网讯)?\s*"
    r"(?:[（(](?:记者|通讯员|特约)[^）)]{0,40}[）)]|"
    rf"(?:记者|通讯员)[{_CJK}、\s]{{2,20}}(?:报道|讯))?[\s：:，,]*"
)
_DATE_ONLY = re.compile(
    r"^\s*(?:\d{4}\s*年)?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$|^\s*\d{4}[-./]\d{1,2}[-./]\d{1,2}\s*$"
)


_PREAMBLE_CLAUSE = re.compile(
    r"[，,]?\s*(?:现将|特将|兹将)[^。：:；]{0,30}?(?:如下|报告|汇报|通报)\s*[：:。]?\s*$"
)


def strip_preamble(sentence: str) -> str:
    """``……活动，现将有关情况汇报如下：`` → ``……活动。``"""
    m = _PREAMBLE_CLAUSE.search(sentence)
    if not m or m.start() == 0:
        return sentence
    return sentence[: m.start()].rstrip("，, ") + "。"


def strip_source_tail(text: str) -> str:
    """Remove a closing ``（XX供稿）`` / ``（文/图：…）`` / ``（通讯员…）`` credit."""
    return _SOURCE_TAIL.sub("", text).rstrip()


def is_boilerplate(line: str) -> bool:
    """True for a caption, contact, credit, web chrome, greeting or sign-off line."""
    s = line.strip()
    if not s:
        return True
    if _JUNK_LINE.match(s) or (_PREAMBLE.search(s) and len(s) < 40):
        return True
    if _DATE_ONLY.match(s):
        return True
    if len(s) < 100 and len(re.findall(r"[|｜]", s)) >= 2:
        return True  # web chrome: 发布者：… | 发布时间：… | 阅读：…
    if re.fullmatch(r"[^，。；！？]{2,20}[：:]", s):
        return True  # a salutation: 市科协学会部：
    if len(s) < 80 and _CONTACT.search(s):
        return True
    return len(s) < 60 and bool(_CREDIT_TAIL.search(s))


def has_attendee_list(sentence: str) -> bool:
    """An attendee list: ``参加会议的有：…`` or a long ``、`` run of bare names."""
    s = sentence.strip()
    if _ATTENDEES.match(s):
        return True
    if s.count("、") < 5:
        return False
    # Six or more consecutive 、-separated items of 2–4 Han characters are a name list;
    # titled people ("副主席陈维成") are longer items and survive.
    run = 0
    for item in re.split(r"[、，,：:]|有|包括", s):
        item = re.sub(r"(?:等人|等|同志)?[。；！]*$", "", item.strip())
        if _LIST_ITEM.fullmatch(item):
            run += 1
            if run >= 6:
                return True
        else:
            run = 0
    return False


def _norm_key(s: str) -> str:
    return re.sub(rf"[^{_CJK}0-9A-Za-z]", "", s)


# A line that ends a sentence, maybe followed by a signature: ……力量。（北京抗癌协会）
_ENDS = re.compile(f"[{_END}…]\\s*[{_CLOSERS}]*(?:\\s*[（(][^（）()]{{1,30}}[）)])?$")


_SENTENCE_START = re.compile(
    r"^(?:(?:20\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|为(?:了|进一步|深入|推动|加强)|近日|日前)"
)


def _is_heading(line: str, marked: bool) -> bool:
    """A line without closing punctuation that is a heading, not a sentence broken by
    paste damage: very short, or short with no clause (or, unnumbered, no list) inside."""
    n = len(line)
    if n <= 16:
        return True
    return n <= 30 and not re.search("[，,；]" if marked else "[，,；、]", line)


def clean_blocks(text: str, title: str | None = None) -> list[str]:
    """The report's content paragraphs: junk lines, headings and duplicates removed.

    A line without closing punctuation is either a heading (short: dropped) or a
    sentence broken by paste damage (joined to the next content line, even across a
    blank line). A numbered line keeps its ``一是`` wording but loses a bare ``1.`` /
    ``（一）`` marker, which a brief never prints.
    """
    title_key = _norm_key(title) if title else ""
    seen: set[str] = set()
    paras: list[str] = []

    def emit(s: str) -> None:
        s = _CREDIT_TAIL.sub("", strip_source_tail(strip_preamble(s))).strip()
        if s.endswith(("：", ":")):
            s = s[:-1].rstrip("，, ") + "。"  # an intro whose list was its own lines
        key = _norm_key(s)
        if len(key) > 1 and key not in seen:
            seen.add(key)
            paras.append(s)

    pending = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        s = _NEWS_PREFIX.sub("", line.strip().strip("\u3000\ufeff"))
        if not s or is_boilerplate(s) or _ATTENDEES.match(s):
            continue
        if title_key and _norm_key(s) == title_key and not pending:
            continue
        marked = _HEADING_MARK.match(s)
        if marked and pending:
            # "……如下：" or an unpunctuated item, then "2、……": a numbered item starts fresh.
            emit(pending if pending.endswith(("：", ":")) else pending + "。")
            pending = ""
        if pending and _SENTENCE_START.match(s):
            # "……签约仪式成功举办" then "5月8日，……": the fragment was a title line.
            if "，" in pending or len(pending) > 60:
                emit(pending + "。")
            pending = ""
        if marked and not pending:
            s = s[marked.end() :].strip()
            # "（一）突出科学城特色。依托……": the point's own short heading goes.
            point = re.match(r"^[^。！？，；]{2,15}[。！？]", s)
            if point and len(s) > point.end() + 10:
                s = s[point.end() :]
            if not s:
                continue
        ends = bool(_ENDS.search(s))
        if not ends and not pending and _is_heading(s, bool(marked)):
            continue  # 一、活动概况 / 会议议程 / 关于……的报告
        s = pending + s
        pending = ""
        if ends:
            emit(s)
        else:
            pending = s
    if pending and not _is_heading(pending, False):
        emit(pending + "。")  # a last sentence that lost its full stop
    return paras


@dataclass
class Sentence:
    """One candidate sentence and where it came from."""

    text: str
    block: int
    index: int
    score: float = 0.0
    filler: bool = False


_TITLES = re.compile(alternation(NOTABLE_TITLES))
_SPEECH = re.compile(alternation((*SPEECH_VERBS, *words("讲话 主持 出席 作报告 作了 解读 部署"))))
_OUTCOME = re.compile(
    alternation(
        (
            *HOLD_VERBS,
            "组织",
            *LAUNCH_VERBS,
            *SIGN_VERBS,
            *PLAQUE_VERBS,
            *words("通过 选举 当选 成立 审议 表决 颁发 获批 认定 聘任 达成 建成 上线"),
        )
    )
)
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:名|人|位|个|家|项|场|次|万|亿|元|所|篇|件|期|批|支|小时|天|份|类|门|部)"
)
_CLOSING = re.compile(
    r"标志着|意味着|奠定|助力|推动|将继续|下一步|进一步|今后|为.{2,30}(?:贡献|支撑|基础)"
)
# Praise and atmosphere: an editor cuts these whole (the engine never selects them).
_FILLER = re.compile(
    r"气氛(?:热烈|活跃|浓厚)|反响(?:热烈|强烈)|广受好评|一致好评|好评如潮|受益匪浅|收获颇丰|纷纷表示|"
    r"掌声|合影留念|意犹未尽|热情洋溢|精彩纷呈|座无虚席|获益良多|收获满满|干货满满|现场气氛|点赞|"
    r"圆满(?:落幕|结束|成功|完成)|取得了?(?:圆满|良好)(?:成功|效果)"
)
# Sentences that lean on the one before: a pronoun, or reported speech with no speaker.
DANGLING = re.compile(
    r"^(?:他|她|他们|她们|其|该|此|这|这些|上述|以上|同时|此外|另外|随后|最后|其中|"
    rf"{alternation(REPORTING_VERBS)}|并(?!不))"
)


def is_filler(text: str) -> bool:
    """Praise and atmosphere (气氛热烈, 纷纷表示受益匪浅, 圆满落幕): never in a brief."""
    return bool(_FILLER.search(text))


def is_closing(text: str) -> bool:
    """An outcome or significance sentence: 标志着…, 下一步…, 为……贡献力量."""
    return bool(_CLOSING.search(text))


def score_sentence(text: str, index: int, total: int) -> float:
    """How much a sentence belongs in a brief: who, what, decisions, numbers, outcome."""
    score = 1.0 + 2.0 * (1.0 - index / max(total, 1))
    if _TITLES.search(text):
        score += 1.0
    if _SPEECH.search(text):
        score += 0.8
    if _OUTCOME.search(text):
        score += 1.0
    if _NUMBER.search(text):
        score += 0.6
    if "《" in text:
        score += 0.4
    if _CLOSING.search(text) and index >= total * 0.6:
        score += 1.2
    if _FILLER.search(text):
        score -= 1.5
    length = len(text)
    if length > 220 or length < 14:
        score -= 1.0
    if DANGLING.match(text):
        score -= 0.4
    return score
