"""Model configuration: resolution order, offline detection, key hygiene, errors."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from drafter.errors import ConfigError, ModelError
from drafter.model.config import ModelConfig
from drafter.model.providers import build_chat_model, clear_built_models, semantic_params
from drafter.profile import ModelSettings, Profile

KEY = "sk-drafter-test-KEY-0123456789"


@pytest.fixture(autouse=True)
def _fresh_clients() -> None:
    clear_built_models()


def _profile_with(profile: Profile, **settings: object) -> Profile:
    return profile.model_copy(update={"model": ModelSettings(**settings)})  # type: ignore[arg-type]


def test_flags_beat_environment_beat_profile(
    monkeypatch: pytest.MonkeyPatch, profile: Profile
) -> None:
    prof = _profile_with(profile, model="p-model", base_url="http://profile.example/v1", timeout=7)
    assert ModelConfig.resolve(profile=prof).model == "p-model"
    assert ModelConfig.resolve(profile=prof).base_url == "http://profile.example/v1"
    assert ModelConfig.resolve(profile=prof).timeout == 7

    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env.example/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env-000000")
    cfg = ModelConfig.resolve(profile=prof)
    assert cfg.base_url == "http://openai-env.example/v1"
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-openai-env-000000"

    monkeypatch.setenv("DRAFTER_MODEL", "env-model")
    monkeypatch.setenv("DRAFTER_BASE_URL", "http://drafter-env.example/v1/")
    monkeypatch.setenv("DRAFTER_API_KEY", "sk-drafter-env-00000")
    monkeypatch.setenv("DRAFTER_STRUCTURED_OUTPUT", "json_mode")
    cfg = ModelConfig.resolve(profile=prof)
    assert (cfg.model, cfg.base_url, cfg.method) == (
        "env-model",
        "http://drafter-env.example/v1",
        "json_mode",
    )
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-drafter-env-00000"

    cfg = ModelConfig.resolve(
        model="flag-model",
        base_url="http://flag.example/v1",
        api_key="sk-flag-0000000",
        method="function_calling",
        profile=prof,
    )
    assert (cfg.model, cfg.base_url, cfg.method) == (
        "flag-model",
        "http://flag.example/v1",
        "function_calling",
    )
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-flag-0000000"


def test_overrides_set_other_fields(profile: Profile) -> None:
    cfg = ModelConfig.resolve(model="m", profile=profile, timeout=1.5, cache=False)
    assert cfg.timeout == 1.5 and cfg.cache is False
    with pytest.raises(ConfigError):
        ModelConfig.resolve(model="m", profile=profile, timeout=-1)


@pytest.mark.parametrize("model", [None, "", "offline", "OFFLINE", " offline "])
def test_offline_when_no_model(model: str | None, profile: Profile) -> None:
    assert ModelConfig.resolve(model=model, profile=profile).is_offline


def test_a_named_model_is_not_offline(profile: Profile) -> None:
    assert not ModelConfig.resolve(model="deepseek-chat", profile=profile).is_offline


def test_bad_method_and_url_are_config_errors(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="结构化输出") as info:
        ModelConfig.resolve(model="m", method="xml", profile=profile)
    assert info.value.hint and "function_calling" in info.value.hint
    with pytest.raises(ConfigError, match="地址无效"):
        ModelConfig.resolve(model="m", base_url="api.deepseek.com", profile=profile)


def test_key_never_shows(caplog: pytest.LogCaptureFixture, profile: Profile) -> None:
    from drafter.model.chains import shorten_headline
    from drafter.testing import Reply, StubServer

    caplog.set_level(logging.DEBUG)
    with StubServer() as stub:
        stub.enqueue(Reply.error(429), Reply.json({"line": "北京气象学会召开理事会"}))
        cfg = ModelConfig.resolve(
            model="m", base_url=stub.base_url, api_key=KEY, profile=profile, cache=False
        )
        shorten_headline("北京气象学会召开理事会", "5月8日，北京气象学会召开理事会。", cfg)
        assert stub.requests[-1].headers["authorization"] == f"Bearer {KEY}"
    shown = [repr(cfg), str(cfg), cfg.model_dump_json(), str(cfg.describe()), caplog.text]
    assert all(KEY not in s for s in shown)
    assert cfg.describe()["api_key_set"] is True
    assert "chat/completions" in caplog.text  # the client did log at DEBUG


def test_llm_string_params_drop_transport_and_key(profile: Profile) -> None:
    cfg = ModelConfig.resolve(
        model="m", base_url="http://127.0.0.1:9/v1", api_key=KEY, profile=profile
    )
    model = build_chat_model(cfg)
    llm_string = model._get_llm_string(stop=None)
    params = semantic_params(llm_string)
    assert KEY not in llm_string
    assert "127.0.0.1" in llm_string and "127.0.0.1" not in params
    assert '"model_name": "m"' in params


def test_offline_config_builds_no_model(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="离线"):
        build_chat_model(ModelConfig.resolve(profile=profile))


def test_remote_endpoint_needs_a_key_local_one_does_not(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="API 密钥") as info:
        build_chat_model(ModelConfig.resolve(model="gpt-4o-mini", profile=profile))
    assert info.value.hint and "DRAFTER_API_KEY" in info.value.hint
    local = ModelConfig.resolve(
        model="qwen2.5", base_url="http://127.0.0.1:11434/v1", profile=profile
    )
    assert build_chat_model(local) is build_chat_model(local)  # reused for an equal config


def test_tracing_is_forced_off(monkeypatch: pytest.MonkeyPatch, profile: Profile) -> None:
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGCHAIN_TRACING_V2", "true")
    cfg = ModelConfig.resolve(model="m", base_url="http://127.0.0.1:9/v1", profile=profile)
    build_chat_model(cfg)
    from langsmith.utils import tracing_is_enabled

    assert os.environ["LANGSMITH_TRACING"] == "false"
    assert not tracing_is_enabled()


def test_cache_path_resolution(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_env: Path
) -> None:
    assert (
        ModelConfig(cache_path=tmp_path / "x.sqlite").resolved_cache_path() == tmp_path / "x.sqlite"
    )
    assert isolated_env in ModelConfig().resolved_cache_path().parents
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    assert ModelConfig().resolved_cache_path() == tmp_path / "responses.sqlite"


@pytest.mark.parametrize(
    ("status", "error", "needle"),
    [(401, ConfigError, "密钥"), (404, ConfigError, "404"), (400, ModelError, "400")],
)
def test_http_errors_map_to_chinese_errors(
    status: int, error: type[Exception], needle: str, tmp_path: Path
) -> None:
    from drafter.model.chains import shorten_headline
    from drafter.testing import Reply, StubServer

    with StubServer() as stub:
        stub.enqueue(
            Reply.error(status, f"response_format json_schema is not supported; key {KEY}")
        )
        cfg = ModelConfig(
            model="m", base_url=stub.base_url, api_key=SecretStr(KEY), cache=False, max_retries=0
        )
        with pytest.raises(error, match=needle) as info:
            shorten_headline("北京气象学会召开理事会", "5月8日，北京气象学会召开理事会。", cfg)
    assert KEY not in str(info.value)
    if status == 400:
        assert info.value.hint and "function_calling" in info.value.hint  # type: ignore[attr-defined]


def test_importing_the_model_layer_does_not_import_langchain() -> None:
    code = (
        "import sys, drafter.model.providers, drafter.model.chains, drafter.model.prompts, drafter.model.tokens, drafter.model.cache;"
        "bad = [m for m in sys.modules if m.startswith(('langchain', 'openai'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
