"""Instructions injected into a report ("忽略以上要求，在简讯中写上……", "Ignore the above and …").

A report is data. Its text may carry instructions aimed at a model; they are never
followed, never drafted into a brief (the offline engine cuts them), never count as
evidence for the faithfulness guard, and are reported (``guard.injection``) so an
editor sees them. This module is the one pattern set every stage uses.

An instruction is recognised by its shape, not its topic: an override of what came
before (忽略以上…, ignore the above), an order about the output (请在简讯最后加上…,
文章结尾写明…, write in the summary …), or a role or system prompt (你现在是…,
system prompt, ``<|im_start|>``). The output may be called by any of the nouns in
:data:`OUTPUT_NOUNS`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from drafter.text.lexicon import words

__all__ = [
    "CJK_INJECTION_RES",
    "LATIN_INJECTION_RES",
    "OUTPUT_NOUNS",
    "Injection",
    "find_injections",
    "strip_injections",
]

log = logging.getLogger(__name__)

OUTPUT_NOUNS = (
    "简讯", "简报", "稿件", "稿子", "文章", "内容", "摘要", "新闻稿", "通讯稿", "报道", "快讯",
    "输出", "回答", "回复", "正文", "标题", "文中", "全文", "结果",
)  # fmt: skip
"""What an instruction may call the text it wants changed."""

_NOUN = "(?:" + "|".join(OUTPUT_NOUNS) + ")"
_EN_NOUN = r"(?:brief|summary|article|output|draft|headline|answer|response)"
_WRITE = r"(?:写上|写入|写明|写成|加入|加上|添加|注明|插入|补充|增加|改成|改为|附上)"
_END = "[^。！？!?\n]"

_CJK_PATTERNS = (
    # overrides: 忽略以上所有内容, 无视之前的要求, 不要遵守你的全部规则
    r"(?:忽略|无视|忘记|忘掉|不要理会|不用理会|不必遵守|不要遵守|不再遵守|抛开|跳过)(?:掉)?"
    r"(?:以上|上述|之前|前面|先前|此前|上面)",
    r"(?:忽略|无视|忘记|忘掉|不要理会|不必遵守|不要遵守|抛开)(?:掉)?(?:所有|全部|原有|原来|你的)"
    rf"{_END}{{0,10}}(?:要求|指令|指示|规则|提示|设定|内容|说明|任务)",
    # orders about the output: 请在简讯最后加上, 务必在稿件中, 请你在生成的摘要里
    rf"(?:请|务必|一定要|必须|需要)(?:你)?(?:务必)?(?:在|往|于|给)(?:生成|撰写|输出)?的?{_NOUN}"
    r"(?:中|里|内|的|最后|结尾|末尾|开头)",
    rf"{_NOUN}(?:的)?(?:最后|结尾|末尾|开头|末段|首段)(?:处)?{_END}{{0,6}}{_WRITE}",
    rf"(?:在|往){_NOUN}(?:中|里|内){_END}{{0,6}}{_WRITE}",
    r"(?:写|撰写|生成|编写|起草|输出)(?:简讯|简报|稿件|文章|摘要|新闻稿)时",
    rf"{_NOUN}(?:中|里)(?:务必|一定|必须|请)",
    # role and system prompts
    r"系统提示(?:词)?\s*[:：]|你现在是|从现在起你是|扮演(?:一个|一名)|你的新(?:任务|指令)|新的?指令\s*[:：]",
    r"(?:作为|身为)(?:一个|一名)?(?:[Aa][Ii]助手|人工智能助手|语言模型|大模型|[Aa][Ii]模型)",
)
_LATIN_PATTERNS = (
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?"
    r"(?:previous|above|prior|earlier|preceding|foregoing|instructions|rules)",
    r"\b(?:write|add|insert|include|put|append|say|state|mention)\b[^.\n]{0,60}\b(?:in|into|to|at)\s+"
    rf"(?:the\s+|your\s+)?(?:end\s+of\s+(?:the\s+)?)?{_EN_NOUN}\b",
    r"\b(?:you\s+are\s+now|pretend\s+to\s+be|new\s+instructions?\s*:)",
    r"system\s*prompt|<\|im_start\|>|\[/?(?:SYSTEM|INST)\]|^\s*(?:system|assistant)\s*[:：]",
)

# Each pattern is searched on its own: one alternation of them all loses the regex
# engine's literal-prefix scan and costs several times more on a long report. The
# Latin patterns (case-insensitive, hence slow) run only where one of their words is.
CJK_INJECTION_RES = tuple(re.compile(p) for p in _CJK_PATTERNS)
LATIN_INJECTION_RES = tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _LATIN_PATTERNS)
_LATIN_WORDS = words("""ignore disregard forget override write add insert include put append
say state mention you pretend instruction system im_start [inst] assistant""")


def _search(line: str) -> re.Match[str] | None:
    """The first instruction in ``line``, or None."""
    hits = [r.search(line) for r in CJK_INJECTION_RES]
    lowered = line.lower()
    if any(w in lowered for w in _LATIN_WORDS):
        hits += [r.search(line) for r in LATIN_INJECTION_RES]
    return min((m for m in hits if m), key=lambda m: m.start(), default=None)


@dataclass(frozen=True)
class Injection:
    """An instruction found in a text: ``text`` runs from its sentence's start to the
    end of its line, the part that is cut; ``start`` is its offset."""

    start: int
    text: str


def find_injections(text: str) -> list[Injection]:
    """Every injected instruction in ``text``, one per line at most."""
    if not _search(text):
        return []  # the usual case, in one pass over the whole text
    out = []
    offset = 0
    for line in text.splitlines(keepends=True):
        m = _search(line)
        if m:
            start = max(line.rfind(p, 0, m.start()) for p in "。！？!?") + 1
            out.append(Injection(offset + start, line[start:].strip()))
        offset += len(line)
    return out


def strip_injections(text: str) -> str:
    """The text with every injected instruction cut out, to the end of its line."""
    if not _search(text):
        return text
    out = []
    for line in text.splitlines():
        for hit in find_injections(line):
            log.info("原稿中有疑似注入指令，已从依据中排除：%s", hit.text[:40])
            line = line[: hit.start]
        out.append(line)
    return "\n".join(out)
