from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


def _chains():
    from marketplace.taxonomy.forms import chain_select_choices
    # a list of checkboxes, like the team profile's (groups are for select boxes)
    return [SelectChoice(choice.value, choice.label) for choice in chain_select_choices()[1:]]


class ExpertiseForm(FlaskForm):
    chain_ids = SelectMultipleField(_l("Industrial chains you work in"), choices=_chains,
                                    widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    keywords_text = TextAreaField(
        _l("Keywords (separate with commas, Chinese or English)"),
        validators=[Optional(), Length(max=2000)])
