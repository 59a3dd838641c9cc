"""The published reference issue: its extraction damage is reported, and fixed safely.

Reads ../shared/reference through the ``reference_issue`` fixture (skips where absent).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from typer.testing import CliRunner

from drafter.cli import app
from drafter.profile import Profile
from drafter.style import fix, lint
from drafter.style.document import parse_document

_SKELETON = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def _skeleton(s: str) -> list[str]:
    return _SKELETON.findall(unicodedata.normalize("NFKC", s))


def _lint_json(runner: CliRunner, path: Path) -> tuple[int, list[dict[str, object]]]:
    res = runner.invoke(app, ["lint", "--format", "json", str(path)])
    return res.exit_code, json.loads(res.stdout)


def test_reference_is_an_issue_with_leads_and_sections(
    reference_issue: str, profile: Profile
) -> None:
    doc = parse_document(reference_issue, profile)
    assert doc.kind == "issue"
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == "masthead" and "toc" in kinds and kinds[-1] in ("footer", "rule")
    assert sum(1 for b in doc.blocks if b.kind == "section") == 3
    leads = [b for b in doc.briefs if b.lead]
    assert len(leads) == 2
    assert len(doc.briefs) > len(leads) + 3  # headline levels vary; all are found


def test_reference_lint_fix_roundtrip(reference_issue: str, tmp_path: Path) -> None:
    path = tmp_path / "reference.md"
    path.write_text(reference_issue, encoding="utf-8")
    runner = CliRunner()

    code, findings = _lint_json(runner, path)
    assert code == 1
    errors = {f["rule"] for f in findings if f["severity"] == "error"}
    # the extraction damage: half-width punctuation, spaces around digits, broken sentences
    assert {"punct.halfwidth", "space.cjk", "break.sentence"} <= errors
    excerpts = {f["excerpt"] for f in findings if f["rule"] == "punct.halfwidth"}
    assert {",", ":"} <= excerpts

    res = runner.invoke(app, ["fix", "--write", str(path)])
    assert res.exit_code == 0, res.stderr
    fixed = path.read_text(encoding="utf-8")
    assert fixed != reference_issue

    code, findings = _lint_json(runner, path)
    assert [f for f in findings if f["severity"] == "error"] == []
    assert code == 0

    # a second fix changes nothing
    assert fix(fixed).changes == []
    res = runner.invoke(app, ["fix", str(path)])
    assert res.exit_code == 0 and res.stdout == fixed

    # no Chinese character, digit or Latin letter added, removed or reordered
    assert _skeleton(fixed) == _skeleton(reference_issue)


def test_reference_broken_word_is_joined(reference_issue: str, profile: Profile) -> None:
    # A word split across a blank line in the extraction comes back whole.
    result = fix(reference_issue, profile)
    joins = [c for c in result.changes if c.rule == "break.sentence"]
    assert len(joins) >= 5
    reported = [f for f in lint(reference_issue, profile) if f.rule == "break.sentence"]
    assert len(reported) == len(joins)
    for f in reported:
        assert f.excerpt is not None
        tail, head = f.excerpt.split("⏎⏎")
        assert tail + head in result.text
        assert tail + "\n" not in result.text


def test_reference_keeps_accepted_style_as_warnings_only(
    reference_issue: str, profile: Profile
) -> None:
    fixed = fix(reference_issue, profile).text
    warnings = {f.rule for f in lint(fixed, profile)}
    # no date lead, long headline: accepted in a published issue, so warnings
    assert "lead.date" in warnings and "headline.length" in warnings
    assert all(f.severity != "error" for f in lint(fixed, profile))
