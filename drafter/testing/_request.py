"""What the stub server received: one :class:`StubRequest` per chat-completion call."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["StubRequest"]


@dataclass(frozen=True)
class StubRequest:
    """One request the stub server received."""

    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        msgs = self.body.get("messages", [])
        return msgs if isinstance(msgs, list) else []

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def tools(self) -> list[dict[str, Any]]:
        return list(self.body.get("tools") or [])

    @property
    def response_format(self) -> dict[str, Any] | None:
        rf = self.body.get("response_format")
        return rf if isinstance(rf, dict) else None

    @property
    def structured_method(self) -> str:
        """``function_calling``, ``json_schema``, ``json_mode`` or ``text``."""
        if self.tools:
            return "function_calling"
        rf_type = (self.response_format or {}).get("type")
        if rf_type == "json_schema":
            return "json_schema"
        if rf_type == "json_object":
            return "json_mode"
        return "text"

    @property
    def schema_name(self) -> str | None:
        if self.tools:
            return str(self.tools[0].get("function", {}).get("name"))
        rf = self.response_format or {}
        if rf.get("type") == "json_schema":
            return str(rf.get("json_schema", {}).get("name"))
        return None

    @property
    def prompt_id(self) -> str | None:
        """The ``X-Drafter-Prompt`` header drafter's chains send: ``id@version``."""
        value = self.headers.get("x-drafter-prompt")
        return value.split("@", 1)[0] if value else None

    def content_of(self, role: str) -> str:
        return "\n".join(_text(m.get("content")) for m in self.messages if m.get("role") == role)

    @property
    def text(self) -> str:
        """Every message's text, joined: for ``"…" in request.text`` routing."""
        return "\n".join(_text(m.get("content")) for m in self.messages)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""
