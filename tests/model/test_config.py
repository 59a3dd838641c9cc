"""ModelConfig.resolve takes every option a command gives, and drafting honours them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drafter.drafting import ProseStep, draft
from drafter.errors import ConfigError
from drafter.model.config import ModelConfig
from drafter.profile import Profile
from drafter.schemas import Report, report_id_for
from drafter.testing import ScriptedBackend, Step


def test_every_command_option_in_one_call(
    monkeypatch: pytest.MonkeyPatch, profile: Profile, tmp_path: Path
) -> None:
    monkeypatch.setenv("MY_KEY", "sk-from-my-env-0000")
    cfg = ModelConfig.resolve(
        model="deepseek-chat",
        base_url="https://api.deepseek.com/v1/",
        api_key_env="MY_KEY",
        method="function_calling",
        max_repairs=1,
        cache=False,
        recording_mode="record",
        recordings=tmp_path,
        profile=profile,
    )
    assert (cfg.model, cfg.base_url, cfg.method) == (
        "deepseek-chat",
        "https://api.deepseek.com/v1",
        "function_calling",
    )
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-from-my-env-0000"
    assert (cfg.max_repairs, cfg.cache, cfg.recording_mode, cfg.recordings) == (
        1,
        False,
        "record",
        tmp_path,
    )


def test_defaults_leave_the_profile_in_charge(profile: Profile) -> None:
    cfg = ModelConfig.resolve(model="m", profile=profile)
    assert (cfg.max_repairs, cfg.cache, cfg.recording_mode, cfg.recordings) == (
        None,
        True,
        "off",
        None,
    )


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_key_variable_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, profile: Profile, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("MY_KEY", raising=False)
    else:
        monkeypatch.setenv("MY_KEY", value)
    with pytest.raises(ConfigError, match="MY_KEY") as info:
        ModelConfig.resolve(model="m", api_key_env="MY_KEY", profile=profile)
    assert info.value.hint and "export MY_KEY" in info.value.hint


def test_an_explicit_key_wins_over_the_key_variable(profile: Profile) -> None:
    cfg = ModelConfig.resolve(model="m", api_key="sk-flag", api_key_env="UNSET", profile=profile)
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-flag"


def test_a_negative_repair_count_is_a_config_error(profile: Profile) -> None:
    with pytest.raises(ConfigError):
        ModelConfig.resolve(model="m", max_repairs=-1, profile=profile)


def test_draft_takes_max_repairs_from_the_config(profile: Profile) -> None:
    text = "5月8日，北京气象学会召开理事会。"
    report = Report(id=report_id_for(text), text=text, org_short="北京气象学会", kind="society")
    bad = ProseStep(headline="北京气象学会召开理事会", paragraphs=["5月8日，会议表彰了99人。"])

    def attempts(config: ModelConfig, **kwargs: int) -> int:
        steps = [Step.facts(), Step.prose(bad), *[Step.repair(bad)] * 5]
        backend = ScriptedBackend(steps)
        brief = draft(report, profile=profile, config=config, backend=backend, **kwargs)
        return brief.provenance.attempts

    config = ModelConfig.resolve(model="m", max_repairs=1, profile=profile)
    assert attempts(config) == 2
    assert attempts(config, max_repairs=0) == 1  # the argument beats the config
    unset = ModelConfig.resolve(model="m", profile=profile)
    assert attempts(unset) == 1 + profile.model.max_repairs


def test_the_config_loads_no_model_layer() -> None:
    code = (
        "import sys\n"
        "from drafter.model import ModelConfig\n"
        "ModelConfig.resolve(model='offline')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'openai', 'tiktoken'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
