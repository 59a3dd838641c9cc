"""Weekly statistics by organization kind and by model/prompt version, and their charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import drafter
from drafter.web import create_app
from drafter.web.charts import line_chart
from tests.web.conftest import PASSWORD, REPORT, login

# (org, engine, model, prompt id, prompt version, created at (UTC), decision)
DRAFTS = [
    ("北京抗癌协会", "offline", None, None, None, "2026-05-04T12:00:00+00:00", "accept"),
    ("北京市医学会", "model", "qwen2.5-7b", "brief", "3", "2026-05-05T12:00:00+00:00", "reject"),
    ("北京气象学会", "model", "qwen2.5-7b", "brief", "4", "2026-05-12T12:00:00+00:00", "accept"),
    ("北京地质学会", "model", "qwen2.5-7b", "brief", "4", "2026-05-13T12:00:00+00:00", None),
]


def _store(db: str | Path) -> list[int]:
    """Four drafts over two weeks, three models/prompt versions; two decided."""
    profile = drafter.load_profile()
    ids: list[int] = []
    with drafter.Store(db) as store:
        drafter.add_account(store, "e1", PASSWORD, role="editor")
        for org, engine, model, prompt, version, created, decision in DRAFTS:
            report = drafter.report_from_text(REPORT.format(org=org), org=org, profile=profile)
            draft_id = drafter.submit_report(
                store, report, profile=profile, model="offline"
            ).draft.id
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE drafts SET engine = :engine, model = :model, prompt_id = :prompt,"
                    " prompt_version = :version, created_at = :created WHERE id = :id",
                    {
                        "engine": engine,
                        "model": model,
                        "prompt": prompt,
                        "version": version,
                        "created": created,
                        "id": draft_id,
                    },
                )
            with drafter.acting_as("e1"):
                if decision == "accept":
                    drafter.accept(store, draft_id, force=True, why="测试")
                elif decision == "reject":
                    drafter.reject(store, draft_id, "重复")
            ids.append(draft_id)
    return ids


def test_weekly_stats_by_model_and_prompt_version(db_target: str | Path) -> None:
    _store(db_target)
    with drafter.Store(db_target) as store:
        rows = drafter.weekly_stats(store, by="model")
        by_kind = drafter.weekly_stats(store)
    keyed = {(r["week"], r["engine"], r["model"], r["prompt_version"]): r for r in rows}
    assert set(keyed) == {
        ("2026-W19", "offline", None, None),
        ("2026-W19", "model", "qwen2.5-7b", "3"),
        ("2026-W20", "model", "qwen2.5-7b", "4"),
    }
    assert keyed[("2026-W19", "offline", None, None)]["acceptance_rate"] == 1.0
    assert keyed[("2026-W19", "model", "qwen2.5-7b", "3")]["acceptance_rate"] == 0.0
    newer = keyed[("2026-W20", "model", "qwen2.5-7b", "4")]
    assert newer["drafts"] == 2 and newer["accepted"] == 1 and newer["acceptance_rate"] == 1.0
    assert all("org_kind" not in r for r in rows)
    assert sum(r["drafts"] for r in by_kind) == len(DRAFTS)
    assert [r["week"] for r in rows] == sorted(r["week"] for r in rows)


def test_weekly_stats_refuses_an_unknown_grouping(db_target: str | Path) -> None:
    with drafter.Store(db_target) as store, pytest.raises(drafter.InputError, match="分组"):
        drafter.weekly_stats(store, by="org")


def _page(db: str | Path, **params: str) -> str:
    client: TestClient = login(create_app(db), "e1")
    r = client.get("/stats", params=params)
    assert r.status_code == 200
    return r.text


def test_the_stats_page_charts_weeks_by_kind_and_by_model(db_target: str | Path) -> None:
    _store(db_target)
    page = _page(db_target)
    titles = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert titles == [
        "每周采用率（按单位类型）",
        "每周平均改动比例（按单位类型）",
        "每周采用率（按模型与提示词版本）",
        "每周平均改动比例（按模型与提示词版本）",
    ]
    series = set(re.findall(r'data-series="([^"]+)"', page))
    assert {"offline", "qwen2.5-7b · brief@3", "qwen2.5-7b · brief@4"} <= series
    # Each point says what it is on hover; the weekly tables carry the numbers.
    assert "qwen2.5-7b · brief@4 2026-W20：100%（2 篇）" in page
    table = re.search(
        r'<table class="list weekly-model" data-model="qwen2.5-7b · brief@3">(.*?)</table>',
        page,
        re.S,
    )
    assert table is not None and "2026-W19" in table.group(1) and "0 / 1" in table.group(1)
    assert 'style="' not in page  # nothing the CSP would block


def test_since_filters_the_charts(db_target: str | Path) -> None:
    _store(db_target)
    page = _page(db_target, since="2026-05-11")
    assert "2026-05-11 以来" in page
    assert 'value="2026-05-11"' in page
    assert "2026-W19" not in page and "2026-W20" in page
    page = _page(db_target, since="2999-01-01")
    assert "<polyline" not in page and "这段时间还没有可计算的数据" in page


def test_a_gap_week_breaks_the_line() -> None:
    chart = line_chart(
        "t",
        ["2026-W18", "2026-W19", "2026-W20", "2026-W21"],
        {"a": {"2026-W18": (1.0, 3), "2026-W19": (0.5, 2), "2026-W21": (0.0, 1)}, "b": {}},
    )
    a, b = chart.series
    assert len(a.segments) == 2 and len(a.points) == 3
    top, middle, bottom = (p.y for p in a.points)
    assert top < middle < bottom  # 100% is drawn highest
    assert chart.x_labels[0][1] == "2026-W18" and not b.points and not chart.empty
    assert a.color != b.color


def test_a_small_ratio_gets_a_finer_axis() -> None:
    weeks = ["2026-W18", "2026-W19"]
    fitted = line_chart("t", weeks, {"a": {"2026-W18": (0.04, 1), "2026-W19": (0.2, 1)}}, fit=True)
    assert [label for _y, label in fitted.y_labels] == ["0%", "5%", "10%", "15%", "20%", "25%"]
    full = line_chart("t", weeks, {"a": {"2026-W18": (0.04, 1), "2026-W19": (0.2, 1)}})
    assert full.y_labels[-1][1] == "100%"
    # The same value sits higher on the fitted axis.
    assert fitted.series[0].points[1].y < full.series[0].points[1].y
