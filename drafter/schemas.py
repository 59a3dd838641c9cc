"""The typed data that flows through drafter: Report in, Brief out, briefs make an Issue.

Every model forbids extra fields, so a typo in a JSON file is an error, not silence.
``schemas/*.schema.json`` is generated from these models (``drafter schema NAME``);
a test fails when the committed files are stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_MODELS",
    "SEVERITY_ZH",
    "Brief",
    "BriefStatus",
    "DateFact",
    "Engine",
    "Facts",
    "Finding",
    "Footer",
    "Issue",
    "IssueSection",
    "Location",
    "Masthead",
    "NumberFact",
    "OrgKind",
    "Person",
    "Provenance",
    "Report",
    "Severity",
    "TokenUsage",
    "json_schema",
    "report_id_for",
]

OrgKind = Literal["society", "district", "grassroots", "department", "office"]
Severity = Literal["error", "warning", "info"]
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示", "off": "关闭"}
"""How people see a severity (and a rule switched ``off`` in the profile)."""
BriefStatus = Literal["ready", "needs_review"]
Engine = Literal["offline", "model", "human", "parsed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Model):
    """Where a finding is: a paragraph and a character span inside it.

    For a brief, ``paragraph`` -1 is the headline and 0.. are body paragraphs. For a
    file, it is the index of the blank-line separated block, and ``line`` is the
    1-based line the span starts on.
    """

    paragraph: int = Field(description="-1 = headline; 0.. = body paragraph or file block")
    start: int = Field(ge=0, description="start offset (characters) in the paragraph")
    end: int = Field(ge=0, description="end offset (exclusive)")
    line: int | None = Field(default=None, ge=1, description="1-based line in the file")


class Finding(_Model):
    """One problem found by a lint rule or the faithfulness guard."""

    rule: str = Field(description="stable rule id, e.g. punct.halfwidth or guard.number")
    severity: Severity
    message: str = Field(description="what is wrong, in Chinese")
    location: Location | None = None
    excerpt: str | None = Field(default=None, description="the offending text")
    replacement: str | None = Field(default=None, description="suggested replacement")


class TokenUsage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = Field(default=False, description="counted locally, not reported by the API")
    cached_tokens: int = Field(
        default=0,
        ge=0,
        description="prompt tokens the provider served from its prefix cache, as it reported them",
    )
    shared_prefix_tokens: int = Field(
        default=0,
        ge=0,
        description="prompt tokens in the part identical across reports of one kind (counted locally)",
    )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            estimated=self.estimated or other.estimated,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            shared_prefix_tokens=self.shared_prefix_tokens + other.shared_prefix_tokens,
        )


class Provenance(_Model):
    """How a brief was made."""

    engine: Engine
    model: str | None = None
    prompt_id: str | None = None
    prompt_version: str | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    calls: int = Field(default=0, ge=0, description="model calls made (cache hits excluded)")
    attempts: int = Field(default=1, ge=0, description="draft attempts including repairs")
    source_file: str | None = Field(default=None, description="file the brief was read from")


class Report(_Model):
    """A raw activity report as a contributor sent it, after ingest cleaning."""

    id: str = Field(description="content hash of the cleaned text (report_id_for)")
    text: str = Field(
        min_length=1, description="cleaned report text, paragraphs split by blank lines"
    )
    title: str | None = None
    org: str | None = Field(default=None, description="sender organization as given")
    org_short: str | None = Field(
        default=None, description="attribution name resolved by the profile"
    )
    kind: OrgKind = "society"
    received: dt.date | None = Field(
        default=None, description="date the report was received; anchors relative dates"
    )
    contact: str | None = Field(default=None, description="contact line: kept, never printed")
    source_path: str | None = None
    encoding: str | None = None
    lead: bool = Field(default=False, description="flagged as a lead story")
    notes: list[Finding] = Field(default_factory=list, description="ingest warnings")


def report_id_for(text: str) -> str:
    """A stable id for a report: the first 12 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class Brief(_Model):
    """A house-style brief. Prose comes from the engine; every other field from code."""

    headline: str = Field(min_length=1)
    event_date: dt.date | None = None
    paragraphs: list[str] = Field(min_length=1, description="body paragraphs, attribution excluded")
    attribution: str | None = Field(
        default=None, description="short org name printed as （…）; None for lead stories"
    )
    section: str = Field(description="section key from the profile; 'lead' for lead stories")
    lead: bool = False
    kind: OrgKind | None = None
    source_id: str | None = None
    provenance: Provenance = Field(default_factory=lambda: Provenance(engine="human"))
    findings: list[Finding] = Field(default_factory=list)
    status: BriefStatus = "ready"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def text_length(self) -> int:
        """Characters of body text, attribution excluded."""
        return sum(len(p) for p in self.paragraphs)


class DateFact(_Model):
    text: str = Field(description="the date as the report words it, e.g. 5月8日上午")
    date: dt.date | None = None


class Person(_Model):
    name: str
    titles: list[str] = Field(default_factory=list)
    org: str | None = None


class NumberFact(_Model):
    text: str = Field(description="the number with its unit as written, e.g. 125名")
    about: str | None = Field(default=None, description="what it counts")


class Facts(_Model):
    """What a report says, extracted before any prose is written."""

    event_dates: list[DateFact] = Field(default_factory=list)
    place: str | None = None
    people: list[Person] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    numbers: list[NumberFact] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    initiatives: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    event: str | None = Field(default=None, description="one line: who did what")


class Masthead(_Model):
    name: str = Field(description="bulletin name, e.g. 科协每周动态")
    year: int = Field(ge=1900, le=2999)
    number: int = Field(ge=1, description="issue number within the year")
    total: int = Field(ge=1, description="running number since the first issue")
    office: str
    date: dt.date


class IssueSection(_Model):
    key: str
    title: str = Field(description="heading as printed, with its brackets: 【学会动态】")
    briefs: list[Brief] = Field(default_factory=list)


# An issue's footer (编辑, 审核, 分送); the profile's ``footer`` is the one every issue
# starts from. (A comment, not a docstring: a docstring would enter the JSON schema.)
class Footer(_Model):
    editor: str | None = None
    reviewer: str | None = None
    distribution: list[str] = Field(default_factory=list)


class Issue(_Model):
    masthead: Masthead
    toc: list[str] = Field(default_factory=list, description="目录提要 lines")
    leads: list[Brief] = Field(default_factory=list)
    sections: list[IssueSection] = Field(default_factory=list)
    footer: Footer = Field(default_factory=Footer)

    def briefs(self) -> list[Brief]:
        """Every brief, lead stories first, in print order."""
        out = list(self.leads)
        for section in self.sections:
            out.extend(section.briefs)
        return out


SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "report": Report,
    "brief": Brief,
    "issue": Issue,
    "finding": Finding,
    "facts": Facts,
}


def json_schema(name: str) -> dict[str, object]:
    """The JSON Schema of one model in :data:`SCHEMA_MODELS`, by its lower-case name."""
    from drafter.errors import InputError

    try:
        model = SCHEMA_MODELS[name.lower()]
    except KeyError:
        raise InputError(
            f"没有名为“{name}”的数据模型",
            hint=f"可选：{', '.join(SCHEMA_MODELS)}",
            name=name,
        ) from None
    return model.model_json_schema()
