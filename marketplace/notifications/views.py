"""A user's notifications; the admin's view of emails that could not be sent."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from marketplace.accounts.permissions import admin_required
from marketplace.core.forms import ActionForm
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .events import describe, reason_text
from .models import EmailStatus, Notification, OutboxEmail

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    """The list shows what is new since the last visit (highlighted) and, once shown, counts
    it as read: the badge in the menu goes back to zero."""
    items = db.session.scalars(select(Notification).where(
        Notification.user_id == current_user.id).order_by(Notification.id.desc()).limit(200)).all()
    page = render_template("notifications/index.html", items=items, action_form=ActionForm())
    unread = [item.id for item in items if item.read_at is None]
    if unread:
        db.session.execute(update(Notification).where(
            Notification.id.in_(unread), Notification.read_at.is_(None)).values(read_at=utcnow()))
    return page


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    item = db.session.get(Notification, notification_id) or abort(404)
    if not item.can_view(current_user) or not ActionForm().validate_on_submit():
        abort(404)
    item.read_at = item.read_at or utcnow()
    return redirect(item.link or url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.execute(update(Notification).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"))


RECENT_EMAILS = 50


@bp.route("/admin/outbox")
@admin_required
def outbox():
    problems = db.session.scalars(select(OutboxEmail).where(
        (OutboxEmail.status == EmailStatus.failed)
        | ((OutboxEmail.status == EmailStatus.pending) & (OutboxEmail.attempts > 0)))
        .order_by(OutboxEmail.id.desc()).limit(500)).all()
    counts = dict(db.session.execute(select(OutboxEmail.status, func.count(OutboxEmail.id))
                                     .group_by(OutboxEmail.status)).all())
    # what was sent lately: who and what about, never the text (a reset link is only for
    # its recipient)
    recent = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())
                                .limit(RECENT_EMAILS)).all()
    return render_template("notifications/outbox.html", problems=problems, counts=counts,
                           recent=recent, EmailStatus=EmailStatus, action_form=ActionForm())


@bp.route("/admin/outbox/<int:email_id>/retry", methods=["POST"])
@admin_required
def retry(email_id: int):
    email = db.session.get(OutboxEmail, email_id) or abort(404)
    if not ActionForm().validate_on_submit() or email.status == EmailStatus.sent:
        abort(400)
    email.status = EmailStatus.pending
    email.next_attempt_at = utcnow()
    db.session.info["outbox_queued"] = True  # deliver right after this request commits
    flash(_("The email will be sent again in a moment."), "success")
    return redirect(url_for("notifications.outbox"))


@bp.app_context_processor
def _notification_helpers() -> dict:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == current_user.id, Notification.read_at.is_(None))) or 0

    return {"unread_notifications": unread_notifications, "describe_notification": describe,
            "notification_reason": reason_text}
