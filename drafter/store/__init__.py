"""The editorial store: database, migrations, workflow operations, stats and feedback."""

from drafter.store.database import Store

__all__ = ["Store"]
