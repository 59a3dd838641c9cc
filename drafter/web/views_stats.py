"""The stats page: acceptance and edit ratio overall, by organization kind and by model
and prompt version, and week by week as charts (server-side SVG, no script)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

import drafter
from drafter.web.auth import Ctx, page
from drafter.web.charts import Chart, line_chart
from drafter.web.templating import render
from drafter.web.views_contrib import KINDS

__all__ = ["ROUTES", "model_label"]

EDITORS = ("editor", "admin")


def model_label(row: dict[str, Any]) -> str:
    """``qwen2.5-7b · brief@3`` — what drafted it, and with which prompt version."""
    what = row.get("model") or row.get("engine") or "未知"
    prompt = row.get("prompt_id")
    if prompt:
        return f"{what} · {prompt}@{row.get('prompt_version') or '?'}"
    return str(what)


def _charts(rows: list[dict[str, Any]], label: Any, noun: str) -> list[Chart]:
    """Two charts over the same weeks: acceptance rate and mean edit ratio, a line a group."""
    weeks = sorted({r["week"] for r in rows})
    accept: dict[str, dict[str, tuple[float | None, int]]] = {}
    edit: dict[str, dict[str, tuple[float | None, int]]] = {}
    for r in rows:
        name = label(r)
        accept.setdefault(name, {})[r["week"]] = (r["acceptance_rate"], r["drafts"])
        edit.setdefault(name, {})[r["week"]] = (r["edit_ratio_mean"], r["drafts"])
    return [
        line_chart(f"每周采用率（按{noun}）", weeks, accept),
        line_chart(f"每周平均改动比例（按{noun}）", weeks, edit, fit=True),
    ]


def _grouped(rows: list[dict[str, Any]], label: Any) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(label(row), []).append(row)
    return out


@page(*EDITORS)
async def stats(ctx: Ctx) -> Response:
    """Acceptance and edit ratio, overall, by organization kind and model, and per week."""
    since = ctx.request.query_params.get("since") or None
    data = await ctx.store(drafter.stats, since=since)
    by_kind = await ctx.store(drafter.weekly_stats, since=since, by="org_kind")
    by_model = await ctx.store(drafter.weekly_stats, since=since, by="model")

    def kind_label(row: dict[str, Any]) -> str:
        return str(KINDS.get(row["org_kind"], row["org_kind"]))

    weekly_kind: dict[str, list[dict[str, Any]]] = {}
    for row in by_kind:
        weekly_kind.setdefault(row["org_kind"], []).append(row)
    return render(
        ctx.request,
        "stats.html",
        stats=data,
        since=since,
        kinds=KINDS,
        weekly=weekly_kind,
        weekly_model=_grouped(by_model, model_label),
        kind_charts=_charts(by_kind, kind_label, "单位类型"),
        model_charts=_charts(by_model, model_label, "模型与提示词版本"),
        model_label=model_label,
    )


ROUTES = [Route("/stats", stats)]
