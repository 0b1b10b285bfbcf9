"""WTForms of the review workflow. Score sheets are parsed by the view (one field per
criterion) and protected by an ActionForm's CSRF token."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, FieldList, Form, FormField,
                     IntegerField, RadioField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.core.timefmt import DateTimeInRange

from .award_models import DEFAULT_PUBLICITY_DAYS, MilestoneStatus
from .models import DEFAULT_MIN_PANEL, DEFAULT_SPREAD_THRESHOLD, ConflictKind
from .operations import CriterionRow

REQUIRED = _l("This field is required.")


class OpenReviewForm(FlaskForm):
    blind = BooleanField(_l("Blind review: reviewers see “Bid A, B, C”, never team or "
                            "organisation names, member names or files"), default=True)
    min_panel = IntegerField(_l("Minimum panel size"), default=DEFAULT_MIN_PANEL,
                             validators=[InputRequired(REQUIRED), NumberRange(1, 50)])
    spread_threshold = DecimalField(
        _l("Flag a bid for discussion when reviewers’ totals differ by more than (points of "
           "100)"), default=DEFAULT_SPREAD_THRESHOLD, places=2,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100)])


class CriterionForm(Form):
    name = StringField(_l("Criterion (Chinese)"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Criterion (English)"), validators=[Optional(), Length(max=200)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(1, 100)])
    min_score = DecimalField(_l("Lowest score"), places=2, default=Decimal(0),
                             validators=[Optional(), NumberRange(0, 1000)])
    max_score = DecimalField(_l("Highest score"), places=2, default=Decimal(100),
                             validators=[Optional(), NumberRange(0, 1000)])
    comment_required = BooleanField(_l("Comment required"))


class RubricForm(FlaskForm):
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=20)

    def rows(self) -> list[CriterionRow]:
        return [CriterionRow(name=f.data["name"] or "", name_en=f.data["name_en"],
                             weight=f.data["weight"] or 0,
                             min_score=f.data["min_score"] if f.data["min_score"] is not None
                             else Decimal(0),
                             max_score=f.data["max_score"] if f.data["max_score"] is not None
                             else Decimal(100),
                             comment_required=bool(f.data["comment_required"]))
                for f in self.criteria if (f.data["name"] or "").strip()]


class FormalCheckForm(FlaskForm):
    eligible = RadioField(_l("Formal check"), choices=[
        SelectChoice("yes", _l("Eligible")), SelectChoice("no", _l("Not eligible"))],
        validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Reasons (shown to the team)"),
                           validators=[Optional(), Length(max=4000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(REQUIRED), Length(max=4000)])


class ConflictForm(FlaskForm):
    kind = SelectField(_l("Conflict with"), choices=[
        SelectChoice(ConflictKind.organisation.value, _l("An organisation")),
        SelectChoice(ConflictKind.person.value, _l("A person")),
        SelectChoice(ConflictKind.other.value, _l("Other (describe)"))])
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[],
                                  validate_choice=False, validators=[Optional()])
    person_name = StringField(_l("Person’s name"), validators=[Optional(), Length(max=120)])
    text = TextAreaField(_l("Details"), validators=[Optional(), Length(max=2000)])


class DecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[
        SelectChoice("award",
                     _l("Award to the selected bid(s); several winners race in parallel")),
        SelectChoice("no_award", _l("No award (the need can be republished)"))],
        validators=[InputRequired(REQUIRED)])
    rationale = TextAreaField(_l("Reasons for the decision (Chinese; published)"),
                              validators=[InputRequired(REQUIRED), Length(max=8000)])
    rationale_en = TextAreaField(_l("Reasons in English (optional, for English pages)"),
                                 validators=[Optional(), Length(max=8000)])
    publicity_days = IntegerField(_l("Publicity period (days)"), default=DEFAULT_PUBLICITY_DAYS,
                                  validators=[InputRequired(REQUIRED), NumberRange(1, 60, message=_l(
                                      "Enter a publicity period of 1 to 60 days."))])
    # asked only when the winners chosen are not the best-ranked bids
    order_confirmed = BooleanField(_l("I choose bids that are not the best ranked; the reasons "
                                      "above say why."))


class OwnerAnswerForm(FlaskForm):
    note = TextAreaField(_l("Note (required when you do not confirm)"),
                         validators=[Optional(), Length(max=4000)])


class ObjectionForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for your objection"),
                           validators=[InputRequired(REQUIRED), Length(min=10, max=8000, message=_l(
                               "Write your reasons in 10 to 8,000 characters."))])
    files = MultipleFileField(_l("Supporting files (optional)"))


class ResolveForm(FlaskForm):
    outcome = RadioField(_l("Resolution"), choices=[
        SelectChoice("dismiss", _l("Dismiss (the reasons are published)")),
        SelectChoice("uphold", _l("Uphold (the decision reopens)"))],
        validators=[InputRequired(REQUIRED)])
    resolution = TextAreaField(_l("Reasons"), validators=[InputRequired(REQUIRED),
                                                          Length(max=8000)])
    resolution_en = TextAreaField(_l("Reasons in English (optional, for English pages)"),
                                  validators=[Optional(), Length(max=8000)])


class MilestoneReportForm(FlaskForm):
    status = SelectField(_l("Result"), choices=[
        SelectChoice(MilestoneStatus.met.value, _l("Met")),
        SelectChoice(MilestoneStatus.partially_met.value, _l("Partially met")),
        SelectChoice(MilestoneStatus.not_met.value, _l("Not met"))])
    report = TextAreaField(_l("Report"), validators=[InputRequired(REQUIRED), Length(max=8000)])


class RepublishForm(FlaskForm):
    deadline = DateTimeLocalField(_l("New bid deadline (Beijing time, UTC+8)"),
                                  validators=[InputRequired(REQUIRED), DateTimeInRange()])
