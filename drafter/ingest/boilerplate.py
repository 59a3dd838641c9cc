"""Boilerplate in pasted reports: the lines and fragments that are not report text.

The patterns behind :func:`drafter.ingest.paste.clean_text`, kept apart so that the cleaning
pipeline stays readable: page numbers, separators, web chrome (breadcrumbs, meta lines,
print/close/share links, WeChat furniture), bylines and editor credits, photo captions,
contact lines, ``供稿``/``报送单位`` sources, signatures and titles. Each removal has a
reason key in :data:`REASONS`.
"""

from __future__ import annotations

import re

from drafter.ingest.chrome import is_chrome_line
from drafter.text.lexicon import (
    ATTEND_VERBS,
    HOLD_VERBS,
    LAUNCH_VERBS,
    ORG_SUFFIXES_LINE,
    PLAQUE_VERBS,
    alternation,
    words,
)

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


# -- whole lines that are not report text --------------------------------------------
ORG_SUFFIX = alternation(ORG_SUFFIXES_LINE)
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页|\d{1,3}\s*/\s*\d{1,3}|\d{1,3}"
    r"|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)$"
)
SEPARATOR_RE = re.compile(
    r"^(?:[-—_=*·•~～.。…\s]{3,}|[-—\s]*[（(]?\s*(?:END|End|end|完|全文完|结束)\s*[）)]?[-—\s]*)$"
)
URL_LINE_RE = re.compile(r"^(?:网址|链接|原文链接)?[:：]?\s*(?:https?://|www\.)\S+$")
MASTHEAD_RE = re.compile(
    r"^[（(]?\s*(?:\d{4}\s*年\s*)?第\s*[\d〇一二三四五六七八九十]{1,4}\s*期\s*[）)]?"
    r"(?:\s*[（(]?\s*总第\s*\d+\s*期\s*[）)]?)?$"
    r"|^[（(]?\s*总第\s*\d+\s*期\s*[）)]?$"
)
CHROME_RE = re.compile(
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
            r"^(?:阅读原文|点击阅读原文|关注我们|欢迎关注|喜欢此内容的人还喜欢)\s*[:：]?.{0,20}$",
            r"^(?:微信号|公众号|视频号)\s*[:：]",
            r"^(?:附件下载|相关附件|相关下载|分享到朋友圈|分享到微信)\s*[:：]?$",
            r"^(?:左右|上下|向上|向下|向左|向右)滑动|^(?:投稿邮箱|投稿信箱|投稿方式)\s*[:：]",
            r"^[【\[]\s*(?:打印本页|打印|关闭窗口|关闭|我要纠错|纠错|收藏|字体|大|中|小)\s*[】\]].{0,60}$",
            r"^(?:点赞|在看|分享|收藏|赞|留言|写留言|推荐)(?:\s*[|｜/·、]?\s*(?:点赞|在看|分享|收藏|赞|留言|推荐))+$",
            r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]",
            r"^(?:视频|音频)(?:加载中|加载失败|播放)|^[【\[<]?(?:视频|图片|音频)[】\]>]?$",
            r"^(?:阅读|浏览|阅读量|阅读数)\s*[:：]?\s*[\d.]+\s*[万wW+]?$",
            r"^(?:原创|转载)\s+\S",
            r"^.{0,40}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+\S{0,20})?$",
            r"^.{0,40}\d{4}年\d{1,2}月\d{1,2}日\s+\d{1,2}:\d{2}(?:\s+\S{0,20})?$",
        )
    )
)
# A meta line such as "时间：2026-05-08 来源：怀柔区科协 作者：张三": two or more keys.
META_KEY_RE = re.compile(
    r"(?:发布)?(?:时间|日期|来源|作者|编辑|字体|浏览次数|点击数|阅读次数)\s*[:：]"
)
# "市科协学会部：" addressing the report at its top (主送机关): not the sender.
SALUTATION_RE = re.compile(rf"^[\u4e00-\u9fff（）()·]{{2,30}}{ORG_SUFFIX}[:：]$")
FOLLOWING_LINKS_RE = re.compile(
    r"^[▼▲●■◆★☆>|｜\s]*(?:推荐阅读|往期回顾|往期推荐|往期精彩|相关阅读|相关新闻|相关链接|相关文章|猜你喜欢|精彩推荐|延伸阅读)\s*[:：]?$"
)
BYLINE_RE = re.compile(
    r"^[（(]?\s*(?:撰稿|撰稿人|执笔|执笔人|审核|审核人|审稿|审签|签发|编辑|责任编辑|责编|初审|复审|终审|校对|摄影|"
    r"摄像|图片|文字|文|图|文/图|图/文|文图|作者|编审|排版|美编|监制|统筹|出品|主编|报送人|拟稿|拟稿人|核稿|"
    r"报送时间|报送日期|填报时间|填报日期|填报人|记者|通讯员|实习生|本报记者)"
    r"\s*[:：/|｜丨]"
)
REPORTER_RE = re.compile(
    r"^[■□◆●]?\s*(?:本报|本台|本刊)?(?:特约)?(?:记者|通讯员|实习生)\s*[\u4e00-\u9fff·]{2,4}"
    r"(?:\s*[、，,]?\s*(?:(?:本报|特约)?(?:记者|通讯员|实习生))?\s*[\u4e00-\u9fff·]{2,4})*$"
)
CAPTION_RE = re.compile(
    r"^(?:图为|▲|△|▼|↑|↓|【图】|\[图\]|【图片】|\[图片\]|<图片>|图片[:：]|图片来源|"
    r"图\s*\d{1,2}(?:\s|[:：．.、\-—]|$)|[（(]\s*图为|[（(]\s*图片)"
)
CONTACT_RE = re.compile(
    r"^[（(]?\s*(?:联\s*系\s*人|联系电话|联系方式|联系手机|电\s*话|手\s*机|座\s*机|传\s*真|邮\s*箱|"
    r"电子邮箱|电子邮件|e-?mail|邮\s*编)\s*[:：]",
    re.IGNORECASE,
)
CONTACT_INLINE_RE = re.compile(
    r"(?:联\s*系\s*人|联系电话|联系方式|电\s*话|手\s*机|邮\s*箱|电子邮箱|e-?mail)\s*[:：]",
    re.IGNORECASE,
)
PHONE_LINE_RE = re.compile(
    r"^(?:[（(]?0\d{2,3}[）)\-－]?\s*)?\d{7,8}(?:\s*[,，、/]\s*\d{7,8})*$|^1[3-9]\d{9}$"
)
EMAIL_LINE_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
SOURCE_LINE_RE = re.compile(
    r"^[（(]?\s*(?:供稿单位|供稿|报送单位|报送|填报单位|来稿单位|投稿单位|稿件来源|信息来源|来源单位)\s*[:：]\s*"
    r"(?P<org>[^（）()]{2,80}?)\s*[）)]?\s*[。.]?$"
)
FIELD_RE = re.compile(r"\s+\S{1,6}[:：]|[:：]")
SOURCE_SUFFIX_RE = re.compile(
    r"^(?:[（(]\s*(?P<org>[^（）()：:，。]{2,40}?)\s*(?:供稿|报送)\s*[）)]"
    rf"|(?P<org2>[\u4e00-\u9fff（）()·]{{2,40}}{ORG_SUFFIX})\s*(?:供稿|报送))\s*[。.]?$"
)
WEB_SOURCE_RE = re.compile(
    r"(?:信息来源|文章来源|稿件来源|来源)\s*[:：]\s*(?P<org>[^\s:：|｜]{2,30})"
)

# -- inside paragraphs ---------------------------------------------------------------
NEWS_PREFIX_RE = re.compile(
    r"^(?:[■□◆●]\s*)?(?:本报讯|本报[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电|本台讯|本刊讯|"
    r"[\u4e00-\u9fff]{2,8}(?:网|报|日报|晚报|新闻)讯)\s*"
    r"(?:[（(][^（）()]{0,60}[）)])?\s*"
)
REPORTER_PAREN_RE = re.compile(
    r"^[（(]\s*(?:[^（）()]{0,10}(?:记者|通讯员|实习生)[^（）()]{0,50})[）)]\s*"
)
INLINE_CAPTION_RE = re.compile(r"[（(]\s*(?:图为|图片为|图片来源|摄影)[^（）()]{0,120}[）)]")
TRAILING_SOURCE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:(?:供稿单位|供稿|报送单位|来源|稿件来源|信息来源)\s*[:：]\s*"
    r"(?P<a>[^（）()：:。]{2,40}?)|(?P<b>[^（）()：:。]{2,40}?)\s*(?:供稿|报送))\s*[）)]\s*$"
)
TRAILING_SOURCE_BARE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*(?:供稿单位|供稿|报送单位)\s*[:：]\s*(?P<a>[^（）()：:。\n]{2,40}?)\s*[。.]?$"
)
TRAILING_CONTACT_RE = re.compile(
    r"(?<=[。！？!?”’」』…）)])\s*(?P<c>[（(]?\s*(?:联\s*系\s*人|联系电话|联系方式)\s*[:：][^。]{1,80})$"
)
TRAILING_END_RE = re.compile(r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:完|全文完|END|end)\s*[）)]\s*$")
TRAILING_BYLINE_RE = re.compile(
    r"(?<=[。！？!?”’」』…])\s*[（(]\s*(?:文|图|文/图|撰稿|撰稿人|执笔|作者|通讯员|记者|摄影)\s*[:：/]?\s*"
    r"[^（）()。]{1,30}[）)]\s*$"
)
NEWSLETTER_RE = re.compile(r"(?:简报|快报|专报|动态|信息|通讯|文件|工作交流)$")
TITLE_END_RE = re.compile(
    alternation(
        (
            *words("报告 简讯 简报 情况 总结 纪要 通报 综述 活动 会议 大会 论坛 仪式 讲座"),
            *HOLD_VERBS,
            *words("启动 成立 圆满结束 顺利完成"),
        )
    )
    + "$"
)
TITLE_VERB_RE = re.compile(
    alternation(
        (
            *HOLD_VERBS,
            *ATTEND_VERBS,
            *LAUNCH_VERBS,
            *PLAQUE_VERBS,
            *words("""组织 调研 走进 签署 签约 成立 赴 到访 考察 视察 慰问 开幕 闭幕 培训 对接 座谈
            交流 推进 荣获 获评 走访 服务"""),
        )
    )
)
TITLE_LABEL_RE = re.compile(r"^(?:标题|题目)\s*[:：]\s*")
DATE_ONLY_RE = re.compile(
    r"^[（(]?(?:(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*[\d〇零○一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d〇零○一二三四五六七八九十]{1,3}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[）)]?$"
)
ORG_LINE_RE = re.compile(rf"^[\u4e00-\u9fff（）()·]{{2,40}}{ORG_SUFFIX}$")
SIGNATURE_ONE_LINE_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()·]{{2,40}}{ORG_SUFFIX})\s+(?P<date>\S.{{4,20}})$"
)

# -- punctuation: sentence ends, continuations, list markers ------------------------
CLOSERS = "”’」』）)】》\"'"
TERMINAL = set("。！？!?；;…")
NO_START = set("，。、；：？！）》」』”’…%％,.;:!?)]】")
JOINERS = set("，、（《“‘(「『—-/") | set("的与及和暨并对在把将向从于由为是有")
LIST_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．)）]"
    r"|\d{1,2}\.(?!\d)|[①-⑳]|第[一二三四五六七八九十]{1,3}[，、是条项]|[一二三四五六七八九十]是|"
    r"[-•●·▪◆■□○◎★☆]\s?|[A-Za-z][.、)]\s)"
)
TRAILING_PAREN_RE = re.compile(r"(?<=[。！？!?])\s*[（(][^（）()]{1,40}[）)]\s*$")
DIGITS_RE = re.compile(r"\d+")
PROSE_RE = re.compile(r"[。！？!?；]")


def ends_terminal(s: str) -> bool:
    """Whether ``s`` ends a sentence (closing quotes and a trailing attribution aside)."""
    # "…贡献力量。（北京抗癌协会）": an attribution after the full stop still ends it.
    if s.endswith(("）", ")")):
        s = TRAILING_PAREN_RE.sub("", s)
    s = s.rstrip(CLOSERS + " ")
    if s.endswith(".") and len(s) >= 2 and not s[-2].isascii():
        return True  # 召开. — a half-width full stop after Chinese text
    return bool(s) and s[-1] in TERMINAL


def is_reporter_line(line: str) -> bool:
    """``记者 周颖 通讯员 郑凯`` — but not ``记者会上…`` or ``通讯员队伍不断壮大``."""
    if not REPORTER_RE.match(line):
        return False
    roles = len(re.findall("记者|通讯员|实习生", line))
    return (
        " " in line or roles >= 2 or line.startswith(("本报", "本台", "本刊", "■", "□", "◆", "●"))
    )


def classify_line(line: str) -> str | None:
    """The removal reason of a whole line, or None to keep it."""
    if PAGE_NUMBER_RE.match(line):
        return "page_number"
    if SEPARATOR_RE.match(line):
        return "separator"
    if URL_LINE_RE.match(line):
        return "url"
    if len(line) <= 40 and MASTHEAD_RE.match(line):
        return "masthead"
    # Chrome never ends a sentence: a line closing with 。 is report text.
    if len(line) <= 160 and not ends_terminal(line) and CHROME_RE.match(line):
        return "web_chrome"
    if len(line) <= 160 and ("：" in line or ":" in line) and len(META_KEY_RE.findall(line)) >= 2:
        return "web_chrome"
    if is_chrome_line(line):
        return "web_chrome"
    if len(line) <= 80 and (BYLINE_RE.match(line) or is_reporter_line(line)):
        return "byline"
    if len(line) <= 200 and CAPTION_RE.match(line):
        return "caption"
    if CONTACT_RE.match(line) or PHONE_LINE_RE.match(line) or EMAIL_LINE_RE.match(line):
        return "contact"
    return None


def split_contact(org: str) -> tuple[str, str]:
    """``怀柔区科协　联系人：李华`` → org and the contact part; other fields are dropped."""
    m = CONTACT_INLINE_RE.search(org)
    contact = org[m.start() :].strip() if m else ""
    if m:
        org = org[: m.start()]
    field_m = FIELD_RE.search(org)
    if field_m:
        org = org[: field_m.start()]
    return org.strip(" ，,；;"), contact
