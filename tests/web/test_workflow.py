"""The whole round over HTTP: submit, review, edit, accept, issue desk, publish, outcome."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import docx
from starlette.testclient import TestClient

import drafter

TEXT = (
    "2026年5月8日上午，北京抗癌协会在朝阳区举办“癌症早筛进社区”科普讲座，"
    "200余名居民参加。协会副理事长王明介绍了常见癌症的早期信号。"
)


def _form_post(
    client: TestClient, page: str, url: str, csrf: Callable[[str], str], **data: Any
) -> Any:
    html = client.get(page).text
    return client.post(url, data={"csrf": csrf(html), **data}, follow_redirects=False)


def _version(client: TestClient, draft_id: int) -> str:
    html = client.get(f"/review/{draft_id}").text
    return re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]


def test_submit_review_publish_and_outcome(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
) -> None:
    c1, e1 = client_for("c1"), client_for("e1")
    r = _form_post(c1, "/submit", "/submit", csrf, org="北京抗癌协会", text=TEXT, action="preview")
    assert r.status_code == 200 and "预览" in r.text and "北京抗癌协会" in r.text
    r = _form_post(c1, "/submit", "/submit", csrf, org="北京抗癌协会", text=TEXT, action="submit")
    assert r.status_code == 303
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert str(draft_id) in c1.get("/mine").text
    # Stored and queued, not drafted in the request: the page shows it and reloads itself.
    waiting = c1.get(f"/mine/{draft_id}").text
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting
    # This client runs no app lifespan (so no in-process worker): a worker drafts it here.
    drafter.run_workers(newsroom["db"], until_idle=True)
    done = c1.get(f"/mine/{draft_id}").text
    assert "已完成" in done and 'http-equiv="refresh"' not in done

    # The editor finds it in the queue, edits the headline (re-checked), accepts.
    assert f"/review/{draft_id}" in e1.get("/queue?status=").text
    page = e1.get(f"/review/{draft_id}").text
    assert "原始材料" in page and "癌症早筛进社区" in page
    md = re.search(r'<textarea name="text" rows="12">(.*?)</textarea>', page, re.S).group(1)  # type: ignore[union-attr]
    import html as htmllib

    md = htmllib.unescape(md)
    edited = re.sub(r"^(#+) .*$", r"\1 北京抗癌协会举办癌症早筛科普讲座", md, count=1, flags=re.M)
    assert edited != md
    r = _form_post(
        e1,
        f"/review/{draft_id}",
        f"/review/{draft_id}/edit",
        csrf,
        text=edited,
        version=_version(e1, draft_id),
    )
    assert r.status_code == 303, r.text
    r = _form_post(
        e1,
        f"/review/{draft_id}",
        f"/review/{draft_id}/accept",
        csrf,
        version=_version(e1, draft_id),
        why="",
    )
    if r.status_code == 400:  # the gate found errors: override with a reason
        r = _form_post(
            e1,
            f"/review/{draft_id}",
            f"/review/{draft_id}/accept",
            csrf,
            version=_version(e1, draft_id),
            why="已核对原文",
        )
    assert r.status_code == 303, r.text

    # The issue desk: a new issue, the brief as lead, a 目录提要 line, preview, download.
    r = _form_post(e1, "/issues", "/issues/new", csrf)
    assert r.status_code == 303, r.text
    issue_url = r.headers["location"]
    r = _form_post(e1, issue_url, f"{issue_url}/lead", csrf, draft_id=str(draft_id), lead="1")
    assert r.status_code == 303, r.text
    with drafter.Store(newsroom["db"]) as store:
        record = drafter.list_issues(store)[0]
        assert record.layout["lead"] == [draft_id]
    desk = e1.get(issue_url).text
    assert "取消头条" in desk and "目录提要" in desk
    r = _form_post(
        e1, issue_url, f"{issue_url}/toc", csrf, line="1", text="北京抗癌协会举办癌症早筛科普讲座"
    )
    assert r.status_code == 303, r.text
    r = _form_post(e1, issue_url, f"{issue_url}/move", csrf, draft_id=str(newsroom["drafts"]["c1"]))
    assert r.status_code in (303, 400)  # not in this issue (never accepted): refused, clearly
    preview = e1.get(f"{issue_url}/preview")
    assert preview.status_code == 200 and "早筛" in preview.text
    assert "script-src" not in preview.headers["content-security-policy"]
    r = e1.get(f"{issue_url}/download.docx")
    assert r.headers["content-disposition"].startswith("attachment")
    document = docx.Document(io.BytesIO(r.content))
    assert any("早筛" in p.text for p in document.paragraphs)
    r = _form_post(e1, issue_url, f"{issue_url}/publish", csrf)
    assert r.status_code == 303, r.text

    stats = e1.get("/stats").text
    assert "采用率" in stats and "100%" in stats

    # The contributor sees it published, with the editor's change marked.
    mine = c1.get(f"/mine/{draft_id}").text
    assert "已刊发" in mine, mine
    assert "<del>" in mine or "<ins>" in mine, mine  # words removed from the headline
