"""knowledge base entries, revisions, version

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('faq_entry',
    sa.Column('id', sa.String(length=60), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('phrasings', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('next', sa.String(length=20), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entry'))
    )
    op.create_table('faq_revision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_revision'))
    )
    with op.batch_alter_table('faq_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_revision_entry_id'), ['entry_id'], unique=False)

    op.create_table('faq_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_version'))
    )


def downgrade() -> None:
    op.drop_table('faq_version')
    with op.batch_alter_table('faq_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_revision_entry_id'))

    op.drop_table('faq_revision')
    op.drop_table('faq_entry')
