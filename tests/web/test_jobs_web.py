"""The newsroom drafts in the background: a submit never waits for the model.

The app's lifespan runs its in-process worker; the drafting here blocks until the test
releases it, so a submit that drafted in the request could not return at all.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import drafter
from drafter.store.workflow import DraftFn
from drafter.web import create_app

PASSWORD = "correct horse 1"  # the web conftest's login_as logs in with it
TEXT = (
    "2026年5月8日上午，北京抗癌协会在朝阳区举办“癌症早筛进社区”科普讲座，"
    "200余名居民参加。协会副理事长王明介绍了常见癌症的早期信号。"
)


def test_submit_returns_at_once_and_the_page_follows_the_job(
    db_target: str | Path, login_as: Callable[..., Any], csrf: Callable[[str], str]
) -> None:
    with drafter.Store(db_target) as store:
        drafter.add_account(store, "c1", PASSWORD, role="contributor", orgs=["北京抗癌协会"])
    release = threading.Event()
    profile = drafter.load_profile()

    def held(store: drafter.Store) -> DraftFn:
        def make(report: drafter.Report, prof: drafter.Profile, model: str | None) -> drafter.Brief:
            assert release.wait(20), "the test never released the model"
            return drafter.draft(report, profile=prof, model="offline")

        return make

    settings = drafter.WorkerSettings(profile=profile, draft_fn=held, poll=0.1)
    app = create_app(db_target, profile=profile, workers=1, worker_settings=settings)
    client = login_as(app, "c1")
    with client:  # runs the lifespan: the in-process worker starts, and stops at the end
        page = client.get("/submit").text
        started = time.monotonic()
        r = client.post(
            "/submit",
            data={"csrf": csrf(page), "org": "北京抗癌协会", "text": TEXT, "action": "submit"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and not release.is_set()
        assert time.monotonic() - started < 10
        url = r.headers["location"]
        waiting = client.get(url).text
        assert re.search(r"排队中|起草中", waiting)
        assert '<meta http-equiv="refresh" content="3">' in waiting
        mine = client.get("/mine").text
        assert re.search(r"排队中|起草中", mine)
        release.set()
        deadline = time.monotonic() + 20
        while "已完成" not in (done := client.get(url).text):
            assert time.monotonic() < deadline, "the background draft never finished"
            time.sleep(0.1)
        assert 'http-equiv="refresh"' not in done
    draft_id = int(url.rsplit("/", 1)[1])
    with drafter.Store(db_target) as store:
        record = store.get_draft(draft_id)
        job = drafter.job_for_draft(store, draft_id)
    assert record.status == "drafted" and record.headline
    assert job is not None and job.state == "done" and job.holder


def test_a_failed_job_shows_its_reason(
    db_target: str | Path, login_as: Callable[..., Any], csrf: Callable[[str], str]
) -> None:
    with drafter.Store(db_target) as store:
        drafter.add_account(store, "c1", PASSWORD, role="contributor", orgs=["北京抗癌协会"])

    def broken(store: drafter.Store) -> DraftFn:
        def make(report: drafter.Report, prof: drafter.Profile, model: str | None) -> drafter.Brief:
            raise drafter.InputError("材料里没有可写的活动")

        return make

    settings = drafter.WorkerSettings(draft_fn=broken, poll=0.1)
    app = create_app(db_target, workers=0, worker_settings=settings)
    client = login_as(app, "c1")
    page = client.get("/submit").text
    r = client.post(
        "/submit",
        data={"csrf": csrf(page), "org": "北京抗癌协会", "text": TEXT, "action": "submit"},
        follow_redirects=False,
    )
    url = r.headers["location"]
    assert "排队中" in client.get(url).text  # workers=0: nobody drafts it in the app
    drafter.run_workers(db_target, settings, until_idle=True)
    failed = client.get(url).text
    assert "失败原因：材料里没有可写的活动" in failed and 'http-equiv="refresh"' not in failed
