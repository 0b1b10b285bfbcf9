from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional


def _chains():
    from marketplace.taxonomy.forms import chain_select_choices
    return chain_select_choices()[1:]


class ExpertiseForm(FlaskForm):
    chain_ids = SelectMultipleField(_l("Industrial chains you work in"), choices=_chains)
    keywords_text = TextAreaField(
        _l("Keywords (separate with commas, Chinese or English)"),
        validators=[Optional(), Length(max=2000)])
