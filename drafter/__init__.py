"""drafter: house-style briefs for a weekly bulletin, from raw activity reports.

The public API is re-exported here. Heavy modules (the model layer, docx rendering)
load on first use, so ``import drafter`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drafter.errors import (
        ConfigError,
        ConflictError,
        DrafterError,
        EncodingError,
        EvalError,
        InputError,
        IssueError,
        LockedError,
        MissingRecordingError,
        ModelError,
        NotFoundError,
        OutputValidationError,
        ProfileError,
        PromptError,
        StoreError,
    )
    from drafter.profile import Profile, load_profile
    from drafter.schemas import (
        Brief,
        Facts,
        Finding,
        Footer,
        Issue,
        IssueSection,
        Location,
        Masthead,
        Provenance,
        Report,
        TokenUsage,
    )

__version__ = "0.1.0"

# name -> module that defines it; imported on first attribute access.
_LAZY: dict[str, str] = {
    **{
        name: "drafter.errors"
        for name in (
            "ConfigError",
            "ConflictError",
            "DrafterError",
            "EncodingError",
            "EvalError",
            "InputError",
            "IssueError",
            "LockedError",
            "MissingRecordingError",
            "ModelError",
            "NotFoundError",
            "OutputValidationError",
            "ProfileError",
            "PromptError",
            "StoreError",
        )
    },
    **{
        name: "drafter.schemas"
        for name in (
            "Brief",
            "Facts",
            "Finding",
            "Footer",
            "Issue",
            "IssueSection",
            "Location",
            "Masthead",
            "Provenance",
            "Report",
            "TokenUsage",
        )
    },
    "Profile": "drafter.profile",
    "load_profile": "drafter.profile",
    "lint": "drafter.style",
    "fix": "drafter.style",
    "check_faithfulness": "drafter.guard.faithfulness",
    "load_report": "drafter.ingest.report",
    "draft": "drafter.drafting.pipeline",
    "check": "drafter.drafting.pipeline",
    "build_issue": "drafter.issue",
    "parse_issue": "drafter.issue",
    "render": "drafter.issue",
    "evaluate": "drafter.eval.runner",
}

__all__ = [
    "Brief",
    "ConfigError",
    "ConflictError",
    "DrafterError",
    "EncodingError",
    "EvalError",
    "Facts",
    "Finding",
    "Footer",
    "InputError",
    "Issue",
    "IssueError",
    "IssueSection",
    "Location",
    "LockedError",
    "Masthead",
    "MissingRecordingError",
    "ModelError",
    "NotFoundError",
    "OutputValidationError",
    "Profile",
    "ProfileError",
    "PromptError",
    "Provenance",
    "Report",
    "StoreError",
    "TokenUsage",
    "__version__",
    "build_issue",
    "check",
    "check_faithfulness",
    "draft",
    "evaluate",
    "fix",
    "lint",
    "load_profile",
    "load_report",
    "parse_issue",
    "render",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
