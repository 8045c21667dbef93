"""LINE-native: the owner's profile from the platform (display name, picture; never a verified name), the images
and files owners send, and the rich menu each conversation should show and shows

Revision ID: 0301
Revises: 0300
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0301'
down_revision = '0300'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('owner_profile',
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('picture_url', sa.String(length=1000), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['conversation_key'], ['conversation.key'], name=op.f('fk_owner_profile_conversation_key_conversation')),
    sa.PrimaryKeyConstraint('conversation_key', name=op.f('pk_owner_profile'))
    )
    op.create_table('owner_file',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_key'], ['conversation.key'], name=op.f('fk_owner_file_conversation_key_conversation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_file')),
    sa.UniqueConstraint('channel', 'message_id', name='uq_owner_file_channel_message_id')
    )
    op.create_index('ix_owner_file_conversation', 'owner_file', ['conversation_key', 'id'], unique=False)
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('menu_wanted', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('menu_shown', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('menu_shown')
        batch_op.drop_column('menu_wanted')
    op.drop_index('ix_owner_file_conversation', table_name='owner_file')
    op.drop_table('owner_file')
    op.drop_table('owner_profile')
