"""The Chinese words drafter recognizes, each written once.

Organization suffixes, person titles, event and speech verbs and parts of the day,
as tuples of words, plus :func:`alternation` to turn them into regular expressions.
Small groups carry one meaning each (``HOLD_VERBS``: an event is held); the sets a
rule matches are built from them and named here, so that every rule that means the
same thing uses the same words.

Some rules match deliberately different sets, and each such set is a named subset
with the reason beside it. An alternation is written in the order given: where one
word begins another (``学会`` and ``学会部``) the order decides which one a pattern
takes, so the order of a tuple here is part of what it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = [
    "ASSOCIATION_SUFFIXES",
    "ATTEND_VERBS",
    "DAY_PARTS",
    "DAY_PARTS_ALL",
    "DAY_PARTS_LEAD",
    "DAY_PARTS_NUMBERED",
    "DAY_PARTS_WRITTEN",
    "DEPARTMENT_SUFFIXES",
    "DETERMINERS",
    "EVENT_VERBS",
    "FEDERATION_SUFFIXES",
    "HOLD_VERBS",
    "HOST_VERBS",
    "INSTITUTION_SUFFIXES",
    "LAUNCH_VERBS",
    "LEADER_TITLES",
    "NOTABLE_TITLES",
    "NOT_SUFFIX_BEFORE",
    "OPEN_CLOSE_VERBS",
    "ORG_SUFFIXES_ALL",
    "ORG_SUFFIXES_COMMON",
    "ORG_SUFFIXES_COMMON_SHORT",
    "ORG_SUFFIXES_DIGEST",
    "ORG_SUFFIXES_LINE",
    "ORG_SUFFIXES_NAMED",
    "ORG_SUFFIXES_SENDER",
    "ORG_SUFFIXES_SIGNED",
    "ORG_WHOLE_NAMES",
    "PARTY_ORGANS",
    "PERSON_TITLES",
    "PLAQUE_VERBS",
    "REPORTING_VERBS",
    "SENIOR_TITLES",
    "SIGN_VERBS",
    "SOCIETY_SUFFIXES",
    "SPEECH_VERBS",
    "VAGUE_TIME_WORDS",
    "alternation",
    "words",
]


def words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words: long word lists stay readable."""
    return tuple(text.split())


def alternation(
    items: Iterable[str],
    *,
    longest_first: bool = False,
    not_before: Mapping[str, str] | None = None,
) -> str:
    """``(?:a|b|c)`` matching any of ``items``, in the order given.

    ``longest_first`` sorts longer words first (a stable sort), so that a word is
    never cut short by a shorter one that begins it. ``not_before`` maps a word to the
    characters that must not follow it (``{"部": "署分"}`` gives ``部(?![署分])``).
    """
    listed = list(items)
    if longest_first:
        listed.sort(key=len, reverse=True)
    guards = not_before or {}
    alts = [re.escape(w) + (f"(?![{guards[w]}])" if guards.get(w) else "") for w in listed]
    return f"(?:{'|'.join(alts)})"


# -- organizations: the word a name ends with ----------------------------------------

ASSOCIATION_SUFFIXES = ("科学技术协会", "科协")
"""The science association itself, formal and short (北京市怀柔区科学技术协会, 怀柔区科协)."""

SOCIETY_SUFFIXES = ("学会", "协会", "研究会")
"""Learned societies and associations: most of the bulletin's contributors."""

FEDERATION_SUFFIXES = ("促进会", "联合会", "基金会", "委员会")
"""Other member bodies: federations, foundations, committees."""

INSTITUTION_SUFFIXES = ("研究院", "研究所", "研究中心", "大学", "学院", "医院", "公司", "集团")
"""Institutes, universities, hospitals and firms (their 科协 are grassroots members)."""

DEPARTMENT_SUFFIXES = ("部", "办公室")
"""The association's own departments and its office (科普部, 办公室)."""

_CENTRE = ("中心",)
_BODIES = ASSOCIATION_SUFFIXES + SOCIETY_SUFFIXES + FEDERATION_SUFFIXES

ORG_SUFFIXES_ALL = (
    *_BODIES,
    "管委会",
    *INSTITUTION_SUFFIXES,
    *_CENTRE,
    *DEPARTMENT_SUFFIXES,
    *words("政府 联盟 实验室 工作站 局 厅 国务院 科学院 工程院 社科院 法院 检察院 委 政协 人大"),
)
"""Every organization the faithfulness guard extracts from a brief, government
bodies included (区农业农村局, 市教委, 国务院; used with :data:`NOT_SUFFIX_BEFORE`)."""

ORG_WHOLE_NAMES = ("国务院",)
"""Suffixes of :data:`ORG_SUFFIXES_ALL` that name a body with nothing before them."""

NOT_SUFFIX_BEFORE: dict[str, str] = {
    "学会": "了",
    "大学": "生",
    "学院": "派",
    "中心": "任工城区组主",
    "局": "长面势限",
    "厅": "长",
    "部": "署分门长队件",
    "委": "员托任派屈婉",
}
"""Characters after which a suffix starts an ordinary word instead of ending a name:
学会了, 大学生, 中心任务, 局长, 厅长, 部署, 部分, 部门, 委员, 委托."""

ORG_SUFFIXES_LINE = (*_BODIES, *INSTITUTION_SUFFIXES, *_CENTRE, *DEPARTMENT_SUFFIXES, "局", "处")
"""A line that is nothing but a name (a signature, an addressee, a 供稿 source): any
body, and the government offices (局, 处) that address a report too."""

ORG_SUFFIXES_SENDER = (*_BODIES, *INSTITUTION_SUFFIXES, *_CENTRE, "办公室", "科普部", "学会部")
"""The sender opening a report's first sentence or title. No bare 部: the rule adds
``1–4 characters + 部`` after these words, so a department keeps its own name."""

ORG_SUFFIXES_SIGNED = (*_BODIES, *_CENTRE, *DEPARTMENT_SUFFIXES)
"""A contributor's signature at the end of a paragraph (（北京抗癌协会）): the bodies
that send briefs; a signature naming a university or a firm is checked in the registry."""

ORG_SUFFIXES_NAMED = (
    *_BODIES,
    *INSTITUTION_SUFFIXES,
    *_CENTRE,
    *DEPARTMENT_SUFFIXES,
    *words("政府 局 委 办 园区 室"),
)
"""Whether a headline names an organization at all: anything organization-like."""

ORG_SUFFIXES_COMMON = (*ASSOCIATION_SUFFIXES, *SOCIETY_SUFFIXES, *DEPARTMENT_SUFFIXES)
"""The usual senders: a title or a line that is only one of these names is not a title."""

ORG_SUFFIXES_COMMON_SHORT = ("科协", *SOCIETY_SUFFIXES, *DEPARTMENT_SUFFIXES)
"""The usual senders before a colon (怀柔区科协：召开……); a formal 科学技术协会 still
matches through 协会, but only within the rule's 20 characters (as it always has)."""

ORG_SUFFIXES_DIGEST = (*ORG_SUFFIXES_COMMON_SHORT, *_CENTRE, "秘书处")
"""The sender of a digest with no event in its title (XX学会工作简报, 秘书处本周动态)."""

# -- people ---------------------------------------------------------------------------

LEADER_TITLES = words("会长 理事长 主席 书记 秘书长 院长 校长 局长 主任 部长 区长 县长 市长")
"""Heads of a body or a government: a name with one of these can be a headline's subject."""

SENIOR_TITLES = words(
    "镇长 院士 教授 研究员 处长 科长 总经理 董事长 总工程师 馆长 所长 监事长 委员"
)
"""Other titles that show who took part, besides :data:`LEADER_TITLES`."""

NOTABLE_TITLES = (*LEADER_TITLES, *SENIOR_TITLES, "专家")
"""Who makes a sentence worth keeping in a brief (专家 is not a title, but counts here)."""

PERSON_TITLES = (
    *LEADER_TITLES,
    *SENIOR_TITLES,
    *words("""司长 厅长 乡长 站长 社长 经理 工程师 主任医师 医师 博士生导师 研究生导师
    硕士生导师 导师 常委 理事 监事 主委 主编 总编辑 组长 队长 首席科学家 党组成员 总裁 行长
    总监 巡视员 调研员 常务理事 执行主席 台长 主任委员 秘书 干事 讲师 副高 会计师 律师
    高级工程师 正高级工程师 总理 省长 州长 国务委员 委员长 署长 总干事 博士"""),
)
"""Every title the guard attaches to a name (党组书记、常务副主席沈洁)."""

PARTY_ORGANS = words("党组 党委 纪委 区委 市委 县委 省委 党支部 党总支")
"""Party bodies that open a title: 党组书记, 区委副书记."""

# -- verbs ----------------------------------------------------------------------------

HOST_VERBS = ("召开", "举办", "举行")
"""An event is held (召开会议, 举办活动, 举行仪式)."""

HOLD_VERBS = (*HOST_VERBS, "开展")
"""An event is held or carried out: the verbs every account of an event uses."""

OPEN_CLOSE_VERBS = ("开幕", "闭幕", "落幕")
"""An event opens or closes."""

LAUNCH_VERBS = ("启动", "发布")
"""Something is launched or published."""

SIGN_VERBS = ("签署", "签订")
"""An agreement is signed."""

PLAQUE_VERBS = ("揭牌", "授牌")
"""A plaque is unveiled or presented."""

ATTEND_VERBS = ("出席", "参加")
"""People attend."""

EVENT_VERBS = (
    *HOLD_VERBS,
    "组织",
    *LAUNCH_VERBS,
    *SIGN_VERBS,
    *ATTEND_VERBS,
    *words("主持 选举 审议 揭牌"),
)
"""A sentence with one of these tells of an event (not of background)."""

REPORTING_VERBS = ("表示", "指出", "强调", "要求", "希望")
"""Reported speech in house style (张三表示，……)."""

SPEECH_VERBS = (*REPORTING_VERBS, "介绍", "致辞")
"""A speaker's turn begins with one of these."""

# -- time of day ----------------------------------------------------------------------

DAY_PARTS = ("上午", "下午", "晚上", "早上", "中午", "凌晨")
"""Parts of the day every date rule knows (5月8日上午)."""

DAY_PARTS_ALL = (*DAY_PARTS, *words("晚间 傍晚 早晨 清晨 夜间 晚"))
"""Every part of the day a report may write after an event date."""

DAY_PARTS_LEAD = (*DAY_PARTS, "晚间", "傍晚")
"""The parts of the day the offline engine keeps in a lead date (5月8日晚间)."""

DAY_PARTS_WRITTEN = (*DAY_PARTS, "晚间", "夜间", "晚")
"""The parts of the day the linter accepts in a lead sentence's date."""

DAY_PARTS_NUMBERED = (*DAY_PARTS, "晚")
"""The parts of the day after which ``8号`` is taken for a date written without 月."""

VAGUE_TIME_WORDS = ("近日", "日前", "近期", "最近", "前不久")
"""Words for "recently": no date (a lead opens with 近日 when the report gives none)."""


DETERMINERS = "该本各此其我贵这那"
"""Words that point at an organization without naming it (该学会, 本协会, 各区科协)."""
