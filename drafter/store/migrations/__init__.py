"""Alembic migrations of the editorial database, and the runner the store calls.

Each schema step is a revision in ``versions/NNNN_name.py`` (revision id ``"NNNN"``,
``down_revision`` the previous number), written with ``op.create_table`` and SQLAlchemy
types so one file serves SQLite and PostgreSQL; what differs (triggers, a table
rebuild SQLite needs) branches on ``op.get_bind().dialect.name``. The scripts are
package data found through :mod:`importlib.resources`, so an installed wheel carries
them. :meth:`drafter.store._database.Database.migrate` runs them programmatically
inside its own write transaction (:func:`upgrade`); ``env.py`` is for developers
running the ``alembic`` command itself.

drafter also keeps the ``schema_version`` table of releases before Alembic (one row per
applied step: number, name, time): older tooling and ``store check`` read it, and a
database made by such a release (no ``alembic_version`` yet) is stamped at its
``schema_version`` and upgraded in place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from drafter.errors import StoreError

if TYPE_CHECKING:  # Alembic is imported only to migrate (opening a current store skips it)
    import sqlalchemy as sa
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext, MigrationInfo
    from alembic.script import ScriptDirectory

__all__ = [
    "Revision",
    "alembic_config",
    "current_revision",
    "head_version",
    "revision_id",
    "revisions",
    "stamp",
    "upgrade",
]

_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.py$")

OnStep = Callable[["MigrationInfo"], None]


@dataclass(frozen=True)
class Revision:
    """One schema step: its number (the revision id as an int) and name."""

    version: int
    name: str

    @property
    def id(self) -> str:
        return revision_id(self.version)


def revision_id(version: int) -> str:
    """The Alembic revision id of schema version ``version`` (``3`` → ``"0003"``)."""
    return f"{version:04d}"


def alembic_config() -> Config:
    """An Alembic config whose script location is this package (wherever it is installed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files(__name__)))
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@functools.cache
def revisions() -> tuple[Revision, ...]:
    """The bundled revisions in order, from their file names (``NNNN_name.py``; each
    file's ``revision`` is its number, tests/store/test_migrations.py checks the chain);
    a gap is a broken install."""
    found: list[Revision] = []
    for entry in (resources.files(__name__) / "versions").iterdir():
        m = _FILE_RE.match(entry.name)
        if m is not None:
            found.append(Revision(int(m.group(1)), m.group(2)))
    found.sort(key=lambda r: r.version)
    numbers = [r.version for r in found]
    if numbers != list(range(1, len(found) + 1)):
        raise StoreError(f"迁移脚本编号不连续：{numbers}", hint="安装包损坏：请重新安装 drafter")
    return tuple(found)


def head_version() -> int:
    """The schema version this program brings databases to."""
    return revisions()[-1].version


def current_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision recorded in the database (``None`` when it has none)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def stamp(connection: sa.Connection, version: int) -> None:
    """Record ``version`` in ``alembic_version`` without running anything (a database
    made by a release before Alembic, whose ``schema_version`` says where it is)."""
    from alembic.runtime.migration import MigrationContext

    MigrationContext.configure(connection).stamp(_script(), revision_id(version))


def upgrade(connection: sa.Connection, version: int, *, on_step: OnStep) -> None:
    """Run the revisions up to ``version`` on ``connection``, inside the transaction the
    caller holds; ``on_step`` runs after each step, in it (it may raise to undo all)."""
    from alembic.runtime.environment import EnvironmentContext

    script = _script()
    destination = revision_id(version)

    def fn(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(destination, rev)

    def after(
        ctx: MigrationContext,
        step: MigrationInfo,
        heads: Collection[Any],
        run_args: Mapping[str, Any],
    ) -> None:
        on_step(step)

    with EnvironmentContext(alembic_config(), script, fn=fn, destination_rev=destination) as env:
        env.configure(connection=connection, target_metadata=None, on_version_apply=after)
        with env.begin_transaction():
            env.run_migrations()
