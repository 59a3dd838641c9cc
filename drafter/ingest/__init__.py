"""Files, stdin and pasted web pages → Report."""

from drafter.ingest.report import load_report, parse_kind, report_from_text

__all__ = ["load_report", "parse_kind", "report_from_text"]
