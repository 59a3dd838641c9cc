"""Web chrome wherever it sits: whole lines made of page furniture, and runs of it
fused to the start of a paragraph.

A page copied from a 学会 or 区科协 website carries its furniture along: ``Time:
2020年6月23日浏览次数：1641次分享更多：``, ``：17来源：温州网–温州都市报记者…`` (a
time cut in two by a line break), ``【打印】【关闭窗口】``, ``京ICP备…号``, and, when
the line breaks are lost, ``科协秘书处6242`` (publisher and hit count) glued to the
first sentence. The pieces are matched as *runs*; a line is chrome when nothing but
runs is left of it, so a real line such as ``时间：5月8日上午 地点：怀柔区`` stays.
"""

from __future__ import annotations

import re

__all__ = ["FOOTER_RE", "is_chrome_line", "is_site_name", "strip_leading_chrome"]

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_CLOCK = r"\d{1,2}(?:\s*[:：]\s*\d{2}){1,2}"
_NEXT_KEY = (
    r"(?=\s*(?:Time|Date|Source|Author|Views|Hits|发布时间|发布日期|更新时间|时间|日期|来源|"
    r"作者|发布者|发布人|责任编辑|编辑|浏览次数|浏览量|点击数|点击量|阅读次数|阅读量|访问量|"
    r"字体|字号|分享|打印|关闭)\s*[:：【\[]|\s*$)"
)
# Runs that only a page has; a bare "时间：<date>" may be a report's own line.
_STRONG_RUNS = (
    rf"(?:Time|Date|发布时间|发布日期|更新时间|发表时间)\s*[:：]\s*(?:{_DATE}(?:\s*{_CLOCK}|\s*\d{{1,2}}$)?)",
    r"(?:浏览次数|浏览量|点击数|点击量|点击率|阅读次数|阅读量|访问量|访问次数|Views|Hits)\s*[:：]\s*\d+\s*次?",
    rf"(?:来源|信息来源|文章来源|稿件来源|Source|作者|Author|发布者|发布人|责任编辑|责编|编辑|Editor)"
    rf"\s*[:：]\s*[^:：]{{0,40}}?{_NEXT_KEY}",
    r"分享(?:更多|到)?\s*[:：]?|更多\s*[:：]",
    r"[【\[]?\s*(?:字体|字号)\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?",
    r"[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭本页|关闭|收藏本页|返回顶部|我要纠错)\s*[】\]]?",
    # a breadcrumb; its last step stops before a digit ("学会动态5月8日，…")
    r"(?:(?:当前位置|您的位置|你的位置|您现在的位置)\s*[:：]\s*)?(?:首页|主页|网站首页)"
    r"(?:\s*(?:>>|>|＞|»|›|&gt;)\s*[^\s>＞»›，。：:\d]{1,12}){1,5}",
)
_WEAK_RUNS = (
    rf"(?:时间|日期)\s*[:：]\s*{_DATE}(?:\s*{_CLOCK})?",
    r"^[:：]\s*\d{1,2}(?:\s*[:：]\s*\d{2})?(?=\D)",  # the tail of a time cut by a line break
)
_STRONG_RE = re.compile("|".join(f"(?:{r})" for r in _STRONG_RUNS), re.IGNORECASE)
_ANY_RE = re.compile("|".join(f"(?:{r})" for r in (*_STRONG_RUNS, *_WEAK_RUNS)), re.IGNORECASE)
_FILLER_RE = re.compile(r"[\s|｜丨/·•:：,，;；]*")

FOOTER_RE = re.compile(
    r"ICP\s*备|ICP\s*证|公网安备|版权所有|Copyright|©|技术支持\s*[:：]|网站标识码|网站地图"
    r"|联系我们\s*[|｜]|建议使用.{0,20}浏览器",
    re.IGNORECASE,
)
"""A site footer: ICP and 公网安备 numbers, copyright, 技术支持, 网站地图."""

# "科协秘书处6242" + "6月17-18日…": a publisher and a hit count fused to the first
# sentence. The month (1–12) is what the number cannot swallow.
_FUSED_PUBLISHER_RE = re.compile(
    r"^[\u4e00-\u9fff]{2,12}(?:秘书处|办公室|处|部|室|中心|科|站)\d{1,7}?(?=(?:1[0-2]|[1-9])月)"
)


_SITE_LINE_RE = re.compile(
    r"^[\u4e00-\u9fffA-Za-z·]{2,20}(?:官网|官方网站|门户网站|网站|政务网|信息网|新闻网)$"
)


def is_chrome_line(line: str) -> bool:
    """Whether ``line`` is page furniture only: runs of chrome, a site name or footer."""
    if len(line) > 200:
        return False
    if _SITE_LINE_RE.match(line):
        return True
    if FOOTER_RE.search(line) and not re.search("[。！？]", line):
        return True
    if not _STRONG_RE.search(line):
        return False
    rest = _ANY_RE.sub("", line)
    return len(_FILLER_RE.sub("", rest)) == 0


def strip_leading_chrome(paragraph: str) -> tuple[str, str]:
    """(the chrome at the start of ``paragraph``, the paragraph without it)."""
    pos = 0
    strong = False
    while True:
        filler = _FILLER_RE.match(paragraph, pos)
        start = filler.end() if filler else pos
        m = _ANY_RE.match(paragraph, start)
        if m is None or m.end() == start:
            break
        strong = strong or bool(_STRONG_RE.fullmatch(m.group()))
        pos = m.end()
    if pos == 0 or not strong:
        pos = 0
    m = _FUSED_PUBLISHER_RE.match(paragraph, pos)
    if m is not None:
        pos = m.end()
    if pos == 0:
        return "", paragraph
    return paragraph[:pos], paragraph[pos:].lstrip()


_SITE_NAME_RE = re.compile(
    r"^(?:本站|本网|原创|网络|转载|未知)$|(?:网|报|日报|晚报|新闻|电视台|客户端|记者|编辑部)(?:$|[–—\-|｜])"
    r"|[–—]|\.(?:com|cn|net|org)",
    re.IGNORECASE,
)


def is_site_name(value: str) -> bool:
    """Whether a ``来源：`` value names a website or paper (温州网, 本站), not the sender."""
    return bool(_SITE_NAME_RE.search(value.strip()))
