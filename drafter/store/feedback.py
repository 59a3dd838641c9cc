"""What the store teaches: editor-effort statistics, eval cases, few-shot examples.

The edit ratio (:func:`drafter.brieftext.edit_ratio`) is the product's quality figure: how
much of a machine draft editors had to change before accepting it. :func:`stats`
groups it by engine / model / prompt version and by org kind, and counts the lint
and guard findings editors fixed by hand (present in the draft, gone after revision).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from drafter.brieftext import render_brief_md
from drafter.errors import InputError
from drafter.schemas import Brief
from drafter.store.database import Store
from drafter.store.records import DraftRecord
from drafter.text.dates import parse_user_date
from drafter.text.files import write_atomic

__all__ = [
    "WEEKLY_GROUPS",
    "accepted_examples",
    "export_evals",
    "few_shot_examples",
    "parse_since",
    "stats",
    "weekly_stats",
]


def parse_since(value: str | None) -> str | None:
    """A date (local midnight) or an ISO datetime a user typed → the store's UTC timestamp.

    Dates take every form :func:`~drafter.text.dates.parse_user_date` reads
    (``2026-05-08``, ``2026/5/8``, ``2026年5月8日``); ``2026-05-08T09:00`` is a datetime.
    """
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        when = dt.datetime.combine(parse_user_date(raw), dt.time())
    except InputError:
        try:
            when = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise InputError(
                f"无法识别的日期：{raw}",
                hint="请写成 2026-05-08、2026年5月8日 或 2026-05-08T09:00",
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


def _finding_keys(findings: Iterable[Mapping[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((f["rule"], f.get("excerpt") or "") for f in findings)


# One row a draft with only what the figures need: parsing every draft's brief and
# findings into models (what list_drafts does) took 1.5 s at 10,000 drafts. The current
# text (the last revision's, else the machine draft's) is fetched only where a headline
# is shown: drafts under review and drafts an editor accepted or revised.
_STATS_SQL = """
SELECT d.id, d.status, d.engine, d.model, d.prompt_id, d.prompt_version, d.edit_ratio,
       d.published_issue_id, d.findings_json, r.org, r.org_short, r.kind,
       d.brief_json IS NOT NULL AS drafted,
       (SELECT COUNT(*) FROM revisions c WHERE c.draft_id = d.id) AS revision_count,
       v.findings_json AS revision_findings_json,
       CASE WHEN d.edit_ratio IS NOT NULL OR d.status IN ('drafted', 'revised')
            THEN COALESCE(v.brief_json, d.brief_json) END AS shown_brief_json
FROM drafts d JOIN reports r ON r.id = d.report_id
LEFT JOIN revisions v ON v.draft_id = d.id
     AND v.number = (SELECT MAX(w.number) FROM revisions w WHERE w.draft_id = d.id)
"""


def stats(store: Store, *, since: str | None = None) -> dict[str, Any]:
    """Counts, acceptance rate and edit ratios of drafts created at or after ``since``.

    ``acceptance_rate`` = accepted ÷ (accepted + rejected); a draft revised but not yet
    accepted counts as revised and pending. Edit ratios cover every draft an editor
    accepted or revised (0 for accepted as is).
    """
    start = parse_since(since)
    sql = _STATS_SQL + (" WHERE d.created_at >= :since" if start else "") + " ORDER BY d.id"
    drafts = store._query(sql, {"since": start} if start else {})
    counts = Counter(d["status"] for d in drafts)
    accepted, rejected = counts["accepted"], counts["rejected"]
    measured = [d for d in drafts if d["edit_ratio"] is not None]

    by_model: dict[tuple[str | None, ...], list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for d in measured:
        key = (d["engine"], d["model"], d["prompt_id"], d["prompt_version"])
        by_model[key].append(d["edit_ratio"])
        by_kind[d["kind"]].append(d["edit_ratio"])

    fixed: Counter[str] = Counter()
    errors: dict[int, int] = {}  # of the current text, for the drafts whose headline is shown
    headlines: dict[int, str | None] = {}
    for d in drafts:
        revised = d["revision_findings_json"] is not None
        if revised:
            gone = _finding_keys(json.loads(d["findings_json"] or "[]")) - _finding_keys(
                json.loads(d["revision_findings_json"])
            )
            for (rule, _excerpt), n in gone.items():
                fixed[rule] += n
        if d["edit_ratio"] is not None or d["status"] in ("drafted", "revised"):  # as the SQL
            current = d["revision_findings_json"] if revised else d["findings_json"]
            errors[d["id"]] = sum(
                1 for f in json.loads(current or "[]") if f.get("severity") == "error"
            )
            brief = d["shown_brief_json"]
            headlines[d["id"]] = json.loads(brief)["headline"] if brief else None

    def ranked(guard: bool) -> list[dict[str, Any]]:
        return [
            {"rule": rule, "fixed_count": n}
            for rule, n in fixed.most_common()
            if rule.startswith("guard.") == guard
        ]

    return {
        "since": start,
        "submitted": len(drafts),
        "drafted": sum(1 for d in drafts if d["drafted"]),
        "draft_failed": counts["failed"],
        "accepted": accepted,
        "accepted_unchanged": sum(
            1 for d in drafts if d["status"] == "accepted" and d["revision_count"] == 0
        ),
        "revised": sum(1 for d in drafts if d["revision_count"] > 0),
        "rejected": rejected,
        "pending": sum(counts[s] for s in ("submitted", "drafted", "revised")),
        "pending_with_errors": [
            {"draft_id": d["id"], "headline": headlines[d["id"]], "error_count": errors[d["id"]]}
            for d in drafts
            if d["status"] in ("drafted", "revised") and errors[d["id"]]
        ],
        "published": sum(1 for d in drafts if d["published_issue_id"] is not None),
        "acceptance_rate": accepted / (accepted + rejected) if accepted + rejected else None,
        "edit_ratio": _summary([d["edit_ratio"] for d in measured]),
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
                "draft_id": d["id"],
                "status": "published" if d["published_issue_id"] is not None else d["status"],
                "org": d["org_short"] or d["org"],
                "org_kind": d["kind"],
                "engine": d["engine"],
                "headline": headlines[d["id"]],
                "error_count": errors[d["id"]],
                "revisions": d["revision_count"],
                "edit_ratio": d["edit_ratio"],
            }
            for d in measured
        ],
    }


def iso_week(created_at: str) -> str:
    """The ISO week (``2026-W19``, local time) of a store timestamp."""
    year, week, _day = dt.datetime.fromisoformat(created_at).astimezone().isocalendar()
    return f"{year}-W{week:02d}"


WEEKLY_GROUPS = ("org_kind", "model")
"""What :func:`weekly_stats` groups by: organization kind, or engine/model/prompt version."""


# Only the columns the weekly figures need: parsing every draft's brief and findings
# (what list_drafts does) made the stats page take seconds at 10,000 drafts.
_WEEKLY_SQL = (
    "SELECT d.created_at, d.status, d.edit_ratio, d.engine, d.model, d.prompt_id,"
    " d.prompt_version, r.kind FROM drafts d JOIN reports r ON r.id = d.report_id"
)
_MODEL_COLUMNS = ("engine", "model", "prompt_id", "prompt_version")


def weekly_stats(
    store: Store, *, since: str | None = None, by: str = "org_kind"
) -> list[dict[str, Any]]:
    """Acceptance and edit ratio per ISO week and group, oldest week first.

    ``by="org_kind"`` groups by organization kind (rows carry ``org_kind``);
    ``by="model"`` by what drafted it (rows carry ``engine``, ``model``, ``prompt_id``
    and ``prompt_version``, ``None`` where the draft has none). A draft counts in the
    week it was created (local time), like :func:`stats`'s ``since``. Each row also
    has ``week``, ``drafts``, ``accepted``, ``rejected``, ``acceptance_rate`` (accepted
    ÷ decided, ``None`` when nothing was decided) and ``edit_ratio_mean`` (over drafts
    an editor accepted or revised, else ``None``).
    """
    if by not in WEEKLY_GROUPS:
        raise InputError(f"未知的分组方式：{by}", hint="可选 org_kind 或 model", value=by)
    start = parse_since(since)
    sql = _WEEKLY_SQL + (" WHERE d.created_at >= :since" if start else "") + " ORDER BY d.id"
    columns = ("kind",) if by == "org_kind" else _MODEL_COLUMNS
    groups: dict[tuple[str, tuple[str, ...]], list[Any]] = defaultdict(list)
    for row in store._query(sql, {"since": start} if start else {}):
        key = tuple(row[c] or "" for c in columns)
        groups[(iso_week(row["created_at"]), key)].append(row)
    rows: list[dict[str, Any]] = []
    for (week, group_key), drafts in sorted(groups.items()):
        accepted = sum(1 for d in drafts if d["status"] == "accepted")
        rejected = sum(1 for d in drafts if d["status"] == "rejected")
        ratios = [d["edit_ratio"] for d in drafts if d["edit_ratio"] is not None]
        decided = accepted + rejected
        group: dict[str, Any] = (
            {"org_kind": group_key[0]}
            if by == "org_kind"
            else {c: v or None for c, v in zip(_MODEL_COLUMNS, group_key, strict=True)}
        )
        rows.append(
            {
                "week": week,
                **group,
                "drafts": len(drafts),
                "accepted": accepted,
                "rejected": rejected,
                "acceptance_rate": accepted / decided if decided else None,
                "edit_ratio_mean": statistics.fmean(ratios) if ratios else None,
            }
        )
    return rows


def _final(store: Store, d: DraftRecord) -> Brief | None:
    return store.final_brief(d)


def accepted_examples(store: Store, kind: str) -> Iterator[Brief]:
    """Few-shot candidates: accepted briefs of org ``kind``, final form, newest first.

    Read lazily; which of them the model is shown is decided by
    :func:`drafter.drafting.examples.select_examples` alone.
    """
    for d in reversed(store.list_drafts(["accepted"], kind=kind)):
        brief = _final(store, d)
        if brief is not None:
            yield brief


def few_shot_examples(
    store: Store,
    kind: str,
    *,
    budget_tokens: int | None = None,
    limit: int | None = None,
    count: Callable[[str], int] | None = None,
) -> list[Brief]:
    """The accepted briefs of org ``kind`` that drafting would shortlist as examples.

    :func:`~drafter.drafting.examples.select_examples` over :func:`accepted_examples`,
    before the model's share of its context is applied; ``budget_tokens`` and ``limit``
    default to the drafting policy's.
    """
    from drafter.drafting.examples import EXAMPLE_LIMIT, EXAMPLE_TOKENS, select_examples

    return select_examples(
        accepted_examples(store, kind),
        kind,
        share=None,
        limit=EXAMPLE_LIMIT if limit is None else limit,
        tokens=EXAMPLE_TOKENS if budget_tokens is None else budget_tokens,
        count=count,
    )


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
    from drafter.eval import Case

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
        write_atomic(where / "report.txt", report.text.rstrip() + "\n")
        write_atomic(where / "golden.md", render_brief_md(golden))
        data = case.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        write_atomic(where / "case.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        written.append(where)
    return written
