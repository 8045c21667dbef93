"""outbox_message.purpose: who asked for a send (LINE pushes are counted by it)

Revision ID: 0201
Revises: 0200
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0201'
down_revision = '0200'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=20), server_default='bot', nullable=False))
        batch_op.create_index('ix_outbox_message_sent', ['channel', 'via', 'sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_sent')
        batch_op.drop_column('purpose')
