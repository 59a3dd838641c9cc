"""Paste damage: what copying a report out of WeChat, a website, Word or a PDF leaves.

:func:`clean_text` removes the damage and keeps every other word as written (the
faithfulness guard treats the cleaned text as the source of truth):

1. characters: zero-width marks, BOM, NBSP, emoji; Markdown / HTML markup;
2. lines: page numbers and repeated page headers, web chrome (breadcrumbs, the
   ``时间：… 来源：…`` line, ``字体：大 中 小``, ``【打印本页】``, ``分享到``…),
   newspaper bylines, photo captions, contact lines (kept aside), ``供稿``/``报送单位``
   lines (kept as the org hint), editor/photographer credits;
3. paragraphs: hard line breaks inside sentences are joined (list items, headings and
   indented paragraph starts stay apart); duplicated paragraphs go; a closing
   ``（XX供稿）`` or a signature block (org line + date line) becomes the org hint;
4. the title: a short first line without sentence-final punctuation.

Everything removed is listed in :attr:`CleanResult.removed` as ``(reason, text)``.
The passes are linear in the text; the regexes are compiled once.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from drafter.dates import LEADING_DATE_RE

__all__ = ["REASONS", "CleanResult", "clean_text"]

REASONS: dict[str, str] = {
    "page_number": "页码",
    "page_header": "重复的页眉",
    "web_chrome": "网页栏目",
    "masthead": "刊头",
    "separator": "分隔线",
    "url": "网址",
    "markup": "标记",
    "emoji": "表情符号",
    "duplicate": "重复段落",
    "newspaper": "报纸电头/署名",
    "byline": "署名/编辑",
    "caption": "图片说明",
    "contact": "联系方式",
    "source": "供稿单位",
    "signature": "落款",
    "salutation": "主送单位",
}
"""Removal reasons → Chinese label (for reports)."""


@dataclass(frozen=True)
class CleanResult:
    text: str
    removed: list[tuple[str, str]] = field(default_factory=list)
    contact: str | None = None
    org_hint: str | None = None
    title: str | None = None


# -- characters ----------------------------------------------------------------------
_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile("[\u00a0\u2002-\u200a\u202f\u205f\t]")
_FULL_SPACES_RE = re.compile("\u3000+")
_EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u26ff\u2700-\u27bf\u2b50\u2b55\ufe0f\u20e3\u200d]+"
)
_HTML_HINT_RE = re.compile(r"</?(?:p|br|div|span|strong|img|section)\b", re.IGNORECASE)
_HTML_BREAK_RE = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</section\s*>", re.IGNORECASE)
_HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ENTITY_RE = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{2,5});"
)
_HTML_TAG_RE = re.compile(r"<[^<>\n]{1,200}>")
_MD_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")
_MD_LINK_RE = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|www\.)[^)\n]{0,500}\)")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_MD_QUOTE_RE = re.compile(r"^>\s?")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")

# -- whole lines that are not report text --------------------------------------------
_ORG_SUFFIX = (
    r"(?:科学技术协会|科协|学会|协会|研究会|促进会|联合会|基金会|委员会|研究院|研究所|研究中心|中心|"
    r"大学|学院|医院|公司|集团|办公室|部|局|处)"
)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页|\d{1,3}\s*/\s*\d{1,3}|\d{1,3}"
    r"|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)$"
)
_SEPARATOR_RE = re.compile(
    r"^(?:[-—_=*·•~～.。…\s]{3,}|[-—\s]*[（(]?\s*(?:END|End|end|完|全文完|结束)\s*[）)]?[-—\s]*)$"
)
_URL_LINE_RE = re.compile(r"^(?:网址|链接|原文链接)?[:：]?\s*(?:https?://|www\.)\S+$")
_MASTHEAD_RE = re.compile(
    r"^[（(]?\s*(?:\d{4}\s*年\s*)?第\s*[\d〇一二三四五六七八九十]{1,4}\s*期\s*[）)]?"
    r"(?:\s*[（(]?\s*总第\s*\d+\s*期\s*[）)]?)?$"
    r"|^[（(]?\s*总第\s*\d+\s*期\s*[）)]?$"
)
_CHROME_RE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"^(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|位置)\s*[:：]",
            r"^(?:首页|主页|网站首页)\s*(?:[>＞»›/]|&gt;)",
            r"^(?:[^\s>＞»]{1,12}\s*(?:>|＞|»|›|>>)\s*){2,}[^\s>＞»]{1,12}$",
            r"^(?:发布时间|发布日期|发文日期|更新时间|信息来源|文章来源|稿件来源|来源|发布者|发布人|发布机构"
            r"|点击数|点击量|点击率|浏览次数|浏览量|浏览|阅读次数|阅读量|访问量|访问次数|字号|字体|【字体)\s*[:：]",
            r"^[【\[]?\s*(?:字体|字号)\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小",
            r"^(?:[【\[]\s*)?(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|回到顶部|收藏本页|收藏|加入收藏|我要纠错|纠错"
            r"|分享|推荐|大|中|小|默认|保存|返回|下载)(?:\s*[】\]])?(?:\s*(?:[【\[]\s*)?(?:打印本页|打印|关闭窗口"
            r"|关闭本页|关闭|返回顶部|回到顶部|收藏本页|收藏|加入收藏|我要纠错|纠错|分享|推荐|大|中|小|默认|保存|返回|下载)"
            r"(?:\s*[】\]])?)*$",
            r"^(?:分享到|分享至|转发到)\s*[:：]?",
            r"^(?:扫一扫|微信扫一扫|扫码|扫描二维码|长按识别|长按二维码|长按关注|识别二维码|二维码)",
            r"^(?:点击|戳)(?:上方|下方|顶部|底部)?(?:蓝字|“?阅读原文”?|关注)",
            r"^(?:阅读原文|点击阅读原文|关注我们|欢迎关注|喜欢此内容的人还喜欢|微信号|公众号)\s*[:：]?",
            r"^(?:附件下载|相关附件|相关下载|分享到朋友圈|分享到微信)\s*[:：]?$",
            r"^(?:左右|上下|向上|向下|向左|向右)滑动|^(?:投稿邮箱|投稿信箱|投稿方式)\s*[:：]",
            r"^[【\[]\s*(?:打印本页|打印|关闭窗口|关闭|我要纠错|纠错|收藏|字体|大|中|小)\s*[】\]].{0,60}$",
            r"^(?:点赞|在看|分享|收藏|赞|留言|写留言|推荐)(?:\s*[|｜/·、]?\s*(?:点赞|在看|分享|收藏|赞|留言|推荐))+$",
            r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]",
            r"^(?:视频|音频)(?:加载中|加载失败|播放)|^[【\[<]?(?:视频|图片|音频)[】\]>]?$",
            r"^(?:阅读|浏览|阅读量|阅读数)\s*\d+(?:\s*[万wW+])?",
            r"^(?:原创|转载)\s+\S",
            r"^.{0,40}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+\S{0,20})?$",
            r"^.{0,40}\d{4}年\d{1,2}月\d{1,2}日\s+\d{1,2}:\d{2}(?:\s+\S{0,20})?$",
        )
    )
)
# A meta line such as "时间：2026-05-08 来源：怀柔区科协 作者：张三": two or more keys.
_META_KEY_RE = re.compile(
    r"(?:发布)?(?:时间|日期|来源|作者|编辑|字体|浏览次数|点击数|阅读次数)\s*[:：]"
)
# "市科协学会部：" addressing the report at its top (主送机关): not the sender.
_SALUTATION_RE = re.compile(rf"^[\u4e00-\u9fff（）()·]{{2,30}}{_ORG_SUFFIX}[:：]$")
_FOLLOWING_LINKS_RE = re.compile(
    r"^(?:推荐阅读|往期回顾|往期推荐|往期精彩|相关阅读|相关新闻|相关链接|相关文章|猜你喜欢|精彩推荐|延伸阅读)\s*[:：]?$"
)
_BYLINE_RE = re.compile(
    r"^[（(]?\s*(?:撰稿|撰稿人|执笔|执笔人|审核|审核人|审稿|审签|签发|编辑|责任编辑|责编|初审|复审|终审|校对|摄影|"
    r"摄像|图片|文字|文|图|文/图|图/文|文图|作者|编审|排版|美编|监制|统筹|出品|主编|报送人|拟稿|拟稿人|核稿|"
    r"报送时间|报送日期|填报时间|填报日期|填报人|记者|通讯员|实习生|本报记者)"
    r"\s*[:：/|｜丨]"
)
_REPORTER_RE = re.compile(
    r"^[■□◆●]?\s*(?:本报|本台|本刊)?(?:特约)?(?:记者|通讯员|实习生)\s*[\u4e00-\u9fff·]{2,4}"
    r"(?:\s*[、，,]?\s*(?:(?:本报|特约)?(?:记者|通讯员|实习生))?\s*[\u4e00-\u9fff·]{2,4})*$"
)
_CAPTION_RE = re.compile(
    r"^(?:图为|▲|△|▼|↑|↓|【图】|\[图\]|【图片】|\[图片\]|<图片>|图片[:：]|图片来源|"
    r"图\s*\d{1,2}(?:\s|[:：．.、\-—]|$)|[（(]\s*图为|[（(]\s*图片)"
)
_CONTACT_RE = re.compile(
    r"^[（(]?\s*(?:联\s*系\s*人|联系电话|联系方式|联系手机|电\s*话|手\s*机|座\s*机|传\s*真|邮\s*箱|"
    r"电子邮箱|电子邮件|e-?mail|邮\s*编)\s*[:：]",
    re.IGNORECASE,
)
_CONTACT_INLINE_RE = re.compile(
    r"(?:联\s*系\s*人|联系电话|联系方式|电\s*话|手\s*机|邮\s*箱|电子邮箱|e-?mail)\s*[:：]",
    re.IGNORECASE,
)
_PHONE_LINE_RE = re.compile(
    r"^(?:[（(]?0\d{2,3}[）)\-－]?\s*)?\d{7,8}(?:\s*[,，、/]\s*\d{7,8})*$|^1[3-9]\d{9}$"
)
_EMAIL_LINE_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_SOURCE_LINE_RE = re.compile(
    r"^[（(]?\s*(?:供稿单位|供稿|报送单位|报送|填报单位|来稿单位|投稿单位|稿件来源|信息来源|来源单位)\s*[:：]\s*"
    r"(?P<org>[^（）()]{2,80}?)\s*[）)]?\s*[。.]?$"
)
_FIELD_RE = re.compile(r"\s+\S{1,6}[:：]|[:：]")
_SOURCE_SUFFIX_RE = re.compile(
    r"^(?:[（(]\s*(?P<org>[^（）()：:，。]{2,40}?)\s*(?:供稿|报送)\s*[）)]"
    rf"|(?P<org2>[\u4e00-\u9fff（）()·]{{2,40}}{_ORG_SUFFIX})\s*(?:供稿|报送))\s*[。.]?$"
)
_WEB_SOURCE_RE = re.compile(
    r"(?:信息来源|文章来源|稿件来源|来源)\s*[:：]\s*(?P<org>[^\s:：|｜]{2,30})"
)

# -- inside paragraphs ---------------------------------------------------------------
_NEWS_PREFIX_RE = re.compile(
    r"^(?:[■□◆●]\s*)?(?:本报讯|本报[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电|本台讯|本刊讯|"
    r"[\u4e00-\u9fff]{2,8}(?:网|报|日报|晚报|新闻)讯)\s*"
    r"(?:[（(][^（）()]{0,60}[）)])?\s*"
)
_REPORTER_PAREN_RE = re.compile(
    r"^[（(]\s*(?:[^（）()]{0,10}(?:记者|通讯员|实习生)[^（）()]{0,50})[）)]\s*"
)
_INLINE_CAPTION_RE = re.compile(r"[（(]\s*(?:图为|图片为|图片来源|摄影)[^（）()]{0,120}[）)]")
_TRAILING_SOURCE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:(?:供稿单位|供稿|报送单位|来源|稿件来源|信息来源)\s*[:：]\s*"
    r"(?P<a>[^（）()：:。]{2,40}?)|(?P<b>[^（）()：:。]{2,40}?)\s*(?:供稿|报送))\s*[）)]\s*$"
)
_TRAILING_SOURCE_BARE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*(?:供稿单位|供稿|报送单位)\s*[:：]\s*(?P<a>[^（）()：:。\n]{2,40}?)\s*[。.]?$"
)
_TRAILING_CONTACT_RE = re.compile(
    r"(?<=[。！？!?”’」』…）)])\s*(?P<c>[（(]?\s*(?:联\s*系\s*人|联系电话|联系方式)\s*[:：][^。]{1,80})$"
)
_TRAILING_END_RE = re.compile(r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:完|全文完|END|end)\s*[）)]\s*$")
_TRAILING_BYLINE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:文|图|文/图|撰稿|撰稿人|执笔|作者|通讯员|记者|摄影)\s*[:：/]?\s*"
    r"[^（）()。]{1,30}[）)]\s*$"
)
_NEWSLETTER_RE = re.compile(r"(?:简报|快报|专报|动态|信息|通讯|文件|工作交流)$")
_TITLE_END_RE = re.compile(
    r"(?:报告|简讯|简报|情况|总结|纪要|通报|综述|活动|会议|大会|论坛|仪式|讲座|召开|举办|举行|开展|启动|成立|圆满结束|顺利完成)$"
)
_TITLE_LABEL_RE = re.compile(r"^(?:标题|题目)\s*[:：]\s*")
_DATE_ONLY_RE = re.compile(
    r"^(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*[\d〇零○一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d〇零○一二三四五六七八九十]{1,3}\s*日$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$"
)
_ORG_LINE_RE = re.compile(rf"^[\u4e00-\u9fff（）()·]{{2,40}}{_ORG_SUFFIX}$")
_SIGNATURE_ONE_LINE_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}{_ORG_SUFFIX})\s+(?P<date>\S.{{4,20}})$"
)

# -- joining hard-wrapped lines ------------------------------------------------------
_CLOSERS = "”’」』）)】》\"'"
_TERMINAL = set("。！？!?；;…")
_NO_START = set("，。、；：？！）》」』”’…%％,.;:!?)]】")
_JOINERS = set("，、（《“‘(「『—-/") | set("的与及和暨并对在把将向从于由为是有")
_LIST_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．)）]"
    r"|\d{1,2}\.(?!\d)|[①-⑳]|第[一二三四五六七八九十]{1,3}[，、是条项]|[一二三四五六七八九十]是|"
    r"[-•●·▪◆■□○◎★☆]\s?|[A-Za-z][.、)]\s)"
)
_TRAILING_PAREN_RE = re.compile(r"(?<=[。！？!?])\s*[（(][^（）()]{1,40}[）)]\s*$")
_DIGITS_RE = re.compile(r"\d+")
_PROSE_RE = re.compile(r"[。！？!?；]")


@dataclass
class _Line:
    text: str
    indented: bool  # a paragraph indent (two characters or so)
    centered: bool = False  # deeper indentation: a centred title or a signature


class _Removed:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, reason: str, text: str) -> None:
        text = text.strip()
        if text:
            self.items.append((reason, text))


def _visual_width(s: str) -> float:
    # Hard wraps happen at a visual width: ASCII letters and digits take half a cell.
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in s)


def _ends_terminal(s: str) -> bool:
    # "…贡献力量。（北京抗癌协会）": an attribution after the full stop still ends it.
    if s.endswith(("）", ")")):
        s = _TRAILING_PAREN_RE.sub("", s)
    s = s.rstrip(_CLOSERS + " ")
    if s.endswith(".") and len(s) >= 2 and not s[-2].isascii():
        return True  # 召开. — a half-width full stop after Chinese text
    return bool(s) and s[-1] in _TERMINAL


def _strip_markup(text: str, removed: _Removed) -> str:
    if _HTML_HINT_RE.search(text):
        for m in _HTML_IMG_RE.finditer(text):
            removed.add("markup", m.group(0))
        text = _HTML_IMG_RE.sub("", text)
        text = _HTML_BREAK_RE.sub("\n", text)
        text = _HTML_TAG_RE.sub("", text)
    if _HTML_ENTITY_RE.search(text):
        text = html.unescape(text)
    for m in _MD_IMAGE_RE.finditer(text):
        removed.add("caption", m.group(0))
    text = _MD_IMAGE_RE.sub("", text)
    return _MD_LINK_RE.sub(r"\1", text)


def _normalize(text: str, removed: _Removed) -> list[_Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _strip_markup(text, removed)
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text.replace("\t", "    "))
    emoji = "".join(_EMOJI_RE.findall(text))
    if emoji:
        removed.add("emoji", emoji)
        text = _EMOJI_RE.sub("", text)
    lines: list[_Line] = []
    blank = _Line("", False)
    for raw in text.split("\n"):
        body = raw.rstrip(" \u3000")
        if not body:
            lines.append(blank)
            continue
        stripped = body.lstrip(" \u3000")
        lead = _visual_width(body[: len(body) - len(stripped)].replace("\u3000", "\u4e00"))
        indented, centered = 1.0 <= lead <= 2.5, lead > 2.5
        if stripped[0] in "#>":
            stripped = _MD_QUOTE_RE.sub("", _MD_HEADING_RE.sub("", stripped))
        if "**" in stripped or "__" in stripped:
            stripped = _MD_EMPHASIS_RE.sub(r"\2", stripped)
        if "\u3000" in stripped:
            # A run of full-width spaces inside a line separates fields (联系人：…　　电话：…).
            stripped = _FULL_SPACES_RE.sub(" ", stripped).strip()
        lines.append(_Line(stripped, indented, centered))
    return lines


class _Hints:
    """Org hints by strength: a 供稿/报送 line beats a signature, which beats 来源."""

    def __init__(self) -> None:
        self.best: tuple[int, str] | None = None

    def offer(self, strength: int, org: str) -> None:
        org = org.strip(" 。.，,")
        if len(org) >= 2 and (self.best is None or strength > self.best[0]):
            self.best = (strength, org)

    @property
    def org(self) -> str | None:
        return self.best[1] if self.best else None


def _classify(line: str) -> str | None:
    """The removal reason of a whole line, or None to keep it."""
    if _PAGE_NUMBER_RE.match(line):
        return "page_number"
    if _SEPARATOR_RE.match(line):
        return "separator"
    if _URL_LINE_RE.match(line):
        return "url"
    if len(line) <= 40 and _MASTHEAD_RE.match(line):
        return "masthead"
    if len(line) <= 160 and _CHROME_RE.match(line):
        return "web_chrome"
    if len(line) <= 160 and ("：" in line or ":" in line) and len(_META_KEY_RE.findall(line)) >= 2:
        return "web_chrome"
    if len(line) <= 80 and (_BYLINE_RE.match(line) or _REPORTER_RE.match(line)):
        return "byline"
    if len(line) <= 200 and _CAPTION_RE.match(line):
        return "caption"
    if _CONTACT_RE.match(line) or _PHONE_LINE_RE.match(line) or _EMAIL_LINE_RE.match(line):
        return "contact"
    return None


def _drop_lines(
    lines: list[_Line], removed: _Removed, hints: _Hints, contacts: list[str]
) -> list[_Line]:
    kept: list[_Line] = []
    following_links = False
    n = len(lines)
    first_content = next((i for i, ln in enumerate(lines) if ln.text), 0)
    for i, ln in enumerate(lines):
        s = ln.text
        if not s:
            kept.append(ln)
            continue
        if len(s) <= 80 and (m := _SOURCE_LINE_RE.match(s) or _SOURCE_SUFFIX_RE.match(s)):
            org, rest = _split_contact(m.group("org") or m.groupdict().get("org2") or "")
            hints.offer(3, org)
            removed.add("source", s)
            if rest:
                contacts.append(rest)
            continue
        if following_links:
            removed.add("web_chrome", s)
            continue
        if i > n // 2 and _FOLLOWING_LINKS_RE.match(s):
            # "推荐阅读" near the end: the rest is a list of other articles.
            following_links = True
            removed.add("web_chrome", s)
            continue
        if i <= first_content + 2 and _SALUTATION_RE.match(s):
            removed.add("salutation", s)
            continue
        reason = _classify(s)
        if reason is None:
            kept.append(ln)
            continue
        if reason == "contact":
            contacts.append(s)
        if reason == "web_chrome" and (m := _WEB_SOURCE_RE.search(s)):
            hints.offer(1, m.group("org"))
        removed.add(reason, s)
    return kept


def _split_contact(org: str) -> tuple[str, str]:
    """``怀柔区科协　联系人：李华`` → org and the contact part; other fields are dropped."""
    m = _CONTACT_INLINE_RE.search(org)
    contact = org[m.start() :].strip() if m else ""
    if m:
        org = org[: m.start()]
    field_m = _FIELD_RE.search(org)
    if field_m:
        org = org[: field_m.start()]
    return org.strip(" ，,；;"), contact


def _header_key(s: str) -> str:
    return _DIGITS_RE.sub("#", s.replace(" ", ""))


def _drop_repeated_headers(lines: list[_Line], removed: _Removed, *, paged: bool) -> list[_Line]:
    """Short lines that recur (digits aside) are running page headers or footers: twice
    in a document that had page numbers, three times in any."""
    candidates = [
        _header_key(ln.text)
        for ln in lines
        if ln.text and len(ln.text) <= 50 and not _ends_terminal(ln.text)
    ]
    counts = Counter(candidates)
    repeated = {
        k
        for k, c in counts.items()
        if c >= (2 if paged else 3) and len(re.findall(r"[\u4e00-\u9fff]", k)) >= 4
    }
    if not repeated:
        return lines
    content = [i for i, ln in enumerate(lines) if ln.text]
    first = content[0] if content else -1
    second = content[1] if len(content) > 1 else -1
    out: list[_Line] = []
    prev_key: str | None = None
    for i, ln in enumerate(lines):
        key = _header_key(ln.text) if ln.text and len(ln.text) <= 50 else None
        if key in repeated:
            # The first line may be the title that a PDF repeats on each page; keep it
            # unless the next line is itself title-like (then the first is a header).
            next_title_like = (
                second >= 0
                and len(lines[second].text) <= 50
                and not _ends_terminal(lines[second].text)
            )
            if i == first and not next_title_like:
                out.append(ln)
            else:
                reason = "duplicate" if key == prev_key else "page_header"
                removed.add(reason, ln.text)
                continue
        else:
            out.append(ln)
        if key:
            prev_key = key
    return out


def _wrap_width(lines: list[_Line]) -> tuple[float, bool]:
    """The width lines were hard-wrapped at, and whether they were wrapped at all: the
    lines that another line follows are mostly of one width, some stop mid-sentence."""
    inner = [
        a.text
        for a, b in itertools.pairwise(lines)
        if b.text and len(a.text) >= 8 and not a.centered
    ]
    widths = sorted(_visual_width(t) for t in inner)
    if len(widths) < 2:
        return (widths[-1] if widths else 0.0), False
    width = widths[min(len(widths) - 1, int(len(widths) * 0.8))]
    tolerance = max(1.5, 0.08 * width)
    near = sum(1 for w in widths if abs(w - width) <= tolerance)
    open_ended = any(
        not _ends_terminal(t) and t[-1] not in "：:" and _visual_width(t) >= 0.85 * width
        for t in inner
    )
    return width, width >= 10 and open_ended and near >= max(2, 0.5 * len(widths))


def _glue(a: str, b: str) -> str:
    # Words of Latin script broken at a line end keep a space; digits and Chinese do not.
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def _assemble(lines: list[_Line]) -> list[str]:
    """Join hard-wrapped lines into paragraphs."""
    width, wrapped = _wrap_width(lines)
    indents = sum(1 for ln in lines if ln.text and ln.indented)
    flush = sum(1 for ln in lines if ln.text and not ln.indented and not ln.centered)
    indent_mode = (indents >= 2 and flush >= 2) or (indents >= 1 and flush >= 1 and wrapped)
    paragraphs: list[str] = []
    cur: str | None = None
    prev: _Line | None = None
    for ln in lines:
        if not ln.text:
            if cur is not None:
                paragraphs.append(cur)
            cur, prev = None, None
            continue
        if cur is None or prev is None:
            cur, prev = ln.text, ln
            continue
        if _joins(prev, ln, width, wrapped, indent_mode):
            cur = _glue(cur, ln.text)
        else:
            paragraphs.append(cur)
            cur = ln.text
        prev = ln
    if cur is not None:
        paragraphs.append(cur)
    return paragraphs


def _joins(prev: _Line, cur: _Line, width: float, wrapped: bool, indent_mode: bool) -> bool:
    """Whether ``cur`` continues the sentence or paragraph of ``prev``."""
    a, b = prev.text, cur.text
    if b[0] in _NO_START:
        return True
    if prev.centered or cur.centered or (indent_mode and cur.indented):
        return False
    if a[-1] in "，、,":
        return True  # 一是…二是… after a comma is an enumeration inside the sentence
    if _LIST_START_RE.match(b):
        return False
    full = _visual_width(a) >= 0.75 * width
    if _ends_terminal(a):
        # In wrapped text a line filled to the margin that happens to end a sentence is
        # more often mid-paragraph than a paragraph end, when a flush line follows that
        # is itself full or ends a sentence (not a signature or heading).
        brim = _visual_width(a) >= width - max(1.5, 0.08 * width)
        return wrapped and brim and (_ends_terminal(b) or _visual_width(b) >= 0.75 * width)
    if a[-1] in "：:":
        return False
    if prev.indented and not cur.indented:
        return True  # an indented paragraph start continued flush left
    if a[-1] in _JOINERS:
        return True
    if (
        wrapped
        and full
        and ("，" in a or "," in a)
        and not _LIST_START_RE.match(a)
        and not LEADING_DATE_RE.match(b)
    ):
        return True  # a long line with a comma: a sentence under way, not a heading
    if _LIST_START_RE.match(a):  # a numbered heading continues only if filled to the margin
        return wrapped and _visual_width(a) >= width - max(1.5, 0.08 * width)
    return wrapped and full


_PAIRS = ("《》", "“”", "（）", "()", "【】")


def _opens(s: str) -> bool:
    return any(s.count(a) > s.count(b) for a, b in _PAIRS)


def _closes(s: str) -> bool:
    return any(s.count(b) > s.count(a) for a, b in _PAIRS)


def _merge_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Rejoin a sentence that a blank line cut in two (``…为“院士专家服务中心”`` / ``揭牌。``).

    Only on firm evidence: a paragraph missing its final 。 is more often a careless
    ending than a cut, so the join needs a bracket left open (or closed from nowhere), a
    comma or particle at the cut, punctuation that cannot start a sentence, or a tiny
    tail fragment after a paragraph of prose."""
    out: list[str] = []
    for p in paragraphs:
        if out:
            q = out[-1]
            cut = not _ends_terminal(q) and q[-1] not in "：:"
            if cut and (
                p[0] in _NO_START
                or q[-1] in _JOINERS
                or (_opens(q) and _closes(p))
                or (
                    _PROSE_RE.search(q)
                    and len(p) <= 12
                    and _ends_terminal(p)
                    and not _LIST_START_RE.match(p)
                )
            ):
                out[-1] = _glue(q, p)
                continue
        out.append(p)
    return out


def _clean_inline(p: str, removed: _Removed) -> str:
    """Newspaper lead-ins and photo captions inside a paragraph."""
    m = _NEWS_PREFIX_RE.match(p)
    if m and m.end() < len(p):
        removed.add("newspaper", m.group(0))
        p = p[m.end() :]
    m = _REPORTER_PAREN_RE.match(p)
    if m and m.end() < len(p):
        removed.add("newspaper", m.group(0))
        p = p[m.end() :]
    for m in _INLINE_CAPTION_RE.finditer(p):
        removed.add("caption", m.group(0))
    return _INLINE_CAPTION_RE.sub("", p).strip()


def _clean_ending(p: str, removed: _Removed, hints: _Hints, contacts: list[str]) -> str:
    """A closing （XX供稿） / 供稿：XX / （文/XX） / 联系人：… on the last paragraph."""
    m = _TRAILING_CONTACT_RE.search(p)
    if m:
        contacts.append(m.group("c").strip())
        removed.add("contact", m.group("c"))
        p = p[: m.start()]
    m = _TRAILING_END_RE.search(p)
    if m:
        removed.add("separator", m.group(0))
        p = p[: m.start()]
    for rx in (_TRAILING_SOURCE_RE, _TRAILING_SOURCE_BARE_RE):
        m = rx.search(p)
        if m:
            hints.offer(3, m.group("a") or m.groupdict().get("b") or "")
            removed.add("source", m.group(0))
            p = p[: m.start()]
    m = _TRAILING_BYLINE_RE.search(p)
    if m:
        removed.add("byline", m.group(0))
        p = p[: m.start()]
    return p.strip()


def _drop_duplicates(paragraphs: list[str], removed: _Removed) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for p in paragraphs:
        key = re.sub(r"\s+", "", p)
        if len(key) >= 8 and key in seen:
            removed.add("duplicate", p)
            continue
        seen.add(key)
        out.append(p)
    return out


def _drop_signature(paragraphs: list[str], removed: _Removed, hints: _Hints) -> list[str]:
    """A closing ``北京气象学会`` / ``2026年5月8日`` block: the org is a hint, the block goes."""
    if len(paragraphs) < 2:
        return paragraphs
    tail = paragraphs[-1]
    lines = tail.split("\n")
    if (
        len(lines) == 1
        and (m := _SIGNATURE_ONE_LINE_RE.match(tail))
        and _DATE_ONLY_RE.match(m.group("date").replace(" ", ""))
    ):
        hints.offer(2, m.group("org"))
        removed.add("signature", tail)
        return paragraphs[:-1]
    if _DATE_ONLY_RE.match(tail.replace(" ", "")):
        removed.add("signature", tail)
        paragraphs = paragraphs[:-1]
        if len(paragraphs) >= 2 and _ORG_LINE_RE.match(paragraphs[-1]):
            hints.offer(2, paragraphs[-1])
            removed.add("signature", paragraphs[-1])
            paragraphs = paragraphs[:-1]
    elif len(tail) <= 40 and _ORG_LINE_RE.match(tail) and _ends_terminal(paragraphs[-2]):
        hints.offer(2, tail)
        removed.add("signature", tail)
        paragraphs = paragraphs[:-1]
    return paragraphs


def _title_like(p: str) -> bool:
    return bool(
        p
        and len(p) <= 60
        and "\n" not in p
        and not _ends_terminal(p)
        and p[-1] not in "：:，,、"
        and not _LIST_START_RE.match(p)
        and not LEADING_DATE_RE.match(p)
    )


def _take_title(
    paragraphs: list[str], removed: _Removed, hints: _Hints
) -> tuple[str | None, list[str]]:
    """The title: a short first paragraph without sentence-final punctuation."""
    paragraphs = list(paragraphs)
    if paragraphs:
        paragraphs[0] = _TITLE_LABEL_RE.sub("", paragraphs[0]).strip()
    # A sender line or a newsletter name above the title ("北京气象学会" / "XX工作简报").
    while (
        len(paragraphs) >= 3
        and _title_like(paragraphs[0])
        and _title_like(paragraphs[1])
        and (
            _ORG_LINE_RE.match(paragraphs[0])
            or (len(paragraphs[0]) <= 20 and _NEWSLETTER_RE.search(paragraphs[0]))
        )
    ):
        if _ORG_LINE_RE.match(paragraphs[0]):
            hints.offer(2, paragraphs[0])
        removed.add("masthead", paragraphs.pop(0))
    if len(paragraphs) < 2 or not _title_like(paragraphs[0]):
        return None, paragraphs
    first, rest = paragraphs[0], paragraphs[1:]
    # A title wrapped onto a second short line: "关于召开……的" / "情况报告".
    if (
        len(rest) >= 2
        and _title_like(rest[0])
        and len(first) + len(rest[0]) <= 60
        and _TITLE_END_RE.search(rest[0])
        and not _TITLE_END_RE.search(first)
    ):
        first, rest = first + rest[0], rest[1:]
    # A subtitle line ("——记……") belongs to the title.
    if len(rest) >= 2 and rest[0].startswith(("——", "—")) and len(rest[0]) <= 40:
        first, rest = first + rest[0], rest[1:]
    return first, rest


def clean_text(text: str) -> CleanResult:
    """Remove paste damage from a raw report; see the module docstring for the rules."""
    removed = _Removed()
    hints = _Hints()
    contacts: list[str] = []
    lines = _normalize(text, removed)
    lines = _drop_lines(lines, removed, hints, contacts)
    paged = any(reason == "page_number" for reason, _ in removed.items)
    lines = _drop_repeated_headers(lines, removed, paged=paged)
    paragraphs = [p for p in (_clean_inline(p, removed) for p in _assemble(lines)) if p]
    cleaned = _merge_broken_paragraphs(paragraphs)
    if cleaned:
        cleaned[-1] = _clean_ending(cleaned[-1], removed, hints, contacts)
        cleaned = [p for p in cleaned if p]
    cleaned = _drop_duplicates(cleaned, removed)
    cleaned = _drop_signature(cleaned, removed, hints)
    while len(cleaned) > 1 and _DATE_ONLY_RE.match(cleaned[0].replace(" ", "")):
        removed.add("masthead", cleaned.pop(0))  # the date a page was published
    title, body = _take_title(cleaned, removed, hints)
    while len(body) > 1 and _DATE_ONLY_RE.match(body[0].replace(" ", "")):
        removed.add("masthead", body.pop(0))
    return CleanResult(
        text="\n\n".join(body),
        removed=removed.items,
        contact="；".join(dict.fromkeys(contacts)) or None,
        org_hint=hints.org,
        title=title,
    )
