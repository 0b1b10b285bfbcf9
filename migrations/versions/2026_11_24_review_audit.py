"""review and audit: expert pool, rounds, rubrics, panels, score sheets, decisions,
objections, project milestones; the append-only hash-chained audit log

Revision ID: d1_review
Revises: c1_bids
Create Date: 2026-11-24

One score sheet per panel assignment and bid (UNIQUE), one assignment per round and
reviewer (UNIQUE), one score per sheet and criterion (UNIQUE); CHECKs for weights, score
ranges, reasons on ineligible bids, recusals and resolutions. The audit log's `seq` and
`hash` are UNIQUE; `audit_head` holds a single row (CHECK id = 1).
"""
from alembic import op
import sqlalchemy as sa
import marketplace.core.types


revision = "d1_review"
down_revision = "c1_bids"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_audit_log_seq_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_log_seq'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('organisation', 'person', 'other', name='conflict_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=120), nullable=True),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'organisation' OR organisation_id IS NOT NULL", name=op.f('ck_conflict_declarations_organisation_named')),
    sa.CheckConstraint("kind != 'other' OR length(text) > 0", name=op.f('ck_conflict_declarations_other_explained')),
    sa.CheckConstraint("kind != 'person' OR person_name IS NOT NULL", name=op.f('ck_conflict_declarations_person_named')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_conflict_declarations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflict_declarations_declared_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_conflict_declarations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_conflict_declarations_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations'))
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declarations_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('expert', 'defence', name='round_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('formal_check', 'scoring', 'closed', name='round_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('min_panel', sa.Integer(), nullable=False),
    sa.Column('spread_threshold', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scoring_started_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('min_panel >= 1', name=op.f('ck_review_rounds_min_panel_positive')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_review_rounds_number_positive')),
    sa.CheckConstraint('spread_threshold >= 0', name=op.f('ck_review_rounds_spread_not_negative')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_rounds_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_review_rounds_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('challenge_id', 'number', name='uq_review_rounds_challenge_number')
    )
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_rounds_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('deliverable', sa.Text(), nullable=False),
    sa.Column('share', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'met', 'not_met', 'partially_met', name='milestone_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("accepted_at IS NULL OR status != 'scheduled'", name=op.f('ck_project_milestones_accepted_reported')),
    sa.CheckConstraint("status = 'scheduled' OR reported_at IS NOT NULL", name=op.f('ck_project_milestones_reported')),
    sa.CheckConstraint('month >= 1', name=op.f('ck_project_milestones_month_positive')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_project_milestones_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_project_milestones_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_project_milestones_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_project_milestones_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones')),
    sa.UniqueConstraint('bid_id', 'position', name='uq_project_milestones_bid_position')
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestones_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestones_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'recused', 'removed', name='assignment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recusal_reason', sa.Text(), nullable=True),
    sa.Column('ended_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status != 'recused' OR recusal_reason IS NOT NULL", name=op.f('ck_review_assignments_recusal_has_reason')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_review_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_assignments_reviewer_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_assignments_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('round_id', 'reviewer_id', name='uq_review_assignments_round_reviewer')
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_round_id'), ['round_id'], unique=False)

    op.create_table('review_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('min_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('comment_required', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_score > min_score', name=op.f('ck_review_criteria_score_range')),
    sa.CheckConstraint('weight > 0 AND weight <= 100', name=op.f('ck_review_criteria_weight_range')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_criteria_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_criteria'))
    )
    with op.batch_alter_table('review_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_criteria_round_id'), ['round_id'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('award', 'no_award', name='decision_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'declined', 'publicity', 'reopened', 'final', name='decision_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('publicity_days', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('owner_note', sa.Text(), nullable=True),
    sa.Column('publicity_starts_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('publicity_ends_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finalised_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status != 'publicity' OR publicity_ends_at IS NOT NULL", name=op.f('ck_review_decisions_publicity_has_end')),
    sa.CheckConstraint('publicity_days >= 1 AND publicity_days <= 60', name=op.f('ck_review_decisions_publicity_days')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_decisions_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_review_decisions_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_review_decisions_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_decisions_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decisions_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_decisions_publicity_ends_at'), ['publicity_ends_at'], unique=False)

    op.create_table('review_round_bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=4), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=True),
    sa.Column('formal_reason', sa.Text(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('eligible IS NULL OR eligible OR formal_reason IS NOT NULL', name=op.f('ck_review_round_bids_ineligible_has_reason')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_review_round_bids_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_review_round_bids_checked_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_round_bids_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round_bids')),
    sa.UniqueConstraint('round_id', 'bid_id', name='uq_review_round_bids_round_bid'),
    sa.UniqueConstraint('round_id', 'label', name='uq_review_round_bids_round_label')
    )
    with op.batch_alter_table('review_round_bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_round_bids_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_round_bids_round_id'), ['round_id'], unique=False)

    op.create_table('review_decision_winners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('panel_score', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_review_decision_winners_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['review_decisions.id'], name=op.f('fk_review_decision_winners_decision_id_review_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decision_winners')),
    sa.UniqueConstraint('decision_id', 'bid_id', name='uq_review_decision_winners_decision_bid')
    )
    with op.batch_alter_table('review_decision_winners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decision_winners_decision_id'), ['decision_id'], unique=False)

    op.create_table('review_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'dismissed', name='objection_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'open' OR resolution IS NOT NULL", name=op.f('ck_review_objections_resolution_given')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_review_objections_has_reason')),
    sa.ForeignKeyConstraint(['decision_id'], ['review_decisions.id'], name=op.f('fk_review_objections_decision_id_review_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_review_objections_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_objections_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_objections'))
    )
    with op.batch_alter_table('review_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_objections_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_objections_user_id'), ['user_id'], unique=False)

    op.create_table('score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='sheet_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('saved_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name=op.f('ck_score_sheets_submitted_has_time')),
    sa.ForeignKeyConstraint(['assignment_id'], ['review_assignments.id'], name=op.f('fk_score_sheets_assignment_id_review_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_score_sheets_bid_id_bids'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheets')),
    sa.UniqueConstraint('assignment_id', 'bid_id', name='uq_score_sheets_assignment_bid')
    )
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheets_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheets_bid_id'), ['bid_id'], unique=False)

    op.create_table('review_objection_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['objection_id'], ['review_objections.id'], name=op.f('fk_review_objection_files_objection_id_review_objections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_objection_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_review_objection_files_storage_key'))
    )
    with op.batch_alter_table('review_objection_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_objection_files_objection_id'), ['objection_id'], unique=False)

    op.create_table('review_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['criterion_id'], ['review_criteria.id'], name=op.f('fk_review_scores_criterion_id_review_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheets.id'], name=op.f('fk_review_scores_sheet_id_score_sheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_scores')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name='uq_review_scores_sheet_criterion')
    )
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_scores_sheet_id'), ['sheet_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_scores_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_review_scores_criterion_id'))

    op.drop_table('review_scores')
    with op.batch_alter_table('review_objection_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_objection_files_objection_id'))

    op.drop_table('review_objection_files')
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheets_bid_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheets_assignment_id'))

    op.drop_table('score_sheets')
    with op.batch_alter_table('review_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_objections_user_id'))
        batch_op.drop_index(batch_op.f('ix_review_objections_decision_id'))

    op.drop_table('review_objections')
    with op.batch_alter_table('review_decision_winners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decision_winners_decision_id'))

    op.drop_table('review_decision_winners')
    with op.batch_alter_table('review_round_bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_round_bids_round_id'))
        batch_op.drop_index(batch_op.f('ix_review_round_bids_bid_id'))

    op.drop_table('review_round_bids')
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decisions_publicity_ends_at'))
        batch_op.drop_index(batch_op.f('ix_review_decisions_challenge_id'))

    op.drop_table('review_decisions')
    with op.batch_alter_table('review_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_criteria_round_id'))

    op.drop_table('review_criteria')
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_round_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_reviewer_id'))

    op.drop_table('review_assignments')
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestones_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_project_milestones_bid_id'))

    op.drop_table('project_milestones')
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_rounds_challenge_id'))

    op.drop_table('review_rounds')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_challenge_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('audit_head')
