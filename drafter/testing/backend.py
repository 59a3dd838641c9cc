"""A scripted :class:`~drafter.drafting.backend.ModelBackend`: drafting tests with no model.

:class:`ScriptedBackend` answers the pipeline's facts, prose and repair calls from a
script of :class:`Step` s, in order, and records every call::

    backend = ScriptedBackend([Step.facts(), Step.prose(draft_1), Step.repair(draft_2)])
    brief = draft(report, backend=backend)
    assert [c.kind for c in backend.calls] == ["facts", "prose", "repair"]
    backend.assert_done()

Once the script is used up, ``responder`` (given each :class:`BackendCall`) answers,
e.g. for concurrent batches where the order of calls is not fixed. A call that the
script does not expect next raises :class:`UnexpectedCallError`; a call with nothing
left to answer it raises :class:`ScriptExhaustedError`. Both are ``AssertionError`` s
with a message naming the call. Nothing here imports LangChain.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from drafter.drafting.backend import ProseStep
from drafter.profile import Profile
from drafter.schemas import Brief, Facts, Finding, Report, TokenUsage

__all__ = [
    "BackendCall",
    "ScriptExhaustedError",
    "ScriptedBackend",
    "Step",
    "StepKind",
    "UnexpectedCallError",
]

StepKind = Literal["facts", "prose", "repair"]


class ScriptExhaustedError(AssertionError):
    """A scripted helper was called more times than it has answers."""


class UnexpectedCallError(AssertionError):
    """A :class:`ScriptedBackend` was called for something its script does not expect next."""


@dataclass(frozen=True)
class Step:
    """One scripted answer; build it with :meth:`facts`, :meth:`prose` or :meth:`repair`.

    An exception as the answer is raised when the step is reached
    (:class:`~drafter.errors.OutputValidationError` for a malformed answer,
    :class:`~drafter.errors.ModelError` for a failed endpoint).
    """

    kind: StepKind
    answer: Facts | ProseStep | BaseException
    usage: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 1

    def __post_init__(self) -> None:
        expected = Facts if self.kind == "facts" else ProseStep
        if not isinstance(self.answer, expected | BaseException):
            raise TypeError(
                f"a {self.kind} step answers with {expected.__name__} or an exception, "
                f"not {type(self.answer).__name__}"
            )

    @classmethod
    def facts(
        cls,
        facts: Facts | BaseException | None = None,
        *,
        usage: TokenUsage | None = None,
        calls: int = 1,
    ) -> Step:
        """Extracted facts (empty by default), with their token usage and call count."""
        return cls("facts", Facts() if facts is None else facts, usage or TokenUsage(), calls)

    @classmethod
    def prose(cls, answer: ProseStep | BaseException) -> Step:
        """A first draft's prose (its usage and calls are the ProseStep's own)."""
        return cls("prose", answer)

    @classmethod
    def repair(cls, answer: ProseStep | BaseException) -> Step:
        """Repaired prose."""
        return cls("repair", answer)


@dataclass(frozen=True)
class BackendCall:
    """One call the pipeline made, with its arguments."""

    kind: StepKind
    report: Report
    profile: Profile
    facts: Facts | None = None  # prose, repair
    examples: list[Brief] = field(default_factory=list)  # prose
    step: ProseStep | None = None  # repair: the prose to repair
    findings: list[Finding] = field(default_factory=list)  # repair


Responder = Callable[[BackendCall], Step | None]


class ScriptedBackend:
    """A :class:`~drafter.drafting.backend.ModelBackend` answering from ``steps`` in order.

    ``responder`` answers once the steps are used up (``None`` from it: nothing to
    answer with). ``calls`` records every call, answered or not; thread-safe.
    """

    def __init__(
        self,
        steps: Iterable[Step] = (),
        *,
        responder: Responder | None = None,
        model_name: str | None = "scripted",
    ) -> None:
        self.model_name = model_name
        self.responder = responder
        self._script: deque[Step] = deque(steps)
        self._total = len(self._script)
        self._calls: list[BackendCall] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()

    # -- ModelBackend -----------------------------------------------------------------
    def facts(self, report: Report, profile: Profile) -> tuple[Facts, TokenUsage, int]:
        step = self._answer(BackendCall("facts", report, profile))
        assert isinstance(step.answer, Facts)
        return step.answer, step.usage, step.calls

    def prose(
        self, report: Report, facts: Facts, profile: Profile, examples: list[Brief]
    ) -> ProseStep:
        call = BackendCall("prose", report, profile, facts=facts, examples=list(examples))
        return self._prose(self._answer(call))

    def repair(
        self,
        report: Report,
        facts: Facts,
        step: ProseStep,
        findings: list[Finding],
        profile: Profile,
    ) -> ProseStep:
        call = BackendCall(
            "repair", report, profile, facts=facts, step=step, findings=list(findings)
        )
        return self._prose(self._answer(call))

    # -- assertions ---------------------------------------------------------------------
    @property
    def calls(self) -> list[BackendCall]:
        """Every call so far, in the order they were made."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, kind: StepKind) -> list[BackendCall]:
        """The calls of one kind (``facts``, ``prose`` or ``repair``), in order."""
        return [c for c in self.calls if c.kind == kind]

    @property
    def remaining(self) -> int:
        """Scripted steps not yet used."""
        with self._lock:
            return len(self._script)

    def assert_done(self) -> None:
        """Fail unless every step was used and no call went unanswered or out of order."""
        with self._lock:
            problems = list(self._failures)
            if self._script:
                left = ", ".join(s.kind for s in self._script)
                problems.append(f"{len(self._script)} scripted step(s) never used: {left}")
        if problems:
            raise AssertionError("ScriptedBackend: " + "; ".join(problems))

    # -- answering ----------------------------------------------------------------------
    def _answer(self, call: BackendCall) -> Step:
        with self._lock:
            self._calls.append(call)
            number = len(self._calls)
            step = self._script[0] if self._script else None
            if step is not None and step.kind != call.kind:
                self._fail(
                    UnexpectedCallError,
                    f"call {number} asked for {call.kind}, "
                    f"but the next scripted step is {step.kind}",
                )
            if step is not None:
                self._script.popleft()
        if step is None and self.responder is not None:
            step = self.responder(call)
            if step is not None and step.kind != call.kind:
                with self._lock:
                    self._fail(
                        UnexpectedCallError,
                        f"call {number} asked for {call.kind}, "
                        f"but the responder answered with a {step.kind} step",
                    )
        if step is None:
            with self._lock:
                self._fail(
                    ScriptExhaustedError,
                    f"call {number} asked for {call.kind}, but the script is exhausted "
                    f"after {self._total} step(s)"
                    + ("" if self.responder is None else " and the responder had no answer"),
                )
        assert step is not None
        if isinstance(step.answer, BaseException):
            raise step.answer
        return step

    def _fail(self, error: type[AssertionError], message: str) -> None:
        """Record and raise (a batch may catch the error; :meth:`assert_done` still sees it)."""
        self._failures.append(message)
        raise error(f"ScriptedBackend: {message}")

    @staticmethod
    def _prose(step: Step) -> ProseStep:
        assert isinstance(step.answer, ProseStep)
        return step.answer
