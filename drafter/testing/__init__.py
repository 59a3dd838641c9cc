"""Public test helpers: a scripted drafting backend, a loopback OpenAI-compatible server
and a scripted LangChain chat model.

- :class:`ScriptedBackend` (:mod:`drafter.testing.backend`) answers the drafting
  pipeline's facts, prose and repair calls from a script of :class:`Step` s;
- :class:`StubServer` (:mod:`drafter.testing.stub`) serves scripted :class:`Reply` s over
  HTTP on 127.0.0.1, for the real openai client and ``ChatOpenAI``;
- :class:`ScriptedChatModel` (:mod:`drafter.testing.chat_model`) is a LangChain chat
  model answering from a script.

Only :class:`ScriptedChatModel` imports LangChain, and it loads on first use: importing
this package, the scripted backend or the stub server never does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drafter.testing.backend import (
    BackendCall,
    ScriptedBackend,
    ScriptExhaustedError,
    Step,
    UnexpectedCallError,
)
from drafter.testing.stub import Reply, StubRequest, StubServer, replies

if TYPE_CHECKING:
    from drafter.testing.chat_model import ScriptedChatModel

__all__ = [
    "BackendCall",
    "Reply",
    "ScriptExhaustedError",
    "ScriptedBackend",
    "ScriptedChatModel",
    "Step",
    "StubRequest",
    "StubServer",
    "UnexpectedCallError",
    "replies",
]


def __getattr__(name: str) -> Any:
    if name == "ScriptedChatModel":
        from drafter.testing.chat_model import ScriptedChatModel

        return ScriptedChatModel
    raise AttributeError(f"module 'drafter.testing' has no attribute {name!r}")
