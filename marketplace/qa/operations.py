"""Asking and answering questions on a need. Operations flush and never commit."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.challenges.models import Challenge
from marketplace.core.types import utcnow
from marketplace.extensions import db

from . import events
from .models import Question, can_ask


class QARefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def ask(need: Challenge, user, text: str) -> Question:
    if not can_ask(need, user):
        raise QARefused(_l("Questions can be asked while the need is open for bids."))
    if not (text or "").strip():
        raise QARefused(_l("Write your question."))
    same = db.session.scalar(select(Question).where(
        Question.challenge_id == need.id, Question.asker_id == user.id,
        Question.text == text.strip()).limit(1))
    if same is not None:
        return same     # a double click or a resend: the question is asked once
    question = Question(challenge_id=need.id, asker_id=user.id, text=text.strip())
    db.session.add(question)
    db.session.flush()
    events.question_asked.send(question)
    return question


def answer(question: Question, user, text: str) -> None:
    if not question.can_answer(user):
        raise QARefused(_l("Only the need owner or an administrator can answer."))
    first_answer = question.answer is None
    question.answer = text.strip()
    question.answered_by_id = user.id
    question.answered_at = utcnow()
    db.session.flush()
    if first_answer:
        events.question_answered.send(question)


def questions_for(need: Challenge) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.challenge_id == need.id)
                                   .order_by(Question.asked_at, Question.id)))
