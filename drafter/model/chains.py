"""The model's steps over a :class:`~drafter.model.config.ModelConfig`: facts, prose, repair, 目录提要, grading.

Each step fills a prompt file (:mod:`drafter.model.prompts`) and makes one structured
call per prompt (:func:`drafter.model._structured.call_structured`: ``ChatPromptTemplate
| model.with_structured_output(schema)``, the answer validated strictly by drafter).

Every function returns its result and a :class:`CallStats` (calls made, cache hits,
token usage from the API or estimated, raw outputs). Failures raise:

- :class:`~drafter.errors.OutputValidationError` — the answer was not JSON, or not
  the schema; ``raw_output`` carries the model's text, ``context["stats"]`` the stats;
- :class:`~drafter.errors.ModelError` — the endpoint failed after bounded retries
  (429, 5xx, timeouts), :class:`~drafter.errors.ConfigError` — key or URL rejected;
- :class:`~drafter.errors.MissingRecordingError` — replay mode without a recording.

The report is data: it goes between ``<<<原始材料开始>>>`` / ``<<<原始材料结束>>>``
delimiters (any such marker inside it is defused) under a system instruction not to
follow instructions found in it; the guard catches whatever still leaks through.

A report longer than the budget (``config.context_tokens``, taken from the profile's
``[model] context_tokens``) is split with :func:`drafter.model.tokens.split_by_tokens`;
facts are extracted per chunk and merged (:func:`merge_facts`); the prose prompt
then gets the merged facts and the opening of the report.

LangChain is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from drafter.brieftext import render_brief_txt
from drafter.model._structured import CallStats, acall_structured, call_structured
from drafter.model.config import ModelConfig
from drafter.model.prompts import PromptExample, PromptTemplateFile, load_prompt
from drafter.model.tokens import count_messages, count_tokens, split_by_tokens
from drafter.schemas import Brief, Facts, Finding, NumberFact, Person, Report

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from drafter.profile import Profile

__all__ = [
    "CallStats",
    "Grade",
    "Prose",
    "TocLine",
    "aextract_facts",
    "arepair_prose",
    "awrite_prose",
    "extract_facts",
    "grade_brief",
    "merge_facts",
    "repair_prose",
    "shorten_headline",
    "write_prose",
]

log = logging.getLogger(__name__)

OPEN, CLOSE = "<<<原始材料开始>>>", "<<<原始材料结束>>>"
# Room kept for the answer when budgeting a prompt against the context window.
_ANSWER_RESERVE_MIN = 1024


class Prose(BaseModel):
    """What the model writes: a headline and body paragraphs, nothing else.

    Attribution, date, section and status are set by code from the report's fields.
    """

    model_config = ConfigDict(extra="forbid", title="Prose")

    headline: str = Field(min_length=1, description="简讯标题：一行，末尾不加标点")
    paragraphs: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, description="正文段落，第一段以活动日期开头，不含署名"
    )


class TocLine(BaseModel):
    """One 目录提要 line."""

    model_config = ConfigDict(extra="forbid", title="TocLine")

    line: str = Field(min_length=1, description="目录提要中的一行，末尾不加标点")


# -- prompts: the report as data, budgets --------------------------------------------


def _defuse(text: str) -> str:
    """Report text with anything that could pass for our delimiters broken up."""
    return text.replace("<<<", "＜＜＜").replace(">>>", "＞＞＞")


def _budget(prompt: PromptTemplateFile, variables: dict[str, Any], config: ModelConfig) -> int:
    """Tokens left for the report once the rest of the prompt and the answer fit."""
    empty = {**variables, "report": ""}
    overhead = count_messages(prompt.render(**empty))
    overhead += sum(
        count_tokens(json.dumps(ex.variables, ensure_ascii=False))
        + count_tokens(json.dumps(ex.output, ensure_ascii=False))
        for ex in prompt.examples
    )
    reserve = max(_ANSWER_RESERVE_MIN, config.context_tokens // 4)
    return max(256, config.context_tokens - overhead - reserve)


def _profile(profile: Profile | None) -> Profile:
    return profile if profile is not None else _default_profile()


@functools.cache
def _default_profile() -> Profile:
    from drafter.profile import load_profile

    return load_profile()


def _org(report: Report, profile: Profile) -> str:
    if report.org_short:
        return report.org_short
    if profile.is_lead(report.kind, flagged=report.lead):
        return profile.association_short
    return report.org or "报送单位"


def _facts_json(facts: Facts) -> str:
    return facts.model_dump_json(exclude_defaults=True) if facts else "{}"


def _report_for_prose(report: Report, budget: int) -> str:
    text = report.text
    if count_tokens(text) <= budget:
        return _defuse(text)
    first = split_by_tokens(text, budget)[0]
    return _defuse(first) + "\n……（材料过长，以下从略；其余内容以事实要素为准）"


def _limits(report: Report, profile: Profile) -> dict[str, Any]:
    lim = profile.limits
    return {
        "headline_max": lim.headline_max,
        "body_max": lim.lead_body_max if report.lead else lim.body_max,
        "paragraphs_max": lim.paragraphs_max,
    }


# -- facts -------------------------------------------------------------------------


def merge_facts(parts: Sequence[Facts]) -> Facts:
    """Facts of several chunks as one: lists in order of first mention, deduplicated.

    People with the same name are one person with the union of their titles; the
    first place and event line win.
    """
    if not parts:
        return Facts()
    if len(parts) == 1:
        return parts[0]
    people: dict[str, Person] = {}
    for p in (p for f in parts for p in f.people):
        if p.name in people:
            known = people[p.name]
            titles = list(dict.fromkeys([*known.titles, *p.titles]))
            people[p.name] = known.model_copy(update={"titles": titles, "org": known.org or p.org})
        else:
            people[p.name] = p

    def unique(items: list[str]) -> list[str]:
        return list(dict.fromkeys(i for i in items if i))

    dates = {d.text: d for f in parts for d in f.event_dates}
    numbers: dict[str, NumberFact] = {}
    for n in (n for f in parts for n in f.numbers):
        numbers.setdefault(n.text, n)
    return Facts(
        event_dates=list(dates.values()),
        place=next((f.place for f in parts if f.place), None),
        people=list(people.values()),
        organizations=unique([o for f in parts for o in f.organizations]),
        numbers=list(numbers.values()),
        decisions=unique([d for f in parts for d in f.decisions]),
        initiatives=unique([i for f in parts for i in f.initiatives]),
        documents=unique([d for f in parts for d in f.documents]),
        event=next((f.event for f in parts if f.event), None),
    )


def extract_facts(
    report: Report,
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Facts, CallStats]:
    """Extract the report's :class:`~drafter.schemas.Facts` with the model.

    A report over the token budget is split into chunks; facts are extracted from
    each (one call per chunk) and merged. ``chat_model`` replaces the model built
    from ``config`` (tests pass a :class:`~drafter.testing.ScriptedChatModel`).
    """
    prompt, chunks = _facts_requests(report, config, profile)
    found: list[Facts] = []
    total = CallStats(model=config.model, prompt_id=prompt.id, prompt_version=prompt.version)
    for variables in chunks:
        facts, stats = call_structured(prompt, variables, Facts, config, chat_model=chat_model)
        found.append(facts)
        total = total + stats
    return merge_facts(found), total


async def aextract_facts(
    report: Report,
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Facts, CallStats]:
    """:func:`extract_facts` with ``ainvoke`` (chunks one after another)."""
    prompt, chunks = _facts_requests(report, config, profile)
    found: list[Facts] = []
    total = CallStats(model=config.model, prompt_id=prompt.id, prompt_version=prompt.version)
    for variables in chunks:
        facts, stats = await acall_structured(
            prompt, variables, Facts, config, chat_model=chat_model
        )
        found.append(facts)
        total = total + stats
    return merge_facts(found), total


def _facts_requests(
    report: Report, config: ModelConfig, profile: Profile | None
) -> tuple[PromptTemplateFile, list[dict[str, Any]]]:
    """The facts prompt and the variables of each call: one per chunk of the report."""
    prof = _profile(profile)
    prompt = load_prompt("extract_facts")
    base = {
        "org": _org(report, prof),
        "received": report.received.isoformat() if report.received else "未知",
        "chunk_note": "",
    }
    budget = _budget(prompt, {**base, "report": ""}, config)
    chunks = (
        split_by_tokens(report.text, budget)
        if count_tokens(report.text) > budget
        else [report.text]
    )
    if len(chunks) > 1:
        log.info("report %s: %d chunks of ≤%d tokens", report.id, len(chunks), budget)
    out = []
    for i, chunk in enumerate(chunks, 1):
        note = (
            f"（材料较长，分{len(chunks)}段处理，这是第{i}段；只抽取本段中出现的要素。）"
            if len(chunks) > 1
            else ""
        )
        out.append({**base, "chunk_note": note, "report": _defuse(chunk)})
    return prompt, out


# -- prose ---------------------------------------------------------------------------


def write_prose(
    report: Report,
    facts: Facts,
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    examples: Sequence[PromptExample | Brief] | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Prose, CallStats]:
    """Write the brief's headline and paragraphs from ``facts`` and the report.

    ``examples``: a :class:`~drafter.model.prompts.PromptExample` (user-message variables
    ``org``, ``facts``, ``report`` and the answer) replaces the prompt file's few-shot
    examples; an accepted :class:`~drafter.schemas.Brief` is shown as a style
    reference (the caller keeps them within budget). The answer is prose only:
    attribution, date and section are the caller's.
    """
    prompt, variables, shots, refs = _prose_request(report, facts, config, profile, examples)
    return call_structured(
        prompt, variables, Prose, config, examples=shots, references=refs, chat_model=chat_model
    )


async def awrite_prose(
    report: Report,
    facts: Facts,
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    examples: Sequence[PromptExample | Brief] | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Prose, CallStats]:
    """:func:`write_prose` with ``ainvoke``."""
    prompt, variables, shots, refs = _prose_request(report, facts, config, profile, examples)
    return await acall_structured(
        prompt, variables, Prose, config, examples=shots, references=refs, chat_model=chat_model
    )


def _prose_request(
    report: Report,
    facts: Facts,
    config: ModelConfig,
    profile: Profile | None,
    examples: Sequence[PromptExample | Brief] | None,
) -> tuple[PromptTemplateFile, dict[str, Any], list[PromptExample], list[str]]:
    prof = _profile(profile)
    prompt = load_prompt("write_prose")
    variables: dict[str, Any] = {
        **_limits(report, prof),
        "org": _org(report, prof),
        "facts": _facts_json(facts),
        "report": "",
    }
    shots = [e for e in examples or [] if isinstance(e, PromptExample)]
    refs = [render_brief_txt(e).strip() for e in examples or [] if isinstance(e, Brief)]
    variables["report"] = _report_for_prose(report, _budget(prompt, variables, config))
    return prompt, variables, shots, refs


def _findings_text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        where = ""
        if f.location is not None:
            where = "标题" if f.location.paragraph < 0 else f"第{f.location.paragraph + 1}段"
            where = f"（{where}）"
        excerpt = f"：“{f.excerpt}”" if f.excerpt else ""
        fix = f"，建议改为“{f.replacement}”" if f.replacement else ""
        lines.append(f"- [{f.rule}]{where}{f.message}{excerpt}{fix}")
    return "\n".join(lines) or "- （无）"


def repair_prose(
    report: Report,
    facts: Facts,
    prose: Prose,
    findings: Sequence[Finding],
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Prose, CallStats]:
    """Ask the model to fix ``prose`` given the gate ``findings``; one call.

    Only the current draft and its findings are sent, never earlier failed attempts.
    """
    prompt, variables = _repair_request(report, facts, prose, findings, config, profile)
    return call_structured(prompt, variables, Prose, config, chat_model=chat_model)


async def arepair_prose(
    report: Report,
    facts: Facts,
    prose: Prose,
    findings: Sequence[Finding],
    config: ModelConfig,
    *,
    profile: Profile | None = None,
    chat_model: BaseChatModel | None = None,
) -> tuple[Prose, CallStats]:
    """:func:`repair_prose` with ``ainvoke``."""
    prompt, variables = _repair_request(report, facts, prose, findings, config, profile)
    return await acall_structured(prompt, variables, Prose, config, chat_model=chat_model)


def _repair_request(
    report: Report,
    facts: Facts,
    prose: Prose,
    findings: Sequence[Finding],
    config: ModelConfig,
    profile: Profile | None,
) -> tuple[PromptTemplateFile, dict[str, Any]]:
    prof = _profile(profile)
    prompt = load_prompt("repair_prose")
    variables: dict[str, Any] = {
        **_limits(report, prof),
        "org": _org(report, prof),
        "facts": _facts_json(facts),
        "draft": prose.model_dump_json(),
        "findings": _findings_text(findings),
        "report": "",
    }
    variables["report"] = _report_for_prose(report, _budget(prompt, variables, config))
    return prompt, variables


def shorten_headline(
    headline: str,
    body: str,
    config: ModelConfig,
    *,
    max_chars: int = 30,
    chat_model: BaseChatModel | None = None,
) -> tuple[str, CallStats]:
    """A 目录提要 line for ``headline`` (the body is context only, first 300 characters)."""
    prompt = load_prompt("shorten_headline")
    variables = {"max_chars": max_chars, "headline": headline, "body": _defuse(body[:300])}
    toc, stats = call_structured(prompt, variables, TocLine, config, chat_model=chat_model)
    return toc.line.strip().rstrip("。；，、"), stats


# -- grading (evaluation only) -------------------------------------------------------


class Grade(BaseModel):
    """A model grader's verdict on one brief against the rubric in ``prompts/grade_brief``."""

    model_config = ConfigDict(extra="forbid", title="Grade")

    score: int = Field(ge=1, le=5, description="总分1—5分")
    passed: bool = Field(description="总分不低于4分且没有编造")
    problems: list[str] = Field(default_factory=list, description="发现的问题，每条一句话")


def grade_brief(
    report: Report,
    brief: Brief,
    config: ModelConfig,
    *,
    attempt: int = 1,
    chat_model: BaseChatModel | None = None,
) -> tuple[Grade, CallStats]:
    """Grade ``brief`` against its source ``report`` with the Chinese rubric; one call.

    ``attempt`` numbers independent gradings of the same brief: it is part of the
    prompt, so each of k runs is its own cached call and its own recording.
    """
    prompt = load_prompt("grade_brief")
    variables: dict[str, Any] = {
        "attempt": attempt,
        "brief": _defuse(render_brief_txt(brief).strip()),
        "report": "",
    }
    variables["report"] = _report_for_prose(report, _budget(prompt, variables, config))
    return call_structured(prompt, variables, Grade, config, chat_model=chat_model)
