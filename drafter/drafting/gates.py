"""The gates every brief passes: schema → mechanical fix + lint → faithfulness guard.

:func:`gate` is the one implementation, used for a model's draft, an offline draft,
each round of the repair loop, and an editor's text (:func:`check` and :func:`check_text`,
with ``fix=False``: the findings are on the text as given).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from drafter.brieftext import parse_brief
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, Report

__all__ = ["check", "check_text", "errors_in", "gate", "schema_findings"]


def schema_findings(brief: Brief) -> list[Finding]:
    """Structural problems that make a brief unusable: each is an error finding."""
    try:
        Brief.model_validate(brief.model_dump())
    except ValidationError as exc:
        return [
            Finding(
                rule="schema.invalid",
                severity="error",
                message=f"稿件结构不符合要求：{'.'.join(str(x) for x in e['loc'])}：{e['msg']}",
            )
            for e in exc.errors()
        ]
    findings: list[Finding] = []
    if "\n" in brief.headline.strip():
        findings.append(Finding(rule="schema.headline", severity="error", message="标题必须是一行"))
    if any(not p.strip() for p in brief.paragraphs):
        findings.append(
            Finding(rule="schema.paragraph", severity="error", message="正文中有空段落")
        )
    return findings


def gate(
    brief: Brief, report: Report | None, profile: Profile, *, fix: bool = True
) -> tuple[Brief, list[Finding]]:
    """Run the gates on ``brief``; return it (fixed, when ``fix``) and every finding.

    With ``fix`` (a machine draft) the schema is checked first, and a structurally
    unusable brief stops there with its schema findings; otherwise the mechanical
    autofix runs. Then lint (the attribution must be the report's short name unless the
    brief is a lead story) and, with a ``report``, the faithfulness guard and a warning
    when the brief records another report as its source. Without ``fix`` (an editor's
    text) nothing is changed or rejected: the findings are on the text as given.
    """
    from drafter.style import fix_brief, lint_brief

    if fix:
        problems = schema_findings(brief)
        if problems:
            return brief, problems
        brief, _changes = fix_brief(brief, profile)
    expected = None if report is None or brief.lead else report.org_short
    findings = list(lint_brief(brief, profile, expected_attribution=expected))
    if report is None:
        return brief, findings
    from drafter.guard.faithfulness import check_faithfulness

    findings += check_faithfulness(brief, report, profile, main_org=report.org_short)
    if brief.source_id is not None and brief.source_id != report.id:
        findings.append(
            Finding(
                rule="check.source",
                severity="warning",
                message=f"稿件记录的来源材料（{brief.source_id}）与所给材料（{report.id}）不是同一份",
            )
        )
    return brief, findings


def check(
    brief: Brief | str,
    source: Report | str | None = None,
    *,
    profile: Profile | None = None,
) -> list[Finding]:
    """Lint and guard any brief (a draft or one an editor wrote) against its source.

    A ``str`` brief is Markdown or Brief JSON; a ``str`` source is the report's text.
    Without a source only lint runs. Nothing is fixed: the findings are on the text
    as given.
    """
    profile = profile or load_profile()
    if isinstance(brief, str):
        brief = parse_brief(brief, profile=profile)
    if isinstance(source, str):
        from drafter.ingest.report import report_from_text

        source = report_from_text(source, profile=profile)
    return gate(brief, source, profile, fix=False)[1]


def check_text(
    text: str,
    source: Report | str | None = None,
    *,
    profile: Profile | None = None,
    source_file: str | None = None,
) -> list[Finding]:
    """:func:`check` a brief's file text (Markdown or Brief JSON); locations are the file's.

    Findings point at the file's blocks and lines (where the file lines up with the
    parsed brief), as a person opening ``source_file`` reads it.
    """
    from drafter.style.locate import locate_in_file

    profile = profile or load_profile()
    brief = parse_brief(text, profile=profile, source_file=source_file)
    return locate_in_file(check(brief, source, profile=profile), text, brief)


def errors_in(findings: Sequence[Finding]) -> list[Finding]:
    """The findings of severity ``error``: what keeps a brief from being ``ready``."""
    return [f for f in findings if f.severity == "error"]
