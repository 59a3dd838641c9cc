"""`drafter issue build|toc|render|parse` and `drafter demo`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()

BRIEFS = sorted((Path(__file__).parent.parent / "issue" / "fixtures" / "briefs").glob("*.md"))


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fails(args: list[str], code: int = 2) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "错误：" in result.stderr
    return result.stderr


def _build(out: Path, *extra: str) -> dict[str, object]:
    _ok(["issue", "build", *map(str, BRIEFS), "--out", str(out), *extra])
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_build_json_and_numbering_across_three_builds_and_a_year(tmp_path: Path) -> None:
    first = _build(tmp_path / "a.json", "--date", "2026-12-14", "--number", "50", "--total", "300")
    second = _build(tmp_path / "b.json", "--date", "2026-12-21")
    third = _build(tmp_path / "c.json", "--date", "2027-01-04")
    numbers = [(d["masthead"]["year"], d["masthead"]["number"], d["masthead"]["total"])  # type: ignore[index]
               for d in (first, second, third)]  # fmt: skip
    assert numbers == [(2026, 50, 300), (2026, 51, 301), (2027, 1, 302)]
    assert first["toc"] and first["leads"] and first["sections"]


def test_build_renders_by_extension(tmp_path: Path) -> None:
    md = tmp_path / "out" / "issue.md"
    result = runner.invoke(
        app,
        ["issue", "build", *map(str, BRIEFS), "--out", str(md), "--date", "2026-05-18",
         "--editor", "林晓", "--reviewer", "高远"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 科协每周动态\n\n2026年 第1期\n\n（总第1期）")
    assert "编辑：林晓" in text and "审核：高远" in text
    assert "已写入" in result.stderr
    docx = tmp_path / "issue.docx"
    _ok(["issue", "build", *map(str, BRIEFS), "--out", str(docx), "--date", "2026-05-18"])
    assert docx.read_bytes()[:2] == b"PK"


def test_build_refuses_duplicates_and_flagged_briefs(tmp_path: Path) -> None:
    out = tmp_path / "issue.md"
    copy = tmp_path / "copy.md"
    shutil.copy(BRIEFS[3], copy)
    message = _fails(["issue", "build", str(BRIEFS[3]), str(copy), "--out", str(out)])
    assert "重复" in message and str(copy) in message
    flagged = tmp_path / "flagged.json"
    from drafter.brieftext import parse_brief
    from drafter.profile import load_profile

    parsed = parse_brief(BRIEFS[4].read_text(encoding="utf-8"), profile=load_profile())
    flagged.write_text(
        parsed.model_copy(update={"status": "needs_review"}).model_dump_json(), encoding="utf-8"
    )
    message = _fails(["issue", "build", str(BRIEFS[0]), str(flagged), "--out", str(out)])
    assert "待审核" in message and "--force" in message
    assert not out.exists()
    result = runner.invoke(
        app, ["issue", "build", str(BRIEFS[0]), str(flagged), "--out", str(out), "--force"]
    )
    assert result.exit_code == 0, result.output
    assert "强制编入" in result.stderr and out.is_file()


@pytest.mark.parametrize("typed", ["2026-05-18", "2026/5/18", "2026年5月18日", "2026.5.18"])
def test_build_accepts_every_date_form_draft_accepts(typed: str, tmp_path: Path) -> None:
    data = _build(tmp_path / "a.json", "--date", typed)
    assert data["masthead"]["date"] == "2026-05-18"  # type: ignore[index]


@pytest.mark.parametrize(
    "args",
    [
        ["issue", "build", "missing.md", "--out", "x.md"],
        ["issue", "build", "BRIEF", "--out", "x.odt"],
        ["issue", "build", "BRIEF", "--out", "x.md", "--date", "2026/13/45"],
        ["issue", "build", "BRIEF", "--out", "x.md", "--date", "下周一"],
        ["issue", "toc", "missing.json"],
        ["issue", "render", "BAD_JSON", "--out", "x.md"],
        ["issue", "parse", "EMPTY"],
    ],
)
def test_bad_input_exits_2_in_chinese(args: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"masthead": {"name": 1}}', encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_text("\n", encoding="utf-8")
    swap = {"BRIEF": str(BRIEFS[0]), "BAD_JSON": str(bad), "EMPTY": str(empty)}
    _fails([swap.get(a, a) for a in args])


def test_toc_reproduces_the_reference(reference_issue: str, tmp_path: Path) -> None:
    src = tmp_path / "reference.txt"
    src.write_text(reference_issue, encoding="utf-8")
    as_json = tmp_path / "reference.json"
    as_json.write_text(_ok(["issue", "parse", str(src)]), encoding="utf-8")
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert "toc" in data and len(data["toc"]) == 5
    printed = data["toc"]
    # `issue toc` recomputes the lines from the briefs, ignoring the file's own.
    data["toc"] = ["过时的一行"]
    as_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _ok(["issue", "toc", str(as_json)]).splitlines() == printed
    assert _ok(["issue", "toc", str(src)]).splitlines() == printed


def test_parse_md_and_render_every_format(reference_issue: str, tmp_path: Path) -> None:
    src = tmp_path / "reference.txt"
    src.write_text(reference_issue, encoding="utf-8")
    md = _ok(["issue", "parse", str(src), "--format", "md"])
    assert md.startswith("# 科协每周动态")
    issue_json = tmp_path / "issue.json"
    issue_json.write_text(_ok(["issue", "parse", str(src)]), encoding="utf-8")
    for ext in ("md", "txt", "docx", "html"):
        out = tmp_path / f"rendered.{ext}"
        _ok(["issue", "render", str(issue_json), "--out", str(out)])
        assert out.stat().st_size > 1000
    assert (tmp_path / "rendered.md").read_text(encoding="utf-8") == md


@pytest.mark.slow
def test_demo_offline_writes_every_format(tmp_path: Path) -> None:
    from docx import Document

    from drafter.issue import parse_issue
    from drafter.samples import sample_paths

    out_dir = tmp_path / "demo"
    stdout = _ok(["demo", "--out", str(out_dir)])
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["issue.docx", "issue.html", "issue.json", "issue.md", "issue.txt"]
    for name in names:
        assert str(out_dir / name) in stdout
    issue = parse_issue((out_dir / "issue.md").read_text(encoding="utf-8"))
    briefs = issue.briefs()
    assert len(briefs) == len(sample_paths())
    # One summary line per brief, naming its source file.
    lines = [line for line in stdout.splitlines() if "←" in line]
    assert len(lines) == len(briefs)
    assert {line.split("← ")[1].split("，")[0] for line in lines} == {
        p.name for p in sample_paths()
    }
    assert issue.leads and all(s.briefs for s in issue.sections)
    data = json.loads((out_dir / "issue.json").read_text(encoding="utf-8"))
    assert {b["provenance"]["engine"] for b in data["leads"]} == {"offline"}
    doc = Document(str(out_dir / "issue.docx"))
    assert issue.masthead.name in [p.text for p in doc.paragraphs]
    # The demo never moves the user's issue numbering.
    from drafter.issue.numbering import state_path

    assert not state_path().exists()


def test_demo_refuses_a_file_as_out_dir(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")
    _fails(["demo", "--out", str(target)])
    assert target.read_text(encoding="utf-8") == "keep me"


def test_parse_reads_standard_input(damaged_issue_text: str) -> None:
    result = runner.invoke(app, ["issue", "parse", "-"], input=damaged_issue_text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["masthead"]["total"] == 142 and "toc" in data


@pytest.fixture
def damaged_issue_text() -> str:
    path = Path(__file__).parent.parent / "issue" / "fixtures" / "damaged_issue.md"
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_toc_through_a_model_on_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_json: Path
) -> None:
    from drafter.testing import Reply, StubServer

    with StubServer() as stub:
        monkeypatch.setenv("DRAFTER_MODEL", "stub-model")
        monkeypatch.setenv("DRAFTER_BASE_URL", stub.base_url)
        monkeypatch.setenv("DRAFTER_API_KEY", "test-key")
        monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
        stub.enqueue(
            Reply.json({"line": "市科协与延庆区共建科普基地"}),
            # Not in its brief: a number and a district. The guard rejects it.
            Reply.json({"line": "市科技局与海淀区签署8项协议"}),
        )
        lines = _ok(["issue", "toc", str(built_json)]).splitlines()
        assert len(stub.requests) == 2
    assert lines[0] == "市科协与延庆区共建科普基地"
    assert lines[1] == "市科技局到市科协调研座谈"  # the offline rules' line
    assert lines[2:] == ["学会动态", "区科协动态", "“数字科协”工作动态"]


@pytest.fixture
def built_json(tmp_path: Path) -> Path:
    out = tmp_path / "built.json"
    _build(out, "--date", "2026-05-18")
    return out
