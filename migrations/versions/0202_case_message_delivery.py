"""case_message.outbox_message_id: each line to the owner linked to the send that carries it

Revision ID: 0202
Revises: 0201
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0202'
down_revision = '0201'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outbox_message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_message_outbox_message_id_outbox_message'), 'outbox_message',
                                    ['outbox_message_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_message_outbox_message_id_outbox_message'), type_='foreignkey')
        batch_op.drop_column('outbox_message_id')
