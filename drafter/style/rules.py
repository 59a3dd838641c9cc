"""The rule registry: every house-style rule with its id, severity, tier and reason.

Rule ids are stable: other modules (drafting gates, evals, the issue parser) and
profiles refer to them. A rule's tier says where it comes from. Rules from the
national standards (GB/T 15834-2011, GB/T 15835-2011, GB/T 9704-2012) are fixed;
house-practice rules may be re-graded or switched off under ``[rules]`` in a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drafter.errors import ProfileError
from drafter.profile import Profile
from drafter.schemas import Severity

__all__ = [
    "HOUSE",
    "RULES",
    "STD_9704",
    "STD_15834",
    "STD_15835",
    "Rule",
    "Tier",
    "rule",
    "severity_map",
]

Tier = Literal[
    "标准 GB/T 15834-2011",
    "标准 GB/T 15835-2011",
    "国标 GB/T 9704-2012",
    "本刊惯例",
]
STD_15834: Tier = "标准 GB/T 15834-2011"
STD_15835: Tier = "标准 GB/T 15835-2011"
STD_9704: Tier = "国标 GB/T 9704-2012"
HOUSE: Tier = "本刊惯例"


@dataclass(frozen=True)
class Rule:
    """One lint rule. ``message`` is the default Chinese finding message."""

    id: str
    severity: Severity
    tier: Tier
    autofix: bool
    message: str
    reason: str

    @property
    def standard(self) -> bool:
        """Rules from a national standard cannot be re-graded or switched off."""
        return self.tier != HOUSE


def _r(id: str, severity: Severity, tier: Tier, autofix: bool, message: str, reason: str) -> Rule:
    return Rule(id, severity, tier, autofix, message, reason)


_ALL = [
    # -- punctuation (GB/T 15834-2011) ------------------------------------------------
    _r("punct.halfwidth", "error", STD_15834, True, "中文语境中使用了半角标点",
       "中文文本用全角标点：，。；：？！（）“”"),
    _r("punct.repeat", "error", STD_15834, True, "标点重复",
       "同一标点连用（，，、。。）多为录入错误"),
    _r("punct.dash", "error", STD_15834, True, "破折号形式不对，应为“——”",
       "破折号占两个字位置（——），不用 —、--、－－"),
    _r("punct.ellipsis", "error", STD_15834, True, "省略号形式不对，应为“……”",
       "省略号为六个点（……），不用 ...、。。。"),
    _r("punct.pair", "error", STD_15834, False, "引号或括号不成对",
       "“”《》（）【】‘’ 必须成对出现"),
    _r("punct.before_deng", "error", STD_15834, True, "“等”“等等”前不用顿号",
       "顿号用于并列词语之间，列举后接“等”时不加顿号（验收等工作）"),
    _r("punct.list_number", "error", STD_15834, True, "序号后的标点不对",
       "序号写作“一、”“（一）”“1.”：阿拉伯数字后用下脚点，括号序号后不加标点"),
    _r("punct.end", "warning", HOUSE, False, "段落末尾缺少句末标点",
       "每段以句号等句末标点结束，署名紧随其后"),
    # -- numbers and dates (GB/T 15835-2011) -------------------------------------------
    _r("number.fullwidth", "error", STD_15835, True, "使用了全角数字或字母",
       "阿拉伯数字和拉丁字母用半角形式（123，AI）"),
    _r("number.range", "error", STD_15835, True, "数值范围写法不规范",
       "年份范围用一字线（2026—2027年），百分数范围两端都带 %（10%～20%）"),
    _r("number.decimal", "error", STD_15835, True, "小数缺少整数部分的0",
       "纯小数写出个位的0：0.5个百分点，不写 .5个百分点"),
    _r("date.numerals", "error", STD_15835, True, "日期应使用阿拉伯数字",
       "公历日期用阿拉伯数字：2026年1月5日，不写二〇二六年一月五日、2026年三月"),
    _r("date.year_abbrev", "error", STD_15835, False, "年份不能简写",
       "年份写全：2026年，不写 26年、'26年"),
    _r("date.form", "error", HOUSE, True, "日期写法不规范，应为“M月D日”",
       "日期用“5月8日”“2023年5月8日”，不用 2023-05-08、2023.5.8、05月08日、8号"),
    # -- spacing, line breaks, markup ----------------------------------------------
    _r("space.cjk", "error", HOUSE, True, "汉字与数字或字母之间不应有空格",
       "公文不在汉字与数字、字母之间加空格（不同于 AutoCorrect、zhlint 的做法）"),
    _r("space.extra", "error", HOUSE, True, "多余的空格",
       "汉字之间、标点前后和段首段尾不留空格（书名号、引号内的原文除外）"),
    _r("break.sentence", "error", HOUSE, True, "句子被换行或空行截断",
       "一个段落是一整块文字，句子不能跨行、跨段"),
    _r("markup.emphasis", "error", HOUSE, True, "含有 Markdown 加粗或强调标记",
       "简报正文和标题不用 **加粗** 等标记"),
    _r("markup.markdown", "error", HOUSE, False, "含有 Markdown 格式（列表、链接、标题等）",
       "简讯正文是纯文字段落"),
    _r("markup.html", "error", HOUSE, False, "含有 HTML 标签或实体",
       "简讯正文是纯文字段落"),
    _r("content.emoji", "error", HOUSE, False, "含有表情符号",
       "公文不用表情符号"),
    _r("content.url", "error", HOUSE, False, "含有网址",
       "简报不刊登网址"),
    _r("content.email", "error", HOUSE, False, "含有电子邮箱",
       "简报不刊登联系方式"),
    _r("content.phone", "error", HOUSE, False, "含有电话号码",
       "简报不刊登联系方式"),
    _r("content.idcard", "error", HOUSE, False, "含有身份证号码",
       "身份证号是个人信息，简报不刊登"),
    _r("content.control", "error", HOUSE, True, "含有不可见的控制字符或文字方向符",
       "控制字符和文字方向符（如 U+202E）看不见，却会改变显示和排版，须删去"),
    _r("content.caption", "error", HOUSE, False, "含有图片说明（图为……）",
       "简报不配图，报送材料中的图片说明要删去"),
    _r("content.boilerplate", "error", HOUSE, False, "含有报送材料的格式语（供稿、联系人等）",
       "供稿、联系人、报送单位、来源等信息不进入简报正文"),
    # -- headline (GB/T 9704-2012 and house) ------------------------------------------
    _r("headline.punct", "error", STD_9704, True, "标题末尾不加标点",
       "公文标题末尾不用标点符号"),
    _r("headline.length", "warning", HOUSE, False, "标题长度超出范围",
       "标题一般 10—30 字，超过上限要精简"),
    _r("headline.missing", "error", HOUSE, False, "缺少标题",
       "每条简讯以一行标题开头"),
    # -- the brief -----------------------------------------------------------------
    _r("lead.date", "warning", HOUSE, False, "首句应以活动日期开头（如“5月8日，”）",
       "导语先写时间：“5月8日，……”，或“为……，5月9日，……”"),
    _r("attribution.missing", "error", HOUSE, False, "缺少来源署名",
       "学会、区科协稿件在末尾注明来源，如（怀柔区科协）"),
    _r("attribution.form", "error", HOUSE, True, "来源署名格式不对",
       "署名用全角括号，紧接末段句号，前面不留空格、不另起一段"),
    _r("attribution.position", "error", HOUSE, False, "来源署名不在稿件末尾",
       "署名只出现一次，位于最后一段末尾"),
    _r("attribution.name", "error", HOUSE, False, "来源署名应使用规范简称",
       "署名用配置中的单位简称，如“怀柔区科协”而非“北京市怀柔区科学技术协会”"),
    _r("attribution.unknown", "warning", HOUSE, False, "来源署名不在单位名录中",
       "署名应能在配置的单位名录中找到，以免写错单位名"),
    _r("attribution.lead", "error", HOUSE, False, "头条稿件不加来源署名",
       "头条是本会自己的新闻，不署来源"),
    _r("attribution.assumed_lead", "info", HOUSE, False,
       "未找到来源署名，按头条稿件处理；学会、区科协稿件请在末尾加（单位简称）",
       "单篇简讯文件无法判断是否头条"),
    _r("person.first", "error", HOUSE, False, "引文之外使用了第一人称",
       "简报用第三人称，“我会”“我区”改为单位简称"),
    _r("words.banned", "warning", HOUSE, False, "使用了本刊不用的措辞",
       "配置中的禁用词及其替换"),
    _r("words.confused", "error", HOUSE, False, "易混用词写法有误",
       "配置中的易混词（截止/截至 等）"),
    _r("words.jiezhi", "error", HOUSE, False, "表示“到某时为止”应用“截至”",
       "截止后接时间（截止3月底、截止目前）应为“截至”；“报名截止”“截止日期”不改"),
    _r("words.formulaic", "warning", HOUSE, False, "套话堆砌",
       "配置中的套话（精心组织、周密部署、狠抓落实等）连用，应改为具体做法"),
    _r("brief.paragraphs", "warning", HOUSE, False, "段落数超出范围",
       "一条简讯 1—4 段"),
    _r("brief.length", "warning", HOUSE, False, "正文长度超出范围",
       "简讯正文一般 150—600 字，头条可到 1200 字"),
]  # fmt: skip

RULES: dict[str, Rule] = {r.id: r for r in _ALL}
"""Every lint rule by id, in display order."""


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


_Setting = Severity | Literal["off"]
_cache: dict[int, tuple[Profile, dict[str, _Setting]]] = {}


def severity_map(profile: Profile) -> dict[str, _Setting]:
    """Effective severity of every rule under ``profile`` (``"off"`` = switched off).

    Raises :class:`ProfileError` when the profile tries to change a standard rule.
    Other ids under ``[rules]`` (e.g. the guard's) are left to their owners.
    """
    hit = _cache.get(id(profile))
    if hit is not None and hit[0] is profile:
        return hit[1]
    out: dict[str, _Setting] = {}
    for r in _ALL:
        setting = profile.rules.get(r.id)
        if setting is not None and setting != r.severity and r.standard:
            raise ProfileError(
                f"配置不能修改国家标准规则“{r.id}”（{r.tier}）",
                hint="只有“本刊惯例”类规则可以在 [rules] 中调整级别或关闭",
                rule=r.id,
            )
        out[r.id] = setting if setting is not None else r.severity
    if len(_cache) > 16:
        _cache.clear()
    _cache[id(profile)] = (profile, out)
    return out
