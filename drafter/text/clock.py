"""Stored times (ISO-8601 UTC) as people read them: in the office's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_ZONE", "local_time"]

DEFAULT_ZONE = "Asia/Shanghai"  # the profile's ``timezone`` when none is given


def local_time(value: str | None, zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``value`` (as the store writes it: UTC, ISO-8601) in ``zone`` (the profile's), as ``fmt``.

    A time without an offset is read as UTC (the store's convention); a bare date has no
    time of day to move and is returned as it is; nothing gives ``""``.
    """
    if not value:
        return ""
    if len(value) <= 10:  # a date
        return value
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # not a time: shown as stored rather than failing the page
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).strftime(fmt)
