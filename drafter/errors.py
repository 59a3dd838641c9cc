"""One error tree for drafter.

Every error carries a Chinese message for the user, a hint that says how to fix it,
and the context it was raised in. The CLI maps each class to an exit code here, in
one place (:data:`EXIT_CODES`); library callers catch :class:`DrafterError`.

::

    DrafterError                      exit 2 unless a subclass says otherwise
    ├── InputError                    bad input file, stdin or flag value       (2)
    │   └── EncodingError             bytes that no supported encoding decodes  (2)
    ├── ProfileError                  a house-style profile that does not load  (2)
    ├── PromptError                   a prompt file that is missing or invalid  (2)
    ├── ConfigError                   model / endpoint configuration            (2)
    ├── ModelError                    the model endpoint failed after retries   (3)
    │   └── OutputValidationError     output never passed validation; carries
    │                                 the raw output, attempts and token usage  (3)
    ├── IssueError                    an issue cannot be built / parsed         (2)
    ├── GateError                     a text fails lint / guard: accept, build
    │                                 and publish refuse it (--force --why)     (1)
    ├── StoreError                    the editorial database                    (4)
    │   ├── NotFoundError             no such report / draft / issue            (4)
    │   ├── ConflictError             someone else changed it first             (5)
    │   └── LockedError               database locked past the bounded wait     (6)
    └── EvalError                     eval cases, recordings or baselines       (2)
        └── MissingRecordingError     --replay found no recording for a call    (2)

Any other exception is a bug: exit 70, with a request for a bug report.

Exit code 1 is not an error: it means "the check ran and found problems" (lint
errors, a draft that needs review, an eval regression).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EXIT_CODES",
    "ConfigError",
    "ConflictError",
    "DrafterError",
    "EncodingError",
    "EvalError",
    "GateError",
    "InputError",
    "IssueError",
    "LockedError",
    "MissingRecordingError",
    "ModelError",
    "NotFoundError",
    "OutputValidationError",
    "ProfileError",
    "PromptError",
    "StoreError",
    "exit_code_for",
]


class DrafterError(Exception):
    """Root of every error drafter raises on purpose.

    ``message`` says what went wrong (Chinese, for the user), ``hint`` how to fix it,
    ``context`` the values it concerns (a path, an id, a rule).
    """

    def __init__(self, message: str, *, hint: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context: dict[str, Any] = context

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}（{self.hint}）"
        return self.message


class InputError(DrafterError):
    """Bad input: a missing, empty, binary or oversized file, or a bad flag value."""


class EncodingError(InputError):
    """Bytes that none of UTF-8, UTF-8 with BOM or GB18030 decode."""


class ProfileError(DrafterError):
    """A house-style profile that cannot be read or does not validate."""


class PromptError(DrafterError):
    """A prompt file that is missing, invalid, or given the wrong variables."""


class ConfigError(DrafterError):
    """Model or endpoint configuration that cannot work (no key, bad URL, bad method)."""


class ModelError(DrafterError):
    """The model endpoint failed after the bounded retries."""


class OutputValidationError(ModelError):
    """The model's output never passed validation within the allowed attempts."""

    def __init__(
        self,
        message: str,
        *,
        raw_output: str = "",
        attempts: int = 0,
        usage: dict[str, int] | None = None,
        hint: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, hint=hint, **context)
        self.raw_output = raw_output
        self.attempts = attempts
        self.usage = usage or {}


class IssueError(DrafterError):
    """An issue that cannot be built, numbered or parsed."""


class GateError(DrafterError):
    """A brief whose current text has lint or guard errors: refused unless forced with a reason.

    ``findings`` are the errors, for the caller to list.
    """

    def __init__(
        self,
        message: str,
        *,
        findings: list[Any] | None = None,
        hint: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, hint=hint, **context)
        self.findings: list[Any] = findings or []


class StoreError(DrafterError):
    """The editorial database failed."""


class NotFoundError(StoreError):
    """No report, draft or issue with that id."""


class ConflictError(StoreError):
    """The record changed since it was read (another editor got there first)."""


class LockedError(StoreError):
    """The database stayed locked by another process past the bounded wait."""


class EvalError(DrafterError):
    """Eval cases, recordings or baselines that cannot be used."""


class MissingRecordingError(EvalError):
    """``--replay`` needs a recording that does not exist."""


# Exception: anything not raised on purpose is a bug in drafter (70, EX_SOFTWARE): the
# CLI asks for a bug report instead of showing a traceback (``--debug`` shows it).
EXIT_CODES: dict[type[BaseException], int] = {
    Exception: 70,
    DrafterError: 2,
    GateError: 1,
    ModelError: 3,
    StoreError: 4,
    ConflictError: 5,
    LockedError: 6,
}


def exit_code_for(exc: BaseException) -> int:
    """The process exit code for ``exc``: the entry of its nearest class in EXIT_CODES."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_CODES[Exception]
