"""Drafting workers and their queue: ``drafter worker`` and ``drafter jobs``."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Annotated

import typer

import drafter
from drafter.cli._app import (
    ApiKeyEnvOpt,
    BaseUrlOpt,
    DbOpt,
    MethodOpt,
    ModelOpt,
    NoCacheOpt,
    ProfileOpt,
    TextOrJson,
    TimeoutOpt,
    app,
    err,
    load_profile_opt,
    model_config,
    out,
)


@app.command("worker")
def worker_cmd(
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, max=64, help="同时起草几篇（线程数）。")
    ] = 1,
    db: DbOpt = None,
    profile: ProfileOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    method: MethodOpt = None,
    no_cache: NoCacheOpt = False,
    timeout: TimeoutOpt = None,
    # Defaults live in drafter.WorkerSettings (importing it here would load the store
    # and SQLAlchemy for every `drafter --help`); the help repeats them, pinned by a test.
    lease: Annotated[
        float | None,
        typer.Option(
            "--lease", min=1.0, help="领取一篇后的租约（秒，缺省 60）；起草期间自动续约。"
        ),
    ] = None,
    poll: Annotated[
        float | None,
        typer.Option("--poll", min=0.05, help="队列为空时每隔几秒查看一次（缺省 1）。"),
    ] = None,
    retry_delay: Annotated[
        float | None,
        typer.Option(
            "--retry-delay", min=0.0, help="模型出错后第一次重试前等几秒（缺省 10，之后加倍）。"
        ),
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="队列清空后退出（用于批处理、定时任务）。")
    ] = False,
) -> None:
    """起草进程：从数据库领取排队的稿件，用配置的模型起草并保存。可在任何连得上数据库的机器上运行多个；Ctrl-C 或 SIGTERM 时写完手上的稿件再退出。"""
    import logging
    import signal
    import threading

    prof = load_profile_opt(profile)
    config = model_config(
        prof,
        model=model,
        base_url=base_url,
        api_key_env=api_key_env,
        method=method,
        no_cache=no_cache,
        timeout=timeout,
    )
    base = drafter.WorkerSettings(config=config, profile=prof)
    settings = dataclasses.replace(
        base,
        lease=base.lease if lease is None else lease,
        poll=base.poll if poll is None else poll,
        retry_delay=base.retry_delay if retry_delay is None else retry_delay,
    )
    with drafter.Store.open(db) as store:
        target, where = store.path, store.location  # location: shown, never a password
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now (leases expire, jobs return)
        err("收到停止信号：写完手上的稿件后退出（再按一次 Ctrl-C 立即退出）")
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    err(f"起草进程已启动：{jobs} 路，模型 {config.model or 'offline'}，数据库 {where}")
    try:
        handled = drafter.run_workers(
            target,
            settings,
            jobs=jobs,
            stop=stop,
            until_idle=until_idle,
        )
    except KeyboardInterrupt:
        err("已中断：未写完的稿件在租约过期后由其他起草进程接手")
        raise typer.Exit(130) from None
    out(f"起草进程退出：共处理 {handled} 个任务")


class JobStateChoice(enum.StrEnum):
    queued = "queued"
    running = "running"
    failed = "failed"
    done = "done"
    all = "all"


@app.command("jobs")
def jobs_cmd(
    state: Annotated[
        JobStateChoice | None,
        typer.Option("--state", help="只看某种状态；缺省列出排队、起草中和失败的任务。"),
    ] = None,
    retry: Annotated[
        list[int] | None,
        typer.Option("--retry", help="把失败的任务重新排队（任务编号，可重复）。"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="最多列出几个。")] = 200,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="输出格式：text 或 json。")] = (
        TextOrJson.text
    ),
    db: DbOpt = None,
) -> None:
    """起草任务：排队中、起草中（由谁领取、租约到何时）、失败（原因、已试次数）。"""
    with drafter.Store.open(db, create=False) as store:
        for job_id in retry or []:
            job = drafter.retry_job(store, job_id)
            out(f"任务 {job.id}（稿件 {job.draft_id}）已重新排队")
        if retry:
            return
        if state is None:
            states: list[str] | None = ["queued", "running", "failed"]
        elif state is JobStateChoice.all:
            states = None
        else:
            states = [state.value]
        jobs = drafter.list_jobs(store, states, limit=limit)
        counts = drafter.job_counts(store)
    if fmt is TextOrJson.json:
        rows = [
            {
                "job_id": j.id,
                "draft_id": j.draft_id,
                "state": j.state,
                "model": j.model,
                "attempts": j.attempts,
                "max_attempts": j.max_attempts,
                "holder": j.holder if j.state == "running" else None,
                "lease_expires_at": j.lease_expires_at if j.state == "running" else None,
                "lease_expired": j.lease_expired(),
                "last_error": j.last_error,
                "updated_at": j.updated_at,
            }
            for j in jobs
        ]
        out(json.dumps({"counts": counts, "jobs": rows}, ensure_ascii=False, indent=2))
        return
    out("  ".join(f"{drafter.JOB_STATE_ZH[k]} {n}" for k, n in counts.items()))
    if not jobs:
        out("没有符合条件的任务。")
        return
    for j in jobs:
        line = (
            f"任务 {j.id}｜稿件 {j.draft_id}｜{j.state_zh}｜已试 {j.attempts}/{j.max_attempts} 次"
        )
        if j.state == "running":
            expiry = (j.lease_expires_at or "")[:19].replace("T", " ")
            late = "（已过期，等待接手）" if j.lease_expired() else ""
            line += f"｜{j.holder}｜租约至 {expiry} UTC{late}"
        if j.last_error and j.state != "done":
            line += f"｜原因：{j.last_error}"
        out(line)
    if counts["failed"] and (state is None or state is JobStateChoice.failed):
        err("提示：用 drafter jobs --retry 任务编号 重新排队失败的任务")
