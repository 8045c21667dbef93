"""Dashboard and report indexes at 1 million cases: the dashboard's and 統計's counts (status, outcome, kind and
theme of every case but /try trials) read one index instead of the table four times; レポート counts the friends
added in its range (conversation.created_at) by an index instead of every conversation

Revision ID: 2700
Revises: 2100
Create Date: 2026-12-02
"""
from alembic import op


revision = '2700'
down_revision = '2100'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_handoff_case_counts', 'handoff_case', ['trial', 'status', 'outcome', 'kind', 'theme'])
    op.create_index('ix_conversation_created', 'conversation', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_conversation_created', table_name='conversation')
    op.drop_index('ix_handoff_case_counts', table_name='handoff_case')
