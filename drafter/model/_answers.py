"""Reading a model's answer: its text, its JSON, its usage and cached tokens.

Split from :mod:`drafter.model._structured`, which makes the calls.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from drafter.model.tokens import count_messages, estimate_usage
from drafter.schemas import TokenUsage

__all__ = ["cached_tokens"]


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


def _completion_usage(completion: Any) -> TokenUsage:
    usage = getattr(completion, "usage", None)
    return TokenUsage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _completion_text(completion: Any) -> str:
    choices = getattr(completion, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    return str(getattr(message, "content", "") or "")


_FENCE = re.compile(r"^```(?:json|JSON)?\s*\n?(.*?)\n?```$", re.DOTALL)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)


def _strict_json(text: str) -> Any:
    """The JSON value of an answer: whole, fenced, or one complete object amid chatter.

    Truncated JSON is never completed (LangChain's streaming parser would).
    """
    # Reasoning models (DeepSeek-R1, QwQ) think aloud before answering.
    body = _THINK.sub("", text).strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body:
        raise ValueError("模型没有输出内容")
    try:
        return json.loads(body)
    except ValueError as exc:
        # Some models wrap the object in sentences (or a fence amid them); take the
        # first complete object.
        decoder = json.JSONDecoder()
        start = body.find("{")
        for _ in range(20):
            if start < 0:
                break
            try:
                value, _end = decoder.raw_decode(body, start)
            except ValueError:
                start = body.find("{", start + 1)
                continue
            if isinstance(value, dict):
                return value
            start = body.find("{", start + 1)
        raise exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "（顶层）"
        return f"{where} {first['msg']}"
    text = str(exc).strip().splitlines()
    return f"不是有效的 JSON（{text[0][:120] if text else type(exc).__name__}）"


def _usage(
    raw: Any, template: Any, variables: dict[str, Any], raw_text: str, shared: int
) -> TokenUsage:
    """The call's usage as the API reported it (else counted), with its cached and shared parts."""
    sent = template.format_messages(**variables)
    prefix = count_messages((m.type, str(m.content)) for m in sent[:shared]) if shared else 0
    meta = getattr(raw, "usage_metadata", None) or {}
    if meta.get("input_tokens") or meta.get("output_tokens"):
        return TokenUsage(
            prompt_tokens=int(meta.get("input_tokens", 0)),
            completion_tokens=int(meta.get("output_tokens", 0)),
            cached_tokens=cached_tokens(raw),
            shared_prefix_tokens=prefix,
        )
    # The endpoint reported nothing: count what was sent and received.
    counted = estimate_usage([(m.type, str(m.content)) for m in sent], raw_text)
    return counted.model_copy(update={"shared_prefix_tokens": prefix})


def cached_tokens(raw: Any) -> int:
    """Prompt tokens the provider served from its prefix cache, as it reported them.

    OpenAI, Qwen and vLLM send ``usage.prompt_tokens_details.cached_tokens`` (LangChain's
    ``input_token_details.cache_read``); DeepSeek sends ``usage.prompt_cache_hit_tokens``.
    """
    meta = getattr(raw, "usage_metadata", None) or {}
    details = meta.get("input_token_details") or {}
    read = details.get("cache_read")
    if read:
        return int(read)
    usage = (getattr(raw, "response_metadata", None) or {}).get("token_usage") or {}
    hit = usage.get("prompt_cache_hit_tokens")
    if hit:
        return int(hit)
    return int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
