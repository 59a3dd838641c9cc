"""The gate a stored brief passes before it is accepted, put in an issue or published.

The brief's *current* text (the editor's last revision, else the machine draft) is
checked afresh by :func:`drafter.drafting.gates.gate` (lint, then the faithfulness
guard against its source report; nothing is fixed). Errors refuse it with
:class:`~drafter.errors.GateError` (exit 1) unless the editor forces it with a reason,
which the event log keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from drafter.errors import GateError, InputError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Report

__all__ = ["CheckFn", "check_brief", "describe_finding", "override", "refuse_errors"]

CheckFn = Callable[[Brief, Report, Profile], list[Finding]]
"""(brief, source report, profile) → lint and guard findings."""

_SHOWN = 8


def check_brief(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
    """Lint ``brief`` and check it against ``report``, as given (nothing fixed)."""
    from drafter.drafting.gates import gate

    return gate(brief, report, profile, fix=False)[1]


def describe_finding(f: Finding) -> str:
    """One finding as a message names it: rule, where, message, excerpt."""
    where = ""
    if f.location is not None:
        where = "标题" if f.location.paragraph == -1 else f"第{f.location.paragraph + 1}段"
    excerpt = f"“{f.excerpt}”" if f.excerpt else ""
    return " ".join(x for x in (f.rule, where, f.message, excerpt) if x)


def override(why: str | None, force: bool) -> str | None:
    """The editor's reason for forcing past the gate (required with ``force``)."""
    if not force:
        return None
    reason = (why or "").strip()
    if not reason:
        raise InputError(
            "强制通过检查必须说明理由", hint='例如 --force --why "数字已与报送单位电话核实"'
        )
    return reason


def refuse_errors(
    label: str, findings: Sequence[Finding], *, action: str, hint: str, **context: Any
) -> list[Finding]:
    """Raise :class:`GateError` naming the errors in ``findings``; return them when none."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        shown = "；".join(describe_finding(f) for f in errors[:_SHOWN])
        more = f"；另有{len(errors) - _SHOWN}处" if len(errors) > _SHOWN else ""
        raise GateError(
            f"{label}有{len(errors)}处错误，不能{action}：{shown}{more}",
            findings=errors,
            hint=hint,
            **context,
        )
    return errors
