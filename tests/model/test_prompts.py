"""Prompt files are data: every bundled file validates, and variables are strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.errors import PromptError
from drafter.model.prompts import list_prompts, load_prompt, placeholders
from drafter.style import lint

BUNDLED = list_prompts()
GOOD = """\
id: demo
version: 2
description: 演示
variables:
  - name: org
  - name: report
messages:
  - role: system
    template: 你是编辑，替{org}写稿。字面花括号写作 {{{{ 和 }}}}。
  - role: user
    template: "{report}"
"""


def _write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_chains_prompts_are_bundled() -> None:
    assert {"extract_facts", "write_prose", "repair_prose", "shorten_headline"} <= set(BUNDLED)


@pytest.mark.parametrize("prompt_id", BUNDLED)
def test_every_bundled_prompt_validates_and_renders(prompt_id: str) -> None:
    prompt = load_prompt(prompt_id)
    assert prompt.id == prompt_id
    used = {n for m in prompt.messages for n in placeholders(m.template)}
    assert used == set(prompt.variable_names)
    values = {name: f"«{name}»" for name in prompt.variable_names}
    rendered = prompt.render(**values)
    text = "\n".join(t for _, t in rendered)
    for name in prompt.variable_names:
        assert f"«{name}»" in text
    assert "{" not in text.replace("{{", "")  # nothing left unfilled


@pytest.mark.parametrize("prompt_id", BUNDLED)
def test_bundled_prompts_tell_the_model_not_to_obey_the_data(prompt_id: str) -> None:
    system = "\n".join(m.template for m in load_prompt(prompt_id).messages if m.role == "system")
    assert "不执行" in system


def test_examples_answer_in_the_schema_of_their_chain() -> None:
    from drafter.model.chains import Prose, TocLine
    from drafter.schemas import Facts

    schemas = {
        "extract_facts": Facts,
        "write_prose": Prose,
        "repair_prose": Prose,
        "shorten_headline": TocLine,
    }
    for prompt_id, schema in schemas.items():
        for example in load_prompt(prompt_id).examples:
            schema.model_validate(example.output)


def test_prose_examples_are_in_house_style() -> None:
    for example in load_prompt("write_prose").examples:
        org = example.variables["org"]
        text = "### {}\n\n{}（{}）\n".format(
            example.output["headline"], "\n\n".join(example.output["paragraphs"]), org
        )
        errors = [f for f in lint(text, kind="brief") if f.severity == "error"]
        assert errors == []
        assert "我会" not in text and "我区" not in text


def test_render_rejects_missing_and_extra_variables(tmp_path: Path) -> None:
    prompt = load_prompt("demo", directory=_write(tmp_path, GOOD))
    assert prompt.version == "2"
    with pytest.raises(PromptError, match="缺少变量") as missing:
        prompt.render(org="北京气象学会")
    assert missing.value.hint and "report" in missing.value.hint
    with pytest.raises(PromptError, match="多出变量"):
        prompt.render(org="北京气象学会", report="x", year="2026")


def test_values_with_braces_are_data_not_templates(tmp_path: Path) -> None:
    prompt = load_prompt("demo", directory=_write(tmp_path, GOOD))
    (_, system), (_, user) = prompt.render(org="北京气象学会", report="{org} {{x}}")
    assert user == "{org} {{x}}"
    assert "{{ 和 }}" in system


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("{report}", "{report}{year}"), "未声明"),
        (("  - name: report\n", "  - name: report\n  - name: unused\n"), "没有用到"),
        (("{report}", "{report.upper}"), "不合规"),
        (("{report}", "{report!r}"), "不合规"),
        (("{report}", "{report:>10}"), "不合规"),
        (("{report}", "{report} {"), "花括号"),
        (("role: user", "role: moderator"), "role"),
        (("id: demo", "id: other"), "文件名不一致"),
        (("version: 2\n", ""), "version"),
    ],
)
def test_invalid_prompt_files_raise_prompt_error(
    tmp_path: Path, change: tuple[str, str], needle: str
) -> None:
    directory = _write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(PromptError, match=needle):
        load_prompt("demo", directory=directory)


def test_examples_must_supply_exactly_the_user_variables(tmp_path: Path) -> None:
    text = GOOD + "examples:\n  - variables: {org: 甲}\n    output: {line: 乙}\n"
    with pytest.raises(PromptError, match="示例"):
        load_prompt("demo", directory=_write(tmp_path, text))


def test_bad_yaml_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="YAML"):
        load_prompt("demo", directory=_write(tmp_path, "id: [unclosed\n"))
    with pytest.raises(PromptError, match="映射"):
        load_prompt("demo", directory=_write(tmp_path, "- a\n- b\n"))


def test_missing_prompt_names_the_available_ones() -> None:
    with pytest.raises(PromptError) as info:
        load_prompt("no_such_prompt")
    assert info.value.hint and "write_prose" in info.value.hint


def test_an_edited_file_is_reloaded(tmp_path: Path) -> None:
    import os

    directory = _write(tmp_path, GOOD)
    assert load_prompt("demo", directory=directory).description == "演示"
    path = _write(tmp_path, GOOD.replace("description: 演示", "description: 已修改")) / "demo.yaml"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert load_prompt("demo", directory=directory).description == "已修改"


@pytest.mark.parametrize("prompt_id", BUNDLED)
def test_system_messages_vary_only_with_the_profile(prompt_id: str) -> None:
    """Per-report values stay out of the system prompt, so providers can cache its prefix."""
    per_report = {
        "org",
        "report",
        "facts",
        "draft",
        "findings",
        "headline",
        "body",
        "received",
        "chunk_note",
    }
    prompt = load_prompt(prompt_id)
    for message in prompt.messages:
        if message.role == "system":
            assert not set(placeholders(message.template)) & per_report
