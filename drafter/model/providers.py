"""Building the chat model for a :class:`~drafter.model.config.ModelConfig`, and its errors.

:func:`build_chat_model` makes one ``ChatOpenAI`` per configuration (reused, so its
connection pool stays warm), with the response cache and recordings in front of it
(:mod:`drafter.model.cache`); :func:`model_error` turns an openai failure into a
Chinese :class:`~drafter.errors.DrafterError`. Configuration itself — the endpoint
table, the resolution order — is :mod:`drafter.model.config`.

Retries: the openai client retries 408/409/429/5xx, timeouts and dropped
connections ``max_retries`` times with exponential backoff (0.5 s doubling to 8 s,
jittered) and honours ``Retry-After``; drafter does not add a second retry layer.
Every answer passes :mod:`drafter.model.transport` (size bound, not-a-completion
answers, the per-brief deadline), whose faults :func:`model_error` words in Chinese.
LangSmith tracing is forced off (no telemetry).

LangChain and openai are imported inside functions only: importing
``langchain_openai`` costs about two seconds that ``drafter lint`` must not pay.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from drafter.errors import ConfigError, DrafterError, ModelError
from drafter.model.config import METHODS, OFFLINE, Method, ModelConfig, RecordMode
from drafter.model.transport import (
    FAULT_HEADER,
    MAX_RESPONSE_BYTES,
    bounded_async_http_client,
    bounded_http_client,
)

if TYPE_CHECKING:
    from langchain_core.caches import BaseCache
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "METHODS",
    "OFFLINE",
    "Method",
    "ModelConfig",
    "RecordMode",
    "build_async_chat_model",
    "build_chat_model",
    "clear_built_models",
    "disable_telemetry",
    "model_error",
    "semantic_params",
]

log = logging.getLogger(__name__)

# A local server (Ollama, llama.cpp, vLLM) needs no key, but the openai client
# insists on one; this placeholder is sent instead.
_NO_KEY = "not-needed"
# Replay never reaches the network; an unroutable address makes sure of it.
_REPLAY_URL = "http://127.0.0.1:9/v1"


def disable_telemetry() -> None:
    """Force LangSmith tracing off, whatever the environment says."""
    for var in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"):
        os.environ[var] = "false"


# Constructor arguments that say where and how to connect, not what to ask: left
# out of recording keys so a recording made against one endpoint replays anywhere.
_TRANSPORT_KWARGS = frozenset(
    {
        "openai_api_base",
        "base_url",
        "openai_api_key",
        "api_key",
        "request_timeout",
        "timeout",
        "max_retries",
        # An output bound, not part of the question: a retry with a larger bound after
        # a cut-off answer asks the same thing (only valid answers are ever stored).
        "max_tokens",
        "max_completion_tokens",
        "http_client",
        "http_async_client",
        "openai_organization",
        "openai_proxy",
        "default_headers",
        "default_query",
    }
)


def semantic_params(llm_string: str) -> str:
    """LangChain's ``llm_string`` without transport settings (URL, key, timeout, retries)."""
    return _semantic_params(llm_string)


# Every call looks up and then stores its answer, and a chain's llm_string (the model's
# parameters and the bound schema) is the same for every brief: parse it once.
@functools.lru_cache(maxsize=256)
def _semantic_params(llm_string: str) -> str:
    import json

    head, sep, tail = llm_string.partition("---")
    try:
        data = json.loads(head)
    except ValueError:
        return llm_string
    kwargs = data.get("kwargs") if isinstance(data, dict) else None
    if isinstance(kwargs, dict):
        data["kwargs"] = {k: v for k, v in kwargs.items() if k not in _TRANSPORT_KWARGS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False) + sep + tail


def _readable_messages(prompt: str) -> list[dict[str, Any]]:
    """LangChain's serialized prompt as ``{"role", "content"}`` pairs, for people reading."""
    import json

    try:
        items = json.loads(prompt)
    except ValueError:
        return [{"role": "unknown", "content": prompt}]
    out: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        kwargs = item.get("kwargs", {}) if isinstance(item, dict) else {}
        out.append({"role": kwargs.get("type", "unknown"), "content": kwargs.get("content", "")})
    return out


def _make_cache(config: ModelConfig) -> BaseCache | None:
    """The LangChain cache in front of the model: recordings first, then SQLite."""
    from langchain_core.caches import BaseCache
    from langchain_core.messages import message_to_dict, messages_from_dict
    from langchain_core.outputs import ChatGeneration, Generation

    from drafter.model.cache import RecordingStore, ResponseCache, digest, note_entry, note_lookup

    rec_store: RecordingStore | None = None
    if config.recording_mode != "off":
        if config.recordings is None:
            raise ConfigError(
                "录制/回放需要指定录制目录", hint="设置 recordings（如 evals/recordings）"
            )
        secrets = [config.api_key.get_secret_value()] if config.api_key else []
        rec_store = RecordingStore(config.recordings, mode=config.recording_mode, secrets=secrets)
    # Replay answers from recordings alone: a cache hit must not hide a missing recording.
    store: ResponseCache | None = None
    if config.cache and config.recording_mode != "replay":
        store = ResponseCache(config.resolved_cache_path())
    if rec_store is None and store is None:
        return None
    namespace = f"{config.model}|{config.base_url}"
    model_name = config.model or ""

    def dump(gens: Any) -> dict[str, Any]:
        out = []
        for g in gens:
            if isinstance(g, ChatGeneration):
                out.append({"message": message_to_dict(g.message), "info": g.generation_info})
            else:
                out.append({"text": g.text, "info": g.generation_info})
        return {"generations": out}

    def load(data: dict[str, Any]) -> list[Generation]:
        gens: list[Generation] = []
        for g in data.get("generations", []):
            if "message" in g:
                (msg,) = messages_from_dict([g["message"]])
                gens.append(ChatGeneration(message=msg, generation_info=g.get("info")))
            else:
                gens.append(Generation(text=g.get("text", ""), generation_info=g.get("info")))
        return gens

    class DrafterCache(BaseCache):
        """Recordings (when on), then the SQLite response cache."""

        def _keys(self, prompt: str, llm_string: str) -> tuple[str, str, str]:
            params = semantic_params(llm_string)
            return (
                digest("response/v1", namespace, prompt, params),
                RecordingStore.key_for(model_name, prompt, params),
                params,
            )

        def lookup(self, prompt: str, llm_string: str) -> list[Generation] | None:
            import json

            cache_key, rec_key, params = self._keys(prompt, llm_string)
            if rec_store is not None:
                rec = rec_store.lookup(rec_key, describe=f"（模型 {model_name}）")
                if rec is not None:
                    note_lookup(True)
                    return load(rec["response"])
            if store is not None:
                raw = store.get(cache_key)
                if raw is not None:
                    note_entry(store, cache_key)
                    data = json.loads(raw)
                    if rec_store is not None and rec_store.mode == "record":
                        rec_store.save(rec_key, self._request(prompt, params), data)
                    note_lookup(True)
                    return load(data)
            note_lookup(False)
            return None

        def _request(self, prompt: str, params: str) -> dict[str, Any]:
            return {
                "model": model_name,
                "messages": _readable_messages(prompt),
                "params": params,
            }

        def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
            import json

            cache_key, rec_key, params = self._keys(prompt, llm_string)
            data = dump(return_val)
            if store is not None:
                store.put(cache_key, json.dumps(data, ensure_ascii=False))
                note_entry(store, cache_key)
            if rec_store is not None and rec_store.mode == "record":
                rec_store.save(rec_key, self._request(prompt, params), data)

        def clear(self, **kwargs: Any) -> None:
            if store is not None:
                store.clear()

    return DrafterCache()


_BUILT: dict[ModelConfig, BaseChatModel] = {}
_BUILT_LOCK = threading.Lock()


def build_chat_model(config: ModelConfig) -> BaseChatModel:
    """A ``ChatOpenAI`` for ``config``, with its cache; reused for an equal config.

    Raises :class:`ConfigError` for an offline config, or a remote endpoint without
    a key. Reusing the client keeps its connection pool warm across briefs.
    """
    if config.is_offline:
        raise ConfigError(
            "当前为离线模式，没有可调用的模型",
            hint="用 --model 或环境变量 DRAFTER_MODEL 指定模型，或使用离线引擎",
        )
    with _BUILT_LOCK:
        built = _BUILT.get(config)
        if built is None:
            built = _build(config)
            _BUILT[config] = built
        return built


# Models for the async path, per event loop: an async connection pool belongs to the
# loop that opened it, and a loop that has closed takes its models with it.
_BUILT_ASYNC: weakref.WeakKeyDictionary[Any, dict[ModelConfig, BaseChatModel]] = (
    weakref.WeakKeyDictionary()
)


def build_async_chat_model(config: ModelConfig) -> BaseChatModel:
    """:func:`build_chat_model` for ``ainvoke``: a bounded async client of this event loop."""
    import asyncio

    if config.is_offline:
        return build_chat_model(config)  # raises the same ConfigError
    loop = asyncio.get_running_loop()
    with _BUILT_LOCK:
        built = _BUILT_ASYNC.setdefault(loop, {})
        model = built.get(config)
        if model is None:
            model = built[config] = _build(config, use_async=True)
        return model


def _build(config: ModelConfig, *, use_async: bool = False) -> BaseChatModel:
    disable_telemetry()
    base_url = config.base_url
    key = config.api_key.get_secret_value() if config.api_key else None
    if config.recording_mode == "replay":
        base_url, key = base_url or _REPLAY_URL, key or _NO_KEY
    elif key is None:
        if base_url is None:
            raise ConfigError(
                f"模型“{config.model}”没有配置 API 密钥",
                hint="设置环境变量 DRAFTER_API_KEY（或 OPENAI_API_KEY）；本地服务请用 --base-url 指定地址",
            )
        key = _NO_KEY
    from langchain_openai import ChatOpenAI

    log.debug("building chat model %s", config.describe())
    kwargs: dict[str, Any] = {
        "model": config.model,
        "api_key": SecretStr(key),
        "timeout": config.timeout,
        "max_retries": config.max_retries,
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        "cache": _make_cache(config) or False,
    }
    # Plain HTTP (a local server, the test stub) never uses TLS; building the
    # default TLS context costs ~0.2 s per client, so skip it.
    plain = bool(base_url and base_url.startswith("http://"))
    # Every answer is size-bounded and checked, under the brief's deadline.
    kwargs["http_client"] = bounded_http_client(verify=not plain)
    if use_async:
        kwargs["http_async_client"] = bounded_async_http_client(verify=not plain)
    if base_url:
        kwargs["base_url"] = base_url
        if plain and not use_async:
            import openai

            kwargs["http_async_client"] = openai.DefaultAsyncHttpxClient(verify=False)
    return ChatOpenAI(**kwargs)


def clear_built_models() -> None:
    """Forget reused clients (tests that change cache files between runs call this)."""
    with _BUILT_LOCK:
        _BUILT.clear()
        _BUILT_ASYNC.clear()


def model_error(exc: BaseException, config: ModelConfig) -> DrafterError | None:
    """Translate an openai failure into a Chinese :class:`DrafterError`; ``None`` if not one.

    Anything else (a bug, a test's scripted exception) is not ours to translate.
    """
    if isinstance(exc, DrafterError):
        return exc
    import openai

    if not isinstance(exc, openai.OpenAIError):
        return None
    where = config.base_url or "https://api.openai.com/v1"
    ctx: dict[str, Any] = {"model": config.model, "base_url": where}
    fault = _fault_of(exc)
    if fault is not None:
        return _fault_error(fault, config, where, ctx)
    if isinstance(exc, openai.APITimeoutError):
        return ModelError(
            f"模型接口超时（{config.timeout:g} 秒，已重试 {config.max_retries} 次）：{where}",
            hint="稍后重试，或调大 [model] timeout",
            **ctx,
        )
    if isinstance(exc, openai.APIConnectionError):
        return ModelError(f"无法连接模型接口：{where}", hint="请检查网络和 --base-url 地址", **ctx)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ConfigError(
            f"模型接口拒绝了 API 密钥（HTTP {exc.status_code}）",
            hint="请检查 DRAFTER_API_KEY 是否正确、是否有该模型的权限",
            **ctx,
        )
    if isinstance(exc, openai.NotFoundError):
        return ConfigError(
            f"模型接口找不到模型“{config.model}”或地址有误（HTTP 404）",
            hint="请检查 --model 名称和 --base-url（通常以 /v1 结尾）",
            **ctx,
        )
    if isinstance(exc, openai.RateLimitError):
        return ModelError(
            f"模型接口限流（HTTP 429），重试 {config.max_retries} 次后仍失败",
            hint="稍后重试，或降低 --jobs 并发数",
            **ctx,
        )
    if isinstance(exc, openai.BadRequestError):
        from drafter.model.cache import redact

        secrets = [config.api_key.get_secret_value()] if config.api_key else []
        return ModelError(
            f"模型接口拒绝了请求（HTTP 400）：{redact(_api_message(exc), secrets)}",
            hint="若提示不支持 response_format 或 json_schema，请改用 "
            "--method function_calling 或 --method json_mode",
            **ctx,
        )
    if isinstance(exc, openai.APIStatusError):
        return ModelError(
            f"模型接口出错（HTTP {exc.status_code}），重试 {config.max_retries} 次后仍失败",
            hint="模型服务暂时不可用，请稍后重试",
            **ctx,
        )
    return ModelError(
        f"调用模型失败：{type(exc).__name__}", hint="请稍后重试，或加 --debug 查看详情", **ctx
    )


def _fault_of(exc: BaseException) -> str | None:
    """The fault the bounded transport marked on this error's response, if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    return headers.get(FAULT_HEADER) if headers is not None else None


def _fault_error(fault: str, config: ModelConfig, where: str, ctx: dict[str, Any]) -> ModelError:
    from drafter.model.transport import current_deadline

    if fault == "deadline":
        limit = current_deadline()
        done = f"（已发出 {limit.requests} 次请求，用时 {limit.spent:.1f} 秒）" if limit else ""
        seconds = limit.seconds if limit else config.deadline or config.timeout
        return ModelError(
            f"模型在 {seconds:g} 秒时限内没有完成这篇稿件{done}：{where}",
            hint="检查模型服务是否正常，或用 --timeout 放宽时限（环境变量 DRAFTER_TIMEOUT）",
            **ctx,
        )
    if fault == "oversize":
        return ModelError(
            f"模型应答超过 {MAX_RESPONSE_BYTES // (1024 * 1024)} MB 上限，已放弃：{where}",
            hint="模型或接口输出异常，请检查 --base-url 指向的服务，或换用其他模型",
            **ctx,
        )
    what = {
        "html": "一个 HTML 网页",
        "not_json": "不是 JSON 的内容",
        "no_choices": "没有任何结果的应答（choices 为空）",
    }.get(fault, "无法识别的应答")
    return ModelError(
        f"模型接口返回了{what}，而不是模型的回答（重试 {config.max_retries} 次后仍然如此）：{where}",
        hint="请检查 --base-url 是否为 OpenAI 兼容接口地址（通常以 /v1 结尾），以及中间的代理或网关",
        **ctx,
    )


def _api_message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:200]
    return str(getattr(exc, "message", "") or exc)[:200]
