"""Weekly line charts as plain SVG geometry, drawn by the template without any script.

The stats page must work with JavaScript off and under a CSP without inline styles, so
a chart is server-side SVG: this module turns ``{series label: {week: value}}`` into
the coordinates of polylines, points and axis labels; ``stats.html`` writes them out.
Values are fractions (0–1); a week without a value breaks the line instead of
pretending to be zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PALETTE", "Chart", "Point", "Series", "line_chart"]

# Distinguishable on white and in grey print; the red is the site's own.
PALETTE = ("#9b1c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#0e7490", "#be185d", "#4b5563")

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 42, 30, 12, 30


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    week: str
    value: float
    drafts: int


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    segments: list[str]  # polyline "x,y x,y …" strings, one per unbroken run of weeks
    points: list[Point]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, str]]
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    empty: bool = field(default=False)


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(value: float, top: float = 1.0) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - max(0.0, min(1.0, value / top)))


def _scale(series: dict[str, dict[str, tuple[float | None, int]]]) -> float:
    """The smallest of 25%, 50%, 100% that holds every value (small ratios stay readable)."""
    values = [v for by_week in series.values() for v, _n in by_week.values() if v is not None]
    high = max(values, default=0.0)
    return next(top for top in (0.25, 0.5, 1.0) if high <= top or top == 1.0)


def line_chart(
    title: str,
    weeks: list[str],
    series: dict[str, dict[str, tuple[float | None, int]]],
    *,
    fit: bool = False,
) -> Chart:
    """A chart of ``series`` (label → week → (value 0–1 or None, drafts)) over ``weeks``.

    The y axis runs to 100%, or with ``fit`` to the smallest of 25/50/100% that holds
    every value.
    """
    top = _scale(series) if fit else 1.0
    out: list[Series] = []
    for k, (label, by_week) in enumerate(series.items()):
        segments: list[str] = []
        run: list[str] = []
        points: list[Point] = []
        for i, week in enumerate(weeks):
            value, drafts = by_week.get(week, (None, 0))
            if value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            x, y = round(_x(i, len(weeks)), 1), round(_y(value, top), 1)
            run.append(f"{x},{y}")
            points.append(Point(x, y, week, value, drafts))
        if run:
            segments.append(" ".join(run))
        out.append(Series(label, PALETTE[k % len(PALETTE)], segments, points))
    # At most ~6 week labels, so they never overlap.
    step = max(1, -(-len(weeks) // 6))
    x_labels = [(round(_x(i, len(weeks)), 1), w) for i, w in enumerate(weeks) if i % step == 0]
    steps = 4 if top == 1.0 else 5  # round labels: 25% steps, or 5% / 10% steps
    y_labels = [
        (round(_y(top * v / steps, top), 1), f"{round(top * v / steps * 100)}%")
        for v in range(steps + 1)
    ]
    return Chart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        series=out,
        x_labels=x_labels,
        y_labels=y_labels,
        empty=not any(s.points for s in out),
    )
