"""drafter's command line: a thin layer over the public library API."""

from __future__ import annotations

# Importing a command module registers its commands; `drafter --help` lists them in
# this order, the order of the work: draft and check, the desk, issues, the newsroom.
# isort: off
from drafter.cli import draft_cmd, lint_cmd, eval_cmd, misc_cmd  # noqa: F401
from drafter.cli import store_cmd, contrib_cmd, word_cmd  # noqa: F401
from drafter.cli import issue_cmd, desk_cmd, maint_cmd, web_cmd  # noqa: F401
from drafter.cli import collab_cmd  # noqa: F401
from drafter.cli import worker_cmd  # noqa: F401

# isort: on
from drafter.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="drafter")
