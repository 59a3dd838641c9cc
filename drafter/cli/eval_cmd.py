"""Command: ``eval`` — the regression suite of schema and style evaluations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

import drafter
from drafter.cli._app import (
    BaseUrlOpt,
    ModelOpt,
    ProfileOpt,
    TimeoutOpt,
    app,
    err,
    load_profile_opt,
    model_config,
    out,
    write_file,
)

if TYPE_CHECKING:
    from drafter import Case, EvalRun, Profile, Regression

RecordMode = Literal["off", "record", "replay"]


@app.command("eval")
def eval_cmd(
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    record: Annotated[
        bool, typer.Option("--record", help="把每次模型调用录制到 evals/recordings/")
    ] = False,
    replay: Annotated[
        bool, typer.Option("--replay", help="只用录制的模型响应，不联网；缺录制即失败")
    ] = False,
    recordings: Annotated[
        Path | None, typer.Option("--recordings", help="录制目录（默认为用例目录旁的 recordings/）")
    ] = None,
    cases: Annotated[Path | None, typer.Option("--cases", help="用例目录（默认内置用例）")] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="基线文件；比基线差则退出码为 1")
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option("--update-baseline", help="把本次结果写为基线（默认 evals/baseline.json）"),
    ] = False,
    tolerance: Annotated[
        float, typer.Option("--tolerance", min=0.0, help="汇总指标允许变差的幅度")
    ] = 0.02,
    junit: Annotated[Path | None, typer.Option("--junit", help="写出 JUnit XML")] = None,
    output: Annotated[Path | None, typer.Option("--out", help="把完整结果写为 JSON")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table 或 json")] = "table",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并发数（默认按 CPU 核数）")
    ] = None,
    grader: Annotated[
        str | None,
        typer.Option("--grader", help="启用模型评分（中文评分细则），指定评分用的模型名"),
    ] = None,
    grader_runs: Annotated[
        int, typer.Option("--grader-runs", min=1, help="每个用例评分 k 次，全部通过才算通过")
    ] = 1,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="比较两次结果：--compare A.json B.json"),
    ] = None,
    calibrate: Annotated[
        bool,
        typer.Option("--calibrate", help="变异校准：在金标稿中植入缺陷，检验各评分项能否发现"),
    ] = False,
    profile: ProfileOpt = None,
) -> None:
    """运行评测用例：起草、打分、与基线比较；有退步时退出码为 1。"""

    if fmt not in {"table", "json"}:
        raise drafter.InputError(
            f"--format 只能是 table 或 json，收到“{fmt}”", hint="例如 --format json"
        )
    if compare is not None:
        rows = drafter.compare_runs(drafter.load_run(compare[0]), drafter.load_run(compare[1]))
        if fmt == "json":
            out(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _print_compare(rows)
        return
    if record and replay:
        raise drafter.InputError(
            "--record 与 --replay 不能同时使用", hint="录制时用 --record，回放时用 --replay"
        )

    prof = load_profile_opt(profile)
    if calibrate:
        _run_calibration(drafter.load_cases(cases), prof)
        return
    mode: RecordMode = "record" if record else "replay" if replay else "off"
    if recordings is None and mode != "off":
        recordings = _default_recordings(cases)
    config = model_config(
        prof,
        model=model,
        base_url=base_url,
        recording_mode=mode,
        recordings=recordings,
        timeout=timeout,
    )
    grader_config = _grader_config(grader, base_url, prof, mode, recordings)
    if mode != "off" and config.is_offline and grader_config is None:
        err("提示：离线引擎不调用模型，--record/--replay 不起作用")
    case_list = drafter.load_cases(cases)
    old = drafter.load_run(baseline) if baseline is not None and not update_baseline else None
    run = _run_with_progress(case_list, prof, config, jobs, grader_config, grader_runs)

    regs = drafter.regressions(run, old, tolerance=tolerance) if old is not None else []
    new_baseline = (baseline or Path("evals/baseline.json")) if update_baseline else None
    _write_outputs(run, new_baseline, output, junit)
    if fmt == "json":
        data = run.model_dump(mode="json")
        data["regressions"] = [r.model_dump(mode="json") for r in regs]
        out(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _print_tables(run)
    err(f"评测用时 {run.seconds:.1f} 秒，{len(run.cases)} 个用例，{len(run.failed)} 个未全部通过")
    if grader_config is not None:
        _report_agreement(run, case_list)
    if old is not None:
        if old.model != run.model:
            err(f"提示：基线用的是 {old.model}，本次是 {run.model}，比较结果仅供参考")
        _report_regressions(regs, baseline)
    if regs:
        raise typer.Exit(1)


def _run_calibration(case_list: list[tuple[Case, Path]], prof: Profile) -> None:
    """Print the mutation table per scorer; exit 1 when a scorer misses a mutant."""
    from rich.console import Console
    from rich.table import Table

    cal = drafter.calibrate(case_list, profile=prof)
    table = Table(title=f"评分项校准（{cal.cases} 个金标稿）")
    for col in ("评分项", "变异稿", "发现", "灵敏度", "改写稿", "通过", "特异度", "金标未通过"):
        table.add_column(col, justify="left" if col == "评分项" else "right")
    for row in cal.scorers.values():
        sens, spec = row.sensitivity, row.specificity
        table.add_row(
            row.scorer,
            str(row.mutants),
            str(row.caught),
            "—" if sens is None else f"{sens:.0%}",
            str(row.paraphrases),
            str(row.passed),
            "—" if spec is None else f"{spec:.0%}",
            str(len(row.golden_failures)),
        )
    Console(soft_wrap=True, highlight=False).print(table)
    for row in cal.scorers.values():
        for miss in row.missed:
            err(f"漏检 {row.scorer}：{miss}")
        for alarm in row.false_alarms:
            err(f"误报 {row.scorer}：{alarm}")
        if row.golden_failures:
            err(f"金标稿未通过 {row.scorer}：{'、'.join(row.golden_failures)}")
    if not cal.ok:
        raise typer.Exit(1)


def _report_agreement(run: EvalRun, case_list: list[tuple[Case, Path]]) -> None:
    """With cases exported from the store: how often the grader agrees with the editors."""
    agreement = drafter.grader_agreement(run, [c for c, _ in case_list])
    if agreement.agreement is None:
        return
    err(
        f"评分模型与编辑决定一致 {agreement.agreement:.0%}（kappa {agreement.kappa:.2f}，"
        f"{agreement.cases} 例）：模型放过而编辑修改 {agreement.grader_only} 例，"
        f"编辑直接采用而模型不过 {agreement.editor_only} 例，"
        f"{len(agreement.unstable)} 例各次评分不一致"
    )


def _default_recordings(cases: Path | None) -> Path:
    """Recordings live beside the cases: ``<cases>/../recordings`` (evals/recordings)."""
    if cases is not None:
        return cases.resolve().parent / "recordings"

    return drafter.data_dir("evals") / "recordings"


def _grader_config(
    grader: str | None,
    base_url: str | None,
    prof: Profile,
    mode: RecordMode,
    recordings: Path | None,
) -> drafter.ModelConfig | None:
    if grader is None:
        return None

    config = model_config(
        prof, model=grader, base_url=base_url, recording_mode=mode, recordings=recordings
    )
    if config.is_offline:
        raise drafter.InputError(
            "--grader 需要一个模型名，不能是 offline", hint="例如 --grader deepseek-chat"
        )
    return config


def _run_with_progress(
    case_list: list[tuple[Case, Path]],
    prof: Profile,
    config: drafter.ModelConfig,
    jobs: int | None,
    grader: drafter.ModelConfig | None,
    grader_runs: int,
) -> EvalRun:
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("评测中", total=len(case_list))
        return drafter.evaluate(
            case_list,
            profile=prof,
            config=config,
            jobs=jobs,
            grader=grader,
            grader_runs=grader_runs,
            on_case=lambda _r: progress.advance(task),
        )


def _write_outputs(
    run: EvalRun, new_baseline: Path | None, output: Path | None, junit: Path | None
) -> None:

    if new_baseline is not None:
        write_file(
            new_baseline,
            json.dumps(drafter.baseline_view(run), ensure_ascii=False, indent=1) + "\n",
        )
        err(f"已写入基线：{new_baseline}")
    if output is not None:
        write_file(output, run.model_dump_json(indent=1) + "\n")
    if junit is not None:
        write_file(junit, drafter.to_junit(run))


def _report_regressions(regs: list[Regression], baseline: Path | None) -> None:
    if not regs:
        err(f"与基线 {baseline} 相比没有退步")
        return
    cases = sorted({r.case for r in regs if r.case})
    err(
        f"与基线 {baseline} 相比发现 {len(regs)} 处退步"
        + (f"，涉及用例：{'、'.join(cases)}" if cases else "")
    )
    for r in regs:
        err(f"  - {r.message}")


def _print_tables(run: EvalRun) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=True, highlight=False)
    per_case = Table(title=f"评测结果（{run.model}）")
    per_case.add_column("用例")
    per_case.add_column("结果")
    per_case.add_column("未通过的评分项")
    for case in run.cases:
        if not case.ok:
            per_case.add_row(case.id, "[red]出错[/red]", escape(case.error or ""))
            continue
        failing = [f"{n}={s.value:g}" for n, s in case.scores.items() if not s.passed]
        mark = "通过" if not failing else "[red]未通过[/red]"
        per_case.add_row(case.id, mark, "、".join(failing))
    console.print(per_case)

    per_scorer = Table(title="各评分项")
    for col in ("评分项", "适用用例", "通过", "通过率", "均值", "距阈值（最小/中位）"):
        per_scorer.add_column(col, justify="left" if col == "评分项" else "right")
    names = sorted({n for c in run.cases for n in c.scores})
    for n in names:
        scores = [c.scores[n] for c in run.cases if n in c.scores]
        margins = sorted(s.detail["margin"] for s in scores if "margin" in s.detail)
        per_scorer.add_row(
            n,
            str(len(scores)),
            str(sum(s.passed for s in scores)),
            f"{run.aggregates.get(f'{n}.pass_rate', 0):.0%}",
            f"{run.aggregates.get(f'{n}.mean', 0):g}",
            f"{margins[0]:g} / {margins[len(margins) // 2]:g}" if margins else "—",
        )
    console.print(per_scorer)
    for case in run.failed:
        reasons = case.error or "；".join(
            f"{n}: {s.explanation}" for n, s in case.scores.items() if not s.passed
        )
        console.print(f"[red]未通过[/red] {case.id}：{escape(reasons)}")


def _print_compare(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out("两次结果没有差别")
        return
    for row in rows:
        out(f"{row['case']}\t{row['scorer']}\t{_cell(row['a'])} → {_cell(row['b'])}")


def _cell(value: Any) -> str:
    if value is None or value is False:
        return "（无）"
    if value is True:
        return "（有）"
    if isinstance(value, (list, tuple)) and len(value) == 2:
        score, passed = value
        return f"{score:g} {'通过' if passed else '未通过'}"
    return str(value)
