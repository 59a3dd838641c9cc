"""What the store teaches: editor-effort statistics, eval cases, few-shot examples.

The edit ratio (see :mod:`drafter.store.workflow`) is the product's quality figure: how
much of a machine draft editors had to change before accepting it. :func:`stats`
groups it by engine / model / prompt version and by org kind, and counts the lint
and guard findings editors fixed by hand (present in the draft, gone after revision).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from drafter.brieftext import render_brief_md
from drafter.errors import InputError
from drafter.schemas import Brief, Finding
from drafter.store.database import DraftRecord, Store

__all__ = [
    "DEFAULT_EXAMPLE_BUDGET",
    "export_evals",
    "few_shot_examples",
    "parse_since",
    "stats",
]

DEFAULT_EXAMPLE_BUDGET = 1500
"""Tokens the few-shot examples may take together (drafting may cut further)."""


def parse_since(value: str | None) -> str | None:
    """``YYYY-MM-DD`` (local midnight) or an ISO datetime → the store's UTC timestamp."""
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        when = (
            dt.datetime.combine(dt.date.fromisoformat(raw), dt.time())
            if len(raw) == 10
            else dt.datetime.fromisoformat(raw)
        )
    except ValueError:
        raise InputError(
            f"无法识别的日期：{raw}",
            hint="请写成 2026-05-08 或 2026-05-08T09:00",
            value=raw,
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # the user's local time zone
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "drafts": len(values),
        "edit_ratio_mean": statistics.fmean(values) if values else None,
        "edit_ratio_median": statistics.median(values) if values else None,
    }


def _finding_keys(findings: Iterable[Finding]) -> Counter[tuple[str, str]]:
    return Counter((f.rule, f.excerpt or "") for f in findings)


def stats(store: Store, *, since: str | None = None) -> dict[str, Any]:
    """Counts, acceptance rate and edit ratios of drafts created at or after ``since``.

    ``acceptance_rate`` = accepted ÷ (accepted + rejected); a draft revised but not yet
    accepted counts as revised and pending. Edit ratios cover every draft an editor
    accepted or revised (0 for accepted as is).
    """
    drafts = store.list_drafts(since=parse_since(since))
    latest = store.latest_revisions()
    counts = Counter(d.status for d in drafts)
    accepted, rejected = counts["accepted"], counts["rejected"]
    measured = [d for d in drafts if d.edit_ratio is not None]

    by_model: dict[tuple[str | None, ...], list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for d in measured:
        assert d.edit_ratio is not None
        by_model[(d.engine, d.model, d.prompt_id, d.prompt_version)].append(d.edit_ratio)
        by_kind[d.kind].append(d.edit_ratio)

    fixed: Counter[str] = Counter()
    for d in drafts:
        rev = latest.get(d.id)
        if rev is None:
            continue
        gone = _finding_keys(d.findings) - _finding_keys(rev.findings)
        for (rule, _excerpt), n in gone.items():
            fixed[rule] += n

    def ranked(guard: bool) -> list[dict[str, Any]]:
        return [
            {"rule": rule, "fixed_count": n}
            for rule, n in fixed.most_common()
            if rule.startswith("guard.") == guard
        ]

    return {
        "since": parse_since(since),
        "submitted": len(drafts),
        "drafted": sum(1 for d in drafts if d.brief is not None),
        "draft_failed": counts["failed"],
        "accepted": accepted,
        "accepted_unchanged": sum(
            1 for d in drafts if d.status == "accepted" and d.revision_count == 0
        ),
        "revised": sum(1 for d in drafts if d.revision_count > 0),
        "rejected": rejected,
        "pending": sum(counts[s] for s in ("submitted", "drafted", "revised")),
        "published": sum(1 for d in drafts if d.published_issue_id is not None),
        "acceptance_rate": accepted / (accepted + rejected) if accepted + rejected else None,
        "edit_ratio": _summary([d.edit_ratio for d in measured if d.edit_ratio is not None]),
        "edit_ratio_by_model": [
            {
                "engine": key[0],
                "model": key[1],
                "prompt_id": key[2],
                "prompt_version": key[3],
                **_summary(values),
            }
            for key, values in sorted(by_model.items(), key=lambda kv: [str(k) for k in kv[0]])
        ],
        "edit_ratio_by_org_kind": [
            {"org_kind": kind, **_summary(values)} for kind, values in sorted(by_kind.items())
        ],
        "lint_rules_fixed_by_hand": ranked(guard=False),
        "guard_findings_fixed_by_hand": ranked(guard=True),
        "drafts": [
            {
                "draft_id": d.id,
                "status": d.display_status,
                "org": d.org_short or d.org,
                "org_kind": d.kind,
                "engine": d.engine,
                "revisions": d.revision_count,
                "edit_ratio": d.edit_ratio,
            }
            for d in measured
        ],
    }


def _final(store: Store, d: DraftRecord) -> Brief | None:
    return store.final_brief(d)


def few_shot_examples(
    store: Store,
    kind: str,
    *,
    budget_tokens: int = DEFAULT_EXAMPLE_BUDGET,
    limit: int = 3,
    count: Callable[[str], int] | None = None,
) -> list[Brief]:
    """Accepted briefs of org ``kind``, newest first, within ``budget_tokens`` together."""
    candidates = store.list_drafts(["accepted"], kind=kind)
    if not candidates:
        return []
    if count is None:
        from drafter.model.tokens import count_tokens

        count = count_tokens
    chosen: list[Brief] = []
    used = 0
    for d in reversed(candidates):
        if len(chosen) >= limit:
            break
        brief = _final(store, d)
        if brief is None:
            continue
        cost = count(render_brief_md(brief))
        if used + cost > budget_tokens:
            continue  # a shorter one further back may still fit
        chosen.append(brief)
        used += cost
    return chosen


def _date_lead(brief: Brief) -> str | None:
    if brief.event_date is None:
        return None
    return f"{brief.event_date.month}月{brief.event_date.day}日"


def export_evals(store: Store, out: Path, *, since: str | None = None) -> list[Path]:
    """Write accepted and revised drafts as eval cases (``evals/cases`` layout).

    Each case is ``<out>/store-<draft id>/`` with ``case.yaml`` (the fields of
    :class:`drafter.eval.scorers.Case`), ``report.txt`` (the cleaned report) and
    ``golden.md`` (the editor's final text). Returns the case directories.
    """
    from drafter.eval.scorers import Case

    if out.exists() and not out.is_dir():
        raise InputError(f"{out} 不是目录", hint="--out 请指定一个目录", path=str(out))
    written: list[Path] = []
    for d in store.list_drafts(["accepted", "revised"], since=parse_since(since)):
        golden = _final(store, d)
        if golden is None:
            continue
        report = store.get_report(d.report_id).report
        case_id = f"store-{d.id:05d}"
        case = Case(
            id=case_id,
            report="report.txt",
            org=report.org,
            kind=report.kind,
            title=report.title,
            received=report.received,
            lead=golden.lead,
            expected_section=golden.section,
            expected_attribution=golden.attribution or "",
            expected_date=_date_lead(golden),
            golden="golden.md",
            tags=["from-store", "revised" if d.revision_count else "accepted-as-is"],
        )
        where = out / case_id
        where.mkdir(parents=True, exist_ok=True)
        (where / "report.txt").write_text(report.text.rstrip() + "\n", encoding="utf-8")
        (where / "golden.md").write_text(render_brief_md(golden), encoding="utf-8")
        data = case.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        (where / "case.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        written.append(where)
    return written
