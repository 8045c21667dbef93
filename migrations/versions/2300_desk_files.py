"""Files a coordinator sends back to an owner (an image or a PDF, e.g. a guide), kept with the case, and the log of
fetches of their signed public links (LINE fetches images from a public HTTPS URL)

Revision ID: 2300
Revises: 2500
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '2300'
down_revision = '2500'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('desk_file',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('preview', sa.LargeBinary(), nullable=True),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('sent_by', sa.String(length=320), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('link_expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_desk_file_case_id_handoff_case')),
    sa.ForeignKeyConstraint(['conversation_key'], ['conversation.key'], name=op.f('fk_desk_file_conversation_key_conversation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_file'))
    )
    op.create_index('ix_desk_file_case', 'desk_file', ['case_id', 'id'], unique=False)
    op.create_table('desk_file_access',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('variant', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_file_access'))
    )
    op.create_index('ix_desk_file_access_file', 'desk_file_access', ['file_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_desk_file_access_file', table_name='desk_file_access')
    op.drop_table('desk_file_access')
    op.drop_index('ix_desk_file_case', table_name='desk_file')
    op.drop_table('desk_file')
