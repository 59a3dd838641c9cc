"""The typer application and what every command shares.

Commands parse, call the library, render. Library imports happen inside command
bodies so that ``drafter --help`` and ``drafter lint`` never pay for LangChain.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from drafter.profile import Profile
    from drafter.schemas import OrgKind

__all__ = [
    "SEVERITY_ZH",
    "DbOpt",
    "KindOpt",
    "OrgOpt",
    "ProfileOpt",
    "TextOrJson",
    "app",
    "err",
    "issue_app",
    "load_profile_opt",
    "out",
    "parse_date_opt",
    "parse_kind_opt",
]


class _Group(TyperGroup):
    """Turns a DrafterError into a Chinese message on stderr and its mapped exit code."""

    def invoke(self, ctx: Any) -> Any:
        from drafter.errors import DrafterError, exit_code_for

        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            err(f"错误：{exc.message}")
            if exc.hint:
                err(f"提示：{exc.hint}")
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
        help="编辑数据库文件；缺省用环境变量 DRAFTER_DB，再缺省用用户数据目录下的 drafter.db。",
    ),
]

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示", "off": "关闭"}


class TextOrJson(enum.StrEnum):
    """``--format`` of the commands that print for people (text) or programs (json)."""

    text = "text"
    json = "json"


def parse_kind_opt(kind: str | None) -> OrgKind | None:
    """``--kind`` as an OrgKind (English key or its Chinese name); None when not given."""
    if kind is None:
        return None
    from drafter.ingest.report import parse_kind

    return parse_kind(kind)


def parse_date_opt(value: str | None) -> dt.date | None:
    """``--date`` in any form a user types (2026-05-08, 2026/5/8, 2026年5月8日)."""
    if value is None:
        return None
    from drafter.text.dates import parse_user_date

    return parse_user_date(value)


def load_profile_opt(path: Path | None) -> Profile:
    from drafter.profile import load_profile

    return load_profile(path)


def out(text: str) -> None:
    """Write to stdout exactly (no rich markup processing)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
