"""Structured calls: the one place a model is called, and what each call cost.

:func:`call_structured` runs ``ChatPromptTemplate | model.with_structured_output(…)``
once for a prompt file (:mod:`drafter.model.prompts`) and validates the raw answer
strictly against a pydantic schema. The schema is passed as the JSON Schema of the
pydantic model and the answer validated here: with a pydantic class, ChatOpenAI's
``json_schema`` path validates inside the openai client and a bad answer's raw text
is lost, which the repair loop needs. Built chains are reused across calls.

The answer is parsed leniently where that is safe: ``<think>`` blocks, code fences and
commentary around one complete JSON object are dropped; truncated JSON is never
completed. An answer cut off by the length limit is asked again once with twice the
``max_tokens``. Only answers that pass the schema stay in the response cache; the
caller drops one it finds unusable with :meth:`CallStats.forget`.

A malformed or schema-violating answer raises
:class:`~drafter.errors.OutputValidationError` with the raw text; an endpoint failure
is translated by :func:`drafter.model.providers.model_error`.

LangChain is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from drafter.errors import OutputValidationError
from drafter.model._answers import (
    _completion_text,
    _completion_usage,
    _describe,
    _raw_text,
    _strict_json,
    _usage,
)
from drafter.model.config import ModelConfig
from drafter.model.prompts import PromptExample, PromptTemplateFile
from drafter.model.providers import (
    build_async_chat_model,
    build_chat_model,
    disable_telemetry,
    model_error,
)
from drafter.schemas import TokenUsage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["CallStats", "acall_structured", "call_structured"]

# Logged under the chains' name, where these calls were made before the split.
log = logging.getLogger("drafter.model.chains")

M = TypeVar("M", bound=BaseModel)


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
    # (cache, key) of the response-cache entries these answers came from or went to.
    entries: list[tuple[Any, str]] = field(default_factory=list, repr=False)

    def forget(self) -> None:
        """Drop these answers from the response cache: the caller found them unusable."""
        from drafter.model.cache import forget_entries

        forget_entries(self.entries)
        self.entries.clear()

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
            entries=[*self.entries, *other.entries],
        )


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
_CHAINS: OrderedDict[tuple[Any, ...], tuple[Any, PromptTemplateFile, Any, Any, int]] = OrderedDict()
_CHAINS_LOCK = threading.Lock()


def _chain(
    prompt: PromptTemplateFile,
    shots: Sequence[PromptExample],
    schema: type[BaseModel],
    method: str,
    references: Sequence[str],
    model: BaseChatModel,
) -> tuple[Any, Any, int]:
    """``(template, template | structured model, shared messages)``, built once.

    The shared messages (system text, schema, references, few-shot turns) come first
    and depend on no report, so a provider's prefix cache can serve them.
    """
    # The prompt file's own examples are the usual case: no need to serialize them.
    shots_key = None if shots is prompt.examples else tuple(e.model_dump_json() for e in shots)
    key = (id(model), id(prompt), schema, method, shots_key, tuple(references))
    with _CHAINS_LOCK:
        hit = _CHAINS.get(key)
        if hit is not None and hit[0] is model and hit[1] is prompt:
            _CHAINS.move_to_end(key)
            return hit[2], hit[3], hit[4]
    from langchain_core.prompts import ChatPromptTemplate

    json_schema = _schema_of(schema)
    messages = _messages(prompt, shots, json_schema, method, references)
    shared = len(messages) - sum(1 for m in prompt.messages if m.role != "system")
    template = ChatPromptTemplate.from_messages(messages, template_format="f-string")
    chain = template | _structured(model, json_schema, method, prompt.label)
    with _CHAINS_LOCK:
        _CHAINS[key] = (model, prompt, template, chain, shared)
        while len(_CHAINS) > _CHAINS_MAX:
            _CHAINS.popitem(last=False)
    return template, chain, shared


def call_structured(
    prompt: PromptTemplateFile,
    variables: dict[str, Any],
    schema: type[M],
    config: ModelConfig,
    *,
    examples: Sequence[PromptExample] | None = None,
    references: Sequence[str] = (),
    chat_model: BaseChatModel | None = None,
) -> tuple[M, CallStats]:
    """Run ``prompt | model.with_structured_output(schema)`` once and validate the answer.

    An answer cut off by the length limit is asked again once with twice the
    ``max_tokens``; only an answer that passes ``schema`` stays in the response cache.
    """
    call = _Call.of(prompt, variables, config, examples, references)
    model = chat_model if chat_model is not None else build_chat_model(config)
    answer = _ask(call, schema, config, model)
    if answer.cut_off and chat_model is None:
        bigger = call.bigger(config)
        answer = _ask(call, schema, bigger, build_chat_model(bigger))
    return call.result(answer, schema)


async def acall_structured(
    prompt: PromptTemplateFile,
    variables: dict[str, Any],
    schema: type[M],
    config: ModelConfig,
    *,
    examples: Sequence[PromptExample] | None = None,
    references: Sequence[str] = (),
    chat_model: BaseChatModel | None = None,
) -> tuple[M, CallStats]:
    """:func:`call_structured` with ``ainvoke``, on this event loop's async client."""
    call = _Call.of(prompt, variables, config, examples, references)
    model = chat_model if chat_model is not None else build_async_chat_model(config)
    answer = await _aask(call, schema, config, model)
    if answer.cut_off and chat_model is None:
        bigger = call.bigger(config)
        answer = await _aask(call, schema, bigger, build_async_chat_model(bigger))
    return call.result(answer, schema)


@dataclass
class _Answer:
    text: str
    cut_off: bool
    max_tokens: int


@dataclass
class _Call:
    """One structured call's inputs and running cost, shared by the sync and async paths."""

    prompt: PromptTemplateFile
    shots: Sequence[PromptExample]
    references: Sequence[str]
    inputs: dict[str, str]
    stats: CallStats

    @classmethod
    def of(
        cls,
        prompt: PromptTemplateFile,
        variables: dict[str, Any],
        config: ModelConfig,
        examples: Sequence[PromptExample] | None,
        references: Sequence[str],
    ) -> _Call:
        disable_telemetry()
        prompt.check_variables(variables)
        stats = CallStats(model=config.model, prompt_id=prompt.id, prompt_version=prompt.version)
        shots = list(examples) if examples else prompt.examples
        inputs = {k: str(v) for k, v in variables.items()}
        return cls(prompt, shots, references, inputs, stats)

    def bigger(self, config: ModelConfig) -> ModelConfig:
        """The config to ask again with after a cut-off answer (which is forgotten)."""
        self.stats.forget()  # the cut-off answer, or the retry would be served it
        log.info(
            "%s: answer cut off at max_tokens=%d, asking once more",
            self.prompt.label,
            config.max_tokens,
        )
        return config.model_copy(update={"max_tokens": min(2 * config.max_tokens, 65536)})

    def record(
        self, out: Any, hits: Any, template: Any, shared: int, config: ModelConfig
    ) -> _Answer:
        """Add one answer (or cache hit) to the stats; flag a cut-off answer."""
        stats = self.stats
        stats.entries.extend(hits.entries)
        raw = out["raw"] if isinstance(out, dict) else out
        raw_text = _raw_text(raw)
        stats.raw_outputs.append(raw_text)
        stats.cache_hits += hits.hits
        if not hits.hits:
            stats.calls += 1
            stats.usage = stats.usage + _usage(raw, template, self.inputs, raw_text, shared)
        finish = (getattr(raw, "response_metadata", None) or {}).get("finish_reason")
        return _Answer(raw_text, finish == "length", config.max_tokens)

    def cut_off(self, exc: Any, config: ModelConfig) -> _Answer:
        # json_schema / json_mode: the openai client refuses to parse a cut-off answer.
        self.stats.calls += 1
        self.stats.usage = self.stats.usage + _completion_usage(exc.completion)
        return _Answer(_completion_text(exc.completion), True, config.max_tokens)

    def result(self, answer: _Answer, schema: type[M]) -> tuple[M, CallStats]:
        """The validated answer, or :class:`OutputValidationError` with the raw text."""
        prompt, stats = self.prompt, self.stats
        usage = {
            "prompt_tokens": stats.usage.prompt_tokens,
            "completion_tokens": stats.usage.completion_tokens,
            "estimated": int(stats.usage.estimated),
            "calls": stats.calls,
        }
        if answer.cut_off:
            stats.forget()
            raise OutputValidationError(
                f"模型输出被长度上限截断（{stats.calls} 次请求，上限 {answer.max_tokens} 个 token）",
                raw_output=answer.text,
                attempts=1,
                usage=usage,
                hint="材料可能过长：可删去与活动无关的部分后重试，或换用输出上限更大的模型",
                prompt=prompt.label,
                stats=stats,
            )
        try:
            # Parse the raw text strictly: LangChain's JSON parser accepts truncated
            # JSON (it is built for streaming), which would pass a cut-off answer.
            result = schema.model_validate(_strict_json(answer.text))
        except (ValidationError, ValueError) as exc:
            stats.forget()  # never serve a bad answer from the cache again
            raise OutputValidationError(
                f"模型输出不符合 {schema.__name__} 格式：{_describe(exc)}",
                raw_output=answer.text,
                attempts=1,
                usage=usage,
                hint="可重试或交给修复步骤；若反复出现，换用 --method function_calling 或 --method json_mode",
                prompt=prompt.label,
                stats=stats,
            ) from exc
        log.debug("%s: calls=%d hits=%d", prompt.label, stats.calls, stats.cache_hits)
        return result, stats


def _ask(
    call: _Call, schema: type[BaseModel], config: ModelConfig, model: BaseChatModel
) -> _Answer:
    """One model call, its cost added to the call's stats."""
    import openai

    from drafter.model.cache import track_hits

    template, chain, shared = _chain(
        call.prompt, call.shots, schema, config.method, call.references, model
    )
    with track_hits() as hits:
        try:
            out: Any = chain.invoke(call.inputs)
        except openai.LengthFinishReasonError as exc:
            return call.cut_off(exc, config)
        except Exception as exc:
            err = model_error(exc, config)
            if err is None:
                raise
            raise err from exc
    return call.record(out, hits, template, shared, config)


async def _aask(
    call: _Call, schema: type[BaseModel], config: ModelConfig, model: BaseChatModel
) -> _Answer:
    """:func:`_ask` with ``ainvoke``."""
    import openai

    from drafter.model.cache import track_hits

    template, chain, shared = _chain(
        call.prompt, call.shots, schema, config.method, call.references, model
    )
    with track_hits() as hits:
        try:
            out: Any = await chain.ainvoke(call.inputs)
        except openai.LengthFinishReasonError as exc:
            return call.cut_off(exc, config)
        except Exception as exc:
            err = model_error(exc, config)
            if err is None:
                raise
            raise err from exc
    return call.record(out, hits, template, shared, config)
