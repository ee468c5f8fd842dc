"""box_moves: the standard boxes on hand, counted down as orders are packed.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'box_moves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('box', sa.String(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('command', sa.String(), nullable=True),
        sa.Column('note', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('box_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_box_moves_box'), ['box'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('box_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_box_moves_box'))
    op.drop_table('box_moves')
