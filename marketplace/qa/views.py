"""Ask on a need; the owner or an admin answers. The list is rendered on the need page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.challenges.models import Challenge
from marketplace.core.limits import limited
from marketplace.extensions import db

from . import operations
from .forms import AnswerForm, QuestionForm
from .models import Question, can_ask

bp = Blueprint("qa", __name__)


def _need_page(need_id: int) -> str:
    return url_for("challenges.detail", need_id=need_id) + "#qa"


@bp.route("/needs/<int:need_id>/questions", methods=["POST"])
@login_required
@limited("RATE_LIMIT_QUESTION")
def ask(need_id: int):
    need = db.session.get(Challenge, need_id) or abort(404)
    if not need.can_view(current_user):
        abort(404)
    if not can_ask(need, current_user):
        abort(403)
    form = QuestionForm()
    if not form.validate_on_submit():
        for error in form.text.errors or [_("The form expired; please try again.")]:
            flash(str(error), "error")
        return redirect(_need_page(need.id))
    operations.ask(need, current_user, form.text.data)
    flash(_("Your question was posted. It is shown without your name."), "success")
    return redirect(_need_page(need.id))


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    if not question.can_answer(current_user):
        abort(403)
    form = AnswerForm()
    if not form.validate_on_submit():
        for error in form.answer.errors or [_("The form expired; please try again.")]:
            flash(str(error), "error")
        return redirect(_need_page(question.challenge_id))
    operations.answer(question, current_user, form.answer.data)
    flash(_("Answer published."), "success")
    return redirect(_need_page(question.challenge_id))


@bp.app_context_processor
def _qa_helpers() -> dict:
    return {"need_questions": operations.questions_for, "can_ask_question": can_ask,
            "question_form": QuestionForm, "answer_form": AnswerForm}
