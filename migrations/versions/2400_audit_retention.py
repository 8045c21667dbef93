"""audit_anchor and the purge of old audit/access log rows (issue 17, item 2): the chain's checkpoint and, on
PostgreSQL, the one way the application's role may remove old log rows (a SECURITY DEFINER function)

Revision ID: 2400
Revises: 2200
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '2400'
down_revision = '2200'
branch_labels = None
depends_on = None

# The oldest rows a purge may touch are this old at least, whatever the caller asks (a compromised application
# role cannot wipe recent history through the function). Settings below it are refused (bot/settings.py).
FLOOR_DAYS = 365

PURGE_FUNCTION = f"""
CREATE FUNCTION madoguchi_purge_logs(through_seq bigint, access_before timestamp)
RETURNS TABLE(audit_rows bigint, access_rows bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    floor_at timestamp := (now() AT TIME ZONE 'UTC') - interval '{FLOOR_DAYS} days';
    newest timestamp;
    last_seal audit_seal%ROWTYPE;
    a bigint := 0;
    b bigint := 0;
BEGIN
    IF access_before IS NOT NULL AND access_before > floor_at THEN
        RAISE EXCEPTION 'access_log rows younger than {FLOOR_DAYS} days are never purged';
    END IF;
    IF through_seq IS NOT NULL THEN
        SELECT * INTO last_seal FROM audit_seal WHERE seq = through_seq;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no audit seal %', through_seq;
        END IF;
        SELECT max(l.at) INTO newest FROM audit_seal s JOIN audit_log l ON l.id = s.audit_id
            WHERE s.seq <= through_seq;
        IF newest IS NULL OR newest > floor_at THEN
            RAISE EXCEPTION 'audit_log rows younger than {FLOOR_DAYS} days are never purged';
        END IF;
        PERFORM set_config('madoguchi.audit_purge', 'on', true);
        DELETE FROM audit_log WHERE id IN (SELECT audit_id FROM audit_seal WHERE seq <= through_seq);
        GET DIAGNOSTICS a = ROW_COUNT;
        DELETE FROM audit_seal WHERE seq <= through_seq;
        INSERT INTO audit_anchor (at, through_seq, through_audit_id, digest, purged_rows)
            VALUES (now() AT TIME ZONE 'UTC', last_seal.seq, last_seal.audit_id, last_seal.digest, a);
        PERFORM set_config('madoguchi.audit_purge', 'off', true);
    END IF;
    IF access_before IS NOT NULL THEN
        DELETE FROM access_log WHERE at < access_before;
        GET DIAGNOSTICS b = ROW_COUNT;
    END IF;
    RETURN QUERY SELECT a, b;
END $$"""


def _append_only(table: str, *, purgeable: bool) -> str:
    """The trigger function of an append-only table; a purgeable one lets the purge function's DELETE through."""
    allowed = ("IF TG_OP = 'DELETE' AND current_setting('madoguchi.audit_purge', true) = 'on' THEN RETURN OLD; "
               "END IF; ") if purgeable else ""
    return (f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN {allowed}"
            f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql")


def upgrade() -> None:
    op.create_table('audit_anchor',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('through_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('through_audit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('purged_rows', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_append_only("audit_anchor", purgeable=False))
        op.execute("""CREATE TRIGGER audit_anchor_append_only BEFORE UPDATE OR DELETE ON audit_anchor
            FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only()""")
        op.execute(_append_only("audit_log", purgeable=True))
        op.execute(_append_only("audit_seal", purgeable=True))
        op.execute(PURGE_FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION madoguchi_purge_logs(bigint, timestamp) FROM PUBLIC")
    else:  # SQLite has no roles: the purge drops and re-creates the DELETE triggers in its own transaction
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_anchor_no_{event.lower()} BEFORE {event} ON audit_anchor
                BEGIN SELECT RAISE(ABORT, 'audit_anchor is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS madoguchi_purge_logs(bigint, timestamp)")
        op.execute(_append_only("audit_log", purgeable=False))
        op.execute(_append_only("audit_seal", purgeable=False))
        op.execute("DROP TRIGGER IF EXISTS audit_anchor_append_only ON audit_anchor")
        op.execute("DROP FUNCTION IF EXISTS audit_anchor_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_anchor_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_anchor_no_delete")
    op.drop_table('audit_anchor')
