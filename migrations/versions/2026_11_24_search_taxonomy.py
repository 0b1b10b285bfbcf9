"""search index outbox, the 1030 taxonomy, need classifications, expertise profiles

Revision ID: b1_search_taxonomy
Revises: cfce23ce0d6a
Create Date: 2026-11-24

Taxonomy versions (each import keeps its document), clusters, chains and keywords keyed by
the taxonomy's stable string ids; need_chains holds each need's ranked classification and
challenges.primary_chain_id the owner's confirmed chain (set to NULL if an import drops the
chain); search_outbox is the durable queue of index changes; expertise_profiles holds the
chains and keywords of solver teams and reviewers.
"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


revision = "b1_search_taxonomy"
down_revision = "cfce23ce0d6a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_outbox_applied_at'), ['applied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_outbox_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('taxonomy_clusters',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_clusters'))
    )
    op.create_table('taxonomy_chains',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('cluster_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['taxonomy_clusters.id'], name=op.f('fk_taxonomy_chains_cluster_id_taxonomy_clusters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_chains'))
    )
    with op.batch_alter_table('taxonomy_chains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taxonomy_chains_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('expertise_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('chain_ids', sa.JSON(), nullable=False),
    sa.Column('keywords_text', sa.Text(), nullable=True),
    sa.Column('updated_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expertise_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expertise_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expertise_profiles_user_id'))
    )
    op.create_table('taxonomy_keywords',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('term_zh', sa.String(length=120), nullable=True),
    sa.Column('term_en', sa.String(length=120), nullable=True),
    sa.CheckConstraint('term_zh IS NOT NULL OR term_en IS NOT NULL', name=op.f('ck_taxonomy_keywords_has_term')),
    sa.ForeignKeyConstraint(['chain_id'], ['taxonomy_chains.id'], name=op.f('fk_taxonomy_keywords_chain_id_taxonomy_chains'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_keywords'))
    )
    with op.batch_alter_table('taxonomy_keywords', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taxonomy_keywords_chain_id'), ['chain_id'], unique=False)

    op.create_table('taxonomy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['users.id'], name=op.f('fk_taxonomy_versions_loaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_taxonomy_versions_number'))
    )
    with op.batch_alter_table('taxonomy_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taxonomy_versions_active'), ['active'], unique=False)

    op.create_table('need_chains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_need_chains_rank_positive')),
    sa.CheckConstraint('score >= 0', name=op.f('ck_need_chains_score_not_negative')),
    sa.ForeignKeyConstraint(['chain_id'], ['taxonomy_chains.id'], name=op.f('fk_need_chains_chain_id_taxonomy_chains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_need_chains_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_chains')),
    sa.UniqueConstraint('challenge_id', 'chain_id', name='uq_need_chains_challenge_chain'),
    sa.UniqueConstraint('challenge_id', 'rank', name='uq_need_chains_challenge_rank')
    )
    with op.batch_alter_table('need_chains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_chains_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_chains_challenge_id'), ['challenge_id'], unique=False)

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('primary_chain_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_challenges_primary_chain_id'), ['primary_chain_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_challenges_primary_chain_id_taxonomy_chains'), 'taxonomy_chains', ['primary_chain_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_challenges_primary_chain_id_taxonomy_chains'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_challenges_primary_chain_id'))
        batch_op.drop_column('primary_chain_id')

    with op.batch_alter_table('need_chains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_chains_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_need_chains_chain_id'))

    op.drop_table('need_chains')
    with op.batch_alter_table('taxonomy_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_taxonomy_versions_active'))

    op.drop_table('taxonomy_versions')
    with op.batch_alter_table('taxonomy_keywords', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_taxonomy_keywords_chain_id'))

    op.drop_table('taxonomy_keywords')
    op.drop_table('expertise_profiles')
    with op.batch_alter_table('taxonomy_chains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_taxonomy_chains_cluster_id'))

    op.drop_table('taxonomy_chains')
    op.drop_table('taxonomy_clusters')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_outbox_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_search_outbox_applied_at'))

    op.drop_table('search_outbox')
