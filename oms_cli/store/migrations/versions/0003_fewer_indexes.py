"""Drop two indexes no query uses, so bulk imports write less.

ix_orders_customer_email: e-mail search is a case-insensitive LIKE, which cannot use it.
ix_order_events_order_id: ix_order_events_order_at starts with order_id and serves the same lookups.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_customer_email')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('ix_order_events_order_id')


def downgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index('ix_order_events_order_id', ['order_id'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_customer_email', ['customer_email'], unique=False)
