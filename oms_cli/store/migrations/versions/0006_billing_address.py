"""Orders keep the billing address the channel gives (bill_name … bill_phone).

Existing orders have none; a re-import of an export that carries it (Shopify,
WooCommerce) fills it in for orders that have not gone past release.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = ('bill_name', 'bill_company', 'bill_address1', 'bill_address2', 'bill_address3', 'bill_city',
           'bill_province', 'bill_postal_code', 'bill_country', 'bill_phone')


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
