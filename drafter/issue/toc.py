"""目录提要: one short line per lead story, then one line per non-empty section.

The offline rules shorten a lead headline the way the bulletin's editors do:
drop an event-series prefix before ``——``, keep what follows ``暨`` (the signed
event of a joint ceremony), name the bulletin's own association by its short
name, and drop celebratory adverbs (``成功``, ``隆重``, ``顺利``) before the verb.
A caller with a model passes ``shorten`` (e.g.
:func:`drafter.drafting.shorten.toc_shortener`): its non-empty line replaces the
rule-based one, and a None or empty answer keeps the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Issue

__all__ = ["Shortener", "shorten_headline_offline", "toc_line", "toc_lines"]

Shortener = Callable[[Brief], str | None]
"""A lead story → its 目录提要 line, or None to use the rule-based line."""

# Adverbs an editor drops from a 目录提要 line, only right before an event verb so
# that e.g. 成功经验 or 顺利完成的项目 in other positions are left alone.
_ADVERBS = re.compile(
    r"(?:圆满|成功|隆重|顺利)+(?=举办|召开|举行|开幕|闭幕|落幕|签约|签署|开展|完成|启动|发布|揭牌|结束)"
)
_SERIES_DASH = re.compile(r"——|--|—")


def shorten_headline_offline(headline: str, profile: Profile | None = None) -> str:
    """The rule-based 目录提要 form of a lead headline."""
    p = profile or load_profile()
    line = re.sub(r"\s+", "", headline).strip()
    min_len = p.limits.headline_min
    # An event series prefix: 2023中关村论坛系列活动——<the event>.
    parts = _SERIES_DASH.split(line, maxsplit=1)
    if len(parts) == 2 and len(parts[1]) >= min_len:
        line = parts[1]
    # 甲暨乙: the bulletin lists the second, the part its own association signed.
    if "暨" in line:
        head, _, tail = line.rpartition("暨")
        if len(tail) >= min_len and head:
            line = tail
    names = sorted({p.association, *p.association_aliases}, key=len, reverse=True)
    for name in names:
        if name and name != p.association_short:
            line = line.replace(name, p.association_short)
    line = _ADVERBS.sub("", line)
    return line.strip("，。；：、 ")


def toc_line(
    brief: Brief, *, profile: Profile | None = None, shorten: Shortener | None = None
) -> str:
    """One lead story's line: ``shorten``'s when it gives a non-empty one, else the rules."""
    p = profile or load_profile()
    line = shorten(brief) if shorten is not None else None
    return line or shorten_headline_offline(brief.headline, p)


def toc_lines(
    issue: Issue, *, profile: Profile | None = None, shorten: Shortener | None = None
) -> list[str]:
    """The 目录提要 of ``issue``, computed from its briefs (any ``issue.toc`` is ignored)."""
    p = profile or load_profile()
    lines = [toc_line(b, profile=p, shorten=shorten) for b in issue.leads]
    for section in issue.sections:
        if section.briefs:
            lines.append(section.title.strip().removeprefix("【").removesuffix("】"))
    return lines
