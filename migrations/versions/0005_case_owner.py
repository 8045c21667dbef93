"""case owner

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_handoff_case_owner_id_staff_user'), 'staff_user', ['owner_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('handoff_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handoff_case_owner_id_staff_user'), type_='foreignkey')
        batch_op.drop_column('owner_id')

