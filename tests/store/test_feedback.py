"""Editor-effort statistics, eval export and few-shot selection from the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from drafter.errors import InputError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Report
from drafter.store.database import Store
from drafter.store.diff import brief_text
from drafter.store.feedback import (
    export_evals,
    few_shot_examples,
    iso_week,
    parse_since,
    stats,
    weekly_stats,
)
from drafter.store.workflow import accept, reject, revise, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, finding, make_brief, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _draft_with(findings: list[Finding]):  # type: ignore[no-untyped-def]
    def make(report: Report, profile: Profile, model: str | None) -> Brief:
        return fake_draft(report, profile, model).model_copy(update={"findings": findings})

    return make


def _replace(old: str, new: str):  # type: ignore[no-untyped-def]
    def edit(path: Path) -> None:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return edit


def _none(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
    return []


@pytest.fixture
def session(store: Store, profile: Profile) -> dict[str, int]:
    """Three drafts: one accepted as is, one revised (fixing two findings), one rejected."""
    ids = {}
    for name in ("society", "district", "grassroots"):
        draft_fn = (
            _draft_with([finding("space.cjk", "9 位"), finding("guard.number", "600余份")])
            if name == "district"
            else fake_draft
        )
        result = submit_report(
            store, make_report(name, profile), profile=profile, draft_fn=draft_fn
        )
        ids[name] = result.draft.id
    accept(store, ids["society"])
    revise(
        store,
        ids["district"],
        profile=profile,
        edit_fn=_replace("开展应急科普宣传活动，", "开展应急科普宣传。"),
        check_fn=_none,
    )
    reject(store, ids["grassroots"], "活动规模较小，不予刊发")
    return ids


def test_stats_counts_rates_and_edit_ratios(store: Store, session: dict[str, int]) -> None:
    data = stats(store)
    assert (data["submitted"], data["accepted"], data["revised"], data["rejected"]) == (3, 1, 1, 1)
    assert data["accepted_unchanged"] == 1 and data["pending"] == 1
    assert data["acceptance_rate"] == 0.5
    per_draft = {d["draft_id"]: d for d in data["drafts"]}
    assert per_draft[session["society"]]["edit_ratio"] == 0.0
    revised = per_draft[session["district"]]["edit_ratio"]
    assert revised > 0
    assert data["edit_ratio"]["drafts"] == 2
    assert data["edit_ratio"]["edit_ratio_mean"] == pytest.approx(revised / 2, abs=1e-4)
    kinds = {g["org_kind"]: g for g in data["edit_ratio_by_org_kind"]}
    assert kinds["district"]["edit_ratio_median"] == revised
    assert kinds["society"]["edit_ratio_mean"] == 0.0
    (group,) = data["edit_ratio_by_model"]
    assert group["engine"] == "offline" and group["drafts"] == 2


def test_stats_counts_findings_fixed_by_hand(store: Store, session: dict[str, int]) -> None:
    data = stats(store)
    assert data["lint_rules_fixed_by_hand"] == [{"rule": "space.cjk", "fixed_count": 1}]
    assert data["guard_findings_fixed_by_hand"] == [{"rule": "guard.number", "fixed_count": 1}]


def test_stats_since_filters_by_submission_time(store: Store, session: dict[str, int]) -> None:
    assert stats(store, since="2999-01-01")["submitted"] == 0
    assert stats(store, since="2000-01-01")["submitted"] == 3
    with pytest.raises(InputError):
        parse_since("上周")


@pytest.mark.parametrize("typed", ["2026-05-08", "2026/5/8", "2026年5月8日"])
def test_since_takes_every_date_form_users_type(typed: str) -> None:
    midnight = dt.datetime(2026, 5, 8).astimezone()  # local midnight
    assert parse_since(typed) == midnight.astimezone(dt.UTC).isoformat(timespec="seconds")


def test_since_takes_an_iso_datetime() -> None:
    assert parse_since("2026-05-08T09:30:00+08:00") == "2026-05-08T01:30:00+00:00"
    assert parse_since(" ") is None and parse_since(None) is None
    with pytest.raises(InputError):
        parse_since("5月8日")  # no year


def test_weekly_stats_per_iso_week_and_org_kind(store: Store, session: dict[str, int]) -> None:
    # Move the rejected grassroots draft and the accepted society draft to an older week.
    old = "2026-01-07T04:00:00+00:00"  # a Wednesday of ISO week 2
    with store.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET created_at = :at WHERE id IN (:a, :b)",
            {"at": old, "a": session["grassroots"], "b": session["society"]},
        )
    rows = weekly_stats(store)
    assert [(r["week"], r["org_kind"]) for r in rows] == [
        ("2026-W02", "grassroots"),
        ("2026-W02", "society"),
        (iso_week(store.get_draft(session["district"]).created_at), "district"),
    ]
    grassroots, society, district = rows
    assert grassroots["rejected"] == 1 and grassroots["acceptance_rate"] == 0.0
    assert grassroots["edit_ratio_mean"] is None
    assert society["accepted"] == 1 and society["acceptance_rate"] == 1.0
    assert society["edit_ratio_mean"] == 0.0
    assert district["drafts"] == 1 and district["acceptance_rate"] is None
    assert district["edit_ratio_mean"] > 0
    assert [r["org_kind"] for r in weekly_stats(store, since="2026-02-01")] == ["district"]
    assert weekly_stats(store, since="2999-01-01") == []


def test_iso_week_crosses_the_year_boundary() -> None:
    assert iso_week("2026-12-31T12:00:00+00:00") == "2026-W53"
    assert iso_week("2027-01-04T12:00:00+00:00") == "2027-W01"


def test_stats_on_empty_store_has_no_rates(store: Store) -> None:
    data = stats(store)
    assert data["submitted"] == 0 and data["acceptance_rate"] is None
    assert data["edit_ratio"]["edit_ratio_mean"] is None


def test_export_evals_writes_loadable_cases(
    store: Store, session: dict[str, int], tmp_path: Path
) -> None:
    from drafter.eval.runner import load_cases

    out = tmp_path / "cases"
    written = export_evals(store, out)
    assert sorted(p.name for p in written) == sorted(
        f"store-{session[n]:05d}" for n in ("society", "district")
    )
    cases = {case.id: (case, where) for case, where in load_cases(out)}
    case, where = cases[f"store-{session['district']:05d}"]
    assert case.kind == "district" and case.expected_attribution == "怀柔区科协"
    assert case.expected_section == "districts" and "revised" in case.tags
    golden = (where / "golden.md").read_text(encoding="utf-8")
    assert "开展应急科普宣传。" in golden and golden.startswith("### ")
    assert (where / "report.txt").read_text(encoding="utf-8").startswith("怀柔区科协开展")
    raw = yaml.safe_load((where / "case.yaml").read_text(encoding="utf-8"))
    assert raw["org"] == "北京市怀柔区科学技术协会"


def test_export_evals_refuses_a_file_as_out(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError):
        export_evals(store, target)


def test_few_shot_examples_same_kind_newest_first_within_budget(
    store: Store, profile: Profile
) -> None:
    ids = []
    for _ in range(3):
        result = submit_report(
            store, make_report("society", profile), profile=profile, draft_fn=fake_draft
        )
        ids.append(result.draft.id)
    district = submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=fake_draft
    ).draft.id
    accept(store, district)
    accept(store, ids[0])
    revise(store, ids[1], profile=profile, edit_fn=_replace("9位", "九位"), check_fn=_none)
    accept(store, ids[1], note="数字按体例改写")
    # ids[2] is not accepted: never an example

    def count(text: str) -> int:
        return len(text)

    one = len(brief_text(make_brief("society"))) + 10
    examples = few_shot_examples(store, "society", budget_tokens=one * 5, count=count)
    assert len(examples) == 2
    assert "九位" in examples[0].body  # newest accepted first, in its revised form
    assert all(e.attribution == "北京气象学会" for e in examples)
    assert len(few_shot_examples(store, "society", budget_tokens=one, count=count)) == 1
    assert few_shot_examples(store, "society", budget_tokens=10, count=count) == []
    assert few_shot_examples(store, "office", budget_tokens=10_000, count=count) == []


def test_stats_whole_output_on_a_hand_checked_store(
    store: Store, session: dict[str, int], profile: Profile
) -> None:
    """Every figure of a three-draft store, checked by hand against the records.

    The district draft (findings space.cjk and guard.number) is revised twice; the
    second revision brings space.cjk back, so only guard.number counts as fixed by hand
    and the draft is pending with the one error of its latest revision.
    """
    district, society = session["district"], session["society"]
    revise(
        store,
        district,
        profile=profile,
        edit_fn=_replace("开展应急科普宣传。", "开展应急科普宣传活动。"),
        check_fn=lambda b, r, p: [finding("space.cjk", "9 位"), finding("x.y", "z", "warning")],
    )
    d, s = store.get_draft(district), store.get_draft(society)
    assert d.revision_count == 2 and d.edit_ratio is not None and d.edit_ratio > 0
    ratio = d.edit_ratio
    engine = {"engine": s.engine, "model": s.model}
    prompt = {"prompt_id": s.prompt_id, "prompt_version": s.prompt_version}
    assert (d.engine, d.model, d.prompt_id, d.prompt_version) == tuple((engine | prompt).values())
    row = {"org_kind": "district", "engine": s.engine, "revisions": 2, "edit_ratio": ratio}
    assert stats(store) == {
        "since": None,
        "submitted": 3,
        "drafted": 3,
        "draft_failed": 0,
        "accepted": 1,
        "accepted_unchanged": 1,
        "revised": 1,
        "rejected": 1,
        "pending": 1,
        "pending_with_errors": [{"draft_id": district, "headline": d.headline, "error_count": 1}],
        "published": 0,
        "acceptance_rate": 0.5,
        "edit_ratio": {
            "drafts": 2,
            "edit_ratio_mean": pytest.approx(ratio / 2),
            "edit_ratio_median": pytest.approx(ratio / 2),
        },
        "edit_ratio_by_model": [
            {
                **engine,
                **prompt,
                "drafts": 2,
                "edit_ratio_mean": pytest.approx(ratio / 2),
                "edit_ratio_median": pytest.approx(ratio / 2),
            }
        ],
        "edit_ratio_by_org_kind": [
            {
                "org_kind": "district",
                "drafts": 1,
                "edit_ratio_mean": ratio,
                "edit_ratio_median": ratio,
            },
            {"org_kind": "society", "drafts": 1, "edit_ratio_mean": 0.0, "edit_ratio_median": 0.0},
        ],
        "lint_rules_fixed_by_hand": [],
        "guard_findings_fixed_by_hand": [{"rule": "guard.number", "fixed_count": 1}],
        "drafts": [
            {
                "draft_id": society,
                "status": "accepted",
                "org": s.org_short or s.org,
                "org_kind": "society",
                "engine": s.engine,
                "headline": s.headline,
                "error_count": 0,
                "revisions": 0,
                "edit_ratio": 0.0,
            },
            {
                "draft_id": district,
                "status": "revised",
                "org": d.org_short or d.org,
                "headline": d.headline,
                "error_count": 1,
                **row,
            },
        ],
    }
