from __future__ import annotations


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, FieldList, Form, FormField,
                     IntegerField, SelectChoice, SelectField, StringField, TextAreaField)
from wtforms.validators import (Email, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from marketplace.core.forms import VALID_EMAIL, TextRequired
from marketplace.core.quantities import QuantityError, parse_quantity
from marketplace.core.timefmt import DateTimeInRange

from .models import MAX_BUDGET_WAN, TEXT_LIMITS, Comparator, IPTerms
from .operations import IndicatorRow

IP_TERMS_LABELS = {
    IPTerms.none: _l("None: the solver team keeps all intellectual property"),
    IPTerms.non_exclusive: _l("Non-exclusive licence to the need owner"),
    IPTerms.exclusive: _l("Exclusive: results belong to the need owner"),
}

EXTRA_INDICATOR_ROWS = 2


def _chain_choices() -> list[SelectChoice]:
    from marketplace.taxonomy.forms import chain_select_choices
    return chain_select_choices()


def _limited(name: str) -> list:
    """Optional, at most as long as the need's field takes (the import checks the same)."""
    return [Optional(), Length(max=TEXT_LIMITS[name])]


class IndicatorForm(Form):
    name = StringField(_l("Indicator"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Indicator (English)"), validators=[Optional(), Length(max=200)])
    comparator = SelectField(_l("Comparator"),
                             choices=[SelectChoice(c.value, c.symbol) for c in Comparator], default=">=")
    target = StringField(_l("Target value"), validators=[Optional(), Length(max=40)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])

    def is_blank(self) -> bool:
        return not any((field.data or "").strip()
                       for field in (self.name, self.name_en, self.target, self.unit))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not (self.name.data or "").strip():
            self.name.errors = [*self.name.errors, _l("Name the indicator.")]
            ok = False
        try:
            parse_quantity(self.target.data)
        except QuantityError as error:
            self.target.errors = [*self.target.errors, error.message]
            ok = False
        return ok


class NeedForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=_limited("title_zh"))
    title_en = StringField(_l("Title (English)"), validators=_limited("title_en"))
    summary_zh = TextAreaField(_l("Summary (Chinese)"), validators=_limited("summary_zh"))
    summary_en = TextAreaField(_l("Summary (English)"), validators=_limited("summary_en"))
    description_zh = TextAreaField(_l("Description (Chinese, Markdown)"),
                                   validators=_limited("description_zh"))
    description_en = TextAreaField(_l("Description (English, Markdown)"),
                                   validators=_limited("description_en"))
    indicators = FieldList(FormField(IndicatorForm), min_entries=1, max_entries=30)
    budget_wan = DecimalField(_l("Budget (10,000 CNY)"), places=2, validators=[
        Optional(), NumberRange(min=0, max=MAX_BUDGET_WAN, message=_l(
            "Enter a budget from 0 to %(max)s (×10k CNY).", max=f"{MAX_BUDGET_WAN:,}"))])
    deadline = DateTimeLocalField(_l("Bid deadline (Beijing time, UTC+8)"),
                                  format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                  validators=[Optional(), DateTimeInRange()])
    period_months = IntegerField(_l("Project period (months)"), validators=[
        Optional(), NumberRange(min=1, max=240, message=_l("Enter 1 to 240 months."))])
    requirements = TextAreaField(_l("Bidder requirements (Chinese)"),
                                 validators=_limited("requirements"))
    requirements_en = TextAreaField(_l("Bidder requirements (English)"),
                                    validators=_limited("requirements_en"))
    confidential_details = TextAreaField(
        _l("Confidential details (Chinese; shown only to users who accept the terms)"),
        validators=_limited("confidential_details"))
    confidential_details_en = TextAreaField(
        _l("Confidential details (English; shown only to users who accept the terms)"),
        validators=_limited("confidential_details_en"))
    ip_terms = SelectField(_l("Intellectual property"),
                           choices=[SelectChoice(t.value, label) for t, label in IP_TERMS_LABELS.items()],
                           default=IPTerms.non_exclusive.value)
    terms_text = TextAreaField(_l("Further terms (Chinese: confidentiality, use of results)"),
                               validators=_limited("terms_text"))
    terms_text_en = TextAreaField(
        _l("Further terms (English: confidentiality, use of results)"),
        validators=_limited("terms_text_en"))
    contact_name = StringField(_l("Contact person"), validators=_limited("contact_name"))
    contact_email = StringField(_l("Contact email"),
                                validators=[*_limited("contact_email"), Email(message=VALID_EMAIL)])
    contact_phone = StringField(_l("Contact phone"), validators=_limited("contact_phone"))
    primary_chain_id = SelectField(_l("Primary industrial chain"), choices=_chain_choices,
                                   default="")
    # files travel with the rest of the form, so nothing typed is lost by an upload
    new_file = FileField(_l("Add a file"))
    new_file_confidential = BooleanField(
        _l("Confidential (only for users who accepted the terms)"))

    def validate(self, extra_validators=None) -> bool:
        """Every field's own checks, then the one across fields: a need has a title in at
        least one language (a per-field check would never run: both fields are Optional,
        which stops their checks when empty; the database refuses a need without one)."""
        valid = super().validate(extra_validators)
        if not (self.title_zh.data or "").strip() and not (self.title_en.data or "").strip():
            self.title_zh.errors = [*self.title_zh.errors,
                                    _l("Give the need a title, in Chinese or in English.")]
            valid = False
        return valid

    def indicator_rows(self) -> list[IndicatorRow]:
        rows = []
        for entry in self.indicators:
            sub = entry.form
            if sub.is_blank():
                continue
            rows.append(IndicatorRow(name=sub.name.data, name_en=sub.name_en.data,
                                     comparator=Comparator(sub.comparator.data),
                                     target_value=parse_quantity(sub.target.data),
                                     unit=sub.unit.data or ""))
        return rows

    def field_values(self, program_zone) -> dict:
        deadline = self.deadline.data
        return {
            "title_zh": self.title_zh.data, "title_en": self.title_en.data,
            "summary_zh": self.summary_zh.data, "summary_en": self.summary_en.data,
            "description_zh": self.description_zh.data,
            "description_en": self.description_en.data,
            "budget_wan": self.budget_wan.data,
            "deadline": deadline.replace(tzinfo=program_zone) if deadline else None,
            "period_months": self.period_months.data,
            "requirements": self.requirements.data,
            "requirements_en": self.requirements_en.data,
            "confidential_details": self.confidential_details.data,
            "confidential_details_en": self.confidential_details_en.data,
            "ip_terms": IPTerms(self.ip_terms.data), "terms_text": self.terms_text.data,
            "terms_text_en": self.terms_text_en.data,
            "contact_name": self.contact_name.data, "contact_email": self.contact_email.data,
            "contact_phone": self.contact_phone.data,
            "primary_chain_id": self.primary_chain_id.data or None,
        }


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[InputRequired(message=_l("Choose a file."))])
    confidential = BooleanField(_l("Confidential (only for users who accepted the terms)"))


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for returning"), validators=[
        TextRequired(message=_l("Give the reasons for returning the need.")),
        Length(max=5000)])
