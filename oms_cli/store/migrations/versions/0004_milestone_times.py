"""Orders keep when they first reached each milestone status.

released_at, picked_at, packed_at, shipped_at, delivered_at, cancelled_at: the time of
the order's first status event to ready, picked, packed, shipped, delivered and
cancelled. From here on they are written with the event itself; this migration fills
them from the event log already in the store.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# milestone column -> the status whose first event it holds (frozen here: this
# migration must fill the columns the same way whatever the code says later)
MILESTONES = {
    'released_at': 'ready',
    'picked_at': 'picked',
    'packed_at': 'packed',
    'shipped_at': 'shipped',
    'delivered_at': 'delivered',
    'cancelled_at': 'cancelled',
}


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in MILESTONES:
            batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))
    orders = sa.table('orders', sa.column('id'), *[sa.column(name) for name in MILESTONES])
    events = sa.table('order_events', sa.column('order_id'), sa.column('kind'), sa.column('to_status'), sa.column('at'))
    for name, status in MILESTONES.items():
        first = (
            sa.select(sa.func.min(events.c.at))
            .where(events.c.order_id == orders.c.id, events.c.kind == 'status', events.c.to_status == status)
            .scalar_subquery()
        )
        op.execute(orders.update().values({name: first}))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in reversed(list(MILESTONES)):
            batch_op.drop_column(name)
