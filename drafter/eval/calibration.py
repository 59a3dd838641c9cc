"""Scorer calibration by mutation: does each scorer catch the defect it is named for?

Every case's golden brief is taken as a known-good draft. For each *defect kind*
(:data:`MUTATIONS`) a mutant is made by planting that one defect in the golden, and
the scorer that claims to catch it is run on the mutant: *sensitivity* is the share
of mutants it fails. For each *paraphrase* (:data:`PARAPHRASES`, rewrites an editor
would accept: a synonym verb, paragraphs merged or split) every deterministic scorer
is run: *specificity* is the share of paraphrases it passes. A deterministic scorer
below 100% sensitivity is a bug. Goldens that already fail a scorer are reported as
such and left out of that scorer's figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drafter.eval.scorers import SCORERS, Case, Sample
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Report

__all__ = [
    "MUTATIONS",
    "PARAPHRASES",
    "Calibration",
    "ScorerCalibration",
    "calibrate",
]

Mutate = Callable[[Brief, Case, Profile], Brief | None]
"""Plant one defect in a brief; None when the defect cannot apply to this case."""

_CALIBRATED = (
    "schema_valid",
    "lint_errors",
    "guard_errors",
    "attribution",
    "section",
    "date_lead",
    "length",
    "headline",
    "must_mention",
    "rouge_l",
)
_DATE_LEAD = re.compile(
    r"^((?:为[^，。]{1,60}，)?)(?:\d{1,2}月\d{1,2}日(?:[上下]午|晚)?|近日|日前)，"
)
_CJK_DIGITS = re.compile(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])")


def _with(brief: Brief, **update: object) -> Brief:
    return Brief.model_validate({**brief.model_dump(), **update})


def _append(brief: Brief, sentence: str) -> Brief:
    paras = list(brief.paragraphs)
    paras[-1] = paras[-1] + sentence
    return _with(brief, paragraphs=paras)


def _wrong_attribution(b: Brief, c: Case, p: Profile) -> Brief | None:
    return _with(b, attribution="办公室" if not c.expected_attribution else "北京某某研究会")


def _missing_attribution(b: Brief, c: Case, p: Profile) -> Brief | None:
    return _with(b, attribution=None) if c.expected_attribution else None


def _halfwidth(b: Brief, c: Case, p: Profile) -> Brief | None:
    paras = list(b.paragraphs)
    for i, para in enumerate(paras):
        if "，" in para:
            paras[i] = para.replace("，", ",", 1)
            return _with(b, paragraphs=paras)
    return None


def _cjk_digit_space(b: Brief, c: Case, p: Profile) -> Brief | None:
    paras = list(b.paragraphs)
    for i, para in enumerate(paras):
        if _CJK_DIGITS.search(para):
            paras[i] = _CJK_DIGITS.sub(r" \1 ", para, count=1)
            return _with(b, paragraphs=paras)
    return None


def _no_date_lead(b: Brief, c: Case, p: Profile) -> Brief | None:
    paras = list(b.paragraphs)
    stripped = _DATE_LEAD.sub(r"\1", paras[0], count=1)
    if stripped == paras[0] or c.expected_date is None:
        return None
    paras[0] = stripped
    return _with(b, paragraphs=paras)


def _over_length(b: Brief, c: Case, p: Profile) -> Brief | None:
    upper = p.limits.lead_body_max if b.lead else p.limits.body_max
    if c.max_length is not None:
        upper = min(upper, c.max_length)
    paras = list(b.paragraphs)
    while sum(len(x) for x in paras) <= upper:
        paras[-1] += paras[0]
    return _with(b, paragraphs=paras)


def _wrong_section(b: Brief, c: Case, p: Profile) -> Brief | None:
    others = [s.key for s in p.ordered_sections() if s.key != b.section]
    return _with(b, section=others[0]) if others and c.expected_section else None


def _drop_must_mention(b: Brief, c: Case, p: Profile) -> Brief | None:
    if not c.must_mention:
        return None
    drop = c.must_mention[0]
    paras = [x.replace(drop, "") for x in b.paragraphs]
    return _with(b, headline=b.headline.replace(drop, "") or b.headline, paragraphs=paras)


MUTATIONS: dict[str, tuple[str, Mutate]] = {
    "wrong_attribution": ("attribution", _wrong_attribution),
    "missing_attribution": ("attribution", _missing_attribution),
    "invented_number": (
        "guard_errors",
        lambda b, c, p: _append(b, "活动共吸引987名群众参与。"),
    ),
    "invented_date": ("guard_errors", lambda b, c, p: _append(b, "相关工作将于12月29日完成。")),
    "invented_person": (
        "guard_errors",
        lambda b, c, p: _append(b, "副市长欧阳振华出席活动并讲话。"),
    ),
    "invented_org": (
        "guard_errors",
        lambda b, c, p: _append(b, "中国航天科技集团有限公司参与协办。"),
    ),
    "halfwidth_punct": ("lint_errors", _halfwidth),
    "cjk_digit_space": ("lint_errors", _cjk_digit_space),
    "first_person": ("lint_errors", lambda b, c, p: _append(b, "我会将继续做好相关工作。")),
    "contact_line": ("lint_errors", lambda b, c, p: _append(b, "联系电话：6402xxxx。")),
    "no_date_lead": ("date_lead", _no_date_lead),
    "over_length": ("length", _over_length),
    "wrong_section": ("section", _wrong_section),
    "headline_punct": ("headline", lambda b, c, p: _with(b, headline=b.headline + "。")),
    "dropped_must_mention": ("must_mention", _drop_must_mention),
}
"""Defect kind → (the scorer that must catch it, how to plant it)."""

# Meaning-preserving rewrites an editor would sign: synonym verbs, paragraphing.
_SYNONYMS = (("举办", "举行"), ("参加", "参与"), ("表示", "指出"), ("召开", "举行"))


def _synonyms(b: Brief, c: Case, p: Profile) -> Brief | None:
    protected = set(c.must_mention)

    def swap(text: str) -> str:
        for old, new in _SYNONYMS:
            if not any(old in m for m in protected):
                text = text.replace(old, new)
        return text

    out = _with(b, headline=swap(b.headline), paragraphs=[swap(x) for x in b.paragraphs])
    return out if out != b else None


def _merge(b: Brief, c: Case, p: Profile) -> Brief | None:
    return _with(b, paragraphs=["".join(b.paragraphs)]) if len(b.paragraphs) > 1 else None


def _split(b: Brief, c: Case, p: Profile) -> Brief | None:
    first = b.paragraphs[0]
    cut = first.find("。")
    if cut < 0 or cut == len(first) - 1 or len(b.paragraphs) >= p.limits.paragraphs_max:
        return None
    return _with(b, paragraphs=[first[: cut + 1], first[cut + 1 :], *b.paragraphs[1:]])


def _with_afternoon(b: Brief, c: Case, p: Profile) -> Brief | None:
    para = b.paragraphs[0]
    m = re.match(r"((?:为[^，。]{1,60}，)?\d{1,2}月\d{1,2}日)，", para)
    if m is None:
        return None
    return _with(b, paragraphs=[m.group(1) + "当天，" + para[m.end() :], *b.paragraphs[1:]])


PARAPHRASES: dict[str, Mutate] = {
    "synonym_verbs": _synonyms,
    "merge_paragraphs": _merge,
    "split_first_paragraph": _split,
    "date_then_dangtian": _with_afternoon,
}
"""Paraphrase kind → a rewrite that keeps every fact (None when it cannot apply)."""


@dataclass
class ScorerCalibration:
    """One scorer's figures over all cases."""

    scorer: str
    mutants: int = 0
    caught: int = 0
    paraphrases: int = 0
    passed: int = 0
    golden_failures: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def sensitivity(self) -> float | None:
        return self.caught / self.mutants if self.mutants else None

    @property
    def specificity(self) -> float | None:
        return self.passed / self.paraphrases if self.paraphrases else None


@dataclass
class Calibration:
    scorers: dict[str, ScorerCalibration]
    cases: int

    @property
    def ok(self) -> bool:
        """Every deterministic scorer catches every mutant and passes ≥ 95% of paraphrases."""
        return all(
            (s.sensitivity in (None, 1.0)) and (s.specificity is None or s.specificity >= 0.95)
            for s in self.scorers.values()
        )


def calibrate(cases: Sequence[tuple[Case, Path]], *, profile: Profile | None = None) -> Calibration:
    """Plant every defect into every case's golden and paraphrase it; score each result."""
    from drafter.brieftext import parse_brief
    from drafter.ingest.report import load_report

    profile = profile or load_profile()
    table = {name: ScorerCalibration(name) for name in _CALIBRATED}
    used = 0
    for case, where in cases:
        if not case.golden:
            continue
        used += 1
        report = load_report(
            where / case.report,
            profile=profile,
            org=case.org,
            kind=case.kind,
            title=case.title,
            date=case.received,
            lead=case.lead,
        )
        text = (where / case.golden).read_text(encoding="utf-8")
        golden = parse_brief(text, profile=profile, lead=case.expected_section == "lead")
        _calibrate_case(case, report, golden, profile, table)
    return Calibration(scorers=table, cases=used)


def _passes(
    name: str, case: Case, report: Report, brief: Brief, profile: Profile, golden: Brief
) -> bool | None:
    sample = Sample(case=case, report=report, brief=brief, profile=profile, golden=golden)
    score = SCORERS[name](sample)
    return None if score is None else score.passed


def _calibrate_case(
    case: Case, report: Report, golden: Brief, profile: Profile, table: dict[str, ScorerCalibration]
) -> None:
    clean = {n: _passes(n, case, report, golden, profile, golden) for n in table}
    for name, ok in clean.items():
        if ok is False:
            table[name].golden_failures.append(case.id)
    for kind, (name, mutate) in MUTATIONS.items():
        mutant = mutate(golden, case, profile)
        if mutant is None or not clean[name]:
            continue
        row = table[name]
        row.mutants += 1
        if _passes(name, case, report, mutant, profile, golden) is False:
            row.caught += 1
        else:
            row.missed.append(f"{case.id}:{kind}")
    for kind, rewrite in PARAPHRASES.items():
        para = rewrite(golden, case, profile)
        if para is None:
            continue
        for name, row in table.items():
            if not clean[name]:
                continue
            row.paraphrases += 1
            if _passes(name, case, report, para, profile, golden):
                row.passed += 1
            else:
                row.false_alarms.append(f"{case.id}:{kind}")
