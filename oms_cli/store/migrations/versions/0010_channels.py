"""channel_connections, channel_orders, channel_pushes: `oms sync` pulls orders from the
channels' APIs and hands tracking back, one push per package.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'channel_connections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('base_url', sa.String(), nullable=False),
        sa.Column('account', sa.String(), nullable=True),
        sa.Column('secrets', sa.JSON(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('expected_interval_s', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cursor', sa.JSON(), nullable=True),
        sa.Column('last_synced_at', sa.DateTime(), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(), nullable=True),
        sa.Column('last_error_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'channel_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['connection_id'], ['channel_connections.id']),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('connection_id', 'order_id'),
    )
    with op.batch_alter_table('channel_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_orders_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_orders_order_id'), ['order_id'], unique=False)
    op.create_table(
        'channel_pushes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(), nullable=True),
        sa.Column('accepted_at', sa.DateTime(), nullable=True),
        sa.Column('remote_ref', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['connection_id'], ['channel_connections.id']),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.ForeignKeyConstraint(['package_id'], ['packages.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('connection_id', 'package_id'),
    )
    with op.batch_alter_table('channel_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_pushes_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_pushes_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_pushes_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('channel_pushes')
    op.drop_table('channel_orders')
    op.drop_table('channel_connections')
