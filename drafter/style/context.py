"""What the linter and fixer derive from a profile, compiled once per profile object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.profile import OrgMatch, Profile, load_profile
from drafter.style.document import attr_tail
from drafter.style.inline import SP
from drafter.style.inline_rules import BY_ID, FIX_ORDER
from drafter.style.rules import RULES, severity_map

__all__ = ["StyleContext", "context_for"]

_HAN = re.compile("[\u3400-\u9fff]")
_SIGNED_AFTER = "。！？…”’）)]】.!?"  # an attribution follows the end of a sentence


@dataclass(frozen=True)
class StyleContext:
    profile: Profile
    severity: dict[str, str]  # rule id → error | warning | info | off
    fixable: frozenset[str]  # enabled in-line rules the fixer applies
    enabled: frozenset[str]  # every enabled rule id
    first_person: re.Pattern[str] | None
    banned: re.Pattern[str] | None
    confused: re.Pattern[str] | None
    jiezhi: re.Pattern[str]  # 截止 used for 截至: before a date or a time word
    formulaic: re.Pattern[str] | None  # three or more formulaic phrases in a row
    # name → profile.resolve_org(name): the same few attributions recur in every file.
    _orgs: dict[str, OrgMatch | None] = field(default_factory=dict, compare=False, repr=False)

    def on(self, rule_id: str) -> bool:
        return self.severity.get(rule_id, "off") != "off"

    def attribution(self, text: str) -> re.Match[str] | None:
        """The ``（name）`` closing ``text`` when it is an attribution (group 2 is the
        name): a Chinese name, right after the end of a sentence or known to the registry."""
        m = attr_tail(text)
        if not m or not _HAN.search(m.group(2)):
            return None  # attributions are Chinese names; "(2023)" is not one
        head = text[: m.start()].rstrip(SP)
        if not (head and head[-1] in _SIGNED_AFTER) and self.resolve_org(m.group(2)) is None:
            return None
        return m

    def resolve_org(self, name: str) -> OrgMatch | None:
        """``profile.resolve_org(name)``, remembered (the result is only read)."""
        orgs = self._orgs
        if name in orgs:
            return orgs[name]
        if len(orgs) > 4096:
            orgs.clear()
        hit = orgs[name] = self.profile.resolve_org(name)
        return hit


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    words = [w for w in words if w]
    if not words:
        return None
    # Longest first, so 我区科协 wins over 我区.
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _jiezhi(times: list[str]) -> re.Pattern[str]:
    words = "".join(f"|{re.escape(w)}" for w in sorted(times, key=len, reverse=True) if w)
    return re.compile(f"截止(?=[到至]|\\d|[〇零一二三四五六七八九十]{{1,4}}[年月]{words})")


def _formulaic(phrases: list[str]) -> re.Pattern[str] | None:
    one = _alternation(phrases)
    if one is None:
        return None
    return re.compile(f"(?:{one.pattern})(?:[、，,](?:{one.pattern})){{2,}}")


_cache: dict[int, StyleContext] = {}


def context_for(profile: Profile | None) -> StyleContext:
    """The compiled style context of ``profile`` (the bundled default when None)."""
    p = profile if profile is not None else load_profile()
    hit = _cache.get(id(p))
    if hit is not None and hit.profile is p:
        return hit
    sev = severity_map(p)
    enabled = frozenset(k for k, v in sev.items() if v != "off")
    ctx = StyleContext(
        profile=p,
        severity=dict(sev),
        fixable=frozenset(r for r in FIX_ORDER if r in enabled and RULES[r].autofix),
        enabled=enabled | frozenset(k for k in BY_ID if k not in RULES),
        first_person=_alternation(p.first_person),
        banned=_alternation(list(p.banned)),
        confused=_alternation(list(p.confused)),
        jiezhi=_jiezhi(p.time_words),
        formulaic=_formulaic(p.formulaic),
    )
    if len(_cache) > 16:
        _cache.clear()
    _cache[id(p)] = ctx
    return ctx
