"""The typer application and what every command shares.

Commands parse, call the library, render. Library imports happen inside command
bodies so that ``drafter --help`` and ``drafter lint`` never pay for LangChain.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from drafter import ModelConfig, OrgKind, Profile, Store

__all__ = [
    "BUG_REPORT",
    "ApiKeyEnvOpt",
    "BaseUrlOpt",
    "DbOpt",
    "KindOpt",
    "MethodChoice",
    "MethodOpt",
    "ModelOpt",
    "NoCacheOpt",
    "OrgOpt",
    "ProfileOpt",
    "TextOrJson",
    "TimeoutOpt",
    "app",
    "err",
    "issue_app",
    "load_profile_opt",
    "model_config",
    "out",
    "parse_date_opt",
    "parse_kind_opt",
    "say_notified",
    "store_app",
    "write_file",
]


BUG_REPORT = (
    "内部错误（程序缺陷，不是您的输入问题）：{name}。"
    "请把所用命令和输入材料报给维护者；加 --debug（或设环境变量 DRAFTER_DEBUG=1）可看到详细信息。"
)


def _debugging(ctx: Any) -> bool:
    import os

    return bool(ctx.meta.get("drafter.debug")) or os.environ.get("DRAFTER_DEBUG", "") not in (
        "",
        "0",
    )


class _Group(TyperGroup):
    """Turns a DrafterError into a Chinese message on stderr and its mapped exit code.

    Any other exception is a bug: one line asking for a report and exit 70, with the
    traceback only under ``--debug``. typer's own exits and usage errors pass through.
    """

    def invoke(self, ctx: Any) -> Any:
        from drafter import DrafterError, exit_code_for

        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            if _debugging(ctx):
                import traceback

                traceback.print_exc()
            err(f"错误：{exc.message}")
            if exc.hint:
                err(f"提示：{exc.hint}")
            raise typer.Exit(exit_code_for(exc)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exits and usage errors: typer reports them itself
        except Exception as exc:
            if _debugging(ctx):
                import traceback

                traceback.print_exc()
            err(BUG_REPORT.format(name=type(exc).__name__))
            raise typer.Exit(exit_code_for(exc)) from None


app = typer.Typer(
    cls=_Group,
    name="drafter",
    # Plain help: typer's rich help formatter costs ~0.8 s of imports at start-up.
    rich_markup_mode=None,
    help="把学会、区科协报送的活动材料写成简报稿件，编排成期，并检查每一份输出。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
issue_app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    help="编排一期简报：组稿、目录提要、渲染、解析。",
    no_args_is_help=True,
)
app.add_typer(issue_app, name="issue")
store_app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    help="维护数据库：检查是否完好、在线备份、把 SQLite 数据搬到 PostgreSQL（copy）。",
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")


@app.callback()
def _main(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="DRAFTER_DEBUG",
            help="出错时显示完整的调用栈（报告程序缺陷时附上）。",
        ),
    ] = False,
) -> None:
    """把学会、区科协报送的活动材料写成简报稿件，编排成期，并检查每一份输出。"""
    ctx.meta["drafter.debug"] = debug


ProfileOpt = Annotated[
    Path | None,
    typer.Option("--profile", help="版式配置文件（TOML），默认用内置的北京市科协配置。"),
]


OrgOpt = Annotated[
    str | None, typer.Option("--org", help="报送单位名称（全称或简称），缺省时从正文推断。")
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="报送单位类型，决定所在栏目：society|district|grassroots|department|office"
        "（也可写学会、区科协、基层组织、机关部门、办公室）。",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="编辑数据库：SQLite 文件路径，或 postgresql://用户@主机:端口/库名；"
        "缺省用环境变量 DRAFTER_DB，再缺省用用户数据目录下的 drafter.db。",
    ),
]

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="模型名称；offline 表示离线规则引擎。缺省用环境变量 DRAFTER_MODEL，再缺省用版式配置。",
    ),
]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI 兼容接口地址。")]
ApiKeyEnvOpt = Annotated[
    str | None,
    typer.Option("--api-key-env", help="从哪个环境变量读取 API 密钥（密钥本身不上命令行）。"),
]


class MethodChoice(enum.StrEnum):
    """``--method``: how the model is asked for structured output."""

    json_schema = "json_schema"
    function_calling = "function_calling"
    json_mode = "json_mode"


MethodOpt = Annotated[MethodChoice | None, typer.Option("--method", help="结构化输出方式。")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="不用本地缓存的模型回答，重新请求模型。")
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.1,
        help="每篇稿件调用模型的总时限（秒，含全部重试）；缺省用环境变量 DRAFTER_TIMEOUT，再缺省不限。",
    ),
]


def model_config(
    profile: Profile,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key_env: str | None = None,
    method: MethodChoice | None = None,
    no_cache: bool = False,
    recording_mode: Literal["off", "record", "replay"] = "off",
    recordings: Path | None = None,
    timeout: float | None = None,
) -> ModelConfig:
    """The one place a command's model options become a :class:`drafter.ModelConfig`.

    ``timeout`` (``--timeout``) is the deadline per brief; unset, ``DRAFTER_TIMEOUT`` holds.
    """
    from drafter import ModelConfig

    overrides: dict[str, Any] = {} if timeout is None else {"deadline": timeout}
    return ModelConfig.resolve(
        model=model,
        base_url=base_url,
        api_key_env=api_key_env,
        method=method.value if method else None,
        cache=not no_cache,
        recording_mode=recording_mode,
        recordings=recordings,
        profile=profile,
        **overrides,
    )


class TextOrJson(enum.StrEnum):
    """``--format`` of the commands that print for people (text) or programs (json)."""

    text = "text"
    json = "json"


def parse_kind_opt(kind: str | None) -> OrgKind | None:
    """``--kind`` as an OrgKind (English key or its Chinese name); None when not given."""
    if kind is None:
        return None
    from drafter import parse_kind

    return parse_kind(kind)


def parse_date_opt(value: str | None) -> dt.date | None:
    """``--date`` in any form a user types (2026-05-08, 2026/5/8, 2026年5月8日)."""
    if value is None:
        return None
    from drafter import parse_user_date

    return parse_user_date(value)


def load_profile_opt(path: Path | None) -> Profile:
    from drafter import load_profile

    return load_profile(path)


def write_file(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write a command's output file atomically; a bad path is an input error, in Chinese.

    A read-only file or a symbolic link at ``path`` is refused unless ``force`` (--force).
    """
    import drafter

    if path.is_dir():
        raise drafter.InputError(f"{path} 是一个目录", hint="--out 请给出文件路径，例如 issue.md")
    try:
        drafter.write_atomic(path, data, force=force)
    except OSError as exc:
        raise drafter.InputError(
            f"无法写入 {path}：{exc.strerror or exc}", hint="请检查目录是否存在、是否有写权限"
        ) from exc


def out(text: str) -> None:
    """Write to stdout exactly (no rich markup processing)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def say_notified(store: Store, draft_ids: Sequence[int], action: str) -> None:
    """Tell the editor who the outbox will notify of ``action`` on these drafts."""
    import drafter

    names = sorted({n for i in draft_ids for n in drafter.notify_recipients(store, i, action)})
    out(f"将通知：{'、'.join(names)}" if names else "将通知：无（没有可通知的报送人账号）")


def err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
