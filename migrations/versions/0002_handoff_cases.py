"""handoff cases and reference counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counter'))
    )
    op.create_table('handoff_case',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('decisions', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_key'], ['conversation.key'], name=op.f('fk_handoff_case_conversation_key_conversation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_handoff_case_reference'))
    )
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_case_status', ['status', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_case_status')

    op.drop_table('handoff_case')
    op.drop_table('reference_counter')
