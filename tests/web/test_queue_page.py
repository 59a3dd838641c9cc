"""The editor's queue page: section and sort controls, filters kept across pages, and
every value the page echoes escaped (on SQLite and PostgreSQL, via ``newsroom``)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from starlette.testclient import TestClient

import drafter

PAYLOAD = '"><script>alert(1)</script>'


def _ids(page: str) -> list[int]:
    """Draft ids in the queue table, in page order."""
    return [int(i) for i in dict.fromkeys(re.findall(r'href="/review/(\d+)"', page))]


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S)
    assert select, name
    chosen = re.findall(r'<option value="([^"]*)" selected>', select.group(1))
    assert len(chosen) == 1, (name, chosen)
    return str(chosen[0])


def _submit_undrafted(newsroom: dict[str, object], count: int) -> list[int]:
    """``count`` district reports received and not drafted yet."""
    profile = drafter.load_profile()
    report = drafter.report_from_text(
        "2026年5月9日，怀柔区科协开展科普进社区活动，服务居民200余人次。",
        org="北京市怀柔区科学技术协会",
        kind="district",
        profile=profile,
    )
    with drafter.Store(newsroom["db"]) as store:  # type: ignore[arg-type]
        return [store.submit(report).id for _ in range(count)]


def test_the_page_shows_the_controls_and_keeps_the_choice(
    client_for: Callable[[str | None], TestClient], newsroom: dict[str, object]
) -> None:
    editor = client_for("e1")
    page = editor.get("/queue").text
    assert _selected(page, "sort") == "oldest" and _selected(page, "section") == ""
    for key in [s.key for s in drafter.load_profile().ordered_sections()]:
        assert f'<option value="{key}"' in page
    for sort in ("oldest", "newest", "org", "errors"):
        assert f'<option value="{sort}"' in page
    page = editor.get("/queue?status=&section=districts&sort=newest&errors=no").text
    assert _selected(page, "section") == "districts"
    assert _selected(page, "sort") == "newest"
    assert _selected(page, "errors") == "no"
    assert _selected(page, "status") == ""


def test_section_and_sort_change_what_is_listed(
    client_for: Callable[[str | None], TestClient], newsroom: dict[str, object]
) -> None:
    editor = client_for("e1")
    drafted = sorted(newsroom["drafts"].values())  # type: ignore[attr-defined]
    waiting = _submit_undrafted(newsroom, 2)
    everything = _ids(editor.get("/queue?status=").text)
    assert everything == sorted(drafted + waiting)
    assert _ids(editor.get("/queue?status=&sort=newest").text) == everything[::-1]
    assert _ids(editor.get("/queue?status=&section=districts").text) == waiting
    assert _ids(editor.get("/queue?status=&section=digital").text) == []


def test_paging_keeps_the_filters(
    client_for: Callable[[str | None], TestClient], newsroom: dict[str, object]
) -> None:
    editor = client_for("e1")
    waiting = _submit_undrafted(newsroom, 51)
    first = editor.get("/queue?status=submitted&section=districts&sort=newest").text
    assert _ids(first) == waiting[::-1][:50]
    link = re.search(r'<a href="\?([^"]+)">下一页</a>', first)
    assert link, first[-800:]
    query = html.unescape(link.group(1))
    for kept in ("status=submitted", "section=districts", "sort=newest", "page=2"):
        assert kept in query.split("&"), query
    second = editor.get("/queue?" + query).text
    assert _ids(second) == [waiting[0]]  # the oldest, last when newest come first
    assert _selected(second, "sort") == "newest"
    back = re.search(r'<a href="\?([^"]+)">上一页</a>', second)
    assert back and "section=districts" in html.unescape(back.group(1))


def test_unknown_values_fall_back_and_echoed_values_are_escaped(
    client_for: Callable[[str | None], TestClient], newsroom: dict[str, object]
) -> None:
    editor = client_for("e1")
    _submit_undrafted(newsroom, 51)
    r = editor.get(
        "/queue",
        params={
            "status": PAYLOAD,
            "section": PAYLOAD,
            "sort": PAYLOAD,
            "kind": PAYLOAD,
            "errors": PAYLOAD,
            "page": "abc",
        },
    )
    assert r.status_code == 200
    assert _selected(r.text, "status") == "drafted"
    assert _selected(r.text, "sort") == "oldest"
    assert _selected(r.text, "section") == ""
    assert PAYLOAD not in r.text and "<script>alert" not in r.text
    # the one free-text filter is echoed in the field and in the pager, escaped
    r = editor.get("/queue", params={"status": "submitted", "org": PAYLOAD, "page": "99"})
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in r.text
    r = editor.get("/queue", params={"status": "submitted", "org": "北京市怀柔区科学技术协会"})
    link = re.search(r'<a href="\?([^"]+)">下一页</a>', r.text)
    assert link and "org=" in link.group(1)
    r = editor.get("/queue", params={"status": "submitted", "sort": "errors", "page": "10"})
    assert r.status_code == 200 and "第 2 / 2 页" in r.text  # past the end: the last page
