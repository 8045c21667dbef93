"""outbox_message.leased_by: which worker holds a send's lease, so a dead worker's leases are taken over at once
(by its stale heartbeat) instead of after the whole lease

Revision ID: 1400
Revises: 1500
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1400'
down_revision = '1500'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('leased_by', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('leased_by')
