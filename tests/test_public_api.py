"""Pins the public API: what `import drafter` offers, and that it stays cheap to import."""

from __future__ import annotations

import subprocess
import sys

import drafter

PUBLIC = {
    "Brief", "ConfigError", "ConflictError", "DrafterError", "EncodingError", "EvalError",
    "Facts", "Finding", "Footer", "InputError", "Issue", "IssueError", "IssueSection",
    "Location", "LockedError", "Masthead", "MissingRecordingError", "ModelError",
    "NotFoundError", "OutputValidationError", "Profile", "ProfileError", "PromptError",
    "Provenance", "Report", "StoreError", "TokenUsage", "__version__", "build_issue", "check",
    "check_faithfulness", "draft", "evaluate", "fix", "lint", "load_profile", "load_report",
    "parse_issue", "render",
}  # fmt: skip


def test_public_names_are_pinned() -> None:
    assert set(drafter.__all__) == PUBLIC


def test_every_public_name_resolves() -> None:
    for name in drafter.__all__:
        assert getattr(drafter, name) is not None, name


def test_unknown_attribute_raises() -> None:
    try:
        drafter.nonexistent  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "nonexistent" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_importing_drafter_and_its_cli_loads_no_model_layer() -> None:
    loaded = _modules_after("import drafter, drafter.cli")
    heavy = {
        m
        for m in loaded
        if m.split(".")[0]
        in {"langchain_core", "langchain_openai", "openai", "tiktoken", "docx", "jieba"}
    }
    assert not heavy, f"heavy modules imported at start-up: {sorted(heavy)}"
