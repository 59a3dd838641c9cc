"""The data models: strictness, helpers, and the committed JSON Schemas being fresh."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from drafter.errors import InputError
from drafter.resources import data_dir
from drafter.schemas import (
    SCHEMA_MODELS,
    Brief,
    Finding,
    Issue,
    Masthead,
    Report,
    TokenUsage,
    json_schema,
    report_id_for,
)


def _brief(**kw: object) -> Brief:
    base: dict[str, object] = {
        "headline": "北京气象学会举行团体标准初审会",
        "paragraphs": ["5月6日，北京气象学会召开初审会。"],
        "attribution": "北京气象学会",
        "section": "societies",
    }
    base.update(kw)
    return Brief.model_validate(base)


def test_extra_fields_are_forbidden() -> None:
    with pytest.raises(ValidationError, match="extra"):
        _brief(author="someone")
    with pytest.raises(ValidationError):
        Finding.model_validate({"rule": "x", "severity": "error", "message": "m", "colour": 1})


def test_severity_and_status_are_closed_sets() -> None:
    with pytest.raises(ValidationError):
        Finding(rule="x", severity="fatal", message="m")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        _brief(status="done")


def test_brief_needs_a_paragraph() -> None:
    with pytest.raises(ValidationError):
        _brief(paragraphs=[])


def test_report_id_is_stable_and_content_based() -> None:
    a = report_id_for("5月8日，某学会召开会议。")
    assert a == report_id_for("5月8日，某学会召开会议。")
    assert a != report_id_for("5月9日，某学会召开会议。")
    assert len(a) == 12


def test_token_usage_adds_up() -> None:
    total = TokenUsage(prompt_tokens=10, completion_tokens=5) + TokenUsage(
        prompt_tokens=1, completion_tokens=2, estimated=True
    )
    assert (total.prompt_tokens, total.completion_tokens, total.total_tokens) == (11, 7, 18)
    assert total.estimated


def test_issue_briefs_in_print_order() -> None:
    lead = _brief(headline="头条", attribution=None, section="lead", lead=True)
    second = _brief(headline="第二条")
    issue = Issue.model_validate(
        {
            "masthead": Masthead(
                name="科协每周动态",
                year=2026,
                number=3,
                total=90,
                office="办公室",
                date=dt.date(2026, 5, 11),
            ).model_dump(),
            "leads": [lead.model_dump()],
            "sections": [
                {"key": "societies", "title": "【学会动态】", "briefs": [second.model_dump()]}
            ],
        }
    )
    assert [b.headline for b in issue.briefs()] == ["头条", "第二条"]


def test_report_contact_round_trips_but_is_separate_from_text() -> None:
    r = Report(id="x", text="正文。", contact="联系人：王某 13800000000")
    assert "138" not in r.text
    assert Report.model_validate_json(r.model_dump_json()) == r


def test_json_schema_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="没有名为"):
        json_schema("nonsense")


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_committed_schema_is_fresh(name: str) -> None:
    """schemas/*.schema.json must equal what the models generate: run `drafter schema --write schemas`."""
    path = data_dir("schemas") / f"{name}.schema.json"
    assert path.is_file(), f"missing {path}: run `drafter schema --write schemas`"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == json_schema(name), (
        f"{path.name} is stale: run `drafter schema --write schemas` and commit"
    )
