"""drafter's command line: a thin layer over the public library API."""

from __future__ import annotations

from drafter.cli import (  # noqa: F401  (imported to register their commands)
    contrib_cmd,
    desk_cmd,
    draft_cmd,
    eval_cmd,
    issue_cmd,
    lint_cmd,
    misc_cmd,
    store_cmd,
    web_cmd,
    word_cmd,
)
from drafter.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="drafter")
