"""misses the FAQ editor dismissed or turned into a phrasing

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('faq_miss_dismissal',
    sa.Column('effect_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('dismissed_at', sa.DateTime(), nullable=False),
    sa.Column('dismissed_by', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('effect_id', name=op.f('pk_faq_miss_dismissal'))
    )


def downgrade() -> None:
    op.drop_table('faq_miss_dismissal')
