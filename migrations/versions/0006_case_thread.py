"""case thread

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_case_message_case_id_handoff_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_message'))
    )
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.create_index('ix_case_message_case', ['case_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_index('ix_case_message_case')

    op.drop_table('case_message')
