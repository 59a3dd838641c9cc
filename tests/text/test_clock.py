"""Stored UTC times shown in the office's zone."""

from __future__ import annotations

from drafter.text.clock import local_time


def test_utc_is_shown_in_the_offices_zone() -> None:
    assert local_time("2026-12-05T06:35:10+00:00") == "2026-12-05 14:35"
    assert local_time("2026-12-05T06:35:10") == "2026-12-05 14:35"  # stored without offset: UTC
    assert local_time("2026-12-05T20:35:10Z", "Asia/Shanghai", "%H:%M") == "04:35"
    assert local_time("2026-12-05T20:35:10Z", "Asia/Shanghai", "%Y-%m-%d") == "2026-12-06"


def test_another_zone_from_the_profile() -> None:
    assert local_time("2026-07-01T12:00:00+00:00", "Europe/Berlin") == "2026-07-01 14:00"


def test_dates_and_nothing_pass_through() -> None:
    assert local_time("2026-12-05") == "2026-12-05"
    assert local_time(None) == "" and local_time("") == ""
