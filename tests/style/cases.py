"""Hand-written lint cases: for every rule, a text that breaks it and one that keeps it.

Texts are built from one clean society brief (written for these tests, in house
style) with a single change each.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADLINE = "北京园艺学会举办城市绿化技术交流会"
P1 = (
    "6月12日，北京园艺学会在京举办城市绿化技术交流会。学会理事长、中国农业大学教授王建国，"
    "市园林绿化局科技处处长刘敏出席会议，来自12家会员单位的60余名科技工作者参加交流。"
)
P2 = (
    "王建国在致辞中表示，学会将围绕首都城市更新需要，组织专家开展乡土植物选育和立体绿化技术研究，"
    "推动研究成果在街区绿化中落地应用。"
)
P3 = "会议还发布了“绿色街区”科普行动计划，将在今年下半年组织30场社区科普讲座。"
ATTR = "北京园艺学会"


def brief(
    *paras: str,
    headline: str | None = HEADLINE,
    attribution: str | None = ATTR,
    section: str | None = None,
    attr_sep: str = "",
) -> str:
    """A brief as Markdown; with ``section`` it is wrapped as an issue section."""
    body = list(paras) or [P1, P2, P3]
    if attribution is not None:
        body[-1] = f"{body[-1]}{attr_sep}（{attribution}）"
    parts = ([f"### {headline}"] if headline is not None else []) + body
    text = "\n\n".join(parts) + "\n"
    if section is not None:
        text = f"## {section}\n\n{text}"
    return text


def issue_lead(*paras: str, attribution: str | None = None) -> str:
    """An issue with one lead story (before any section) and one society brief."""
    lead = brief(*paras, headline="市科协召开青年科技人才座谈会", attribution=attribution)
    return "# 科协每周动态\n\n" + lead + "\n" + brief(section="【学会动态】")


@dataclass(frozen=True)
class Case:
    rule: str
    bad: str
    good: str
    kind: str = "auto"


CASES: list[Case] = [
    Case("punct.halfwidth", brief(P1.replace("6月12日，", "6月12日,"), P2, P3),
         brief("会议时间为10:30，项目总投资3.5亿元，合作方为Open AI, Inc.等机构。", P2, P3)),
    Case("punct.halfwidth", brief(P1, P2, P3.replace("“绿色街区”", '"绿色街区"')), brief()),
    Case("punct.repeat", brief(P1.replace("交流会。", "交流会。。"), P2, P3), brief()),
    Case("punct.dash", brief(P1, P2.replace("学会将", "学会将—"), P3),
         brief(P1, P2, P3.replace("今年下半年", "2026—2027年"))),
    Case("punct.dash", brief(P1, P2.replace("学会将", "学会将--"), P3),
         brief(P1, P2.replace("学会将", "学会将——"), P3)),
    Case("punct.ellipsis", brief(P1, P2, P3.replace("讲座。", "讲座...")),
         brief(P1, P2, P3.replace("讲座。", "讲座……"))),
    Case("punct.pair", brief(P1, P2, P3.replace("“绿色街区”", "“绿色街区")), brief()),
    Case("punct.end", brief(P1, P2, P3.rstrip("。")), brief()),
    Case("number.fullwidth", brief(P1.replace("12家", "１２家"), P2, P3), brief()),
    Case("number.range", brief(P1, P2, P3.replace("今年下半年", "2026-2027年")),
         brief(P1, P2, P3.replace("今年下半年", "2026—2027年"))),
    Case("number.range", brief(P1, P2, P3 + "参与率达10～20%。"),
         brief(P1, P2, P3 + "参与率达10%～20%。")),
    Case("date.year_abbrev", brief(P1, P2, P3.replace("今年", "'26年")),
         brief(P1, P2, P3.replace("今年", "2026年"))),
    Case("date.year_abbrev", brief(P1.replace("6月12日", "26年6月12日"), P2, P3),
         brief(P1.replace("6月12日", "2026年6月12日"), P2, P3)),
    Case("date.year_abbrev", brief(P1, P2, P3.replace("今年下半年", "25年底")),
         brief(P1, P2, P3.replace("今年下半年", "2025年底"))),
    Case("date.year_abbrev", brief(P1, P2, P3.replace("今年下半年", "25-26年")),
         brief(P1, P2, P3.replace("今年下半年", "2025—2026年"))),
    Case("date.form", brief(P1.replace("6月12日", "2026-06-12"), P2, P3),
         brief(P1.replace("6月12日", "2026年6月12日"), P2, P3)),
    Case("date.form", brief(P1.replace("6月12日", "06月12日"), P2, P3), brief()),
    Case("date.form", brief(P1.replace("6月12日", "6月12号"), P2, P3), brief()),
    Case("space.cjk", brief(P1.replace("12家", " 12 家"), P2, P3),
         brief(P1, P2, P3 + "活动使用了Open AI平台。")),
    Case("space.extra", brief(P1, P2.replace("首都城市", "首都 城市"), P3),
         brief(P1, P2, P3 + "会上解读了《关于加快绿化建设 推进城市更新的意见》。")),
    Case("break.sentence", brief(P1, P2[:20] + "\n\n" + P2[20:], P3), brief()),
    Case("break.sentence", brief(P1, P2[:20] + "\n" + P2[20:], P3), brief()),
    Case("markup.emphasis", brief(P1, P2.replace("乡土植物", "**乡土植物**"), P3), brief()),
    Case("markup.emphasis", brief(headline=f"**{HEADLINE}**"), brief()),
    Case("markup.markdown", brief(P1, "- " + P2, P3), brief()),
    Case("markup.markdown", brief(P1, P2, P3.replace("科普讲座", "[科普讲座](https://example.org)")),
         brief()),
    Case("markup.html", brief(P1, P2.replace("需要，", "需要，<br>"), P3), brief()),
    Case("content.emoji", brief(P1, P2, P3.replace("讲座。", "讲座🎉。")), brief()),
    Case("content.url", brief(P1, P2, P3.replace("讲座。", "讲座，详见https://example.org/kp。")),
         brief(P1, P2, P3 + "项目总投资3.5亿元。")),
    Case("content.email", brief(P1, P2, P3.replace("讲座。", "讲座，报名邮箱kp@example.org。")),
         brief()),
    Case("content.phone", brief(P1, P2, P3.replace("讲座。", "讲座，咨询电话010-62345678。")),
         brief()),
    Case("content.phone", brief(P1, P2, P3.replace("讲座。", "讲座，联系13812345678。")),
         brief()),
    Case("content.caption", brief(P1, P2, P3 + "图为交流会现场。"),
         brief(P1, P2, P3 + "与会专家审议了设计图纸。")),
    Case("content.boilerplate", brief(P1, P2, P3 + "供稿：北京园艺学会办公室。"),
         brief(P1, P2, P3 + "资金来源：学会自筹。")),
    Case("content.boilerplate", brief(P1, P2, P3 + "联系人：李华。"), brief()),
    Case("headline.punct", brief(headline=HEADLINE + "。"), brief()),
    Case("headline.length", brief(headline=HEADLINE * 3), brief()),
    Case("headline.length", brief(headline="学会召开"), brief()),
    Case("headline.missing", brief(headline=None), brief()),
    Case("lead.date", brief(P1.replace("6月12日，", "近日，"), P2, P3),
         brief("为推动立体绿化技术应用，" + P1, P2, P3)),
    Case("attribution.missing", brief(attribution=None, section="【学会动态】"),
         brief(section="【学会动态】")),
    Case("attribution.form", brief(attr_sep="\n\n"), brief()),
    Case("attribution.position", brief(P1 + "（北京园艺学会）", P2, P3), brief()),
    Case("attribution.name", brief(attribution="北京市怀柔区科学技术协会"),
         brief(attribution="怀柔区科协")),
    Case("attribution.unknown", brief(attribution="园艺兴趣小组"), brief()),
    Case("attribution.lead", issue_lead(P1, P2, attribution="办公室"), issue_lead(P1, P2)),
    Case("attribution.assumed_lead", brief(attribution=None), brief()),
    Case("person.first", brief(P1.replace("北京园艺学会在京", "我会在京"), P2, P3),
         brief(P1, "王建国表示：“我们将继续组织专家开展乡土植物选育研究。”", P3)),
    Case("words.banned", brief(P1.replace("举办城市", "隆重召开城市"), P2, P3), brief()),
    Case("words.confused", brief(P1, P2.replace("研究，", "研究，藉此"), P3),
         brief(P1, P2.replace("研究，", "研究，借此"), P3)),
    Case("words.jiezhi", brief(P1, P2, P3.replace("今年下半年", "截止到年底")),
         brief(P1, P2, P3.replace("今年下半年", "截至年底"))),
    Case("words.jiezhi", brief(P1, P2, P3.replace("今年下半年", "截止2026年3月底")),
         brief(P1, P2, P3.replace("将在今年下半年", "报名截止后"))),
    Case("words.formulaic", brief(P1, P2.replace("组织专家", "精心组织、周密部署、狠抓落实，组织专家"), P3),
         brief(P1, P2.replace("组织专家", "精心组织专家"), P3)),
    Case("punct.before_deng", brief(P1, P2.replace("选育和立体绿化", "选育、立体绿化、等"), P3),
         brief(P1, P2.replace("选育和立体绿化", "选育、立体绿化等"), P3)),
    Case("punct.list_number", brief(P1, "1、" + P2, P3), brief(P1, "1." + P2, P3)),
    Case("number.decimal", brief(P1, P2, P3 + "参与率提高.5个百分点。"),
         brief(P1, P2, P3 + "参与率提高0.5个百分点。")),
    Case("date.numerals", brief(P1.replace("6月12日", "二〇二六年六月十二日"), P2, P3),
         brief(P1.replace("6月12日", "2026年6月12日"), P2, P3 + "活动纪念五四青年节。")),
    Case("date.numerals", brief(P1.replace("6月12日", "2026年六月十二日"), P2, P3), brief()),
    Case("content.idcard", brief(P1, P2, P3 + "报名人身份证号110101199003071234。"),
         brief(P1, P2, P3 + "项目编号20261101。")),
    Case("content.control", brief(P1, P2.replace("，", "\u202e，", 1), P3), brief()),
    Case("brief.paragraphs", brief(P1, P2, P2, P2, P3), brief()),
    Case("brief.length", brief("6月12日，北京园艺学会举办城市绿化技术交流会。"), brief()),
]  # fmt: skip
