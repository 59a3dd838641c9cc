"""Commands: ``schema`` (print or write the JSON Schemas) and ``profile`` (show one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

import drafter
from drafter.cli._app import ProfileOpt, app, load_profile_opt, out


@app.command("schema")
def schema_cmd(
    name: Annotated[
        str | None, typer.Argument(help="模型名：report、brief、issue、finding、facts")
    ] = None,
    write: Annotated[
        Path | None, typer.Option("--write", help="把全部模型的 JSON Schema 写入该目录")
    ] = None,
) -> None:
    """打印某个数据模型的 JSON Schema，或用 --write 写出全部。"""
    if write is not None:
        write.mkdir(parents=True, exist_ok=True)
        for key in drafter.SCHEMA_MODELS:
            path = write / f"{key}.schema.json"
            drafter.write_atomic(path, dump_schema(drafter.json_schema(key)))
            out(str(path))
        return
    if name is None:
        out("可选模型：" + "、".join(drafter.SCHEMA_MODELS))
        raise typer.Exit(0)
    out(dump_schema(drafter.json_schema(name)))


def dump_schema(schema: dict[str, object]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@app.command("profile")
def profile_cmd(profile: ProfileOpt = None) -> None:
    """校验并以 JSON 打印版式配置。"""
    p = load_profile_opt(profile)
    out(p.model_dump_json(indent=2))
