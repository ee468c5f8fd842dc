"""payment_acks: reconciliation findings the owner has explained (oms payments ack).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment_acks',
        sa.Column('finding', sa.String(), nullable=False),
        sa.Column('signature', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('finding'),
    )


def downgrade() -> None:
    op.drop_table('payment_acks')
