"""rate_cards and rate_zones: carrier rate tables and zone charts (oms rates import).

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_cards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(), nullable=False),
        sa.Column('service', sa.String(), nullable=False),
        sa.Column('zone', sa.String(), nullable=True),
        sa.Column('country', sa.String(), nullable=True),
        sa.Column('weight_from_g', sa.Integer(), nullable=False),
        sa.Column('weight_to_g', sa.Integer(), nullable=False),
        sa.Column('price_minor', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(), nullable=False),
        sa.Column('dim_rule', sa.String(), nullable=False),
        sa.Column('transit_days', sa.Integer(), nullable=True),
        sa.Column('level', sa.String(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rate_cards_carrier', 'rate_cards', ['carrier'])
    op.create_table(
        'rate_zones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(), nullable=False),
        sa.Column('origin_prefix', sa.String(), nullable=False),
        sa.Column('country', sa.String(), nullable=False),
        sa.Column('destination_prefix', sa.String(), nullable=False),
        sa.Column('zone', sa.String(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rate_zones_carrier', 'rate_zones', ['carrier'])


def downgrade() -> None:
    op.drop_index('ix_rate_zones_carrier', 'rate_zones')
    op.drop_table('rate_zones')
    op.drop_index('ix_rate_cards_carrier', 'rate_cards')
    op.drop_table('rate_cards')
