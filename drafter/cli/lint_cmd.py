"""Commands: (to be written)."""

from __future__ import annotations

from drafter.cli._app import app  # noqa: F401
