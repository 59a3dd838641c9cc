"""Word round trip: export a draft as .docx, take back tracked changes and comments.

The edited files are built here with real WordprocessingML revision markup (``w:ins``,
``w:del`` with ``w:delText``, ``w:comment`` in ``word/comments.xml``), by two authors.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.errors import GateError, InputError
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.word import SEPARATOR, export_docx, import_docx, read_tracked
from drafter.store.workflow import accept, submit_report

TESTS = Path(__file__).resolve().parents[1]
from docx_tracking import track  # noqa: E402
from workflow_data import fake_draft, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _district(store: Store, profile: Profile) -> int:
    return submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=fake_draft
    ).draft.id


def test_export_has_the_draft_and_the_source_after_the_separator(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    draft_id = _district(store, profile)
    out = export_docx(store, draft_id, tmp_path / "draft.docx", profile=profile)
    paragraphs, notes, authors = read_tracked(out.read_bytes())
    assert paragraphs[0] == "怀柔区科协开展科技志愿服务进社区活动"
    assert SEPARATOR in paragraphs
    assert any("图为活动现场" in p for p in paragraphs[paragraphs.index(SEPARATOR) :])
    assert (notes, authors) == ([], [])


def test_tracked_changes_by_two_authors_become_a_revision(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    draft_id = _district(store, profile)
    exported = export_docx(store, draft_id, tmp_path / "draft.docx", profile=profile)
    edited = tmp_path / "edited.docx"
    edited.write_bytes(
        track(
            exported.read_bytes(),
            [("，服务居民200余人次", "", "张编辑"), ("开展科技志愿服务", "开展应急科普", "李审核")],
            [("张编辑", "人次数据待核实，先删去"), ("李审核", "标题改得更具体")],
        )
    )
    paragraphs, _, authors = read_tracked(edited.read_bytes())
    assert paragraphs[0] == "怀柔区科协开展应急科普进社区活动"
    assert "200余人次" not in paragraphs[1]
    assert authors == ["张编辑", "李审核"]
    result, kept = import_docx(store, draft_id, edited, profile=profile)
    assert result.outcome == "saved" and result.revision is not None
    assert kept == ["张编辑：人次数据待核实，先删去", "李审核：标题改得更具体"]
    record = store.get_draft(draft_id)
    assert record.headline == "怀柔区科协开展应急科普进社区活动"
    assert record.revision is not None and "200余人次" not in record.revision.text
    event = store.events(draft_id)[-1]
    assert event.kind == "revised" and event.detail["notes"] == kept
    assert "张编辑、李审核" in event.detail["source"]
    assert accept(store, draft_id, profile=profile, note="按批注修改").status == "accepted"


def test_an_inserted_fabrication_is_stored_but_gated(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    draft_id = _district(store, profile)
    exported = export_docx(store, draft_id, tmp_path / "draft.docx", profile=profile)
    edited = tmp_path / "edited.docx"
    edited.write_bytes(track(exported.read_bytes(), [("600余份", "900余份", "张编辑")], []))
    result, _ = import_docx(store, draft_id, edited, profile=profile)
    assert any(f.severity == "error" and f.excerpt and "900" in f.excerpt for f in result.findings)
    with pytest.raises(GateError, match="900余份"):
        accept(store, draft_id, profile=profile)


def test_unchanged_and_unreadable_files(store: Store, profile: Profile, tmp_path: Path) -> None:
    draft_id = _district(store, profile)
    exported = export_docx(store, draft_id, tmp_path / "draft.docx", profile=profile)
    assert import_docx(store, draft_id, exported, profile=profile)[0].outcome == "unchanged"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Word"):
        import_docx(store, draft_id, bad, profile=profile)
