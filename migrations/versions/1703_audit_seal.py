"""audit_seal: the audit log's hash chain (append-only, like the log)

Revision ID: 1703
Revises: 1702
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1703'
down_revision = '1702'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_seal',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('audit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_seal')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_audit_seal_audit_id'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE FUNCTION audit_seal_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_seal is append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
            FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_seal_no_{event.lower()} BEFORE {event} ON audit_seal
                BEGIN SELECT RAISE(ABORT, 'audit_seal is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal")
        op.execute("DROP FUNCTION IF EXISTS audit_seal_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_seal_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_seal_no_delete")
    op.drop_table('audit_seal')
