"""feedback: satisfaction ratings of cases (once per case) and answers to 「解決しましたか」

Revision ID: 0203
Revises: 0202
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0203'
down_revision = '0202'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('how', sa.String(length=10), nullable=True),
    sa.Column('faq_id', sa.String(length=100), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_feedback_case_id_handoff_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('kind', 'case_id', name='uq_feedback_kind_case_id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_kind_created', ['kind', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_kind_created')
    op.drop_table('feedback')
