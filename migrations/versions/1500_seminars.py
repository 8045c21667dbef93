"""seminars: 講習会・個別相談会 (様式2/様式3 requests, schedule, slots, sign-ups)

Revision ID: 1500
Revises: 1550
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1500'
down_revision = '1550'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seminar',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('theme', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('proposed_dates', sa.String(length=300), nullable=False),
    sa.Column('venue_request', sa.String(length=200), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('venue_fee_yen', sa.Integer(), nullable=True),
    sa.Column('venue_fee_note', sa.String(length=300), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('report_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_seminar_expert_id_expert')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_seminar_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'], name=op.f('fk_seminar_requested_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar'))
    )
    with op.batch_alter_table('seminar', schema=None) as batch_op:
        batch_op.create_index('ix_seminar_org', ['organisation_id', 'created_at'], unique=False)
        batch_op.create_index('ix_seminar_status_starts', ['status', 'starts_at'], unique=False)

    op.create_table('seminar_slot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seminar_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('taken_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_seminar_slot_expert_id_expert')),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_seminar_slot_seminar_id_seminar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar_slot'))
    )
    with op.batch_alter_table('seminar_slot', schema=None) as batch_op:
        batch_op.create_index('ix_seminar_slot_seminar', ['seminar_id', 'starts_at'], unique=False)

    op.create_table('seminar_signup',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seminar_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('business_name', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('org_type', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_seminar_signup_seminar_id_seminar')),
    sa.ForeignKeyConstraint(['slot_id'], ['seminar_slot.id'], name=op.f('fk_seminar_signup_slot_id_seminar_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar_signup')),
    sa.UniqueConstraint('seminar_id', 'conversation_key', name='uq_seminar_signup_seminar_id_conversation_key')
    )
    with op.batch_alter_table('seminar_signup', schema=None) as batch_op:
        batch_op.create_index('ix_seminar_signup_conversation', ['conversation_key', 'status'], unique=False)
        batch_op.create_index('ix_seminar_signup_due', ['status', 'reminded_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('seminar_signup', schema=None) as batch_op:
        batch_op.drop_index('ix_seminar_signup_due')
        batch_op.drop_index('ix_seminar_signup_conversation')

    op.drop_table('seminar_signup')
    with op.batch_alter_table('seminar_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_seminar_slot_seminar')

    op.drop_table('seminar_slot')
    with op.batch_alter_table('seminar', schema=None) as batch_op:
        batch_op.drop_index('ix_seminar_status_starts')
        batch_op.drop_index('ix_seminar_org')

    op.drop_table('seminar')
