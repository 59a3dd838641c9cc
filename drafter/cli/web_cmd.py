"""The newsroom's commands: ``serve`` and ``user add/list/disable/enable/orgs/passwd``.

The web package (Starlette, Jinja2, uvicorn) is imported inside ``serve`` only, so
``drafter --help`` and ``drafter lint`` never load it.
"""

from __future__ import annotations

import enum
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

import drafter
from drafter.cli._app import (
    ApiKeyEnvOpt,
    BaseUrlOpt,
    DbOpt,
    MethodOpt,
    ModelOpt,
    ProfileOpt,
    TimeoutOpt,
    app,
    err,
    load_profile_opt,
    model_config,
    out,
)

user_app = typer.Typer(help="管理编辑部网站的账号（报送人、编辑、管理员）。", no_args_is_help=True)
app.add_typer(user_app, name="user")

NameArg = Annotated[str, typer.Argument(help="账号名。")]


class RoleChoice(enum.StrEnum):
    contributor = "contributor"
    editor = "editor"
    admin = "admin"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    return value


PasswordStdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="从标准输入读取密码（一行），用于脚本。")
]


@user_app.command("add")
def user_add(
    name: NameArg,
    role: Annotated[RoleChoice, typer.Option("--role", help="角色。")] = RoleChoice.contributor,
    org: Annotated[
        list[str] | None, typer.Option("--org", help="报送人所属单位（可重复）。")
    ] = None,
    password_stdin: PasswordStdinOpt = False,
    db: DbOpt = None,
) -> None:
    """新建账号：drafter user add 张三 --role contributor --org 北京抗癌协会"""
    password = _password(password_stdin)
    with drafter.Store.open(db) as store:
        account = drafter.add_account(store, name, password, role=role.value, orgs=org or [])
    orgs = f"，单位：{'、'.join(account.orgs)}" if account.orgs else ""
    out(f"已新建账号 {account.name}（{account.role_zh}{orgs}）")


@user_app.command("list")
def user_list(db: DbOpt = None) -> None:
    """列出账号。"""
    with drafter.Store.open(db) as store:
        accounts = drafter.list_accounts(store)
    if not accounts:
        out("还没有账号；用 drafter user add 新建")
    for a in accounts:
        state = "（已停用）" if a.disabled else ""
        orgs = f"  {'、'.join(a.orgs)}" if a.orgs else ""
        out(f"{a.name}\t{a.role_zh}{state}{orgs}")


@user_app.command("disable")
def user_disable(name: NameArg, db: DbOpt = None) -> None:
    """停用账号（立即退出其所有登录；处理记录保留）。"""
    with drafter.Store.open(db) as store:
        drafter.disable_account(store, name)
    out(f"已停用账号 {name}")


@user_app.command("enable")
def user_enable(name: NameArg, db: DbOpt = None) -> None:
    """重新启用已停用的账号（沿用原密码）。"""
    with drafter.Store.open(db) as store:
        drafter.enable_account(store, name)
    out(f"已启用账号 {name}")


@user_app.command("orgs")
def user_orgs(
    name: NameArg,
    orgs: Annotated[list[str], typer.Argument(help="报送人的全部所属单位（替换原有单位）。")],
    db: DbOpt = None,
) -> None:
    """改报送人的所属单位：drafter user orgs 张三 北京抗癌协会 北京市医学会"""
    with drafter.Store.open(db) as store:
        account = drafter.set_orgs(store, name, orgs)
    out(f"{account.name} 的所属单位：{'、'.join(account.orgs)}")


@user_app.command("passwd")
def user_passwd(name: NameArg, password_stdin: PasswordStdinOpt = False, db: DbOpt = None) -> None:
    """为账号设置新密码（其所有登录随之失效）。"""
    password = _password(password_stdin)
    with drafter.Store.open(db) as store:
        drafter.set_password(store, name, password)
    out(f"已为 {name} 设置新密码")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="监听地址。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。", min=1, max=65535)] = 8000,
    db: DbOpt = None,
    profile: ProfileOpt = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="用临时数据库、样例材料和演示账号启动。")
    ] = False,
    https: Annotated[
        bool, typer.Option("--https", help="站点经 https 反向代理访问：Cookie 加 Secure。")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            max=64,
            help="网站进程内起草几路；缺省 SQLite 为 1，PostgreSQL 为 0（另行运行 drafter worker）。",
        ),
    ] = None,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="网站进程内不起草（由 drafter worker 进程起草）。")
    ] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    method: MethodOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """启动编辑部网站（报送、审稿、组刊）。报送的材料先保存，再由起草进程在后台起草。"""
    import logging

    import uvicorn

    from drafter.web import create_app
    from drafter.web.demo import seed_demo

    prof = load_profile_opt(profile)
    # The model submissions are drafted with (--model, else DRAFTER_MODEL, else the profile's).
    config = model_config(
        prof,
        model=model,
        base_url=base_url,
        api_key_env=api_key_env,
        method=method,
        timeout=timeout,
    )
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if demo:
        tmp = tempfile.TemporaryDirectory(prefix="drafter-demo-")
        path = Path(tmp.name) / "demo.db"
        accounts = seed_demo(path, prof)
        out(f"演示数据库：{path}（退出后删除）")
        out(f"打开 http://{host}:{port}/ ，用下列账号登录：")
        for a in accounts:
            orgs = f"，单位 {'、'.join(a.orgs)}" if a.orgs else ""
            out(f"  {a.role:<12} 账号 {a.name:<8} 密码 {a.password}{orgs}")
    else:
        with drafter.Store.open(db) as store:
            path, where = store.path, store.location  # location: shown, never a password
            if not drafter.list_accounts(store):
                err("还没有账号：先用 drafter user add 新建一个编辑账号，例如")
                err("  drafter user add bianji --role editor")
        out(f"编辑部网站：http://{host}:{port}/ （数据库 {where}）")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Load the offline engine (jieba's dictionary, ~1 s) now, not in the first submit.
    drafter.draft(
        drafter.report_from_text("2026年5月8日，北京市科协举办科普活动。", profile=prof),
        profile=prof,
        model="offline",
    )
    try:
        uvicorn.run(
            create_app(
                path,
                profile=prof,
                secure=https,
                workers=0 if no_worker else workers,
                worker_settings=drafter.WorkerSettings(config=config, profile=prof),
            ),
            host=host,
            port=port,
            log_level="info",
            server_header=False,
            proxy_headers=https,
        )
    finally:
        if tmp is not None:
            tmp.cleanup()
