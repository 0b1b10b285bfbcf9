"""taxonomy synonym sets (abbreviations, short forms, spelling variants, glossary)

Revision ID: g1_taxonomy_synonyms
Revises: f1_merge
Create Date: 2026-11-29

A set of terms that find each other in search. Sets with a chain are also evidence for that
chain when classifying; sets without one (spelling variants, a general technical glossary)
serve search only. The taxonomy document carries them (`synonyms:` at the top and
`keywords.synonyms:` per chain); `setup` loads the newer default taxonomy when the active one is an older, unedited default.
"""
from alembic import op
import sqlalchemy as sa


revision = "g1_taxonomy_synonyms"
down_revision = "f1_merge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "taxonomy_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("terms_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["chain_id"], ["taxonomy_chains.id"],
                                name=op.f("fk_taxonomy_synonyms_chain_id_taxonomy_chains"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_synonyms")),
    )
    with op.batch_alter_table("taxonomy_synonyms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_synonyms_chain_id"), ["chain_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("taxonomy_synonyms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_synonyms_chain_id"))
    op.drop_table("taxonomy_synonyms")
