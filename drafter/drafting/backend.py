"""What the pipeline asks of a model: the :class:`ModelBackend` protocol and its default.

A backend extracts facts, writes prose and repairs prose; :class:`ChainBackend` does it
with the LCEL chains of :mod:`drafter.model.chains`. Evaluation and tests may pass their
own (:class:`drafter.testing.ScriptedBackend` answers from a script). Nothing here
imports LangChain: the chains load on the first call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from drafter.profile import Profile
from drafter.schemas import Brief, Facts, Finding, Report, TokenUsage

if TYPE_CHECKING:
    from drafter.model.chains import CallStats, Prose
    from drafter.model.config import ModelConfig

__all__ = ["ChainBackend", "ModelBackend", "ProseStep"]


@dataclass(frozen=True)
class ProseStep:
    """One prose answer of the model (a first draft or a repair) and what it cost."""

    headline: str
    paragraphs: list[str]
    usage: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 1
    prompt_id: str | None = None
    prompt_version: str | None = None
    # Drops this answer from the response cache when the pipeline finds it unusable,
    # so that a retry (or a later run) asks the model again.
    forget: Callable[[], None] | None = field(default=None, compare=False, repr=False)


class ModelBackend(Protocol):
    """What the pipeline needs from a model: facts, prose, repaired prose.

    A malformed or schema-violating answer raises
    :class:`~drafter.errors.OutputValidationError` (one failed attempt); an endpoint
    that fails after its retries raises :class:`~drafter.errors.ModelError`.
    """

    model_name: str | None

    def facts(self, report: Report, profile: Profile) -> tuple[Facts, TokenUsage, int]: ...

    def prose(
        self, report: Report, facts: Facts, profile: Profile, examples: list[Brief]
    ) -> ProseStep: ...

    def repair(
        self,
        report: Report,
        facts: Facts,
        step: ProseStep,
        findings: list[Finding],
        profile: Profile,
    ) -> ProseStep: ...


class ChainBackend:
    """:class:`ModelBackend` over the LCEL chains of :mod:`drafter.model.chains`.

    ``chat_model`` (a LangChain ``BaseChatModel``; typed ``Any`` so that this module
    never imports LangChain) replaces the model built from ``config``, e.g. a
    :class:`~drafter.testing.ScriptedChatModel` in tests.
    """

    def __init__(self, config: ModelConfig, *, chat_model: Any = None) -> None:
        self.config = config
        self.chat_model = chat_model
        self.model_name: str | None = config.model

    def facts(self, report: Report, profile: Profile) -> tuple[Facts, TokenUsage, int]:
        from drafter.model.chains import extract_facts

        facts, stats = extract_facts(
            report, self.config, profile=profile, chat_model=self.chat_model
        )
        return facts, stats.usage, stats.calls

    def prose(
        self, report: Report, facts: Facts, profile: Profile, examples: list[Brief]
    ) -> ProseStep:
        from drafter.model.chains import write_prose

        prose, stats = write_prose(
            report,
            facts,
            self.config,
            profile=profile,
            examples=examples,
            chat_model=self.chat_model,
        )
        return _step(prose, stats)

    def repair(
        self,
        report: Report,
        facts: Facts,
        step: ProseStep,
        findings: list[Finding],
        profile: Profile,
    ) -> ProseStep:
        from drafter.model.chains import Prose, repair_prose

        current = Prose(headline=step.headline, paragraphs=list(step.paragraphs))
        prose, stats = repair_prose(
            report, facts, current, findings, self.config, profile=profile,
            chat_model=self.chat_model,
        )  # fmt: skip
        return _step(prose, stats)


def _step(prose: Prose, stats: CallStats) -> ProseStep:
    return ProseStep(
        headline=prose.headline,
        paragraphs=list(prose.paragraphs),
        usage=stats.usage,
        calls=stats.calls,
        prompt_id=stats.prompt_id,
        prompt_version=stats.prompt_version,
        forget=stats.forget,
    )
