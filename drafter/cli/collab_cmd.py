"""Working together from the command line: ``note``, ``lock`` and the ``outbox`` commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

import drafter
from drafter.cli._app import DbOpt, ProfileOpt, TextOrJson, app, load_profile_opt, out

IdArg = Annotated[int, typer.Argument(help="稿件编号（见 drafter queue）。", min=1)]

outbox_app = typer.Typer(
    rich_markup_mode=None,
    help="通知发件箱：查看、发送（配置了 SMTP 时）、设置收件地址。",
    no_args_is_help=True,
)
app.add_typer(outbox_app, name="outbox")


@app.command("note")
def note_cmd(
    draft_id: IdArg,
    text: Annotated[str | None, typer.Argument(help="备注内容；不写则列出已有备注。")] = None,
    to_contributor: Annotated[
        bool,
        typer.Option("--to-contributor", help="写给报送人（显示在其页面和 feedback 中）。"),
    ] = False,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """给稿件写备注（默认仅编辑可见），或列出备注。"""
    with drafter.Store.open(db, create=text is not None) as store:
        if text is not None:
            n = drafter.add_note(
                store, draft_id, text, audience="contributor" if to_contributor else "internal"
            )
            out(f"已添加{n.audience_zh}（稿件 {draft_id}，{n.author}）。")
            return
        notes = drafter.list_notes(store, draft_id)
    if not notes:
        out(f"稿件 {draft_id} 没有备注。")
    zone = load_profile_opt(profile).timezone  # the office's time, as on the pages
    for n in notes:
        out(f"{drafter.local_time(n.created_at, zone)} {n.author}［{n.audience_zh}］{n.body}")


@app.command("lock")
def lock_cmd(
    draft_id: IdArg,
    take: Annotated[
        bool, typer.Option("--take", help="接手编辑锁（记入处理记录；对方未保存的文字留存副本）。")
    ] = False,
    release: Annotated[bool, typer.Option("--release", help="释放自己持有的编辑锁。")] = False,
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """查看谁在编辑稿件；--take 接手，--release 释放。"""
    prof = load_profile_opt(profile)
    with drafter.Store.open(db) as store:
        if take:
            copy_id = drafter.take_over(store, draft_id)
            kept = f"；对方未保存的文字已留存为副本 {copy_id}" if copy_id else ""
            out(f"已接手稿件 {draft_id} 的编辑锁{kept}。")
            return
        if release:
            drafter.release_lock(store, draft_id)
            out(f"已释放稿件 {draft_id} 的编辑锁。")
            return
        lock = drafter.current_lock(store, draft_id, idle=drafter.lock_idle(prof))
    out(lock.label(prof.timezone) if lock else f"稿件 {draft_id} 没有人在编辑。")


@outbox_app.command("list")
def outbox_list(
    status: Annotated[
        str | None, typer.Option("--status", help="只看 pending、sent 或 failed。")
    ] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="输出格式。")] = TextOrJson.text,
    db: DbOpt = None,
) -> None:
    """列出通知（先把新事件整理进发件箱）。"""
    with drafter.Store.open(db) as store:
        drafter.collect_outbox(store)
        messages = drafter.outbox_messages(store, status=status)
    if fmt == TextOrJson.json:
        rows = [
            {k: getattr(m, k) for k in ("id", "recipient", "email", "kind", "status", "subject")}
            | {"attempts": m.attempts, "last_error": m.last_error}
            for m in messages
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for m in messages:
        where = m.email or "站内"
        out(f"{m.id}\t{m.status}\t{m.recipient}<{where}>\t{m.subject}")
    if not messages:
        out("发件箱是空的。")


@outbox_app.command("send")
def outbox_send(db: DbOpt = None, profile: ProfileOpt = None) -> None:
    """发送到期的通知一轮（SMTP 由环境变量 DRAFTER_SMTP_* 或配置文件设置）。"""
    config = drafter.smtp_config(load_profile_opt(profile))
    with drafter.Store.open(db) as store:
        added = drafter.collect_outbox(store)
        if config is None:
            out(f"新增通知 {added} 条；未配置 SMTP（DRAFTER_SMTP_HOST），通知只在网站上显示。")
            return
        counts = drafter.send_outbox(store, config)
    out(
        f"新增通知 {added} 条；已发送 {counts['sent']} 条，"
        f"稍后重试 {counts['retry']} 条，放弃 {counts['failed']} 条。"
    )


@outbox_app.command("address")
def outbox_address(
    name: Annotated[str, typer.Argument(help="账号名。")],
    email: Annotated[str, typer.Argument(help="电子邮件地址；写 - 表示只在站内通知。")],
    section: Annotated[
        list[str] | None,
        typer.Option("--section", help="编辑只接收这些栏目的新报送通知（可重复；不写为全部）。"),
    ] = None,
    db: DbOpt = None,
) -> None:
    """设置账号的通知邮箱（编辑还可限定栏目）。"""
    with drafter.Store.open(db) as store:
        drafter.get_account(store, name)
        drafter.set_notify_address(
            store, name, None if email == "-" else email, sections=section or []
        )
    out(f"已设置 {name} 的通知地址：{email if email != '-' else '站内'}。")
