"""Person names and titles in Chinese text, found without a name dictionary.

Chinese names have no capitals or spaces, so several weak signals are combined:
a name right after a title (``常务副主席沈洁``) or right before one (``沈洁书记``),
names in ``X、Y、Z等`` lists, names before a reporting verb (``贺泳江表示``), and
names standing between boundaries (``会议由王建国主持``).
Every candidate must start with a common surname, be two or three characters long
(four with a compound surname) and end at a plausible boundary; jieba's dictionary
part-of-speech tags (the ones ``jieba.posseg`` uses) veto ordinary words (``全体``
is a noun) and confirm known names (``nr``).

When a name's length is ambiguous the shorter reading wins: a faithful brief's
shortened name is still a substring of the source, so it never raises a false error.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from drafter.text.lexicon import (
    ATTEND_VERBS,
    NOT_SUFFIX_BEFORE,
    ORG_SUFFIXES_ALL,
    PARTY_ORGANS,
    PERSON_TITLES,
    PLAQUE_VERBS,
    SPEECH_VERBS,
    alternation,
    words,
)

__all__ = ["TITLE_RE", "NameHit", "cut_words", "find_names", "find_titles", "word_tag"]


# Common surnames; characters that mostly start ordinary words (和, 全, 区, 原 …) are
# left out on purpose.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄"
    "聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛"
    "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑"
    "郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼"
    "闻厉伊仝郜阎练"
)
COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
)
COMPOUND_SURNAMES += ("长孙", "夏侯", "令狐", "端木", "司徒", "西门", "南宫")

# Characters that do not occur inside a personal name in these texts (they end
# organization names or are function words).
_NOT_IN_NAME = frozenset(
    "委区市县省局部会院协校所司处科组党团队站室厅办心和与及的了在是为等对就从向由也"
    "并均都将把被给让其该各本我你他她它这那此每全共总副一二三四五六七八九十百千万"
    "年月日号次届名人位个项家期批点员师授席记理事书们"
)
# Surname-initial words jieba does not know as words.
_NOT_NAMES = frozenset(words("沙龙 师生 万家 高新 石化 金牌 钱款 常态 安康 文旅 方舱"))

TITLE_RE = re.compile(
    rf"{alternation(PARTY_ORGANS)}?(?:常务|执行)?副?"
    rf"{alternation(PERSON_TITLES, longest_first=True)}(?![会])"
)
"""A title such as ``党组书记``, ``常务副主席``, ``副院长``, ``区委书记``, ``教授``."""

_BOUNDARY_CHARS = frozenset("，。、；：！？（）()“”‘’《》…—,.;:!?\"' \n")
_LEFT_WORDS: tuple[str, ...] = (
    "由",
    "和",
    "与",
    "及",
    "请",
    "邀请",
    "聘请",
    "在",
    "向",
    "对",
    "为",
    "是",
    "的",
)
_LEFT_WORDS += ("了", "有", "被", "让", "同", "跟", "陪同", "会见", "看望", "慰问", "感谢")
_LEFT_WORDS += ("欢迎", "包括", "以及", "其中", "特邀", "嘉宾", "专家", "代表")
_RIGHT_WORDS = (
    *SPEECH_VERBS,
    *ATTEND_VERBS,
    *PLAQUE_VERBS,
    *words("""认为 提出 总结 发言 主持 讲话 作 带领 率队 率 宣读 汇报 解读 分享 当选 代表 一行 同志
    颁奖 讲课 作报告 先生 女士 等 和 与 及 在 为 对 就 从 向 由 是 的 也 还 并 均 都 说 称 将 以 任
    担任 获 荣获 来到 到 赴 走访 调研 参与 陪同 围绕 结合 针对 回顾 通报 部署 传达 肯定 感谢 主讲
    讲解 授课 分别 同时 听取 作了 宣布 颁发 为大家 向大家 现场 深入 详细 系统 应邀 受邀 所作 所做
    作为 带队"""),
)
_SPEECH_RE = re.compile(
    alternation(
        (
            *SPEECH_VERBS,
            "出席",
            *words("""认为 提出 总结 发言 主持 讲话 宣读 汇报 解读 分享 当选 带领 率队 主讲 讲解 授课
            听取 宣布 颁发 应邀 受邀 在 就 从 对"""),
        )
    )
)


@functools.lru_cache(maxsize=1)
def _tag_table() -> dict[str, str]:
    """jieba's dictionary word → part-of-speech table, loaded once, quietly."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    table: dict[str, str] = jieba.posseg.dt.word_tag_tab
    return table


def word_tag(word: str) -> str | None:
    """jieba's dictionary part of speech for ``word`` (``nr`` = person), or None."""
    return _tag_table().get(word)


@dataclass(frozen=True)
class NameHit:
    """A person name at ``start:end``, with the titles written next to it."""

    start: int
    end: int
    name: str
    titles: tuple[tuple[int, int, str], ...] = ()


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _name_like(cand: str) -> bool:
    if len(cand) < 2 or not all(_is_cjk(c) for c in cand):
        return False
    surname_len = 2 if cand[:2] in COMPOUND_SURNAMES else 1
    if surname_len == 1 and cand[0] not in SURNAMES:
        return False
    if len(cand) - surname_len not in (1, 2):
        return False
    if any(c in _NOT_IN_NAME for c in cand[surname_len:]):
        return False
    if cand in _NOT_NAMES:
        return False
    tag = word_tag(cand)
    return tag is None or tag.startswith("nr")


def _right_boundary(text: str, i: int) -> bool:
    if i >= len(text) or text[i] in _BOUNDARY_CHARS:
        return True
    if TITLE_RE.match(text, i):
        return True
    return text.startswith(_RIGHT_WORDS, i)


def _left_boundary(text: str, i: int) -> bool:
    if i <= 0 or text[i - 1] in _BOUNDARY_CHARS:
        return True
    if _ends_with_title(text, i):
        return True
    if text.endswith(_LEFT_WORDS, 0, i):
        return True
    # a name right after its organization: 中国农业大学王大明教授
    return _ORG_END_RE.search(text, max(0, i - 6), i) is not None


_ORG_END_RE = re.compile(alternation(ORG_SUFFIXES_ALL, not_before=NOT_SUFFIX_BEFORE) + "$")


def _ends_with_title(text: str, i: int) -> bool:
    return any(m.end() == i for m in TITLE_RE.finditer(text, max(0, i - 8), i))


def _name_at(text: str, i: int, *, after_title: bool = False) -> int | None:
    """End of a name starting at ``i`` (shortest plausible reading), or None.

    Right after a title a name is expected, so when no boundary settles its length
    jieba's segmentation of the next few characters does.
    """
    for n in (2, 3, 4):
        cand = text[i : i + n]
        if len(cand) < n:
            break
        if _name_like(cand) and _right_boundary(text, i + n):
            return i + n
    if after_title:
        tokens = cut_words(text[i : i + 8])
        if tokens and len(tokens[0]) in (2, 3) and _name_like(tokens[0]):
            return i + len(tokens[0])
        if len(tokens) > 1 and len(tokens[0]) == 1 and _name_like(tokens[0] + tokens[1]):
            return i + 1 + len(tokens[1])
    return None


def cut_words(text: str) -> list[str]:
    """jieba's words of ``text`` (jieba loaded once, quietly)."""
    _tag_table()  # loads jieba quietly first
    import jieba

    return list(jieba.lcut(text))


def _name_before(text: str, j: int) -> int | None:
    """Start of a name ending at ``j`` (shortest plausible reading), or None."""
    for n in (2, 3, 4):
        s = j - n
        if s < 0:
            return None
        if _name_like(text[s:j]) and _left_boundary(text, s):
            return s
    return None


def find_titles(text: str) -> list[tuple[int, int, str]]:
    """Every title in ``text`` as (start, end, title)."""
    return [(m.start(), m.end(), m.group(0)) for m in TITLE_RE.finditer(text)]


_LIST_RE = re.compile(r"(?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4}(?=等)")


def find_names(text: str, *, blocked: list[tuple[int, int]] | None = None) -> list[NameHit]:
    """Person names in ``text`` (half-width, whitespace-free), each with its titles."""
    blocked = blocked or []

    def free(s: int, e: int) -> bool:
        return not any(bs < e and s < be for bs, be in blocked)

    hits: dict[tuple[int, int], list[tuple[int, int, str]]] = {}

    def add(s: int, e: int, titles: list[tuple[int, int, str]]) -> None:
        if free(s, e):
            hits.setdefault((s, e), []).extend(t for t in titles if t not in hits.get((s, e), []))

    titles = find_titles(text)
    # Chains of titles joined by 、 (党组书记、常务副主席) belong to the name that follows.
    chain: list[tuple[int, int, str]] = []
    for k, t in enumerate(titles):
        if chain and text[chain[-1][1] : t[0]] not in ("", "、"):
            chain = []
        chain.append(t)
        nxt = titles[k + 1] if k + 1 < len(titles) else None
        if nxt and text[t[1] : nxt[0]] in ("", "、"):
            continue
        end = _name_at(text, t[1], after_title=True)
        if end is not None:
            add(t[1], end, list(chain))
        start = _name_before(text, t[0])
        if start is not None and len(chain) == 1:
            add(start, t[0], [t])
        chain = []
    # X、Y、Z等(教授): every item must look like a name, or the list is not one of people.
    for m in _LIST_RE.finditer(text):
        items = m.group(0).split("、")
        first_end = m.start() + len(items[0])
        first = _name_before(text, first_end)
        if first is None:
            continue
        spans: list[tuple[int, int]] = [(first, first_end)]
        pos = first_end + 1
        ok = True
        for item in items[1:]:
            if not _name_like(item):
                ok = False
                break
            spans.append((pos, pos + len(item)))
            pos += len(item) + 1
        if not ok:
            continue
        after = TITLE_RE.match(text, m.end() + 1)
        shared = [(after.start(), after.end(), after.group(0))] if after else []
        for s, e in spans:
            add(s, e, shared)
    # A single name before 等 (吕文华等14人) or a reporting verb (贺泳江表示).
    for m in _SPEECH_RE.finditer(text):
        start = _name_before(text, m.start())
        if start is not None:
            add(start, m.start(), [])
    for m in re.finditer("等", text):
        start = _name_before(text, m.start())
        if start is not None and (start, m.start()) not in hits:
            add(start, m.start(), [])
    # A name standing on its own between boundaries: 会议由王建国主持, 张三、李四出席.
    for i, c in enumerate(text):
        if (c in SURNAMES or text.startswith(COMPOUND_SURNAMES, i)) and _left_boundary(text, i):
            end = _name_at(text, i)
            if end is not None and not any(s <= i < e for s, e in hits):
                add(i, end, [])
    return [NameHit(s, e, text[s:e], tuple(ts)) for (s, e), ts in sorted(hits.items())]
