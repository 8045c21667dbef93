"""case lifecycle and queue columns: person mode as a flag (not a status), unread and last message, derived
theme/flags/search text for filtering in SQL, and indexes for the queue

Revision ID: 0100
Revises: 0007
Create Date: 2026-12-01
"""
import json

import sqlalchemy as sa
from alembic import op

from handoff.search import derived

revision = '0100'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_person', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('unread', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('last_message_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_message', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('theme', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('flag_list', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_handoff_case_owner', ['owner_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_handoff_case_org', ['organisation_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_handoff_case_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_handoff_case_last_message', ['last_message_at', 'id'], unique=False)
        batch_op.create_index('ix_handoff_case_theme', ['theme', 'created_at'], unique=False)
        batch_op.create_index('ix_handoff_case_unread', ['owner_id', 'unread'], unique=False)
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE handoff_case SET in_person = :t, status = 'claimed' WHERE status = 'person'"),
                 {"t": True})
    rows = conn.execute(sa.text("SELECT id, reference, fields, flags FROM handoff_case")).all()
    for id_, reference, fields, flags in rows:
        fields = json.loads(fields) if isinstance(fields, str) else (fields or {})
        flags = json.loads(flags) if isinstance(flags, str) else (flags or [])
        conn.execute(sa.text("UPDATE handoff_case SET theme = :theme, flag_list = :flag_list, "
                             "search_text = :search_text WHERE id = :id"),
                     {"id": id_, **derived(reference, fields, flags)})
    last = conn.execute(sa.text("SELECT case_id, MAX(at) FROM case_message GROUP BY case_id")).all()
    for case_id, at in last:
        conn.execute(sa.text("UPDATE handoff_case SET last_message_at = :at WHERE id = :id"), {"id": case_id, "at": at})
    conn.execute(sa.text("UPDATE handoff_case SET last_message_at = created_at WHERE last_message_at IS NULL"))
    if conn.dialect.name == "postgresql":  # substring search through a trigram index, where the extension exists
        available = conn.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
        if available:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_handoff_case_search_trgm ON handoff_case "
                                 "USING gin (search_text gin_trgm_ops)"))


def downgrade() -> None:
    op.get_bind().execute(sa.text("DROP INDEX IF EXISTS ix_handoff_case_search_trgm"))
    op.get_bind().execute(sa.text("UPDATE handoff_case SET status = 'person' WHERE in_person AND status = 'claimed'"))
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        for index in ('ix_handoff_case_unread', 'ix_handoff_case_theme', 'ix_handoff_case_last_message',
                      'ix_handoff_case_created', 'ix_handoff_case_org', 'ix_handoff_case_owner'):
            batch_op.drop_index(index)
        for column in ('search_text', 'flag_list', 'theme', 'last_message', 'last_message_at', 'unread', 'in_person'):
            batch_op.drop_column(column)
