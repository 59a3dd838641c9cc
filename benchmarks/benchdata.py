"""What several benchmarks build their data from: varied report texts, and many drafts
copied in SQL from a few real ones (portable: SQLite and PostgreSQL, no PRAGMA)."""

from __future__ import annotations

from typing import Any

TEMPLATE = (
    "2026年5月{day}日，{org}在{place}举办“{topic}”科普活动，{n}余名群众参加。"
    "{person}研究员作专题报告，现场发放宣传材料{m}份。"
)
PLACES = ["朝阳区", "海淀区", "东城区", "西城区", "丰台区"]
TOPICS = ["科技周", "健康讲堂", "青少年科学营", "防灾减灾", "全民科学素质"]


def report_text(i: int, org: str) -> str:
    """The ``i``-th report of ``org``: same shape, different facts."""
    return TEMPLATE.format(
        day=1 + i % 28,
        org=org,
        place=PLACES[i % 5],
        topic=TOPICS[i % 5],
        n=100 + i % 400,
        person="张王李赵刘"[i % 5] + "明",
        m=200 + i,
    )


def _columns(conn: Any, table: str, row_id: int, *, skip: tuple[str, ...]) -> list[str]:
    """The columns of ``table``, read off one of its rows (portable: no PRAGMA, no catalog)."""
    row = conn.execute(f"SELECT * FROM {table} WHERE id = :id", {"id": row_id}).fetchone()
    return [c for c in list(row.keys()) if c not in skip]


def copy_drafts(conn: Any, real: list[int], copies: int) -> None:
    """Copy every report and draft of a store holding only ``real`` drafts ``copies``
    times, in two statements inside the caller's transaction (``Store.transaction()``)."""
    rep_cols = _columns(conn, "reports", real[0], skip=("id",))
    dr_cols = _columns(conn, "drafts", real[0], skip=("id", "report_id"))
    seq = "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n) "
    conn.execute(
        seq
        + f"INSERT INTO reports ({', '.join(rep_cols)}) SELECT "
        + ", ".join(
            "r.content_id || '-' || CAST(seq.i AS TEXT)" if c == "content_id" else f"r.{c}"
            for c in rep_cols
        )
        + " FROM seq CROSS JOIN reports r",
        {"n": copies},
    )
    conn.execute(
        seq
        + f"INSERT INTO drafts (report_id, {', '.join(dr_cols)}) SELECT nr.id, "
        + ", ".join(f"d.{c}" for c in dr_cols)
        + " FROM seq CROSS JOIN drafts d JOIN reports src ON src.id = d.report_id"
        " JOIN reports nr ON nr.content_id = src.content_id || '-' || CAST(seq.i AS TEXT)",
        {"n": copies},
    )
