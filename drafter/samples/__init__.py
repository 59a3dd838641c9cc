"""Bundled sample raw reports, written in contributor style, and the demo that drafts them.

Societies, districts (one outside Beijing), grassroots associations, internal
departments and two office lead stories; most carry YAML front matter, a few leave the
organization to be inferred from the text; one is GBK-encoded and one is a ``.docx``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from drafter.samples.demo import DEMO_FORMATS, DemoResult, run_demo

__all__ = ["DEMO_FORMATS", "SAMPLE_SUFFIXES", "DemoResult", "run_demo", "sample_paths"]

SAMPLE_SUFFIXES = (".txt", ".md", ".docx")


def sample_paths() -> list[Path]:
    """Every bundled sample report, sorted by file name."""
    root = resources.files("drafter.samples").joinpath("reports")
    # The package is installed as files (wheel or editable), so a Traversable here is
    # a real directory; Path() keeps callers on the ordinary file API.
    folder = Path(str(root))
    return sorted(p for p in folder.iterdir() if p.suffix in SAMPLE_SUFFIXES and p.is_file())
