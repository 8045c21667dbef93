"""login_throttle: one counter row per account and per address, counted atomically before the password check

Revision ID: 1701
Revises: 1700
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1701'
down_revision = '1700'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
