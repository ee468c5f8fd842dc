"""Alembic environment: always run on the connection oms hands over."""

from alembic import context

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - oms always passes its connection
    raise RuntimeError("oms migrations run through `oms db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
