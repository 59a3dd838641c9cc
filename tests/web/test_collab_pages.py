"""What people read on the collaboration pages: the contributor's text as the brief reads,
with the editors' changes marked in place, and every time in the office's zone."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import drafter

Client = Callable[[str | None], TestClient]

EDITED = (
    "### 北京抗癌协会组织肿瘤防治科普讲座\n\n"
    "5月8日，北京抗癌协会在北京举办肿瘤防治科普讲座，200余名市民参加。\n\n"
    "专家张三研究员介绍了防癌知识，现场发放宣传材料500份。"
    "讲座还赠送了<防癌手册>。（北京抗癌协会）\n"
)


def _draft(newsroom: dict[str, object]) -> tuple[int, str | Path]:
    drafts, db = newsroom["drafts"], newsroom["db"]
    assert isinstance(drafts, dict) and isinstance(db, str | Path)
    return drafts["c1"], db


def _accept_edited(newsroom: dict[str, object], e1: TestClient, csrf: Callable[[str], str]) -> int:
    draft_id, db = _draft(newsroom)
    page = e1.get(f"/review/{draft_id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    saved = e1.post(
        f"/review/{draft_id}/edit",
        data={"csrf": csrf(page.text), "version": version.group(1), "text": EDITED},
    )
    assert saved.status_code == 200, saved.text[:300]
    with drafter.Store(db) as store:
        current = store.get_draft(draft_id).version
    done = e1.post(
        f"/review/{draft_id}/accept",
        data={"csrf": csrf(saved.text), "version": str(current), "note": "标题与分段有调整"},
    )
    assert done.status_code == 200 and "st-accepted" in done.text, done.text[
        done.text.find("<main") :
    ][:1500]
    return draft_id


def test_the_contributor_reads_the_text_as_a_brief_with_changes_in_place(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _accept_edited(newsroom, client_for("e1"), csrf)
    page = client_for("c1").get(f"/mine/{draft_id}").text
    article = re.search(
        r'<article class="diff brief-text" id="final-text">(.*?)</article>', page, re.S
    )
    assert article, "the text is shown"
    body = article.group(1)
    heads = re.findall(r'<h3 class="headline">(.*?)</h3>', body, re.S)
    paras = re.findall(r"<p>(.*?)</p>", body, re.S)
    # The headline on its own, the old one struck and the new one marked.
    assert len(heads) == 1
    assert heads[0] == "北京抗癌协会<del>举办</del><ins>组织</ins>肿瘤防治科普讲座"
    # Each paragraph its own <p>, as the editor split them; nothing of the body in the head.
    assert len(paras) == 2 and "5月8日" not in heads[0]
    assert unescape(re.sub(r"<[^>]+>", "", paras[0])).startswith("5月8日，北京抗癌协会")
    assert "<ins>讲座还赠送了&lt;防癌手册&gt;。</ins>" in paras[1]  # escaped
    assert "<防癌手册>" not in page
    assert body.rstrip().endswith('<p class="attribution">（北京抗癌协会）</p>')  # set apart, last


def test_the_contributor_page_of_an_undrafted_or_unchanged_brief_has_no_marks(
    newsroom: dict[str, object], client_for: Client
) -> None:
    draft_id, _db = _draft(newsroom)
    page = client_for("c1").get(f"/mine/{draft_id}").text
    assert '<h3 class="headline">北京抗癌协会举办肿瘤防治科普讲座</h3>' in page
    assert "<ins>" not in page and "<del>" not in page


def _local(value: str, zone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return drafter.local_time(value, zone, fmt)


def test_every_time_on_the_review_page_is_in_the_offices_zone(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id, db = _draft(newsroom)
    e1, a1 = client_for("e1"), client_for("a1")
    page = e1.get(f"/review/{draft_id}")
    e1.post(
        f"/review/{draft_id}/note",
        data={"csrf": csrf(page.text), "audience": "internal", "body": "先核对人数"},
    )
    seen = a1.get(f"/review/{draft_id}").text
    zone = drafter.load_profile().timezone
    with drafter.Store(db) as store:
        lock = drafter.current_lock(store, draft_id)
        events = store.events(draft_id)
        (note,) = drafter.list_notes(store, draft_id)
    assert lock is not None
    assert f"e1 正在编辑（{_local(lock.since, zone, '%H:%M')} 起）" in seen
    for when in [e.created_at for e in events] + [note.created_at]:
        assert _local(when, zone) in seen
        utc = when[:16].replace("T", " ")
        assert utc != _local(when, zone) and utc not in seen  # one zone on the page


@pytest.mark.parametrize("zone", ["Europe/Berlin"])
def test_a_profile_with_its_own_zone_shows_times_in_it(
    newsroom: dict[str, object], login_as: Callable[..., TestClient], zone: str
) -> None:
    from drafter.web import create_app

    draft_id, db = _draft(newsroom)
    profile = drafter.load_profile().model_copy(update={"timezone": zone})
    client = login_as(create_app(db, profile=profile), "c1")
    with drafter.Store(db) as store:
        submitted = store.get_draft(draft_id).created_at
    mine = client.get("/mine").text
    assert _local(submitted, zone) in mine
    assert _local(submitted, "Asia/Shanghai") not in mine


def test_no_template_shows_a_stored_time_without_the_filter() -> None:
    """Slicing an ISO time (``created_at[:16]``) shows UTC; every page goes through localtime."""
    templates = Path(drafter.__file__).parent / "web" / "templates"
    sliced = [
        f"{t.name}: {m.group(0)}"
        for t in sorted(templates.glob("*.html"))
        for m in re.finditer(r"\w*(_at|since|last_seen)\s*\[\s*:\s*\d+\s*\]", t.read_text("utf-8"))
    ]
    assert sliced == []
    uses = sum(t.read_text("utf-8").count("| localtime") for t in templates.glob("*.html"))
    assert uses >= 10
