"""Drafting jobs: enqueue, claim with a lease, renew, expiry, fencing, bounded attempts.

Every test runs on both backends (the ``db_target`` fixture).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.errors import ConflictError, InputError
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.diff import brief_text
from drafter.store.jobs import (
    claim_job,
    enqueue_job,
    fail_job,
    finish_job,
    get_job,
    job_counts,
    job_for_draft,
    list_jobs,
    renew_lease,
    retry_job,
)
from drafter.store.workflow import submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=2) as s:
        yield s


def _queued(store: Store, profile: Profile, name: str = "society") -> int:
    """A deferred submission: stored, 'submitted', with a queued job; its draft id."""
    result = submit_report(store, make_report(name, profile), profile=profile, defer=True)
    assert result.draft.status == "submitted" and result.error is None
    return result.draft.id


def _kinds(store: Store, draft_id: int) -> list[str]:
    return [e.kind for e in store.events(draft_id) if e.kind.startswith("job_")]


def test_deferred_submit_queues_one_job_and_drafts_nothing(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    job = job_for_draft(store, draft_id)
    assert job is not None and job.state == "queued" and job.attempts == 0
    assert store.get_draft(draft_id).brief is None
    # Queuing again keeps the one live job.
    assert enqueue_job(store, draft_id).id == job.id
    assert job_counts(store) == {"queued": 1, "running": 0, "done": 0, "failed": 0}
    assert _kinds(store, draft_id) == ["job_queued"]


def test_a_deferred_submit_and_its_job_commit_together(
    store: Store, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while queuing undoes the submission too: no draft is left without a job."""
    import drafter.store.jobs as jobs

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("crash between storing and queuing")

    monkeypatch.setattr(jobs, "enqueue_in", broken)
    with pytest.raises(RuntimeError):
        submit_report(store, make_report("society", profile), profile=profile, defer=True)
    assert store.list_drafts() == []
    assert job_counts(store) == {"queued": 0, "running": 0, "done": 0, "failed": 0}


def test_claim_finish_stores_the_draft_and_logs_each_step(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    claim = claim_job(store, "w1")
    assert claim is not None and claim.job.draft_id == draft_id
    assert claim.job.state == "running" and claim.job.holder == "w1" and claim.lease == 1
    assert claim_job(store, "w2") is None  # held: nobody else gets it
    record = store.get_draft(draft_id)
    brief = fake_draft(store.get_report(record.report_id).report, profile, None)
    job = finish_job(store, claim, brief, brief_text(brief), expected_version=record.version)
    assert job.state == "done"
    assert store.get_draft(draft_id).status == "drafted"
    # Most of the lease was left: finishing needed no renewal first.
    assert _kinds(store, draft_id) == ["job_queued", "job_claimed", "job_done"]
    claimed = next(e for e in store.events(draft_id) if e.kind == "job_claimed")
    assert claimed.detail["holder"] == "w1" and claimed.detail["lease"] == 1
    # Each step reads in Chinese in the draft's history (web page and `drafter log`).
    assert [e.kind_zh for e in store.events(draft_id)] == [
        "报送",
        "排队等待起草",
        "开始起草",
        "起草",
        "起草完成",
    ]


def test_an_expired_lease_is_claimed_again_and_fences_the_old_holder(
    store: Store, profile: Profile
) -> None:
    draft_id = _queued(store, profile)
    old = claim_job(store, "killed", lease_seconds=0.05)
    assert old is not None
    time.sleep(0.1)
    new = claim_job(store, "w2", lease_seconds=30)
    assert new is not None and new.job.id == old.job.id and new.lease == old.lease + 1
    assert new.job.attempts == 2
    expired = next(e for e in store.events(draft_id) if e.kind == "job_expired")
    assert expired.detail["holder"] == "killed" and expired.detail["lease"] == old.lease
    # The old holder wakes up: it can neither renew nor finish nor fail the job.
    record = store.get_draft(draft_id)
    brief = fake_draft(store.get_report(record.report_id).report, profile, None)
    with pytest.raises(ConflictError):
        renew_lease(store, old)
    with pytest.raises(ConflictError):  # its lease is short: finishing confirms it first
        finish_job(store, old, brief, brief_text(brief), expected_version=record.version)
    with pytest.raises(ConflictError):  # and even a long one is fenced when the job closes
        finish_job(store, replace(old, expires_at=new.expires_at), None)
    with pytest.raises(ConflictError):
        fail_job(store, old, "late")
    assert store.get_draft(draft_id).status == "submitted"  # nothing of the old one landed
    finish_job(store, new, brief, brief_text(brief), expected_version=record.version)
    assert get_job(store, new.job.id).state == "done"
    assert store.get_draft(draft_id).status == "drafted"


def test_a_stale_result_never_overwrites_a_stored_one(store: Store, profile: Profile) -> None:
    """The draft's version is the second fence: only one result lands."""
    draft_id = _queued(store, profile)
    claim = claim_job(store, "w1")
    assert claim is not None
    record = store.get_draft(draft_id)
    brief = fake_draft(store.get_report(record.report_id).report, profile, None)
    store.save_draft(draft_id, brief, brief_text(brief), expected_version=record.version)
    with pytest.raises(ConflictError):
        finish_job(store, claim, brief, brief_text(brief), expected_version=record.version)
    assert len([e for e in store.events(draft_id) if e.kind in ("drafted", "redrafted")]) == 1


def test_model_errors_retry_until_the_attempts_are_used_up(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    for attempt in (1, 2):
        claim = claim_job(store, "w")
        assert claim is not None and claim.job.attempts == attempt
        job = fail_job(store, claim, f"模型超时 {attempt}")
        assert job.state == "queued" and job.last_error == f"模型超时 {attempt}"
        assert store.get_draft(draft_id).status == "submitted"
    claim = claim_job(store, "w")
    assert claim is not None and claim.job.attempts == 3
    job = fail_job(store, claim, "模型超时 3")
    assert job.state == "failed" and job.attempts == 3 and job.last_error == "模型超时 3"
    record = store.get_draft(draft_id)
    assert record.status == "failed" and record.failure == "模型超时 3"
    assert claim_job(store, "w") is None
    assert _kinds(store, draft_id).count("job_retry") == 2


def test_a_retry_waits_out_its_back_off(store: Store, profile: Profile) -> None:
    _queued(store, profile)
    claim = claim_job(store, "w")
    assert claim is not None
    fail_job(store, claim, "限流", retry_delay=30)
    assert claim_job(store, "w") is None  # not before the back-off
    assert list_jobs(store, ["queued"])[0].available_at is not None


def test_an_input_error_fails_at_once(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    claim = claim_job(store, "w")
    assert claim is not None
    job = fail_job(store, claim, "材料为空", permanent=True)
    assert job.state == "failed" and job.attempts == 1
    assert store.get_draft(draft_id).status == "failed"


def test_a_job_whose_workers_keep_dying_stops_with_a_reason(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    for _ in range(3):
        assert claim_job(store, "dies", lease_seconds=0.02) is not None
        time.sleep(0.05)
    assert claim_job(store, "w") is None
    job = list_jobs(store, ["failed"])[0]
    assert job.attempts == 3 and job.last_error is not None and "租约过期" in job.last_error
    assert store.get_draft(draft_id).status == "failed"
    assert _kinds(store, draft_id).count("job_expired") == 3


def test_retry_requeues_a_failed_job_with_fresh_attempts(store: Store, profile: Profile) -> None:
    draft_id = _queued(store, profile)
    claim = claim_job(store, "w")
    assert claim is not None
    fail_job(store, claim, "材料为空", permanent=True)
    job = retry_job(store, claim.job.id)
    assert job.state == "queued" and job.attempts == 0
    again = claim_job(store, "w")
    assert again is not None and again.lease == claim.lease + 1  # the token never resets
    with pytest.raises(InputError):
        retry_job(store, claim.job.id)  # running, not failed
    assert "job_requeued" in _kinds(store, draft_id)


def test_claims_take_the_oldest_job_first(store: Store, profile: Profile) -> None:
    first = _queued(store, profile, "society")
    second = _queued(store, profile, "district")
    a, b = claim_job(store, "w1"), claim_job(store, "w2")
    assert a is not None and b is not None
    assert (a.job.draft_id, b.job.draft_id) == (first, second)
    assert [j.holder for j in list_jobs(store, ["running"])] == ["w1", "w2"]
