"""Alembic's environment, for a developer running ``alembic`` by hand.

drafter migrates its databases itself (:func:`drafter.store.migrations.upgrade`, with
drafter's checks around it); this file serves the ``alembic`` command, e.g.
``alembic -c alembic.ini -x db=drafter.db history`` with ``script_location =
drafter/store/migrations``. ``-x db=`` takes a SQLite path or a PostgreSQL URL
(default: ``DRAFTER_DB``, as drafter resolves it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from drafter.store._connection import resolve_db
from drafter.store._engine import is_url, parse_url

connection = context.config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
else:
    target = resolve_db(context.get_x_argument(as_dictionary=True).get("db"))
    url = (
        parse_url(target)
        if is_url(target)
        else sa.engine.URL.create("sqlite", database=str(target))
    )
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
