"""The editorial desk, driven through the CLI as an editor would, one DRAFTER_DB and a
fresh HOME for every step: submit, correct, revise, the accept gate, a draft issue
edited and published (numbered by the store), and the feedback to contributors."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter.cli import app

TESTS = Path(__file__).resolve().parent.parent
from workflow_data import DISTRICT_REPORT, write_report  # noqa: E402

runner = CliRunner()

YESTERDAY_REPORT = """\
---
org: 北京气象学会
kind: society
---
关于召开团体标准专家评审会的情况报告

昨天上午，我会在学会会议室召开《城市内涝风险预警服务规范》团体标准专家评审会。学会理事长周明远出席会议并讲话，来自高校和业务单位的9位专家参加评审。

周明远表示，标准编制要坚持问题导向，突出实用性。评审组逐条审议了标准文本，一致同意通过评审。

联系人：孙老师 电话：010-12345678
"""

NO_ORG_REPORT = """\
关于举办青年科技人员学术沙龙的报告

6月18日下午，我会举办第三期青年科技人员学术沙龙，主题为“智能传感与城市治理”。协会秘书长孙建国主持活动，40余名青年教师参加交流。

与会人员围绕传感器研发、数据共享等议题展开讨论，并提出5条合作建议。
"""

# The editor: a new headline, and 600余份 → 900余份 (a number the report never gave).
EDITOR = """
import pathlib, sys
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
text = text.replace("开展科技志愿服务进社区", "组织科技志愿者进社区", 1).replace("600余份", "900余份")
path.write_text(text, encoding="utf-8")
"""


class Desk:
    """Runs one CLI step with the shared database and a HOME of its own."""

    def __init__(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str | Path
    ) -> None:
        self.tmp = tmp_path
        self.steps = 0
        self.db = db
        monkeypatch.setenv("DRAFTER_DB", str(self.db))
        monkeypatch.setenv("TMPDIR", str(tmp_path))

    def __call__(self, *args: str, code: int = 0, home: Path | None = None) -> Any:
        self.steps += 1
        home = home or self.tmp / f"home{self.steps}"
        home.mkdir(exist_ok=True)
        env = {"HOME": str(home), "DRAFTER_DATA_DIR": str(home / "data")}
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, (args, result.output)
        return result

    def submit(self, path: Path, *args: str) -> int:
        line = self("submit", str(path), *args).stdout.strip().splitlines()[-1]
        found = re.search(r"稿件编号 (\d+)$", line)
        assert found, line
        return int(found.group(1))

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)


def test_editor_session_from_submission_to_feedback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_target: str | Path
) -> None:
    desk = Desk(tmp_path, monkeypatch, db_target)
    yesterday = tmp_path / "yesterday.txt"
    yesterday.write_text(YESTERDAY_REPORT, encoding="utf-8")
    no_org = tmp_path / "no_org.txt"
    no_org.write_text(NO_ORG_REPORT, encoding="utf-8")

    # -- submit three; 昨天 resolves against --date; the org-less one is corrected -----------
    society = desk.submit(yesterday, "--date", "2026-06-13")
    assert "6月12日" in desk.json("status", str(society))["drafted_text"]
    salon = desk.submit(no_org)
    assert desk.json("status", str(salon))["org"] is None
    redrafted = desk("redraft", str(salon), "--org", "北京气象学会", "--kind", "society")
    assert "北京气象学会" in redrafted.stdout
    assert "更正：单位 （无） → 北京气象学会" in desk("log", str(salon)).stdout
    district = desk.submit(write_report(tmp_path, "district"))

    # -- a revision with a number not in the source: the gate refuses, --force --why passes --
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    desk("revise", str(district))
    refused = desk("accept", str(district), code=1)
    assert "不能采用" in refused.stderr and "900余份" in refused.stderr
    desk("accept", str(district), "--force", code=2)  # no reason given
    desk("accept", str(district), "--force", "--why", "已电话核实为900余份")
    log = desk("log", str(district)).stdout
    assert "强制采用" in log and "已电话核实为900余份" in log
    assert "已电话核实为900余份" in desk("show", str(district)).stdout
    queued = {row["draft_id"]: row for row in desk.json("queue", "--status", "all")}
    assert queued[district]["headline"] == "怀柔区科协组织科技志愿者进社区"
    assert queued[district]["revision"] == 1
    assert queued[district]["error_count"] >= 1
    desk("accept", str(society))
    desk("accept", str(salon))

    # -- a draft issue, edited ------------------------------------------------------------
    preview = tmp_path / "preview.md"
    built = desk("issue", "build", "--from-store", "--out", str(preview), "--date", "2026-06-22")
    assert "已新建草稿期 1（3 篇，未刊发）" in built.stderr
    assert json.loads(desk("issue", "list", "--format", "json").stdout)[0]["status"] == "draft"
    shown = desk("issue", "lead", "1", str(district)).stdout
    assert shown.index("【头条】") < shown.index(f"稿件 {district}") < shown.index("【学会动态】")
    order = desk("issue", "move", "1", str(salon), "--position", "1").stdout
    assert order.index(f"稿件 {salon}") < order.index(f"稿件 {society}")
    moved = desk("issue", "move", "1", str(society), "--section", "districts").stdout
    assert moved.index("【区科协动态】") < moved.index(f"稿件 {society}")
    bad = desk("issue", "toc-line", "1", "1", "怀柔区科协发放宣传材料1200余份", code=1)
    assert "1200余份" in bad.stderr
    good = desk("issue", "toc-line", "1", "1", "怀柔区科协组织科技志愿者进社区").stdout
    assert "  1. 怀柔区科协组织科技志愿者进社区" in good
    desk("issue", "set", "1", "--editor", "张编辑", "--reviewer", "李审核")

    # -- render at any time, then publish: numbered from the store ------------------------
    desk("issue", "preview", "1", "--out", str(preview))
    text = preview.read_text(encoding="utf-8")
    assert "怀柔区科协组织科技志愿者进社区" in text and "张编辑" in text
    issue_md = tmp_path / "issue.md"
    published = desk("issue", "publish", "1", "--out", str(issue_md))
    assert "已刊发 2026年第1期（总第1期），3 篇稿件标记为已刊发" in published.stdout
    assert "第1期" in issue_md.read_text(encoding="utf-8")
    desk("issue", "move", "1", str(salon), "--position", "2", code=5)  # frozen

    # -- a second issue, published from another HOME, takes the next number ----------------
    fourth = tmp_path / "fourth.txt"
    fourth.write_text(
        "---\norg: 北京理工示范大学科协\nkind: grassroots\n---\n"
        + DISTRICT_REPORT.replace("怀柔区科协", "北京理工示范大学科协")
        .replace("我区科协", "我校科协")
        .replace("区科协主席", "校科协主席"),
        encoding="utf-8",
    )
    later = desk.submit(fourth)
    desk("accept", str(later), "--force", "--why", "测试用")
    desk("issue", "new", "--date", "2026-06-29")
    second = desk("issue", "publish", "2", "--out", str(tmp_path / "second.txt"),
                  home=tmp_path / "other-editor")  # fmt: skip
    assert "2026年第2期（总第2期）" in second.stdout

    # -- what goes back to the contributor -------------------------------------------------
    status = desk("status", str(district)).stdout
    assert "已刊发" in status and "2026年第1期" in status
    assert "已电话核实为900余份" in status
    assert "- " in status and "+ " in status and "900余份" in status
    note = desk("feedback", "--org", "怀柔区科协", "--since", "2026-01-01").stdout
    assert note.startswith("# 怀柔区科协 报送稿件处理情况")
    assert "编辑意见：已电话核实为900余份" in note and "+ " in note
    data = json.loads(
        desk("feedback", "--org", "北京市怀柔区科学技术协会", "--format", "json").stdout
    )
    assert [d["draft_id"] for d in data["drafts"]] == [district]
    assert data["drafts"][0]["changed"] is True


def test_correct_and_show_json_use_the_current_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_target: str | Path
) -> None:
    desk = Desk(tmp_path, monkeypatch, db_target)
    district = desk.submit(write_report(tmp_path, "district"))
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    desk("revise", str(district))
    shown = desk.json("show", str(district))
    assert shown["revision"] == 1 and "900余份" in shown["text"]
    assert any(
        f["severity"] == "error" and "900" in (f["excerpt"] or "") for f in shown["findings"]
    )
    corrected = desk("correct", str(district), "--section", "societies").stdout
    assert "栏目 societies" in corrected
    assert desk.json("show", str(district))["text"] == shown["text"]
    assert "更正：栏目 districts → societies" in desk("log", str(district)).stdout
    desk("correct", str(district), "--section", "nowhere", code=2)
    desk("correct", str(district), code=2)


def test_word_round_trip_with_tracked_changes_becomes_a_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_target: str | Path
) -> None:
    from docx_tracking import track

    desk = Desk(tmp_path, monkeypatch, db_target)
    district = desk.submit(write_report(tmp_path, "district"))
    exported = tmp_path / "draft.docx"
    desk("export", str(district), "--out", str(exported))
    edited = tmp_path / "edited.docx"
    edited.write_bytes(
        track(
            exported.read_bytes(),
            [("，服务居民200余人次", "", "张编辑"), ("开展科技志愿服务", "开展应急科普", "李审核")],
            [("张编辑", "人次数据待核实，先删去")],
        )
    )
    imported = desk("import", str(district), str(edited)).stdout
    assert "第1次修改（来自 edited.docx）" in imported
    assert "批注 张编辑：人次数据待核实，先删去" in imported
    shown = desk.json("show", str(district))
    assert shown["revision"] == 1 and "200余人次" not in shown["text"]
    assert shown["headline"] == "怀柔区科协开展应急科普进社区"
    desk("import", str(district), str(edited))  # the same file again stores nothing
    assert desk.json("show", str(district))["revision"] == 1
    desk("export", str(district), "--out", str(tmp_path / "draft.md"), code=2)
