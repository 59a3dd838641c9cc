"""Which model drafter talks to: :class:`ModelConfig` and how a command resolves one.

Any OpenAI-compatible endpoint works; the structured-output method is the one
setting that differs between them (``--method`` / profile ``[model] structured_output``):

================================  ================================================
endpoint                          advice
================================  ================================================
OpenAI (gpt-4o, gpt-4.1, o*)      ``json_schema`` (the default)
DeepSeek (api.deepseek.com)       ``function_calling`` or ``json_mode``:
                                  it rejects ``response_format`` json_schema
Qwen, DashScope compatible mode   ``function_calling`` or ``json_mode``
vLLM                              ``json_schema`` (guided decoding)
Ollama (``/v1``)                  ``json_schema`` (Ollama ≥ 0.5) or ``json_mode``
llama.cpp server                  ``json_mode``: it rejects strict json_schema
================================  ================================================

``function_calling`` forces the tool with ``tool_choice`` and sends
``parallel_tool_calls: false``; an endpoint that rejects either works with
``json_mode``, where the schema is stated in the prompt instead. ``json_schema`` is
sent with ``strict: false``: strict mode would require every field, and the answer
is validated by drafter anyway.

Resolution order of every setting (:meth:`ModelConfig.resolve`): flags > environment
(``DRAFTER_MODEL``, ``DRAFTER_BASE_URL``, ``DRAFTER_API_KEY``,
``DRAFTER_STRUCTURED_OUTPUT``, ``DRAFTER_TIMEOUT`` — the deadline per brief; then ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``) > the
profile's ``[model]`` table. No model, or the model ``offline``, means the offline
engine.

The API key is a ``SecretStr``: it is never logged, never part of an error message,
a cache key or a recording. This module imports neither LangChain nor openai, so a
command can resolve its configuration before deciding whether a model is needed;
building the chat model is :mod:`drafter.model.providers`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from drafter.errors import ConfigError

if TYPE_CHECKING:
    from drafter.profile import Profile

__all__ = ["METHODS", "OFFLINE", "Method", "ModelConfig", "RecordMode", "env_setting"]

Method = Literal["json_schema", "function_calling", "json_mode"]
RecordMode = Literal["off", "record", "replay"]
METHODS: tuple[Method, ...] = ("json_schema", "function_calling", "json_mode")
OFFLINE = "offline"


def env_setting(*names: str) -> str | None:
    """The first of the environment variables ``names`` that is set and not blank."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"模型接口地址无效：{url}",
            hint="应为 http(s)://主机[:端口]/v1 形式，例如 https://api.deepseek.com/v1",
            base_url=url,
        )
    return url.rstrip("/")


def _key_from(variable: str) -> str:
    """The API key held by the environment variable a command named (``--api-key-env``)."""
    key = os.environ.get(variable)
    if not key:
        raise ConfigError(
            f"环境变量 {variable} 未设置或为空",
            hint=f"请先 export {variable}=…，或去掉 --api-key-env 使用 DRAFTER_API_KEY",
        )
    return key


class ModelConfig(BaseModel):
    """Everything needed to call one model. Frozen, so it can key caches of clients.

    ``api_key`` is a :class:`~pydantic.SecretStr`: its ``repr`` and ``str`` show
    asterisks, and :meth:`describe` leaves it out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, repr=False)
    method: Method = "json_schema"
    timeout: float = Field(default=60.0, gt=0, description="seconds per request")
    deadline: float | None = Field(
        default=None, gt=0, description="seconds for a whole brief, retries included"
    )
    max_tokens: int = Field(
        default=4096, ge=16, le=65536, description="answer bound; doubled once if cut off"
    )
    max_retries: int = Field(default=3, ge=0, le=10)
    temperature: float = Field(default=0.2, ge=0, le=2)
    context_tokens: int = Field(default=8000, ge=256)
    facts_min_tokens: int = Field(
        default=1200,
        ge=0,
        description="a shorter report skips the facts call (the prose prompt has all of it)",
    )
    max_repairs: int | None = Field(
        default=None, ge=0, description="repair rounds per brief; None = the profile's"
    )
    cache: bool = Field(default=True, description="use the persistent response cache")
    cache_path: Path | None = Field(default=None, description="SQLite file; None = user cache")
    recording_mode: RecordMode = Field(
        default="off", description="record: write recordings; replay: answer only from them"
    )
    recordings: Path | None = Field(default=None, description="directory of recordings")

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value) if value else None

    @field_validator("model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None

    @classmethod
    def resolve(
        cls,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        method: str | None = None,
        max_repairs: int | None = None,
        cache: bool = True,
        recording_mode: RecordMode = "off",
        recordings: Path | None = None,
        profile: Profile | None = None,
        **overrides: Any,
    ) -> ModelConfig:
        """Resolve a command's options > environment > profile into a config.

        ``api_key_env`` names the environment variable holding the key (read only when
        ``api_key`` is not given; unset or empty is a :class:`ConfigError`).
        ``max_repairs`` ``None`` leaves the profile's ``[model] max_repairs`` in force;
        ``cache=False`` skips the response cache; ``recording_mode`` and ``recordings``
        record or replay model answers. ``overrides`` sets any other field
        (``timeout``, ``max_retries``, ``cache_path`` …). Invalid values raise
        :class:`ConfigError`.
        """
        if profile is None:
            from drafter.profile import load_profile

            profile = load_profile()
        ms = profile.model
        chosen_method = method or env_setting("DRAFTER_STRUCTURED_OUTPUT") or ms.structured_output
        if chosen_method not in METHODS:
            raise ConfigError(
                f"不支持的结构化输出方式：{chosen_method}",
                hint=f"可选：{', '.join(METHODS)}（DeepSeek、llama.cpp 请用 function_calling 或 json_mode）",
                method=chosen_method,
            )
        if api_key is None and api_key_env is not None:
            api_key = _key_from(api_key_env)
        url = base_url or env_setting("DRAFTER_BASE_URL", "OPENAI_BASE_URL") or ms.base_url
        key = api_key or env_setting("DRAFTER_API_KEY", "OPENAI_API_KEY")
        values: dict[str, Any] = {
            "model": model or env_setting("DRAFTER_MODEL") or ms.model,
            "base_url": url,
            "api_key": SecretStr(key) if key else None,
            "method": str(chosen_method),
            "timeout": ms.timeout,
            "deadline": env_setting("DRAFTER_TIMEOUT"),
            "max_retries": ms.max_retries,
            "temperature": ms.temperature,
            "context_tokens": ms.context_tokens,
            "max_repairs": max_repairs,
            "cache": cache,
            "recording_mode": recording_mode,
            "recordings": recordings,
        }
        values.update(overrides)
        try:
            return cls.model_validate(values)
        except ValueError as exc:
            raise ConfigError(
                f"模型配置无效：{_first_error(exc)}", hint="请检查命令行参数和环境变量"
            ) from None

    @property
    def is_offline(self) -> bool:
        """True when no model is configured or the model is ``offline``."""
        return not self.model or self.model.strip().lower() == OFFLINE

    def describe(self) -> dict[str, Any]:
        """The config for logs and reports: never the key, only whether one is set."""
        return {
            "model": self.model,
            "base_url": self.base_url,
            "api_key_set": self.api_key is not None,
            "method": self.method,
            "timeout": self.timeout,
            "deadline": self.deadline,
            "max_retries": self.max_retries,
            "recording_mode": self.recording_mode,
        }

    def resolved_cache_path(self) -> Path:
        """The SQLite response cache: ``cache_path``, ``$DRAFTER_CACHE_DIR``, or the user cache."""
        if self.cache_path is not None:
            return self.cache_path
        env = env_setting("DRAFTER_CACHE_DIR")
        if env:
            return Path(env) / "responses.sqlite"
        import platformdirs

        return platformdirs.user_cache_path("drafter") / "responses.sqlite"


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)
