"""experts: the registry (002: 推薦機関 on the profile), the expert of an approved case and of a visit, the
owner's evaluation request (open until rated; reminded once) and the evaluations (six axes of 002 専門家の評価,
and the 支援機関 items from advisors)

Revision ID: 0300
Revises: 0203
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0300'
down_revision = '0203'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('expert',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.Column('qualifications', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('onsite', sa.Boolean(), nullable=False),
    sa.Column('availability', sa.String(length=500), nullable=False),
    sa.Column('recommended_by', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('field_list', sa.String(length=300), nullable=False),
    sa.Column('area_list', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert'))
    )
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.create_index('ix_expert_active_name', ['active', 'name'], unique=False)

    op.create_table('evaluation_request',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('conversation_key', sa.String(length=200), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_evaluation_request_case_id_handoff_case')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_evaluation_request_expert_id_expert')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_request')),
    sa.UniqueConstraint('case_id', name=op.f('uq_evaluation_request_case_id'))
    )
    with op.batch_alter_table('evaluation_request', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_request_due', ['rated_at', 'reminded_at', 'asked_at'], unique=False)
        batch_op.create_index('ix_evaluation_request_open', ['conversation_key', 'rated_at'], unique=False)

    op.create_table('expert_evaluation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rater', sa.String(length=10), nullable=False),
    sa.Column('staff_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('communication', sa.Integer(), nullable=False),
    sa.Column('clarity', sa.Integer(), nullable=False),
    sa.Column('expertise', sa.Integer(), nullable=False),
    sa.Column('analysis', sa.Integer(), nullable=False),
    sa.Column('execution', sa.Integer(), nullable=False),
    sa.Column('manners', sa.Integer(), nullable=False),
    sa.Column('org_issue', sa.Integer(), nullable=True),
    sa.Column('org_strategy', sa.Integer(), nullable=True),
    sa.Column('org_knowledge', sa.Integer(), nullable=True),
    sa.Column('org_execution', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['handoff_case.id'], name=op.f('fk_expert_evaluation_case_id_handoff_case')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_evaluation_expert_id_expert')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_expert_evaluation_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_evaluation')),
    sa.UniqueConstraint('case_id', 'rater', name='uq_expert_evaluation_case_id_rater')
    )
    with op.batch_alter_table('expert_evaluation', schema=None) as batch_op:
        batch_op.create_index('ix_expert_evaluation_expert', ['expert_id', 'created_at'], unique=False)

    with op.batch_alter_table('case_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_visit_expert_id'), ['expert_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_visit_expert_id_expert'), 'expert', ['expert_id'], ['id'])

    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_handoff_case_expert_id'), ['expert_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_handoff_case_expert_id_expert'), 'expert', ['expert_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handoff_case_expert_id_expert'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_handoff_case_expert_id'))
        batch_op.drop_column('expert_id')

    with op.batch_alter_table('case_visit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_visit_expert_id_expert'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_visit_expert_id'))
        batch_op.drop_column('expert_id')

    with op.batch_alter_table('expert_evaluation', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_evaluation_expert')

    op.drop_table('expert_evaluation')
    with op.batch_alter_table('evaluation_request', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_request_open')
        batch_op.drop_index('ix_evaluation_request_due')

    op.drop_table('evaluation_request')
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_active_name')

    op.drop_table('expert')
