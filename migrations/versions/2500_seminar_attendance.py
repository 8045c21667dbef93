"""seminar_signup.attended: the desk records who came to a 講習会 or 個別相談会 (None: not recorded yet), for the
participant list, the reports and the business's カルテ (003)

Revision ID: 2500
Revises: 1400
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '2500'
down_revision = '1400'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('seminar_signup') as batch:
        batch.add_column(sa.Column('attended', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('attendance_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('seminar_signup') as batch:
        batch.drop_column('attendance_at')
        batch.drop_column('attended')
