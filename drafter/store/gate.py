"""The gate a stored brief passes before it is accepted, put in an issue or published.

The brief's *current* text (the editor's last revision, else the machine draft) is
checked afresh by :func:`drafter.drafting.gates.gate` (lint, then the faithfulness
guard against its source report; nothing is fixed). Errors refuse it with
:class:`~drafter.errors.GateError` (exit 1) unless the editor forces it with a reason,
which the event log keeps.

What must hold before each transition (accept, add_to_issue, publish) is data in the
profile (``[transitions]``); :func:`checklist` evaluates those checks for one brief,
the pages show the result as a checklist and :func:`enforce` refuses the transition
with the same list, so the web and the CLI run one check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from drafter.errors import GateError, InputError, ProfileError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Report

__all__ = [
    "CHECKS",
    "CheckFn",
    "CheckItem",
    "blocking_errors",
    "check_brief",
    "checklist",
    "describe_finding",
    "enforce",
    "override",
    "refuse_errors",
    "undated_lead",
]

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


CHECKS: dict[str, str] = {
    "no_lint_error": "没有格式错误（lint）",
    "no_guard_error": "没有事实核查错误（guard）",
    "override_has_reason": "强制通过时写明理由",
    "changes_have_note": "采用修改稿时给报送人写明说明",
    "lead_has_date": "头条写明活动日期",
}
"""Every check a profile's ``[transitions]`` may name, with its label on the page."""


@dataclass(frozen=True)
class CheckItem:
    """One line of a transition's checklist: ``ok``, ``fail`` or ``overridden`` (forced)."""

    id: str
    label: str
    state: Literal["ok", "fail", "overridden"]
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state != "fail"


def checklist(
    profile: Profile,
    action: str,
    brief: Brief | None,
    findings: Sequence[Finding] = (),
    *,
    reason: str | None = None,
    revised: bool = False,
    note: bool = False,
) -> list[CheckItem]:
    """The profile's checks for ``action`` on ``brief``: each ok, failed or overridden.

    ``reason`` is a forcing editor's reason (errors are then overridden, not failed);
    ``revised`` says the text under decision is an editor's, ``note`` that the
    contributor has been (or is being) told why.
    """
    items: list[CheckItem] = []
    for check in profile.transitions.get(action, []):
        if check not in CHECKS:
            raise ProfileError(
                f"配置 transitions.{action} 中有未知的检查：{check}",
                hint=f"可用的检查：{', '.join(CHECKS)}",
            )
        bad: list[str] = []
        if check in ("no_lint_error", "no_guard_error"):
            guard = check == "no_guard_error"
            bad = [
                describe_finding(f)
                for f in findings
                if f.severity == "error" and f.rule.startswith("guard.") == guard
            ]
        elif check == "changes_have_note" and revised and not note:
            bad = ["请填写给报送人的说明（改了什么、为什么）"]
        elif check == "lead_has_date" and brief is not None and brief.lead and not brief.event_date:
            bad = ["头条稿没有活动日期"]
        state: Literal["ok", "fail", "overridden"] = "ok"
        if bad:
            state = (
                "overridden" if reason and check in ("no_lint_error", "no_guard_error") else "fail"
            )
        items.append(CheckItem(check, CHECKS[check], state, "；".join(bad[:_SHOWN])))
    return items


def enforce(
    items: Sequence[CheckItem], label: str, *, action: str, hint: str, **context: Any
) -> None:
    """Refuse the transition (:class:`GateError`) naming every failed check."""
    failed = [i for i in items if not i.ok]
    if failed:
        shown = "；".join(f"{i.label}：{i.detail}" if i.detail else i.label for i in failed)
        raise GateError(f"{label}不能{action}：{shown}", hint=hint, **context)


def blocking_errors(findings: Sequence[Finding], profile: Profile, action: str) -> list[Finding]:
    """The error findings that refuse ``action`` under the profile's checks for it."""
    checks = profile.transitions.get(action, [])
    return [
        f
        for f in findings
        if f.severity == "error"
        and ("no_guard_error" if f.rule.startswith("guard.") else "no_lint_error") in checks
    ]


def undated_lead(brief: Brief, profile: Profile, action: str) -> bool:
    """Whether ``brief`` is a lead without a date where the profile requires one."""
    return "lead_has_date" in profile.transitions.get(action, []) and bool(
        brief.lead and not brief.event_date
    )
