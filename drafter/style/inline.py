"""In-line rules: patterns inside one paragraph, shared by the linter and the fixer.

Each :class:`InlineRule` is a list of compiled patterns with a callback. The linter
runs ``finditer`` on the original text and reports every match whose callback does
not return ``None``; the fixer runs ``sub`` with the same callbacks, so what is
reported as fixable is exactly what gets fixed. A callback returns the replacement,
:data:`FLAG` (a finding with no safe fix: the text is left alone) or ``None`` (not a
problem in this context).

This module is what a rule is and how a set of rules runs (:func:`plan`, :func:`find`,
:func:`apply_rules`); the house-style rules themselves are in
:mod:`drafter.style.inline_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "CJK",
    "CJKP",
    "FLAG",
    "HAN",
    "SP",
    "Callback",
    "Gate",
    "InlineHit",
    "InlineRule",
    "Plan",
    "Recorder",
    "Result",
    "Stable",
    "apply_rules",
    "apply_rules_stable",
    "find",
    "inside_quoted",
    "plan",
]

# punctuation; CJK: either, i.e. "Chinese context".
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJKP = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～"
CJK = HAN + CJKP
SP = " \t\u3000\u00a0"


class _Flag:
    def __repr__(self) -> str:
        return "FLAG"


FLAG = _Flag()
"""Callback result: a problem with no safe mechanical fix."""

Result = str | _Flag | None
Callback = Callable[[re.Match[str]], Result]


# A gate looks at the text only. It used to get the text's character set as well,
# but building a set of a Chinese text allocates a string per character and cost
# more than all the gates together; every test below is on the text itself.
Gate = Callable[[str], bool]


def _always(t: str) -> bool:
    return True


@dataclass(frozen=True)
class InlineRule:
    """An in-line rule. ``gate`` is a cheap test on the text that must pass before
    the (slower) patterns run: most paragraphs skip most rules."""

    id: str
    patterns: tuple[tuple[re.Pattern[str], Callback] | tuple[re.Pattern[str], Callback, Gate], ...]
    gate: Gate = _always

    def active(
        self, text: str, cs: set[str] | None = None
    ) -> list[tuple[re.Pattern[str], Callback]]:
        """The patterns whose gates pass for ``text`` (``cs`` is no longer needed)."""
        if not self.gate(text):
            return []
        return [(p[0], p[1]) for p in self.patterns if len(p) == 2 or p[2](text)]  # type: ignore[misc]


@dataclass(frozen=True)
class InlineHit:
    rule: str
    start: int
    end: int
    before: str
    after: str | None  # None: no safe fix


def inside_quoted(s: str, pos: int) -> bool:
    """Whether ``pos`` lies inside 《…》 or “…” (original wording is kept there)."""
    head = s[:pos]
    return head.count("《") > head.count("》") or head.count("“") > head.count("”")


Plan = list[tuple[str, re.Pattern[str], Callback]]

# A rule set compiled for one set of enabled ids: (rule id, rule gate or None,
# ((pattern, callback, pattern gate or None), ...)), in rule order. Built once per
# rule set and profile, so the hot loops below neither filter nor allocate.
_Compiled = tuple[
    tuple[str, Gate | None, tuple[tuple[re.Pattern[str], Callback, Gate | None], ...]], ...
]
_compiled_cache: dict[tuple[int, frozenset[str]], tuple[object, _Compiled]] = {}


def _compile(rules: Iterable[InlineRule], enabled: frozenset[str]) -> _Compiled:
    key = (id(rules), enabled)
    hit = _compiled_cache.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1]
    out = tuple(
        (
            r.id,
            None if r.gate is _always else r.gate,
            tuple((p[0], p[1], p[2] if len(p) == 3 else None) for p in r.patterns),  # type: ignore[misc]
        )
        for r in rules
        if r.id in enabled
    )
    if isinstance(rules, tuple):  # only stable rule sets are worth keeping
        if len(_compiled_cache) > 64:
            _compiled_cache.clear()
        _compiled_cache[key] = (rules, out)
    return out


def plan(rules: Iterable[InlineRule], text: str, enabled: frozenset[str]) -> Plan:
    """The patterns worth running on any part of ``text``.

    Gates only ask whether a character or substring occurs, so a gate that fails on a
    whole document fails on each of its paragraphs; likewise a pattern with no match in
    the whole document (paragraphs are joined by line breaks, which no pattern spans)
    has none in a paragraph. One search per pattern per document is much cheaper than
    one per paragraph.
    """
    out: Plan = []
    for rule_id, gate, patterns in _compile(rules, enabled):
        if gate is not None and not gate(text):
            continue
        for rx, cb, pgate in patterns:
            if (pgate is None or pgate(text)) and rx.search(text) is not None:
                out.append((rule_id, rx, cb))
    return out


def find(
    rules: Iterable[InlineRule], text: str, enabled: frozenset[str], planned: Plan | None = None
) -> list[InlineHit]:
    """Every problem the given rules see in ``text`` (spans refer to ``text``)."""
    out: list[InlineHit] = []
    for rule_id, rx, cb in planned if planned is not None else plan(rules, text, enabled):
        for m in rx.finditer(text):
            res = cb(m)
            if res is None or res == m.group():
                continue
            after = None if isinstance(res, _Flag) else res
            out.append(InlineHit(rule_id, m.start(), m.end(), m.group(), after))
    return out


class Recorder:
    """Collects the changes the fixer makes (rule id, span in the step's input, before, after)."""

    def __init__(self) -> None:
        self.hits: list[InlineHit] = []


def _sub(
    rule_id: str,
    rx: re.Pattern[str],
    cb: Callback,
    text: str,
    rec: Recorder | None,
    count: list[int] | None = None,
) -> str:
    def repl(m: re.Match[str]) -> str:
        res = cb(m)
        if res is None or isinstance(res, _Flag):
            return m.group()
        if res != m.group():
            if rec is not None:
                rec.hits.append(InlineHit(rule_id, m.start(), m.end(), m.group(), res))
            if count is not None:
                count[0] += 1
        return res

    return rx.sub(repl, text)


Stable = tuple[frozenset[re.Pattern[str]], bool]
"""What is known of a text :func:`apply_rules_stable` returned: one round of these
patterns replaces nothing in it; the flag says whether they are every enabled pattern
whose gates pass on it (what an unplanned round would run)."""


def apply_rules(
    text: str,
    rules: tuple[InlineRule, ...],
    enabled: frozenset[str],
    rec: Recorder | None = None,
    planned: Plan | None = None,
) -> str:
    """Apply every enabled rule of ``rules`` (the fixer's: ``RULE_LIST``), in order,
    repeating until nothing changes.

    ``planned`` (from :func:`plan` on the whole document) narrows the first round; a
    round that changes something is always followed by a full one.
    """
    return apply_rules_stable(text, rules, enabled, rec, planned)[0]


def apply_rules_stable(
    text: str,
    rules: tuple[InlineRule, ...],
    enabled: frozenset[str],
    rec: Recorder | None = None,
    planned: Plan | None = None,
) -> tuple[str, Stable | None]:
    """:func:`apply_rules`, also telling which patterns are known to leave the result be
    (None when the last round replaced something)."""
    count = [0]
    if planned is not None:
        before = text
        for rule_id, rx, cb in planned:
            text = _sub(rule_id, rx, cb, text, rec, count)
        if text == before:
            stable = None if count[0] else (frozenset(p[1] for p in planned), False)
            return text, stable
    compiled = _compile(rules, enabled)
    for _ in range(4):
        before = text
        count[0] = 0
        ran: list[re.Pattern[str]] = []
        for rule_id, gate, patterns in compiled:
            if gate is not None and not gate(text):
                continue
            # Every pattern gate of a rule sees the text as the rule found it.
            active = [(rx, cb) for rx, cb, pgate in patterns if pgate is None or pgate(text)]
            for rx, cb in active:
                ran.append(rx)
                text = _sub(rule_id, rx, cb, text, rec, count)
        if text == before:
            return text, None if count[0] else (frozenset(ran), True)
    return text, None
