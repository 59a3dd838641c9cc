"""LCEL chains over a :class:`~drafter.model.providers.ModelConfig`: facts, prose, repair, 目录提要.

Each chain is ``ChatPromptTemplate | model.with_structured_output(schema, method=…,
include_raw=True)``, built from a prompt file (:mod:`drafter.model.prompts`). The schema
is passed as the JSON Schema of the pydantic model, and the answer is validated
here: with a pydantic class, ChatOpenAI's ``json_schema`` path validates inside the
openai client and a bad answer's raw text is lost, which the repair loop needs.

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

import copy
import functools
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drafter.brieftext import render_brief_txt
from drafter.errors import OutputValidationError
from drafter.model.prompts import PromptExample, PromptTemplateFile, load_prompt
from drafter.model.providers import ModelConfig, build_chat_model, disable_telemetry, model_error
from drafter.model.tokens import count_messages, count_tokens, estimate_usage, split_by_tokens
from drafter.schemas import Brief, Facts, Finding, NumberFact, Person, Report, TokenUsage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from drafter.profile import Profile

__all__ = [
    "CallStats",
    "Grade",
    "Prose",
    "TocLine",
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

M = TypeVar("M", bound=BaseModel)


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


@dataclass
class CallStats:
    """What one chain function cost: model calls, cache hits, tokens, raw outputs."""

    calls: int = 0
    cache_hits: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    raw_outputs: list[str] = field(default_factory=list)
    model: str | None = None
    prompt_id: str | None = None
    prompt_version: str | None = None

    @property
    def raw_output(self) -> str:
        """The last raw answer (what a repair prompt or an error report shows)."""
        return self.raw_outputs[-1] if self.raw_outputs else ""

    def __add__(self, other: CallStats) -> CallStats:
        return CallStats(
            calls=self.calls + other.calls,
            cache_hits=self.cache_hits + other.cache_hits,
            usage=self.usage + other.usage,
            raw_outputs=[*self.raw_outputs, *other.raw_outputs],
            model=self.model or other.model,
            prompt_id=self.prompt_id or other.prompt_id,
            prompt_version=self.prompt_version or other.prompt_version,
        )


# -- the one place a model is called -----------------------------------------------


def _defuse(text: str) -> str:
    """Report text with anything that could pass for our delimiters broken up."""
    return text.replace("<<<", "＜＜＜").replace(">>>", "＞＞＞")


def _raw_text(message: Any) -> str:
    """The model's answer as text: tool-call arguments as sent, else the content."""
    calls = (getattr(message, "additional_kwargs", None) or {}).get("tool_calls") or []
    if calls:
        return str(calls[0].get("function", {}).get("arguments", ""))
    if getattr(message, "tool_calls", None):
        return json.dumps(message.tool_calls[0]["args"], ensure_ascii=False)
    if getattr(message, "invalid_tool_calls", None):
        return str(message.invalid_tool_calls[0].get("args") or "")
    content = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    return "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)


def _messages(
    prompt: PromptTemplateFile,
    examples: Sequence[PromptExample],
    schema: dict[str, Any],
    method: str,
    references: Sequence[str] = (),
) -> list[Any]:
    """Template messages for ChatPromptTemplate: system, few-shot turns, then the rest."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    roles = {"system": "system", "user": "human", "assistant": "ai"}
    head = [(roles[m.role], m.template) for m in prompt.messages if m.role == "system"]
    tail = [(roles[m.role], m.template) for m in prompt.messages if m.role != "system"]
    out: list[Any] = list(head)
    if method == "json_mode":
        # json_mode sends no schema to the model: say it in words.
        out.append(
            SystemMessage(
                content="输出一个符合下列 JSON Schema 的 JSON 对象：\n"
                + json.dumps(schema, ensure_ascii=False)
            )
        )
    if references:
        out.append(
            SystemMessage(
                content="以下是本刊已采用的同类简讯，只供参考文风和版式，不要照抄其中的任何事实：\n\n"
                + "\n\n".join(references)
            )
        )
    for ex in examples:
        for _role, text in prompt.render_user(**ex.variables):
            out.append(HumanMessage(content=text))
        out.append(AIMessage(content=json.dumps(ex.output, ensure_ascii=False)))
    out.extend(tail)
    return out


@functools.cache
def _cached_schema(schema: type[BaseModel]) -> dict[str, Any]:
    return schema.model_json_schema()


def _schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    # A copy: LangChain converts the schema in place in places.
    return copy.deepcopy(_cached_schema(schema))


def _structured(model: BaseChatModel, json_schema: dict[str, Any], method: str, label: str) -> Any:
    """``model`` bound to answer in ``json_schema``, returning the raw message.

    ``with_structured_output`` returns ``bound_model | parser``. drafter parses the raw
    text strictly itself, so it calls the bound model alone: ``include_raw=True`` would
    wrap it in a parallel map that starts two thread pools per call (about a quarter of
    a brief's CPU, and contention when briefs are drafted concurrently). A model whose
    structured output is shaped differently (a test fake) keeps the include_raw form.
    """
    headers = {"X-Drafter-Prompt": label}
    structured = model.with_structured_output(
        json_schema,
        method=method,
        include_raw=False,
        extra_headers=headers,  # type: ignore[arg-type]
    )
    first = getattr(structured, "first", None)
    if first is not None and getattr(first, "bound", None) is model:
        return first
    return model.with_structured_output(
        json_schema,
        method=method,
        include_raw=True,
        extra_headers=headers,  # type: ignore[arg-type]
    )


# Built chains, reused across calls: building ``prompt | model`` anew for every call
# cost a brief several ms of CPU (the template's serialization for callbacks, the
# schema conversion of with_structured_output), which briefs drafted in threads pay
# under one interpreter lock. A value keeps its model, prompt and schema alive, so
# the id()s in its key are never reused while it is cached.
_CHAINS_MAX = 64
_CHAINS: OrderedDict[tuple[Any, ...], tuple[Any, PromptTemplateFile, Any, Any]] = OrderedDict()
_CHAINS_LOCK = threading.Lock()


def _chain(
    prompt: PromptTemplateFile,
    shots: Sequence[PromptExample],
    schema: type[BaseModel],
    method: str,
    references: Sequence[str],
    model: BaseChatModel,
) -> tuple[Any, Any]:
    """``(template, template | structured model)`` for these inputs, built once."""
    # The prompt file's own examples are the usual case: no need to serialize them.
    shots_key = None if shots is prompt.examples else tuple(e.model_dump_json() for e in shots)
    key = (id(model), id(prompt), schema, method, shots_key, tuple(references))
    with _CHAINS_LOCK:
        hit = _CHAINS.get(key)
        if hit is not None and hit[0] is model and hit[1] is prompt:
            _CHAINS.move_to_end(key)
            return hit[2], hit[3]
    from langchain_core.prompts import ChatPromptTemplate

    json_schema = _schema_of(schema)
    template = ChatPromptTemplate.from_messages(
        _messages(prompt, shots, json_schema, method, references), template_format="f-string"
    )
    chain = template | _structured(model, json_schema, method, prompt.label)
    with _CHAINS_LOCK:
        _CHAINS[key] = (model, prompt, template, chain)
        while len(_CHAINS) > _CHAINS_MAX:
            _CHAINS.popitem(last=False)
    return template, chain


def _call(
    prompt: PromptTemplateFile,
    variables: dict[str, Any],
    schema: type[M],
    config: ModelConfig,
    *,
    examples: Sequence[PromptExample] | None = None,
    references: Sequence[str] = (),
    chat_model: BaseChatModel | None = None,
) -> tuple[M, CallStats]:
    """Run ``prompt | model.with_structured_output(schema)`` once and validate the answer."""
    from drafter.model.cache import forget_entries, track_hits

    disable_telemetry()
    prompt.check_variables(variables)
    shots = list(examples) if examples else prompt.examples
    model = chat_model if chat_model is not None else build_chat_model(config)
    template, chain = _chain(prompt, shots, schema, config.method, references, model)
    stats = CallStats(model=config.model, prompt_id=prompt.id, prompt_version=prompt.version)
    with track_hits() as hits:
        try:
            out: dict[str, Any] = chain.invoke({k: str(v) for k, v in variables.items()})  # type: ignore[assignment]
        except Exception as exc:
            err = model_error(exc, config)
            if err is None:
                raise
            raise err from exc
    raw = out["raw"] if isinstance(out, dict) else out
    raw_text = _raw_text(raw)
    stats.raw_outputs.append(raw_text)
    stats.cache_hits = hits.hits
    stats.calls = 0 if hits.hits else 1
    if not hits.hits:
        stats.usage = _usage(raw, template, variables, raw_text)
    try:
        # Parse the raw text strictly: LangChain's JSON parser accepts truncated
        # JSON (it is built for streaming), which would pass a cut-off answer.
        result = schema.model_validate(_strict_json(raw_text))
    except (ValidationError, ValueError) as exc:
        forget_entries(hits)  # never serve a bad answer from the cache again
        raise OutputValidationError(
            f"模型输出不符合 {schema.__name__} 格式：{_describe(exc)}",
            raw_output=raw_text,
            attempts=1,
            usage={
                "prompt_tokens": stats.usage.prompt_tokens,
                "completion_tokens": stats.usage.completion_tokens,
                "estimated": int(stats.usage.estimated),
                "calls": stats.calls,
            },
            hint="可重试或交给修复步骤；若反复出现，换用 --structured-output function_calling 或 json_mode",
            prompt=prompt.label,
            stats=stats,
        ) from exc
    log.debug("%s: calls=%d hits=%d", prompt.label, stats.calls, stats.cache_hits)
    return result, stats


_FENCE = re.compile(r"^```(?:json|JSON)?\s*\n?(.*?)\n?```$", re.DOTALL)


def _strict_json(text: str) -> Any:
    """The JSON value of an answer: whole, fenced, or one complete object amid chatter.

    Truncated JSON is never completed (LangChain's streaming parser would).
    """
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body:
        raise ValueError("模型没有输出内容")
    try:
        return json.loads(body)
    except ValueError:
        start = body.find("{")
        if start <= 0:
            raise
        # Some local models wrap the object in a sentence; take it if it is complete.
        value, _end = json.JSONDecoder().raw_decode(body[start:])
        return value


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "（顶层）"
        return f"{where} {first['msg']}"
    text = str(exc).strip().splitlines()
    return f"不是有效的 JSON（{text[0][:120] if text else type(exc).__name__}）"


def _usage(raw: Any, template: Any, variables: dict[str, Any], raw_text: str) -> TokenUsage:
    meta = getattr(raw, "usage_metadata", None) or {}
    if meta.get("input_tokens") or meta.get("output_tokens"):
        return TokenUsage(
            prompt_tokens=int(meta.get("input_tokens", 0)),
            completion_tokens=int(meta.get("output_tokens", 0)),
        )
    # The endpoint reported nothing: count what was sent and received.
    sent = template.format_messages(**{k: str(v) for k, v in variables.items()})
    return estimate_usage([(m.type, str(m.content)) for m in sent], raw_text)


# -- budgets and helpers -------------------------------------------------------------


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
    found: list[Facts] = []
    total = CallStats(model=config.model, prompt_id=prompt.id, prompt_version=prompt.version)
    for i, chunk in enumerate(chunks, 1):
        note = (
            f"（材料较长，分{len(chunks)}段处理，这是第{i}段；只抽取本段中出现的要素。）"
            if len(chunks) > 1
            else ""
        )
        variables = {**base, "chunk_note": note, "report": _defuse(chunk)}
        facts, stats = _call(prompt, variables, Facts, config, chat_model=chat_model)
        found.append(facts)
        total = total + stats
    return merge_facts(found), total


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
    return _call(
        prompt, variables, Prose, config, examples=shots, references=refs, chat_model=chat_model
    )


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
    return _call(prompt, variables, Prose, config, chat_model=chat_model)


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
    toc, stats = _call(prompt, variables, TocLine, config, chat_model=chat_model)
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
    return _call(prompt, variables, Grade, config, chat_model=chat_model)
