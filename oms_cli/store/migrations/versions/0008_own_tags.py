"""orders.own_tags: the tags given here (`oms orders tag`), which an update from the
channel keeps while it replaces the channel's own tags.

An order an import may still update (new or on hold) starts with all its tags as
its own: which of them were given here is not recorded, and keeping a tag the
channel dropped is better than losing one the shop added.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_tags', sa.JSON(), nullable=True))
    orders = sa.table('orders', sa.column('status'), sa.column('tags'), sa.column('own_tags'))
    op.execute(orders.update().where(orders.c.status.in_(('new', 'on_hold'))).values(own_tags=orders.c.tags))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('own_tags')
