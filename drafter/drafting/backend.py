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

__all__ = ["AsyncChainBackend", "ChainBackend", "ModelBackend", "ProseStep", "local_facts"]


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
        # Its requests go through drafter's bounded HTTP client, which takes the
        # scheduler's slot (transport.model_slot) only while a request is on the wire.
        self.slots_at_transport = chat_model is None

    def answers_locally(self, step: str, report: Report) -> bool:
        """Whether ``step`` needs no model call: the facts of a short report.

        A report under ``config.facts_min_tokens`` goes whole into the prose prompt, so
        a facts call would only repeat it; its dates are found by :mod:`drafter.text`.
        The schedulers give such a step no model slot.
        """
        from drafter.model.tokens import count_tokens

        return step == "facts" and count_tokens(report.text) < self.config.facts_min_tokens

    def facts(self, report: Report, profile: Profile) -> tuple[Facts, TokenUsage, int]:
        """The report's facts: from the model, or for a short report found locally."""
        if self.answers_locally("facts", report):
            return local_facts(report), TokenUsage(), 0
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


class AsyncChainBackend(ChainBackend):
    """:class:`ChainBackend` with ``ainvoke`` twins of its steps (``afacts``, ``aprose``,
    ``arepair``), which :func:`~drafter.drafting.pipeline.adraft` awaits."""

    async def afacts(self, report: Report, profile: Profile) -> tuple[Facts, TokenUsage, int]:
        from drafter.model.chains import aextract_facts

        if self.answers_locally("facts", report):
            return local_facts(report), TokenUsage(), 0
        facts, stats = await aextract_facts(
            report, self.config, profile=profile, chat_model=self.chat_model
        )
        return facts, stats.usage, stats.calls

    async def aprose(
        self, report: Report, facts: Facts, profile: Profile, examples: list[Brief]
    ) -> ProseStep:
        from drafter.model.chains import awrite_prose

        prose, stats = await awrite_prose(
            report, facts, self.config, profile=profile, examples=examples,
            chat_model=self.chat_model,
        )  # fmt: skip
        return _step(prose, stats)

    async def arepair(
        self,
        report: Report,
        facts: Facts,
        step: ProseStep,
        findings: list[Finding],
        profile: Profile,
    ) -> ProseStep:
        from drafter.model.chains import Prose, arepair_prose

        current = Prose(headline=step.headline, paragraphs=list(step.paragraphs))
        prose, stats = await arepair_prose(
            report, facts, current, findings, self.config, profile=profile,
            chat_model=self.chat_model,
        )  # fmt: skip
        return _step(prose, stats)


def local_facts(report: Report) -> Facts:
    """Facts found without a model: the report's event dates.

    A date without a year takes the receipt's year, else the first year the report
    writes (“2026年学术年会”), as the offline engine does.
    """
    import contextlib
    import datetime as dt
    import re

    from drafter.text.dates import find_event_dates

    found = find_event_dates(report.text, anchor=report.received)
    year = re.search(r"(20\d{2})\s*年", report.text)
    dates = []
    for d in found:
        m = re.fullmatch(r"\s*(\d{1,2})月(\d{1,2})日.*", d.text, re.S)
        if d.date is None and year and m:
            month, day = map(int, m.groups())
            with contextlib.suppress(ValueError):  # 2月30日 stays undated
                d = d.model_copy(update={"date": dt.date(int(year.group(1)), month, day)})
        dates.append(d)
    return Facts(event_dates=dates)


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
