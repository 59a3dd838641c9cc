"""The demo: draft the bundled sample reports offline, build an issue, render it.

Runs on a fresh install with no network and no key: the offline engine drafts,
the numbering state is left alone (the demo issue is 第1期), and every format is
written to one directory.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import InputError
from drafter.issue import build_issue, render
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Issue
from drafter.text.files import write_atomic

__all__ = ["DEMO_FORMATS", "DemoResult", "run_demo"]

log = logging.getLogger(__name__)

DEMO_FORMATS = ("md", "txt", "docx", "html", "json")
_STATUS = {"ready": "可用", "needs_review": "待审核"}


@dataclass
class DemoResult:
    issue: Issue
    sources: list[Path]
    files: list[Path] = field(default_factory=list)

    def brief_lines(self) -> list[str]:
        """One line per brief: section, headline, source, length and status."""
        titles = {s.key: s.title for s in self.issue.sections}
        lines = []
        for b in self.issue.briefs():
            where = "头条" if b.lead else titles.get(b.section, b.section)
            src = Path(b.provenance.source_file).name if b.provenance.source_file else "?"
            n_err = sum(1 for f in b.findings if f.severity == "error")
            status = _STATUS.get(b.status, b.status) + (f"（{n_err}处错误）" if n_err else "")
            signed = f"（{b.attribution}）" if b.attribution else ""
            lines.append(f"{where} {b.headline}{signed} ← {src}，{b.text_length()}字，{status}")
        return lines


def _draft_samples(profile: Profile) -> tuple[list[Path], list[Brief]]:
    from drafter.drafting.pipeline import draft
    from drafter.ingest.report import load_report
    from drafter.samples import sample_paths

    paths = [Path(p) for p in sample_paths()]
    briefs = []
    for path in paths:
        report = load_report(path, profile=profile)
        brief = draft(report, profile=profile, model="offline")
        if brief.provenance.source_file is None:
            brief = brief.model_copy(
                update={
                    "provenance": brief.provenance.model_copy(update={"source_file": str(path)})
                }
            )
        briefs.append(brief)
    return paths, briefs


def run_demo(
    out_dir: Path, *, profile: Profile | None = None, date: dt.date | None = None
) -> DemoResult:
    """Draft the samples, build 第1期 and write ``issue.{md,txt,docx,html,json}`` in ``out_dir``."""
    p = profile or load_profile()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} 已存在且不是目录", hint="请用 --out 指定一个目录")
    sources, briefs = _draft_samples(p)
    if not briefs:
        raise InputError("没有找到内置样例报送材料", hint="请重新安装 drafter")
    # Drafts that need review still go in: the demo shows them, it does not publish.
    issue = build_issue(briefs, profile=p, date=date, number=1, total=1, force=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = DemoResult(issue=issue, sources=sources)
    for fmt in DEMO_FORMATS:
        path = write_atomic(out_dir / f"issue.{fmt}", render(issue, fmt, profile=p))
        result.files.append(path)
    log.info("demo issue written to %s", out_dir)
    return result
