"""Orders, their lines and events, and named counters.

Revision ID: 0001
Revises: None
"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counters',
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('external_id', sa.String(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('payment_status', sa.String(), nullable=False),
    sa.Column('payment_method', sa.String(), nullable=True),
    sa.Column('payment_reference', sa.String(), nullable=True),
    sa.Column('customer_name', sa.String(), nullable=True),
    sa.Column('customer_email', sa.String(), nullable=True),
    sa.Column('customer_phone', sa.String(), nullable=True),
    sa.Column('ship_name', sa.String(), nullable=True),
    sa.Column('ship_company', sa.String(), nullable=True),
    sa.Column('ship_address1', sa.String(), nullable=True),
    sa.Column('ship_address2', sa.String(), nullable=True),
    sa.Column('ship_address3', sa.String(), nullable=True),
    sa.Column('ship_city', sa.String(), nullable=True),
    sa.Column('ship_province', sa.String(), nullable=True),
    sa.Column('ship_postal_code', sa.String(), nullable=True),
    sa.Column('ship_country', sa.String(), nullable=True),
    sa.Column('ship_phone', sa.String(), nullable=True),
    sa.Column('service_level', sa.String(), nullable=False),
    sa.Column('shipping_method', sa.String(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('instruction_state', sa.String(), nullable=False),
    sa.Column('instruction_reply', sa.String(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('currency', sa.String(), nullable=True),
    sa.Column('subtotal_minor', sa.Integer(), nullable=True),
    sa.Column('shipping_minor', sa.Integer(), nullable=True),
    sa.Column('tax_minor', sa.Integer(), nullable=True),
    sa.Column('discount_minor', sa.Integer(), nullable=True),
    sa.Column('total_minor', sa.Integer(), nullable=True),
    sa.Column('ship_by', sa.DateTime(), nullable=True),
    sa.Column('hold_reason', sa.String(), nullable=True),
    sa.Column('hold_note', sa.String(), nullable=True),
    sa.Column('source_hash', sa.String(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_customer_email'), ['customer_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_external_id'), ['external_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_placed_at'), ['placed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_ref'), ['ref'], unique=True)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('from_status', sa.String(), nullable=True),
    sa.Column('to_status', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('command', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_order_events_order_at', ['order_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_events_to_status'), ['to_status'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(), nullable=True),
    sa.Column('sku', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=True),
    sa.Column('free', sa.Boolean(), nullable=False),
    sa.Column('added_by_rule', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_sku'), ['sku'], unique=False)



def downgrade() -> None:
    op.drop_table('order_lines')
    op.drop_table('order_events')
    op.drop_table('orders')
    op.drop_table('counters')
