"""Command: ``eval`` — the regression suite of schema and style evaluations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drafter.cli._app import ProfileOpt, app, err, load_profile_opt, out

if TYPE_CHECKING:
    from drafter.evaluation import EvalRun


@app.command("eval")
def eval_cmd(
    model: Annotated[
        str | None, typer.Option("--model", help="offline（默认）或模型名；用 OpenAI 兼容接口")
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI 兼容接口地址")] = None,
    record: Annotated[
        bool, typer.Option("--record", help="把每次模型调用录制到 evals/recordings/")
    ] = False,
    replay: Annotated[
        bool, typer.Option("--replay", help="只用录制的模型响应，不联网；缺录制即失败")
    ] = False,
    recordings: Annotated[
        Path | None, typer.Option("--recordings", help="录制目录（默认 evals/recordings）")
    ] = None,
    cases: Annotated[Path | None, typer.Option("--cases", help="用例目录（默认内置用例）")] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="基线文件；比基线差则退出码为 1")
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="把本次结果写为基线")
    ] = False,
    tolerance: Annotated[float, typer.Option("--tolerance", help="汇总指标允许下降的幅度")] = 0.02,
    junit: Annotated[Path | None, typer.Option("--junit", help="写出 JUnit XML")] = None,
    output: Annotated[Path | None, typer.Option("--out", help="把完整结果写为 JSON")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table 或 json")] = "table",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="并发数")] = 4,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="比较两次结果：--compare A.json B.json"),
    ] = None,
    profile: ProfileOpt = None,
) -> None:
    """运行评测用例：起草、打分、与基线比较；有退步时退出码为 1。"""
    from drafter.errors import InputError
    from drafter.evaluation import (
        baseline_view,
        compare_runs,
        load_cases,
        load_run,
        regressions,
        to_junit,
    )

    if fmt not in {"table", "json"}:
        raise InputError(f"--format 只能是 table 或 json，收到“{fmt}”")
    if compare is not None:
        rows = compare_runs(load_run(compare[0]), load_run(compare[1]))
        if fmt == "json":
            out(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _print_compare(rows)
        return
    if record and replay:
        raise InputError("--record 与 --replay 不能同时使用")

    prof = load_profile_opt(profile)
    config = _model_config(model, base_url, prof, record, replay, recordings)
    case_list = load_cases(cases)
    run = _run_with_progress(case_list, prof, config, jobs)

    regs = []
    if baseline is not None and not update_baseline:
        regs = regressions(run, load_run(baseline), tolerance=tolerance)
    if update_baseline:
        target = baseline or Path("evals/baseline.json")
        target.write_text(
            json.dumps(baseline_view(run), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        err(f"已写入基线：{target}")
    if output is not None:
        output.write_text(run.model_dump_json(indent=1), encoding="utf-8")
    if junit is not None:
        junit.write_text(to_junit(run), encoding="utf-8")

    if fmt == "json":
        data = run.model_dump(mode="json")
        data["regressions"] = [r.model_dump(mode="json") for r in regs]
        out(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _print_tables(run)
    err(f"评测用时 {run.seconds:.1f} 秒，{len(run.cases)} 个用例")
    if regs:
        err(f"发现 {len(regs)} 处退步：")
        for r in regs:
            err(f"  - {r.message}")
        raise typer.Exit(1)


def _model_config(
    model: str | None,
    base_url: str | None,
    prof: object,
    record: bool,
    replay: bool,
    recordings: Path | None,
) -> object:
    from drafter.providers import ModelConfig

    config = ModelConfig.resolve(model=model, base_url=base_url, profile=prof)  # type: ignore[arg-type]
    if record or replay:
        from drafter.resources import data_dir

        directory = recordings or (data_dir("evals") / "recordings")
        config = config.model_copy(
            update={"recordings": directory, "recording_mode": "record" if record else "replay"}
        )
    return config


def _run_with_progress(case_list: list, prof: object, config: object, jobs: int) -> EvalRun:  # type: ignore[type-arg]
    from rich.progress import Progress

    from drafter.evaluation import evaluate

    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("评测中", total=len(case_list))
        return evaluate(
            case_list,
            profile=prof,  # type: ignore[arg-type]
            config=config,  # type: ignore[arg-type]
            jobs=jobs,
            on_case=lambda _r: progress.advance(task),
        )


def _print_tables(run: EvalRun) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)
    names = sorted({n for c in run.cases for n in c.scores})
    table = Table(title=f"评测结果（{run.model}）")
    table.add_column("用例")
    for n in names:
        table.add_column(n, justify="right")
    for case in run.cases:
        if not case.ok:
            table.add_row(case.id, *["[red]×[/red]"] * len(names))
            continue
        cells = []
        for n in names:
            s = case.scores.get(n)
            if s is None:
                cells.append("")
            else:
                v = f"{s.value:g}"
                cells.append(v if s.passed else f"[red]{v}[/red]")
        table.add_row(case.id, *cells)
    console.print(table)
    agg = Table(title="汇总")
    agg.add_column("指标")
    agg.add_column("值", justify="right")
    for k, v in run.aggregates.items():
        agg.add_row(k, f"{v:g}")
    console.print(agg)
    for case in run.failed:
        reasons = case.error or "；".join(
            f"{n}: {s.explanation}" for n, s in case.scores.items() if not s.passed
        )
        console.print(f"[red]未通过[/red] {case.id}：{reasons}")


def _print_compare(rows: list[dict[str, object]]) -> None:
    if not rows:
        out("两次结果没有差别")
        return
    for row in rows:
        out(f"{row['case']}\t{row['scorer']}\t{row['a']} → {row['b']}")
