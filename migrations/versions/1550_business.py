"""business: the カルテ (one record per business, its conversations, merges and follow-up notes)

Revision ID: 1550
Revises: 1703
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1550'
down_revision = '1703'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('business',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('organisation_id', BIG, nullable=True),
    sa.Column('merged_into_id', BIG, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['business.id'], name=op.f('fk_business_merged_into_id_business')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_business_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business'))
    )
    op.create_index('ix_business_org', 'business', ['organisation_id', 'id'], unique=False)
    op.create_table('business_link',
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('business_id', BIG, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('representative', sa.String(length=100), nullable=False),
    sa.Column('phone_digits', sa.String(length=20), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_business_link_business_id_business')),
    sa.ForeignKeyConstraint(['conversation_key'], ['conversation.key'], name=op.f('fk_business_link_conversation_key_conversation')),
    sa.PrimaryKeyConstraint('conversation_key', name=op.f('pk_business_link'))
    )
    op.create_index('ix_business_link_business', 'business_link', ['business_id'], unique=False)
    op.create_index('ix_business_link_phone', 'business_link', ['phone_digits'], unique=False)
    op.create_index('ix_business_link_name', 'business_link', ['name_key'], unique=False)
    op.create_table('business_merge',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('business_id', BIG, nullable=False),
    sa.Column('other_id', BIG, nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_business_merge_business_id_business')),
    sa.ForeignKeyConstraint(['other_id'], ['business.id'], name=op.f('fk_business_merge_other_id_business')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_merge'))
    )
    op.create_index('ix_business_merge_status', 'business_merge', ['status', 'id'], unique=False)
    op.create_table('business_note',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('business_id', BIG, nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('next_action', sa.String(length=500), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_business_note_business_id_business')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_note'))
    )
    op.create_index('ix_business_note_due', 'business_note', ['done_at', 'due_on'], unique=False)
    op.create_index('ix_business_note_business', 'business_note', ['business_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_table('business_note')
    op.drop_table('business_merge')
    op.drop_table('business_link')
    op.drop_table('business')
