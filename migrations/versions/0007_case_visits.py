"""case visits (the ledger of 001 4(1)ク①), new-case e-mail notifications, and an index for a case's audit trail

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_visit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('expert', sa.String(length=200), nullable=False),
    sa.Column('report', sa.String(length=4000), nullable=False),
    sa.Column('report_shared', sa.Boolean(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_case_visit_case_id_handoff_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_visit'))
    )
    with op.batch_alter_table('case_visit', schema=None) as batch_op:
        batch_op.create_index('ix_case_visit_case', ['case_id', 'id'], unique=False)
    op.create_table('case_notification',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_case_notification_case_id_handoff_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notification'))
    )
    with op.batch_alter_table('case_notification', schema=None) as batch_op:
        batch_op.create_index('ix_case_notification_due', ['status', 'next_attempt_at'], unique=False)
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_case_conversation', ['conversation_key'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target', ['target', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_case_conversation')
    with op.batch_alter_table('case_notification', schema=None) as batch_op:
        batch_op.drop_index('ix_case_notification_due')
    op.drop_table('case_notification')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
    with op.batch_alter_table('case_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_case_visit_case')

    op.drop_table('case_visit')
