"""Forms for the team profile and the bid. The bid form renders the working draft as typed;
its rules are checked on submit by bids.content, not here."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, SelectChoice,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.extensions import db

EXTRA_MEMBER_ROWS = 2
KEYWORD_SEPARATORS = re.compile(r"[,;，；、\n]+")


def split_keywords(text: str | None) -> list[str]:
    return [k.strip() for k in KEYWORD_SEPARATORS.split(text or "") if k.strip()]


def chain_choices(locale: str) -> list[SelectChoice] | None:
    """The taxonomy's industrial chains when the taxonomy is installed, else None (free list)."""
    if "taxonomy_chains" not in db.metadata.tables:
        return None
    from marketplace.taxonomy.models import Chain
    chains = db.session.scalars(db.select(Chain).order_by(Chain.cluster_id, Chain.position)).all()
    return [SelectChoice(c.id, c.name(locale)) for c in chains] or None


class MemberForm(Form):
    id = HiddenField()
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    role = StringField(_l("Role on the team"), validators=[Optional(), Length(max=120)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.name, self.title, self.role,
                                                         self.bio))

    def validate_name(self, field) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Give the member's name."))


class ProfileForm(FlaskForm):
    summary = TextAreaField(_l("About the team"), validators=[Optional(), Length(max=5000)])
    chains = SelectMultipleField(_l("Industrial chains of your expertise"), choices=[],
                                 validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())
    chains_text = StringField(_l("Industrial chains of your expertise (ids, comma separated)"),
                              validators=[Optional(), Length(max=2000)])
    keywords = StringField(_l("Expertise keywords (comma separated, any language)"),
                           validators=[Optional(), Length(max=2000)])
    achievements = TextAreaField(_l("Past achievements (Markdown)"),
                                 validators=[Optional(), Length(max=20000)])
    members = FieldList(FormField(MemberForm), min_entries=1, max_entries=60)

    def member_rows(self) -> list[dict]:
        rows = []
        for entry in self.members:
            sub = entry.form
            if sub.is_blank():
                continue
            member_id = int(sub.id.data) if (sub.id.data or "").isdigit() else None
            rows.append({"id": member_id, "name": sub.name.data, "title": sub.title.data,
                         "role": sub.role.data, "bio": sub.bio.data})
        return rows

    def chain_ids(self, free: bool) -> list[str]:
        return split_keywords(self.chains_text.data) if free else list(self.chains.data or [])


class MilestoneForm(Form):
    name = StringField(_l("Milestone"))
    month = StringField(_l("Month"))
    deliverable = StringField(_l("Deliverable"))
    share = StringField(_l("Payment share"))


class BudgetRowForm(Form):
    item = StringField(_l("Item"))
    amount = StringField(_l("Amount (10,000 CNY)"))


class BidForm(FlaskForm):
    """Rendered from the stored draft (formdata = the draft's pairs); never rejects input."""

    approach = TextAreaField(_l("Technical approach (Markdown)"))
    milestones = FieldList(FormField(MilestoneForm), min_entries=1, max_entries=40)
    budget = FieldList(FormField(BudgetRowForm), min_entries=1, max_entries=40)
    budget_justification = TextAreaField(_l("Justification (required if your request is above "
                                            "the need's budget)"))
    members = SelectMultipleField(_l("Team members on this bid"), choices=[],
                                  validate_choice=False, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    declaration = BooleanField(_l("We declare that the information in this bid is true, that we "
                                  "accept the need's terms, and that we can deliver the "
                                  "committed indicators."))
    attachment = FileField(_l("Add a file (PDF, Word, Excel, PowerPoint, images, ZIP)"))
