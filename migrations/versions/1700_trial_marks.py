"""trial marks: conversations from /try and `madoguchi chat`, and the cases they open (never mailed, hidden from the queue by default)

Revision ID: 1700
Revises: 0301
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1700'
down_revision = '0301'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trial', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trial', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Conversations the trial channels had before this revision are trials too.
    op.execute("UPDATE conversation SET trial = true WHERE channel IN ('web', 'terminal')")
    op.execute("UPDATE handoff_case SET trial = true WHERE channel IN ('web', 'terminal')")


def downgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.drop_column('trial')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('trial')
