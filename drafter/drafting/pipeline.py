"""The drafting pipeline: engine → gates → bounded repair → Brief.

One report in, one :class:`~drafter.schemas.Brief` out. The engine is the offline
extractive engine when no model is configured, else the model chain (facts, then prose).
The model writes prose only (headline + paragraphs); attribution, event date, section
and lead flag are set here from the report's fields (:func:`place`).

Every brief passes the same gates (:func:`drafter.drafting.gates.gate`): schema
validation, mechanical autofix plus lint, and the faithfulness guard. While error
findings remain and the repair budget lasts, the model is asked to repair its prose,
given the current prose and only the current findings. The result is ``ready`` or
``needs_review`` with its findings; it is never silently shipped and never dropped.
The model is reached through a :class:`~drafter.drafting.backend.ModelBackend`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from drafter.brieftext import split_attribution, split_paragraphs
from drafter.drafting.backend import ChainBackend, ModelBackend, ProseStep
from drafter.drafting.examples import example_share, select_examples
from drafter.drafting.gates import errors_in, gate, schema_findings
from drafter.errors import ModelError, OutputValidationError
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Facts, Finding, Provenance, Report, TokenUsage

if TYPE_CHECKING:
    from drafter.model.config import ModelConfig

__all__ = ["draft", "place"]

log = logging.getLogger(__name__)


# -- placement: everything that is not prose comes from fields -------------------------


def place(brief: Brief, report: Report, profile: Profile) -> Brief:
    """Set attribution, section, lead flag, kind and source id from the report.

    Whatever the engine wrote there is overwritten: a model's own attribution at the end
    of its last paragraph is cut off, and the report's short name is used instead.
    """
    lead = profile.is_lead(report.kind, flagged=report.lead)
    paragraphs = _clean_paragraphs(brief.paragraphs)
    return brief.model_copy(
        update={
            "headline": _clean_headline(brief.headline),
            "paragraphs": paragraphs or brief.paragraphs,
            "attribution": None if lead else report.org_short,
            "section": profile.section_of(report.kind, lead=lead),
            "lead": lead,
            "kind": report.kind,
            "source_id": report.id,
        }
    )


def _clean_headline(headline: str) -> str:
    line = headline.strip().splitlines()[0] if headline.strip() else headline
    return line.lstrip("#").strip().strip("*").strip() or headline


def _clean_paragraphs(paragraphs: Sequence[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out.extend(split_paragraphs(p))
    if out:
        body, _attr = split_attribution(out[-1])
        if body:
            out[-1] = body
        else:
            out.pop()
    return out


def _finish(brief: Brief, findings: list[Finding], provenance: Provenance) -> Brief:
    status = "needs_review" if errors_in(findings) else "ready"
    return brief.model_copy(
        update={"findings": findings, "status": status, "provenance": provenance}
    )


# -- the pipeline ---------------------------------------------------------------------


def draft(
    report: Report,
    *,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    model: str | None = None,
    examples: Iterable[Brief] | None = None,
    max_repairs: int | None = None,
    backend: ModelBackend | None = None,
) -> Brief:
    """Draft a brief from ``report``: offline when no model is configured.

    ``model`` (a model name or ``"offline"``) is used only when ``config`` is not given;
    ``backend`` replaces the model chain (evaluation, tests). ``examples`` are accepted
    briefs in order of preference (newest first); :func:`select_examples` picks those
    offered to the model as few-shot examples, reading them lazily. ``max_repairs``
    defaults to ``config.max_repairs``, then to ``profile.model.max_repairs``.

    Raises :class:`ModelError` when the endpoint fails after its retries, and
    :class:`OutputValidationError` when no answer ever passed schema validation.
    """
    profile = profile or load_profile()
    if max_repairs is None and config is not None:
        max_repairs = config.max_repairs
    if backend is None:
        config = config or _resolve_config(model, profile)
        if config.is_offline:
            return _draft_offline(report, profile)
        backend = ChainBackend(config)
    repairs = profile.model.max_repairs if max_repairs is None else max(0, max_repairs)
    limit = config.deadline if config is not None else None
    if limit is None:
        return _draft_model(report, profile, backend, examples or (), repairs)
    from drafter.model.transport import deadline

    # One deadline for the whole brief: facts, prose, repairs and their retries.
    with deadline(limit):
        return _draft_model(report, profile, backend, examples or (), repairs)


def _resolve_config(model: str | None, profile: Profile) -> ModelConfig:
    from drafter.model.config import ModelConfig

    return ModelConfig.resolve(model=model, profile=profile)


def _draft_offline(report: Report, profile: Profile) -> Brief:
    from drafter.offline.engine import draft_offline

    brief = place(draft_offline(report, profile), report, profile)
    fixed, findings = gate(brief, report, profile)
    provenance = brief.provenance.model_copy(
        update={"engine": "offline", "calls": 0, "attempts": 1, "source_file": report.source_path}
    )
    return _finish(fixed, findings, provenance)


@dataclass
class _Tally:
    usage: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 0
    attempts: int = 0

    def add(self, usage: TokenUsage, calls: int) -> None:
        self.usage = self.usage + usage
        self.calls += calls


# The model-backed draft is one generator shared by the thread and the async paths: it
# yields each backend call it needs as ``(step, args)`` ("facts", "prose", "repair") and
# is sent the result, or thrown the step's exception; a driver makes the calls.
_Call = tuple[str, tuple[Any, ...]]


def _draft_model(
    report: Report,
    profile: Profile,
    backend: ModelBackend,
    examples: Iterable[Brief],
    max_repairs: int,
) -> Brief:
    steps = _draft_steps(report, profile, backend.model_name, examples, max_repairs)
    call = next(steps)
    while True:
        step, args = call
        try:
            result = getattr(backend, step)(*args)
        except Exception as exc:
            try:
                call = steps.throw(exc)
            except StopIteration as stop:
                return cast(Brief, stop.value)
            continue
        try:
            call = steps.send(result)
        except StopIteration as stop:
            return cast(Brief, stop.value)


def _draft_steps(
    report: Report,
    profile: Profile,
    model_name: str | None,
    examples: Iterable[Brief],
    max_repairs: int,
) -> Generator[_Call, Any, Brief]:
    tally = _Tally()
    facts = yield from _facts(report, profile, tally, 1 + max_repairs)
    shots = select_examples(examples, report.kind, share=example_share(profile))
    event_date = _event_date(facts, report)

    step: ProseStep | None = None  # the latest prose that passed schema validation
    brief: Brief | None = None
    findings: list[Finding] = []
    failure: OutputValidationError | None = None  # of the latest attempt, if it failed
    prompt: tuple[str | None, str | None] = (None, None)  # the drafting prompt, not repair's
    for attempt in range(1 + max_repairs):
        tally.attempts = attempt + 1
        try:
            if step is None:
                candidate = yield ("prose", (report, facts, profile, shots))
                prompt = (candidate.prompt_id, candidate.prompt_version)
            else:
                # Only the current findings: earlier failed attempts are not piled on.
                candidate = yield ("repair", (report, facts, step, findings, profile))
            tally.add(candidate.usage, candidate.calls)
            try:
                built = _build(candidate, report, profile, event_date)
            except OutputValidationError:
                if candidate.forget is not None:
                    candidate.forget()  # valid JSON, unusable brief: never served again
                raise
        except OutputValidationError as exc:
            failure = exc
            tally.add(_usage_of(exc), int(exc.usage.get("calls", 1)))
            log.info("attempt %d: output failed schema validation", attempt + 1)
            continue
        except ModelError as exc:
            _with_context(exc, report)
            raise
        failure = None
        brief, findings = gate(built, report, profile)
        # A repair starts from the autofixed prose: the findings' locations refer to it.
        step = replace(candidate, headline=brief.headline, paragraphs=list(brief.paragraphs))
        if not errors_in(findings):
            break

    if brief is None or step is None:
        raise OutputValidationError(
            f"模型输出在 {tally.attempts} 次尝试中都不符合格式要求"
            + (f"：{failure.message}" if failure else ""),
            hint="可换用 --method json_mode 或 function_calling 再试，或改用 --model offline",
            raw_output=failure.raw_output if failure else "",
            attempts=tally.attempts,
            usage={
                "prompt_tokens": tally.usage.prompt_tokens,
                "completion_tokens": tally.usage.completion_tokens,
            },
            report_id=report.id,
            source=report.source_path,
        )
    if failure is not None:
        # The last repair was unusable: the previous prose stands, and says so.
        findings = [*findings, _schema_failure(failure, tally.attempts)]
    provenance = Provenance(
        engine="model",
        model=model_name,
        prompt_id=prompt[0],
        prompt_version=prompt[1],
        usage=tally.usage,
        calls=tally.calls,
        attempts=tally.attempts,
        source_file=report.source_path,
    )
    return _finish(brief, findings, provenance)


def _facts(
    report: Report, profile: Profile, tally: _Tally, tries: int
) -> Generator[_Call, Any, Facts]:
    """Extract facts; a malformed answer is retried within the same bound as prose."""
    for attempt in range(1, tries + 1):
        try:
            answer: tuple[Facts, TokenUsage, int] = yield ("facts", (report, profile))
        except OutputValidationError as exc:
            tally.add(_usage_of(exc), int(exc.usage.get("calls", 1)))
            if attempt == tries:
                _with_context(exc, report)
                raise
            log.info("facts attempt %d: output failed schema validation", attempt)
            continue
        except ModelError as exc:
            _with_context(exc, report)
            raise
        facts, usage, calls = answer
        tally.add(usage, calls)
        return facts
    raise AssertionError("unreachable")  # pragma: no cover


def _schema_failure(exc: OutputValidationError, attempt: int) -> Finding:
    return Finding(
        rule="schema.invalid",
        severity="error",
        message=f"第{attempt}次尝试的模型输出不符合格式要求，保留上一稿：{exc.message}",
        excerpt=exc.raw_output[:200] or None,
    )


def _build(step: ProseStep, report: Report, profile: Profile, event_date: dt.date | None) -> Brief:
    """Prose + fields → Brief; a structurally unusable answer is a failed attempt."""
    raw_text = step.headline + "\n" + "\n".join(step.paragraphs)
    paragraphs = _clean_paragraphs(step.paragraphs)
    headline = _clean_headline(step.headline)
    if not headline.strip() or not paragraphs:
        raise OutputValidationError(
            "模型输出缺少标题或正文", raw_output=raw_text, attempts=1, usage={"calls": 0}
        )
    brief = place(
        Brief(
            headline=headline,
            paragraphs=paragraphs,
            section="lead",
            event_date=event_date,
            provenance=Provenance(engine="model"),
        ),
        report,
        profile,
    )
    problems = schema_findings(brief)
    if problems:
        raise OutputValidationError(
            f"模型输出不符合稿件格式：{problems[0].message}",
            raw_output=raw_text,
            attempts=1,
            usage={"calls": 0},
        )
    return brief


def _event_date(facts: Facts, report: Report) -> dt.date | None:
    """The first extracted event date whose wording the report really contains."""
    for d in facts.event_dates:
        if d.date is not None and d.text and d.text in report.text:
            return d.date
    return None


def _with_context(exc: ModelError, report: Report) -> None:
    exc.context.setdefault("report_id", report.id)
    if report.source_path:
        exc.context.setdefault("source", report.source_path)


def _usage_of(exc: OutputValidationError) -> TokenUsage:
    return TokenUsage(
        prompt_tokens=int(exc.usage.get("prompt_tokens", 0)),
        completion_tokens=int(exc.usage.get("completion_tokens", 0)),
        estimated=bool(exc.usage.get("estimated", 0)),
    )
