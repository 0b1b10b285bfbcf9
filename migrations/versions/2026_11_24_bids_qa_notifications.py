"""bids, team profiles, Q&A and notifications

Revision ID: c1_bids
Revises: cfce23ce0d6a
Create Date: 2026-11-24

Team profiles and members; bids with their immutable versions and files, one active bid per
team and need (partial unique index, SQLite and PostgreSQL); per-need bid settings;
questions; in-app notifications, the email outbox and the once-only notices.
"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types

revision = "c1_bids"
down_revision = "cfce23ce0d6a"
branch_labels = None
depends_on = None

UTC = marketplace.core.types.UTCDateTime(timezone=True)
KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        "team_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("chain_ids", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("achievements", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_team_profiles_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_profiles")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_team_profiles_organisation_id")),
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["profile_id"], ["team_profiles.id"],
                                name=op.f("fk_team_members_profile_id_team_profiles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
    )
    op.create_index(op.f("ix_team_members_profile_id"), "team_members", ["profile_id"])
    op.create_table(
        "need_bid_settings",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("show_bid_count", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_need_bid_settings_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_need_bid_settings")),
    )
    op.create_table(
        "bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status", _enum("bid_status", "draft", "submitted", "withdrawn"),
                  nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("draft_saved_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("submitted_at", UTC, nullable=True),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_bids_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_bids_created_by_id_users")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_bids_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    op.create_index(op.f("ix_bids_challenge_id"), "bids", ["challenge_id"])
    op.create_index(op.f("ix_bids_organisation_id"), "bids", ["organisation_id"])
    # one active (not withdrawn) bid per team and need
    op.create_index("uq_bids_active_team_need", "bids", ["challenge_id", "organisation_id"],
                    unique=True, sqlite_where=sa.text("status != 'withdrawn'"),
                    postgresql_where=sa.text("status != 'withdrawn'"))
    op.create_table(
        "bid_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("in_draft", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"],
                                name=op.f("fk_bid_attachments_bid_id_bids"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_bid_attachments_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_bid_attachments_storage_key")),
    )
    op.create_index(op.f("ix_bid_attachments_bid_id"), "bid_attachments", ["bid_id"])
    op.create_table(
        "bid_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTC, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("budget_total_wan", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.CheckConstraint("budget_total_wan >= 0",
                           name=op.f("ck_bid_versions_budget_not_negative")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_bid_versions_number_positive")),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_bid_versions_bid_id_bids"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"],
                                name=op.f("fk_bid_versions_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_versions")),
        sa.UniqueConstraint("bid_id", "number", name="uq_bid_versions_bid_number"),
    )
    op.create_index(op.f("ix_bid_versions_bid_id"), "bid_versions", ["bid_id"])
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", UTC, nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"],
                                name=op.f("fk_questions_answered_by_id_users")),
        sa.ForeignKeyConstraint(["asker_id"], ["users.id"],
                                name=op.f("fk_questions_asker_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_questions_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index(op.f("ix_questions_challenge_id"), "questions", ["challenge_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("notification_kind", *KINDS), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("read_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_notifications_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_created_at"), "notifications", ["created_at"])
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"])
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", _enum("email_status", "pending", "sent", "failed"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_emails_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_emails")),
    )
    op.create_index(op.f("ix_outbox_emails_next_attempt_at"), "outbox_emails",
                    ["next_attempt_at"])
    op.create_index(op.f("ix_outbox_emails_status"), "outbox_emails", ["status"])
    op.create_table(
        "notices_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("notice_kind", *KINDS), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_notices_sent_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_notices_sent_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_sent")),
        sa.UniqueConstraint("challenge_id", "organisation_id", "kind",
                            name="uq_notices_sent_need_org_kind"),
    )
    op.create_index(op.f("ix_notices_sent_challenge_id"), "notices_sent", ["challenge_id"])


def downgrade():
    op.drop_index(op.f("ix_notices_sent_challenge_id"), table_name="notices_sent")
    op.drop_table("notices_sent")
    op.drop_index(op.f("ix_outbox_emails_status"), table_name="outbox_emails")
    op.drop_index(op.f("ix_outbox_emails_next_attempt_at"), table_name="outbox_emails")
    op.drop_table("outbox_emails")
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_created_at"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_questions_challenge_id"), table_name="questions")
    op.drop_table("questions")
    op.drop_index(op.f("ix_bid_versions_bid_id"), table_name="bid_versions")
    op.drop_table("bid_versions")
    op.drop_index(op.f("ix_bid_attachments_bid_id"), table_name="bid_attachments")
    op.drop_table("bid_attachments")
    op.drop_index("uq_bids_active_team_need", table_name="bids")
    op.drop_index(op.f("ix_bids_organisation_id"), table_name="bids")
    op.drop_index(op.f("ix_bids_challenge_id"), table_name="bids")
    op.drop_table("bids")
    op.drop_table("need_bid_settings")
    op.drop_index(op.f("ix_team_members_profile_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_table("team_profiles")
