"""A scripted loopback model for eval tests: it answers with each case's golden brief."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from drafter.brieftext import parse_brief
from drafter.eval.runner import load_cases
from drafter.eval.scorers import Case
from drafter.profile import load_profile
from drafter.schemas import Brief


def golden_of(case: Case, where: Path) -> Brief:
    assert case.golden
    text = (where / case.golden).read_text(encoding="utf-8")
    return parse_brief(text, profile=load_profile(), lead=case.expected_section == "lead")


def golden_responder(cases_dir: Path, grades: dict[int, bool] | None = None) -> Any:
    """A scripted model: facts empty, prose = each case's golden brief, toc = the rules.

    Routed by the ``报送单位：`` line of the last user message (the few-shot turns
    come before it). ``grades`` maps a grading attempt to its verdict.
    """
    from drafter.issue.toc import shorten_headline_offline
    from drafter.testing import Reply, StubRequest

    profile = load_profile()
    prose: dict[str, dict[str, Any]] = {}
    for case, where in load_cases(cases_dir):
        golden = golden_of(case, where)
        org = case.expected_attribution or profile.association_short
        prose[org] = {"headline": golden.headline, "paragraphs": golden.paragraphs}

    def respond(request: StubRequest) -> Reply:
        last = str(request.messages[-1].get("content", ""))
        if request.prompt_id == "extract_facts":
            return Reply.json({})
        if request.prompt_id in ("write_prose", "repair_prose"):
            org = re.search(r"报送单位：(\S+)", last)
            assert org is not None and org.group(1) in prose, last[:80]
            return Reply.json(prose[org.group(1)])
        if request.prompt_id == "shorten_headline":
            headline = re.search(r"标题：(\S+)", last)
            assert headline is not None
            return Reply.json({"line": shorten_headline_offline(headline.group(1), profile)})
        if request.prompt_id == "grade_brief":
            attempt = int(re.search(r"第(\d+)次独立评分", last).group(1))  # type: ignore[union-attr]
            ok = (grades or {}).get(attempt, True)
            return Reply.json({"score": 5 if ok else 2, "passed": ok, "problems": []})
        raise AssertionError(f"unexpected prompt {request.prompt_id}")

    return respond
