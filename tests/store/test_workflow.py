"""The editorial workflow: submit, redraft, revise, accept, reject; sentence diffs.

The edit ratio itself is :func:`drafter.brieftext.edit_ratio` (tests/test_brieftext.py);
here, that the workflow records it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.brieftext import edit_ratio
from drafter.errors import ConflictError, InputError, ModelError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Report
from drafter.store.database import Store
from drafter.store.diff import format_diff, sentence_diff, split_sentences
from drafter.store.workflow import (
    accept,
    redraft,
    reject,
    revise,
    submit_report,
)

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, finding, make_report  # noqa: E402


@pytest.fixture
def store(
    db_target: str | Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    # Files kept for the editor after a failed revise land here, not in the real /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Store(db_target, timeout=0.5) as s:
        yield s


def no_findings(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
    return []


def _submitted(store: Store, profile: Profile, name: str = "society") -> int:
    result = submit_report(store, make_report(name, profile), profile=profile, draft_fn=fake_draft)
    assert result.error is None
    return result.draft.id


def _replace(old: str, new: str):  # type: ignore[no-untyped-def]
    """An edit function that replaces text in the file, as an editor would."""

    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


# -- text measures ----------------------------------------------------------------------


def test_split_sentences_keeps_closing_quotes_and_breaks_paragraphs() -> None:
    text = "周明远表示，要加强合作。会议通过了“十四五”规划！\n第二段没有句号"
    assert split_sentences(text) == [
        "周明远表示，要加强合作。",
        "会议通过了“十四五”规划！",
        "第二段没有句号",
    ]
    assert split_sentences("他说：“好。”随后散会。") == ["他说：“好。”", "随后散会。"]


def test_sentence_diff_reports_only_changed_sentences() -> None:
    before = "甲事已办。乙事未办。丙事待议。"
    after = "甲事已办。乙事已办完。丙事待议。丁事新增。"
    diff = sentence_diff(before, after)
    changed = [op for op in diff if op["op"] != "equal"]
    assert changed[0] == {"op": "replace", "before": ["乙事未办。"], "after": ["乙事已办完。"]}
    assert changed[1] == {"op": "insert", "before": [], "after": ["丁事新增。"]}
    assert format_diff(diff) == ["- 乙事未办。", "+ 乙事已办完。", "+ 丁事新增。"]


# -- submit -----------------------------------------------------------------------------


def test_submit_drafts_and_logs(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    d = store.get_draft(draft_id)
    assert d.status == "drafted" and d.headline == "北京气象学会召开团体标准专家评审会"
    assert [e.kind for e in store.events(draft_id)] == ["submitted", "drafted"]


def test_model_failure_keeps_the_report_and_redraft_recovers(
    store: Store, profile: Profile
) -> None:
    def broken(report: Report, profile: Profile, model: str | None) -> Brief:
        raise ModelError("模型服务无响应", hint="稍后重试")

    result = submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=broken
    )
    assert isinstance(result.error, ModelError)
    assert result.draft.status == "failed" and result.draft.failure == "模型服务无响应"
    assert store.get_report(result.draft.report_id).report.org == "北京市怀柔区科学技术协会"
    again = redraft(store, result.draft.id, profile=profile, draft_fn=fake_draft)
    assert again.error is None and again.draft.status == "drafted"
    assert [e.kind for e in store.events(result.draft.id)] == [
        "submitted",
        "draft_failed",
        "drafted",
    ]


def test_ctrl_c_while_drafting_keeps_the_report(store: Store, profile: Profile) -> None:
    def interrupted(report: Report, profile: Profile, model: str | None) -> Brief:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        submit_report(store, make_report("society", profile), profile=profile, draft_fn=interrupted)
    (d,) = store.list_drafts()
    assert d.status == "failed" and "中断" in (d.failure or "")


def test_internal_error_while_drafting_is_recorded_and_raised(
    store: Store, profile: Profile
) -> None:
    def buggy(report: Report, profile: Profile, model: str | None) -> Brief:
        raise RuntimeError("索引越界")

    with pytest.raises(RuntimeError):
        submit_report(store, make_report("society", profile), profile=profile, draft_fn=buggy)
    (d,) = store.list_drafts()
    assert d.status == "failed" and "索引越界" in (d.failure or "")


def test_redraft_refuses_decided_drafts(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    accept(store, draft_id)
    with pytest.raises(ConflictError) as info:
        redraft(store, draft_id, profile=profile, draft_fn=fake_draft)
    assert "已采用" in info.value.message
    # An accepted, unpublished draft may still be revised (back to review); a rejected one not.
    unchanged = revise(store, draft_id, profile=profile, edit_fn=lambda p: None)
    assert unchanged.outcome == "unchanged"
    rejected = _submitted(store, profile, "district")
    reject(store, rejected, "与本刊无关")
    with pytest.raises(ConflictError, match="已退回"):
        revise(store, rejected, profile=profile, edit_fn=lambda p: None, check_fn=no_findings)


# -- decisions --------------------------------------------------------------------------


def test_accept_as_is_has_zero_edit_ratio(store: Store, profile: Profile) -> None:
    d = accept(store, _submitted(store, profile))
    assert d.status == "accepted" and d.edit_ratio == 0.0


def test_reject_needs_a_reason(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    with pytest.raises(InputError):
        reject(store, draft_id, "  ")
    d = reject(store, draft_id, "与本刊栏目无关")
    assert d.status == "rejected"
    assert store.events(draft_id)[-1].detail["reason"] == "与本刊栏目无关"


# -- revise -----------------------------------------------------------------------------


def test_revise_stores_revision_with_sentence_diff(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    result = revise(
        store,
        draft_id,
        profile=profile,
        edit_fn=_replace("9位专家参加评审", "来自高校和业务单位的9位专家参加评审"),
        check_fn=no_findings,
    )
    assert result.outcome == "saved" and result.revision is not None
    rev = result.revision
    assert rev.number == 1 and 0 < rev.edit_ratio < 0.5
    machine = store.get_draft(draft_id).brief
    assert machine is not None and rev.edit_ratio == edit_ratio(machine, rev.brief)
    changed = [op for op in rev.diff if op["op"] != "equal"]
    assert changed == [
        {
            "op": "replace",
            "before": ["学会理事长周明远出席会议并讲话，9位专家参加评审。"],
            "after": ["学会理事长周明远出席会议并讲话，来自高校和业务单位的9位专家参加评审。"],
        }
    ]
    assert rev.brief.attribution == "北京气象学会" and rev.brief.provenance.engine == "human"
    d = store.get_draft(draft_id)
    assert d.status == "revised" and d.edit_ratio == rev.edit_ratio
    # accepting now accepts the revision, with its edit ratio
    assert accept(store, draft_id, note="标题改得更简洁").edit_ratio == rev.edit_ratio
    assert store.accepted_unpublished()[0].brief.paragraphs == rev.brief.paragraphs


def test_revise_records_lint_and_guard_findings(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    seen: list[Report] = []

    def checker(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
        seen.append(report)
        return [finding("guard.number", "12位")] if "12位" in brief.body else []

    result = revise(
        store, draft_id, profile=profile, edit_fn=_replace("9位专家", "12位专家"), check_fn=checker
    )
    assert [f.rule for f in result.findings] == ["guard.number"]
    assert seen[0].org == "北京气象学会"  # checked against the stored source report
    assert store.revisions(draft_id)[0].findings == result.findings


@pytest.mark.parametrize(
    ("edit", "outcome"),
    [
        (lambda p: None, "unchanged"),
        (
            lambda p: p.write_text(p.read_text(encoding="utf-8") + "\n\n", encoding="utf-8"),
            "unchanged",
        ),
        (lambda p: p.write_text("  \n", encoding="utf-8"), "empty"),
    ],
)
def test_unchanged_or_empty_file_stores_nothing(
    store: Store,
    profile: Profile,
    edit,
    outcome: str,  # type: ignore[no-untyped-def]
) -> None:
    draft_id = _submitted(store, profile)
    before = store.get_draft(draft_id)
    result = revise(store, draft_id, profile=profile, edit_fn=edit, check_fn=no_findings)
    assert result.outcome == outcome and result.revision is None
    after = store.get_draft(draft_id)
    assert (after.status, after.version) == (before.status, before.version)
    assert store.revisions(draft_id) == []


def test_concurrent_accept_during_revise_is_a_conflict(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    kept: list[Path] = []

    def slow_editor(path: Path) -> None:
        # Another editor accepts the draft while this one is still editing.
        with Store(store.path) as other:
            accept(other, draft_id)
        kept.append(path)
        _replace("9位专家", "九位专家")(path)

    with pytest.raises(ConflictError) as info:
        revise(store, draft_id, profile=profile, edit_fn=slow_editor, check_fn=no_findings)
    assert "他人" in info.value.message
    assert str(kept[0]) in (info.value.hint or "")  # the editor's text is not lost
    assert "九位专家" in kept[0].read_text(encoding="utf-8")
    d = store.get_draft(draft_id)
    assert d.status == "accepted" and store.revisions(draft_id) == []
    kept[0].unlink()


def test_two_concurrent_revisions_one_conflict(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)

    def editor_a(path: Path) -> None:
        with Store(store.path) as other:
            revise(
                other,
                draft_id,
                profile=profile,
                edit_fn=_replace("9位", "十位"),
                check_fn=no_findings,
            )
        _replace("9位", "9名")(path)

    with pytest.raises(ConflictError):
        revise(store, draft_id, profile=profile, edit_fn=editor_a, check_fn=no_findings)
    (only,) = store.revisions(draft_id)
    assert "十位" in only.text


def test_parse_failure_keeps_the_edited_file(store: Store, profile: Profile) -> None:
    draft_id = _submitted(store, profile)
    kept: list[Path] = []

    def headline_only(path: Path) -> None:
        kept.append(path)
        path.write_text("### 只剩标题\n", encoding="utf-8")

    with pytest.raises(InputError) as info:
        revise(store, draft_id, profile=profile, edit_fn=headline_only, check_fn=no_findings)
    assert str(kept[0]) in (info.value.hint or "") and kept[0].exists()
    kept[0].unlink()


def test_run_editor_splits_command_and_reports_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafter.store.workflow import run_editor

    target = tmp_path / "b.md"
    target.write_text("x", encoding="utf-8")
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[-1])\np.write_text(sys.argv[1], encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script} '已 改'")
    run_editor(target)
    assert target.read_text(encoding="utf-8") == "已 改"
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'import sys; sys.exit(3)'")
    with pytest.raises(InputError) as info:
        run_editor(target)
    assert "3" in info.value.message
    monkeypatch.delenv("VISUAL")
    monkeypatch.delenv("EDITOR")
    with pytest.raises(InputError) as info:
        run_editor(target)
    assert "EDITOR" in (info.value.hint or "")


# -- crashes ----------------------------------------------------------------------------

_KILLED_WHILE_DRAFTING = """
import sys, time
sys.path.insert(0, sys.argv[3])
from drafter.profile import load_profile
from drafter.store.database import Store
from drafter.store.workflow import submit_report
from workflow_data import make_report

def hang(report, profile, model):
    open(sys.argv[2], "w").close()
    time.sleep(60)

profile = load_profile()
submit_report(Store(sys.argv[1]), make_report("district", profile), original=b"raw", profile=profile, draft_fn=hang)
"""


@pytest.mark.slow
def test_sigkill_while_drafting_keeps_the_submission(
    db_target: str | Path, tmp_path: Path, profile: Profile
) -> None:
    path = db_target
    marker = tmp_path / "drafting"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WHILE_DRAFTING, str(path), str(marker), str(TESTS)],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    with Store(path, timeout=1) as store:
        (d,) = store.list_drafts()
        assert d.status == "submitted" and d.brief is None
        assert store.get_report(d.report_id).original == b"raw"
        assert [e.kind for e in store.events(d.id)] == ["submitted"]
        again = redraft(store, d.id, profile=profile, draft_fn=fake_draft)
        assert again.draft.status == "drafted"


# -- publishing -------------------------------------------------------------------------


def test_resubmitting_the_same_text_names_the_earlier_draft(store: Store, profile: Profile) -> None:
    first = _submitted(store, profile)
    again = submit_report(
        store, make_report("society", profile), profile=profile, draft_fn=fake_draft
    )
    assert again.earlier == [first] and again.draft.id != first
    other = submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=fake_draft
    )
    assert other.earlier == []
