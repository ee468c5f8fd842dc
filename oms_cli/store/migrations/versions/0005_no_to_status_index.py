"""Drop ix_order_events_to_status: no query filters events by status any more.

The report reads each order's milestone times from its row (0004); the index was only
written, 100,000 entries per 100,000 imported orders.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('ix_order_events_to_status')


def downgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index('ix_order_events_to_status', ['to_status'], unique=False)
