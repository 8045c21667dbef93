"""dialog_effect indexes: the reports read one kind of effect in a date range (the pre-screening now records one
effect per question asked, prescreen_asked), and a declined consent or an erasure reads one owner's

Revision ID: 2200
Revises: 2300
Create Date: 2026-12-01
"""
from alembic import op


revision = '2200'
down_revision = '2300'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_dialog_effect_kind_at', 'dialog_effect', ['kind', 'created_at'])
    op.create_index('ix_dialog_effect_conversation', 'dialog_effect', ['conversation_key', 'kind'])


def downgrade() -> None:
    op.drop_index('ix_dialog_effect_conversation', table_name='dialog_effect')
    op.drop_index('ix_dialog_effect_kind_at', table_name='dialog_effect')
