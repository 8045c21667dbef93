"""desk tools: organisation aliases (routing), canned replies managed in the web UI, a coordinator's unread-mail
setting, per-recipient notifications (kind), and the owner's original values of draft fields a coordinator corrected

Revision ID: 2100
Revises: 2400
Create Date: 2026-12-01
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '2100'
down_revision = '2400'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# The texts the desk had in code until now (handoff/canned.py), kept as the first rows (001 clauses cited).
SEED = (
    ("受付のお礼", "{事業所名} 様　お問い合わせありがとうございます。担当の{担当者名}です。"
     "受付番号 {受付番号} の内容を確認しています。このトークでご連絡しますので、少々お待ちください。"),
    ("日程の相談", "専門家の訪問日程を調整しています。ご都合のよい日時（平日）をいくつか教えてください。"),
    ("商工会の同行", "専門家の支援には、原則として所属の商工会・商工会議所の経営指導員が同行します"
     "（実施要領 4(1)キ）。あわせて日程を調整します。"),
    ("支援の回数", "専門家の支援は、1申請につき{上限回数}回まで（1回{1回の上限時間}時間以内）、"
     "合計{上限時間}時間までです（実施要領 4(1)ク①）。"),
    ("支援後のご報告", "ご支援おつかれさまでした。専門家からの報告書を受け取り、所属の商工会・商工会議所と共有します"
     "（実施要領 3(2)イ）。"),
    ("お礼", "ご連絡ありがとうございました。ほかにもご不明な点があれば、このトークでお気軽にお尋ねください。"),
)


# SQLite: a trigram full-text index over the queue's normal form (handoff/search.py), kept by triggers, so a search
# word of 3+ characters is an index lookup instead of a scan of every case (PostgreSQL has pg_trgm, migration 0100).
# A later migration that rebuilds handoff_case on SQLite (batch "move and copy") drops these triggers: re-create them.
FTS = (
    "CREATE VIRTUAL TABLE handoff_case_fts USING fts5(search_text, content='handoff_case', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER handoff_case_fts_insert AFTER INSERT ON handoff_case BEGIN "
    "INSERT INTO handoff_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER handoff_case_fts_delete AFTER DELETE ON handoff_case BEGIN "
    "INSERT INTO handoff_case_fts(handoff_case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    "CREATE TRIGGER handoff_case_fts_update AFTER UPDATE OF search_text ON handoff_case BEGIN "
    "INSERT INTO handoff_case_fts(handoff_case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO handoff_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO handoff_case_fts(handoff_case_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('aliases', sa.JSON(), nullable=True))
    with op.batch_alter_table('staff_user') as batch:
        batch.add_column(sa.Column('mail_unread', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('handoff_case') as batch:
        batch.add_column(sa.Column('owner_fields', sa.JSON(), nullable=True))
        batch.create_index('ix_handoff_case_status_trial', ['status', 'trial'], unique=False)
        batch.create_index('ix_handoff_case_theme_flags', ['theme', 'trial', 'flag_list'], unique=False)
    with op.batch_alter_table('case_notification') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=20), server_default='new_case', nullable=False))
        batch.add_column(sa.Column('staff_user_id', ID, nullable=True))
        batch.create_foreign_key(batch.f('fk_case_notification_staff_user_id_staff_user'), 'staff_user',
                                 ['staff_user_id'], ['id'])
    table = op.create_table('canned_reply',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_reply')),
    sa.UniqueConstraint('title', name=op.f('uq_canned_reply_title'))
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(table, [{"title": t, "body": b, "updated_by": "system", "created_at": now, "updated_at": now}
                           for t, b in SEED])
    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS handoff_case_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS handoff_case_fts")
    op.drop_table('canned_reply')
    with op.batch_alter_table('case_notification') as batch:
        batch.drop_constraint(batch.f('fk_case_notification_staff_user_id_staff_user'), type_='foreignkey')
        batch.drop_column('staff_user_id')
        batch.drop_column('kind')
    with op.batch_alter_table('handoff_case') as batch:
        batch.drop_index('ix_handoff_case_theme_flags')
        batch.drop_index('ix_handoff_case_status_trial')
        batch.drop_column('owner_fields')
    with op.batch_alter_table('staff_user') as batch:
        batch.drop_column('mail_unread')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('aliases')
