"""Days written without their month (“23日，……” under a November dateline).

A report often gives the month once (a dateline, “11月，……”) and then only days. The
offline engine completes such a day from the nearest date before it that has a
month, and the faithfulness guard accepts the completed date on the same evidence:
both use :func:`completed_days`, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
import re

from drafter.text.dates import DateValue, find_dates

__all__ = ["completed_days"]

# A day number with no month or year written just before it (not 5月23日, 2026-11-23).
_DAY_RE = re.compile(r"(?<![\d年月号./\-])(\d{1,2})日")


def completed_days(text: str) -> list[DateValue]:
    """Every bare day in ``text`` (``23日``) with the year and month of the nearest date
    before it that has a month; spans are the bare day's. A day later than a dated
    context's own day (``28日`` after a ``12月2日`` dateline) may belong to the month
    before, so it is left alone."""
    if not _DAY_RE.search(text):
        return []  # the usual case: every day has its month
    dates = find_dates(text)
    out: list[DateValue] = []
    for m in _DAY_RE.finditer(text):
        if any(d.start <= m.start() < d.end for d in dates):
            continue
        context = next((d for d in reversed(dates) if d.end <= m.start() and d.month), None)
        if context is None or context.month is None:
            continue
        day = int(m.group(1))
        if context.day is not None and day > context.day:
            continue
        try:
            dt.date(context.year or 2000, context.month, day)
        except ValueError:
            continue
        out.append(DateValue(m.start(), m.end(), m.group(0), context.year, context.month, day))
    return out
