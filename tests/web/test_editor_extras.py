"""Review history with diffs, the queue's organization filter, redraft options, weekly stats."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

import drafter

XSS = "<script>alert(1)</script>"
REPORT = (  # the shared newsroom's report text (tests/web/conftest.py)
    "2026年5月8日，{org}在北京举办肿瘤防治科普讲座，200余名市民参加。"
    "专家张三研究员介绍了防癌知识，现场发放宣传材料500份。"
)


def _post(
    client: TestClient, draft_id: int, action: str, csrf: Callable[[str], str], **data: Any
) -> Any:
    page = client.get(f"/review/{draft_id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    fields = {"csrf": csrf(page), **data}
    if version and "version" not in data:
        fields["version"] = version.group(1)
    return client.post(f"/review/{draft_id}/{action}", data=fields, follow_redirects=False)


def test_review_shows_revision_history_with_escaped_diff(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
) -> None:
    e1 = client_for("e1")
    draft_id = newsroom["drafts"]["c1"]
    page = e1.get(f"/review/{draft_id}").text
    assert "修改记录" in page and "尚无编辑修改" in page
    md = htmllib.unescape(
        re.search(r'<textarea name="text" rows="12">(.*?)</textarea>', page, re.S).group(1)  # type: ignore[union-attr]
    )
    lines = md.rstrip("\n").split("\n")
    body = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    lines[body] = lines[body] + f"新增一句{XSS}。"
    r = _post(e1, draft_id, "edit", csrf, text="\n".join(lines) + "\n")
    assert r.status_code == 303, r.text
    page = e1.get(f"/review/{draft_id}").text
    assert "第 1 次修改" in page and "e1" in page
    assert "<ins>" in page and "<del>" in page
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_queue_filters_by_organization_and_keeps_it_in_the_pager(
    newsroom: dict[str, Any], client_for: Callable[[str | None], TestClient]
) -> None:
    profile = drafter.load_profile()
    with drafter.Store(newsroom["db"]) as store, drafter.acting_as("c1"):
        for n in range(50):
            text = REPORT.format(org="北京抗癌协会").replace("200余名", f"{n + 201}名")
            report = drafter.report_from_text(text, org="北京抗癌协会", profile=profile)
            drafter.submit_report(store, report, profile=profile, model="offline")
    e1 = client_for("e1")
    other = newsroom["drafts"]["c2"]
    page = e1.get("/queue", params={"status": "", "org": "北京抗癌协会"}).text
    assert "共 51 篇" in page and f'href="/review/{other}"' not in page
    assert 'name="org" value="北京抗癌协会"' in page
    nxt = re.search(r'<a href="\?([^"]*)">下一页</a>', page)
    assert nxt is not None
    query = htmllib.unescape(nxt.group(1))
    assert (
        "org=%E5%8C%97%E4%BA%AC%E6%8A%97%E7%99%8C%E5%8D%8F%E4%BC%9A" in query and "page=2" in query
    )
    page2 = e1.get("/queue?" + query).text
    assert "第 2 / 2 页" in page2 and f'href="/review/{other}"' not in page2
    assert (
        f'href="/review/{other}"'
        in e1.get("/queue", params={"status": "", "org": "北京市医学会"}).text
    )
    # Escaped in the field and in the pager.
    page = e1.get("/queue", params={"org": '"><script>x</script>'}).text
    assert "<script>x</script>" not in page and "共 0 篇" in page


def test_redraft_with_another_org_kind_date_and_model(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
    monkeypatch: Any,
) -> None:
    real = drafter.redraft
    seen: dict[str, Any] = {}

    def spy(store: drafter.Store, draft_id: int, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(store, draft_id, **{**kwargs, "model": "offline"})

    monkeypatch.setattr(drafter, "redraft", spy)
    e1 = client_for("e1")
    draft_id = newsroom["drafts"]["c2"]
    r = _post(
        e1,
        draft_id,
        "redraft",
        csrf,
        org="北京市科学技术协会",
        kind="district",
        date="2026年5月9日",
        model="qwen-plus",
    )
    assert r.status_code == 303, r.text
    assert seen["model"] == "qwen-plus" and seen["kind"] == "district"
    assert seen["date"] == dt.date(2026, 5, 9) and seen["org"] == "北京市科学技术协会"
    with drafter.Store(newsroom["db"]) as store:
        report = store.get_report(store.get_draft(draft_id).report_id).report
    assert report.org == "北京市科学技术协会" and report.kind == "district"
    assert report.received == dt.date(2026, 5, 9)
    # Without a model the offline engine drafts it.
    r = _post(e1, draft_id, "redraft", csrf)
    assert r.status_code == 303 and seen["model"] == "offline" and seen["date"] is None


def test_redraft_refuses_a_bad_date_or_kind_in_chinese(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
) -> None:
    e1 = client_for("e1")
    draft_id = newsroom["drafts"]["c1"]
    r = _post(e1, draft_id, "redraft", csrf, date=f"五月{XSS}")
    assert r.status_code == 400 and "无法识别的日期" in r.text
    assert XSS not in r.text
    r = _post(e1, draft_id, "redraft", csrf, kind="nope")
    assert r.status_code == 400 and "未知的单位类型" in r.text
    # CSRF: no token, no redraft; a contributor may not redraft.
    r = e1.post(f"/review/{draft_id}/redraft", data={"date": "2026-05-09"}, follow_redirects=False)
    assert r.status_code == 403
    c1 = client_for("c1")
    page = c1.get("/mine").text
    r = c1.post(
        f"/review/{draft_id}/redraft",
        data={"csrf": csrf(page), "date": "2026-05-09"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_stats_page_draws_weekly_bars_per_org_kind(
    newsroom: dict[str, Any], client_for: Callable[[str | None], TestClient]
) -> None:
    with drafter.Store(newsroom["db"]) as store, drafter.acting_as("e1"):
        drafter.accept(store, newsroom["drafts"]["c1"], force=True, why="测试")
        drafter.reject(store, newsroom["drafts"]["c2"], f"退回{XSS}")
        kind = store.get_draft(newsroom["drafts"]["c1"]).kind
        (row,) = drafter.weekly_stats(store)
    assert row["accepted"] == 1 and row["rejected"] == 1 and row["acceptance_rate"] == 0.5
    e1 = client_for("e1")
    page = e1.get("/stats").text
    assert "每周采用率与改动比例" in page and row["week"] in page
    table = re.search(rf'<table class="list weekly" data-kind="{kind}">(.*?)</table>', page, re.S)
    assert table is not None
    assert '<span class="bar bar-accept bar-w50"></span> 50%' in table.group(1)
    assert '<span class="bar bar-edit bar-w0"></span> 0%' in table.group(1)
    assert XSS not in page and 'style="' not in table.group(1)
    # The bars are CSS classes the stylesheet defines (no inline styles under the CSP).
    css = e1.get("/static/site.css").text
    assert ".bar.bar-w50 {" in css and ".bar.bar-w100 {" in css
    # No data in range: a note, no table; contributors may not see the stats.
    page = e1.get("/stats", params={"since": "2999-01-01"}).text
    assert 'class="list weekly"' not in page and "还没有数据" in page
    assert client_for("c1").get("/stats").status_code == 403
