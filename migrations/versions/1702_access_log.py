"""access_log: who opened which case's personal data, how and when (breach report per staff account)

Revision ID: 1702
Revises: 1701
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '1702'
down_revision = '1701'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('staff_email', sa.String(length=254), nullable=False),
    sa.Column('what', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_access_log_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_staff', ['staff_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_staff')
    op.drop_table('access_log')
