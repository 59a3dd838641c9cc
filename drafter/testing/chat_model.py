"""A scripted LangChain chat model (loads LangChain: import it only where needed).

:class:`ScriptedChatModel` returns scripted messages in order and raises
:class:`~drafter.testing.backend.ScriptExhaustedError` when they run out (LangChain's
``FakeListChatModel`` silently cycles instead).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, Field, PrivateAttr

from drafter.testing.backend import ScriptExhaustedError

__all__ = ["ScriptedChatModel"]


class ScriptedChatModel(BaseChatModel):
    """A chat model answering from ``script`` in order; raises when it runs out.

    Items: a ``str`` (message content), a ``dict`` (sent as JSON content), an
    ``AIMessage`` (as is, e.g. with ``tool_calls``), or an exception (raised).
    ``calls`` records the messages of every call. ``with_structured_output`` parses
    the JSON of the next answer (tool-call arguments or content) for any method.
    """

    script: list[Any]
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def remaining(self) -> int:
        return len(self.script)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock:
            self.calls.append(list(messages))
            if not self.script:
                raise ScriptExhaustedError(
                    f"ScriptedChatModel: script exhausted after {len(self.calls) - 1} answers"
                )
            item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, AIMessage):
            message = item
        elif isinstance(item, dict):
            message = AIMessage(content=json.dumps(item, ensure_ascii=False))
        else:
            message = AIMessage(content=str(item))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, Any]:
        """Accept tools and ignore them: the script decides whether to call one."""
        return self.bind(**kwargs)

    def with_structured_output(  # type: ignore[override]
        self,
        schema: dict[str, Any] | type[BaseModel],
        *,
        include_raw: bool = False,
        method: str = "json_schema",
        **kwargs: Any,
    ) -> Runnable[Any, Any]:
        from langchain_core.utils.json import parse_json_markdown

        def run(value: Any) -> Any:
            raw = self.invoke(value)
            parsed: Any = None
            error: Exception | None = None
            try:
                if isinstance(raw, AIMessage) and raw.tool_calls:
                    data: Any = raw.tool_calls[0]["args"]
                else:
                    data = parse_json_markdown(_text_of(raw.content))
                if isinstance(schema, type) and issubclass(schema, BaseModel):
                    parsed = schema.model_validate(data)
                else:
                    parsed = data
            except Exception as exc:  # reported like LangChain's include_raw does
                if not include_raw:
                    raise
                error = exc
            if include_raw:
                return {"raw": raw, "parsed": parsed, "parsing_error": error}
            return parsed

        return RunnableLambda(run)


def _text_of(content: str | Sequence[Any]) -> str:
    if isinstance(content, str):
        return content
    return "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)
