"""The house-style profile: everything about one bulletin that is data, not code.

A profile is a TOML file validated by :class:`Profile`. The default one, for the
Beijing association's weekly bulletin, ships in ``drafter/profiles/default.toml``.
Another bulletin is a profile change, never a code change: ``--profile FILE``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from drafter.errors import ProfileError
from drafter.schemas import Footer, OrgKind, Severity

__all__ = [
    "DEFAULT_PROFILE_NAME",
    "Collab",
    "Fonts",
    "Limits",
    "ModelSettings",
    "OrgEntry",
    "OrgMatch",
    "OrgPattern",
    "Profile",
    "SectionSpec",
    "SmtpSettings",
    "load_profile",
]

DEFAULT_PROFILE_NAME = "default"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SectionSpec(_Model):
    key: str
    title: str = Field(description="printed heading with brackets, e.g. 【学会动态】")
    order: int
    kinds: list[OrgKind] = Field(default_factory=list, description="report kinds placed here")

    @property
    def toc_title(self) -> str:
        """The heading as the 目录提要 names it: without its 【】 brackets."""
        return self.title.strip().removeprefix("【").removesuffix("】")


class OrgEntry(_Model):
    """One organization: the short name it signs with and every name it goes by."""

    short: str
    names: list[str] = Field(default_factory=list, description="formal names and variants")
    kind: OrgKind = "society"


class OrgPattern(_Model):
    """A regular expression that resolves a whole family of names (e.g. every district)."""

    regex: str
    short: str = Field(description="replacement template, e.g. '\\g<d>科协'")
    kind: OrgKind = "society"

    @model_validator(mode="after")
    def _compiles(self) -> OrgPattern:
        try:
            re.compile(self.regex)
        except re.error as exc:
            raise ValueError(f"正则表达式无法编译：{self.regex}（{exc}）") from exc
        return self


class OrgMatch(_Model):
    short: str
    kind: OrgKind
    matched: str = Field(description="the registry name that matched")


def _faces(*names: str) -> Any:
    return Field(default_factory=lambda: list(names))


class Fonts(_Model):
    """Typefaces of the printed page: the official face first, then what stands in for it
    on stock Windows/WPS and on Linux (GB/T 9704-2012 names the official faces)."""

    masthead: list[str] = _faces("方正小标宋简体", "华文中宋", "宋体", "Noto Serif CJK SC")
    body: list[str] = _faces("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC")
    headline: list[str] = _faces("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC")
    heading: list[str] = _faces("黑体", "SimHei", "Noto Sans CJK SC")
    page_number: list[str] = _faces("宋体", "SimSun", "Noto Serif CJK SC")


class Limits(_Model):
    headline_max: int = 40
    headline_min: int = 6
    body_min: int = 80
    body_max: int = 600
    lead_body_max: int = 1200
    paragraphs_min: int = 1
    paragraphs_max: int = 4


class ModelSettings(_Model):
    model: str | None = None
    base_url: str | None = None
    structured_output: Literal["json_schema", "function_calling", "json_mode"] = "json_schema"
    temperature: float = 0.2
    timeout: float = 60.0
    max_retries: int = 3
    max_repairs: int = 2
    context_tokens: int = 8000


RuleSetting = Severity | Literal["off"]


class SmtpSettings(_Model):
    """Mail delivery of the outbox; the password only ever comes from DRAFTER_SMTP_PASSWORD."""

    host: str | None = None
    port: int = 587
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    sender: str | None = None
    user: str | None = None
    timeout: float = Field(default=10.0, gt=0, description="seconds per SMTP step")
    max_attempts: int = Field(default=5, ge=1)
    backoff_seconds: float = Field(default=60.0, ge=0, description="first retry delay, doubling")


class Collab(_Model):
    """Working together: lock and session lifetimes, mail delivery."""

    lock_idle_minutes: float = Field(default=15.0, gt=0)
    session_idle_minutes: float = Field(default=120.0, gt=0)
    session_max_hours: float = Field(default=12.0, gt=0)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)


def _default_transitions() -> dict[str, list[str]]:
    lint = ["no_lint_error", "no_guard_error", "override_has_reason"]
    return {
        "accept": [*lint, "changes_have_note"],
        "add_to_issue": lint,
        "publish": [*lint, "lead_has_date"],
    }


class Profile(_Model):
    """A bulletin's house style."""

    id: str = "default"
    bulletin: str = Field(description="bulletin name in the masthead")
    office: str = Field(description="publishing office in the masthead")
    association: str = Field(description="the bulletin's own association, full name")
    association_short: str = Field(description="how the bulletin names its own association")
    association_aliases: list[str] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    lead_kinds: list[OrgKind] = Field(default_factory=lambda: ["office"])  # type: ignore[arg-type]
    sections: list[SectionSpec]
    # The footer every issue starts from (the CLI's --editor / --reviewer override it).
    footer: Footer = Field(default_factory=Footer)
    orgs: list[OrgEntry] = Field(default_factory=list)
    org_patterns: list[OrgPattern] = Field(default_factory=list)
    banned: dict[str, str] = Field(default_factory=dict, description="banned → preferred wording")
    confused: dict[str, str] = Field(
        default_factory=dict, description="commonly confused wording → correct wording"
    )
    first_person: list[str] = Field(default_factory=list, description="first-person words")
    confused_in_context: dict[str, list[str]] = Field(
        default_factory=dict,
        description="wording → [correct wording, context words…]: wrong only beside a context word",
    )
    formulaic: list[str] = Field(
        default_factory=list, description="formulaic phrases: three or more in a row are flagged"
    )
    time_words: list[str] = Field(
        default_factory=list, description="time words: 截止 before one (or a date) means 截至"
    )
    review_phrases: list[str] = Field(
        default_factory=list,
        description="claims with no entity to check (一致认为, 首次): a brief with one is warned",
    )
    limits: Limits = Field(default_factory=Limits)
    fonts: Fonts = Field(default_factory=Fonts)
    rules: dict[str, RuleSetting] = Field(
        default_factory=dict, description="house-practice rule id → severity or off"
    )
    model: ModelSettings = Field(default_factory=ModelSettings)
    collab: Collab = Field(default_factory=Collab)
    transitions: dict[str, list[str]] = Field(
        default_factory=_default_transitions,
        description="action (accept, add_to_issue, publish) → the checks that must hold",
    )
    _resolver: _Resolver | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Profile:
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(f"栏目 key 重复：{keys}")
        if "lead" in keys:
            raise ValueError("栏目 key 'lead' 为头条保留，请换一个")
        return self

    # -- sections ---------------------------------------------------------------
    def ordered_sections(self) -> list[SectionSpec]:
        return sorted(self.sections, key=lambda s: s.order)

    def section(self, key: str) -> SectionSpec:
        for s in self.sections:
            if s.key == key:
                return s
        raise ProfileError(
            f"配置中没有栏目“{key}”",
            hint=f"可用栏目：{', '.join(s.key for s in self.sections)}",
            key=key,
        )

    def is_lead(self, kind: OrgKind | None, *, flagged: bool = False) -> bool:
        """Whether a brief is a lead story: flagged as one, or of a lead-story kind."""
        return flagged or (kind is not None and kind in self.lead_kinds)

    def section_of(self, kind: OrgKind | None, *, lead: bool = False) -> str:
        """The section key of a brief: ``"lead"`` for a lead story, else its grouped section.

        The one place that decides where a brief goes. A kind that no grouped section
        lists (or a lead-story kind not flagged as lead) goes to the first section.
        """
        if lead:
            return "lead"
        for s in self.ordered_sections():
            if kind is not None and kind in s.kinds:
                return s.key
        return self.ordered_sections()[0].key

    # -- organizations ----------------------------------------------------------
    def resolve_org(self, name: str) -> OrgMatch | None:
        """Resolve a formal name or variant to its short attribution name, or None."""
        return _resolver(self)(name)

    def org_names(self) -> list[str]:
        """Every registry name and short name, for suggestions and the guard."""
        out: list[str] = [self.association, self.association_short, *self.association_aliases]
        for entry in self.orgs:
            out.append(entry.short)
            out.extend(entry.names)
        return list(dict.fromkeys(out))

    def aliases(self) -> dict[str, str]:
        """Every known name → the short attribution name (the association included)."""
        out: dict[str, str] = {}
        for n in [self.association, *self.association_aliases]:
            out[n] = self.association_short
        for entry in self.orgs:
            for n in entry.names:
                out[n] = entry.short
        return out

    def rule_setting(self, rule_id: str, default: Severity) -> RuleSetting:
        return self.rules.get(rule_id, default)


def _norm_org(name: str) -> str:
    return re.sub(r"[\s（）()“”\"]", "", name)


def _resolver(profile: Profile) -> _Resolver:
    # Built once per profile object: resolution runs for every org mention. The owner
    # check rebuilds it for a model_copy(), which copies private attributes.
    cached = profile._resolver
    if cached is None or cached.owner != id(profile):
        cached = profile._resolver = _Resolver(profile)
    return cached


class _Resolver:
    def __init__(self, profile: Profile) -> None:
        self.owner = id(profile)
        self.exact: dict[str, OrgMatch] = {}
        own = [profile.association, profile.association_short, *profile.association_aliases]
        for n in own:
            self.exact[_norm_org(n)] = OrgMatch(
                short=profile.association_short, kind="office", matched=n
            )
        for entry in profile.orgs:
            for n in [entry.short, *entry.names]:
                self.exact.setdefault(
                    _norm_org(n), OrgMatch(short=entry.short, kind=entry.kind, matched=n)
                )
        self.patterns = [(re.compile(p.regex), p) for p in profile.org_patterns]

    def __call__(self, name: str) -> OrgMatch | None:
        key = _norm_org(name)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for rx, p in self.patterns:
            m = rx.fullmatch(key)
            if m:
                return OrgMatch(short=m.expand(p.short), kind=p.kind, matched=p.regex)
        return None


def load_profile(path: str | Path | None = None) -> Profile:
    """Load and validate a profile; ``None`` loads the bundled default."""
    if path is None or str(path) == DEFAULT_PROFILE_NAME:
        return _default_profile()
    p = Path(path)
    if not p.is_file():
        raise ProfileError(f"找不到配置文件：{p}", hint="请检查 --profile 的路径", path=str(p))
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(
            f"配置文件不是有效的 UTF-8 TOML：{p}（{exc}）", hint="请修正文件格式", path=str(p)
        ) from exc
    return _validate(data, str(p))


def _validate(data: dict[str, object], where: str) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ProfileError(
            f"配置文件校验失败：{where}：{problems}",
            hint="请对照默认配置 drafter/profiles/default.toml 修改",
            path=where,
        ) from exc


@functools.lru_cache(maxsize=1)
def _default_profile() -> Profile:
    text = resources.files("drafter.profiles").joinpath("default.toml").read_text("utf-8")
    return _validate(tomllib.loads(text), "default.toml")
