"""Prompt files as data: versioned YAML under the top-level ``prompts/`` directory.

A prompt file declares its variables and its messages; a message template may only
use ``{variable}`` placeholders (``{{`` and ``}}`` for literal braces). There is no
template language: no attribute access, indexing, conversions, format specs or Jinja,
so a prompt file can never execute anything. Variables are strict both ways: a
template that uses an undeclared variable, a declared variable no template uses, and
a render call with a missing or extra variable are all :class:`PromptError`.

::

    id: write_prose
    version: 1
    description: 写简讯正文
    variables:
      - name: report
        description: 原始材料全文
    messages:
      - role: system
        template: 你是……
      - role: user
        template: "{report}"
    examples:              # few-shot, in house style; rendered as user/assistant turns
      - variables: {report: "……"}
        output: {headline: "……", paragraphs: ["……"]}
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from drafter.errors import PromptError

__all__ = [
    "PromptExample",
    "PromptMessage",
    "PromptTemplateFile",
    "PromptVariable",
    "list_prompts",
    "load_prompt",
    "placeholders",
    "prompts_dir",
]

_FORMATTER = string.Formatter()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def placeholders(template: str) -> list[str]:
    """The ``{name}`` placeholders of ``template``, in order; anything fancier is an error."""
    names: list[str] = []
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:  # a lone { or }
        raise ValueError(f"花括号不成对：{exc}（字面花括号请写成 {{{{ 或 }}}}）") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise ValueError(f"占位符 {shown} 不合规：只允许 {{变量名}}")
        names.append(field)
    return names


class PromptVariable(_Model):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    description: str = ""


class PromptMessage(_Model):
    role: Literal["system", "user", "assistant"]
    template: str = Field(min_length=1)

    @model_validator(mode="after")
    def _parses(self) -> PromptMessage:
        placeholders(self.template)
        return self


class PromptExample(_Model):
    """A few-shot example: values for the user messages, and the answer as JSON data."""

    variables: dict[str, str]
    output: dict[str, Any]
    note: str = ""


class PromptTemplateFile(_Model):
    """One prompt file, validated: see the module docstring for the format."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(min_length=1)
    description: str = Field(min_length=1)
    variables: list[PromptVariable]
    messages: list[PromptMessage] = Field(min_length=1)
    examples: list[PromptExample] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _version_as_text(cls, data: Any) -> Any:
        # YAML reads `version: 1` as an int; the version is a label, keep it as text.
        if isinstance(data, dict) and isinstance(data.get("version"), int | float):
            data = {**data, "version": str(data["version"])}
        return data

    @model_validator(mode="after")
    def _strict(self) -> PromptTemplateFile:
        declared = [v.name for v in self.variables]
        if len(set(declared)) != len(declared):
            raise ValueError(f"变量重复声明：{declared}")
        used = {n for m in self.messages for n in placeholders(m.template)}
        if undeclared := used - set(declared):
            raise ValueError(f"模板用了未声明的变量：{sorted(undeclared)}")
        if unused := set(declared) - used:
            raise ValueError(f"声明了但模板没有用到的变量：{sorted(unused)}")
        if not any(m.role == "user" for m in self.messages):
            raise ValueError("至少要有一条 user 消息")
        user_vars = self.user_variables()
        for i, ex in enumerate(self.examples):
            if set(ex.variables) != user_vars:
                raise ValueError(
                    f"第 {i + 1} 个示例的变量 {sorted(ex.variables)} 与 user 消息的变量 "
                    f"{sorted(user_vars)} 不一致"
                )
        return self

    @property
    def variable_names(self) -> list[str]:
        return [v.name for v in self.variables]

    def user_variables(self) -> set[str]:
        """The variables the user messages use (what a few-shot example must supply)."""
        return {n for m in self.messages if m.role == "user" for n in placeholders(m.template)}

    def check_variables(self, values: dict[str, Any], *, only: set[str] | None = None) -> None:
        """Raise :class:`PromptError` unless ``values`` has exactly the declared variables."""
        expected = set(self.variable_names) if only is None else only
        missing = expected - set(values)
        extra = set(values) - expected
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"缺少变量 {sorted(missing)}")
            if extra:
                parts.append(f"多出变量 {sorted(extra)}")
            raise PromptError(
                f"提示词“{self.id}”（版本 {self.version}）：{'，'.join(parts)}",
                hint=f"这个提示词需要的变量：{', '.join(sorted(expected))}",
                prompt=self.id,
            )

    def render(self, **values: Any) -> list[tuple[str, str]]:
        """The messages as ``(role, text)`` with every placeholder filled; strict."""
        self.check_variables(values)
        text = {k: str(v) for k, v in values.items()}
        return [(m.role, m.template.format_map(text)) for m in self.messages]

    def render_user(self, **values: Any) -> list[tuple[str, str]]:
        """Only the user messages, for a few-shot example's values."""
        self.check_variables(values, only=self.user_variables())
        text = {k: str(v) for k, v in values.items()}
        return [(m.role, m.template.format_map(text)) for m in self.messages if m.role == "user"]

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"


def prompts_dir() -> Path:
    from drafter.resources import data_dir

    return data_dir("prompts")


def _read(path: Path) -> PromptTemplateFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PromptError(
            f"无法读取提示词文件 {path.name}：{exc}",
            hint="请检查 YAML 语法（缩进、引号）",
            path=str(path),
        ) from exc
    if not isinstance(data, dict):
        raise PromptError(
            f"提示词文件 {path.name} 不是 YAML 映射", hint="顶层应为 id/version/…", path=str(path)
        )
    try:
        prompt = PromptTemplateFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PromptError(
            f"提示词文件 {path.name} 无效：{where} {first['msg']}",
            hint="格式见 drafter/prompts.py 的说明",
            path=str(path),
        ) from exc
    if prompt.id != path.stem:
        raise PromptError(
            f"提示词文件 {path.name} 的 id 是“{prompt.id}”，与文件名不一致",
            hint=f"把 id 改成 {path.stem}，或把文件改名为 {prompt.id}.yaml",
            path=str(path),
        )
    return prompt


def list_prompts(directory: Path | None = None) -> list[str]:
    """Ids of every prompt file in ``directory`` (default: the bundled prompts)."""
    root = directory or prompts_dir()
    return sorted(p.stem for p in root.glob("*.yaml"))


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int) -> PromptTemplateFile:
    return _read(path)


def load_prompt(prompt_id: str, *, directory: Path | None = None) -> PromptTemplateFile:
    """Load and validate ``prompts/<prompt_id>.yaml`` (cached until the file changes)."""
    root = directory or prompts_dir()
    path = root / f"{prompt_id}.yaml"
    if not path.is_file():
        available = ", ".join(list_prompts(root)) or "（无）"
        raise PromptError(
            f"找不到提示词“{prompt_id}”",
            hint=f"可用的提示词：{available}",
            prompt=prompt_id,
            path=str(path),
        )
    return _load_cached(path, path.stat().st_mtime_ns)
