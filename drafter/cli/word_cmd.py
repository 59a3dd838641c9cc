"""Commands of the Word round trip: ``export`` a draft as .docx, ``import`` the edited file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import drafter
from drafter.cli._app import DbOpt, ProfileOpt, app, err, load_profile_opt, out

IdArg = Annotated[int, typer.Argument(help="稿件编号（见 drafter queue）。", min=1)]


@app.command("export")
def export_cmd(
    draft_id: IdArg,
    out_path: Annotated[Path, typer.Option("--out", help="输出的 .docx 文件。")],
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """把稿件当前文本导出为 Word 文件（附报送材料原文供参考），供编辑用修订模式修改。"""
    prof = load_profile_opt(profile)
    if out_path.suffix.lower() != ".docx":
        raise drafter.InputError(f"输出文件须为 .docx：{out_path}", hint="例如 --out draft.docx")
    with drafter.Store.open(db) as store:
        drafter.export_docx(store, draft_id, out_path, profile=prof)
    err(f"已导出稿件 {draft_id} 到 {out_path}；修改后用 drafter import {draft_id} {out_path} 导回")


@app.command("import")
def import_cmd(
    draft_id: IdArg,
    path: Annotated[Path, typer.Argument(help="编辑修改过的 .docx（修订和批注会被读取）。")],
    db: DbOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """导回 Word 文件：接受插入、执行删除，批注记为备注；像 revise 一样检查并保存为修改稿。"""
    prof = load_profile_opt(profile)
    with drafter.Store.open(db) as store:
        result, notes = drafter.import_docx(store, draft_id, path, profile=prof)
    if result.outcome != "saved" or result.revision is None:
        empty = "文件中没有稿件正文，未保存任何内容。"
        out("文件中的稿件没有改动，未保存任何内容。" if result.outcome == "unchanged" else empty)
        return
    rev = result.revision
    changed = sum(1 for op in rev.diff if op["op"] != "equal")
    out(
        f"已保存稿件 {draft_id} 的第{rev.number}次修改（来自 {path.name}）："
        f"改动 {changed} 处，编辑比例 {rev.edit_ratio:.3f}。"
    )
    for note in notes:
        out(f"  批注 {note}")
    for f in result.findings:
        excerpt = f"：“{f.excerpt}”" if f.excerpt else ""
        out(f"  [{drafter.SEVERITY_ZH[f.severity]}] {f.rule} {f.message}{excerpt}")
