"""The account settings form that creates a personal API token."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from wtforms.validators import Length

from marketplace.core.forms import TextRequired

from .models import TokenScope

LIFETIMES = {"30": timedelta(days=30), "90": timedelta(days=90), "365": timedelta(days=365),
             "never": None}


class TokenForm(FlaskForm):
    """Its fields are named token-name, token-scope … : the settings page has a `name` of
    its own (the user's)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)

    name = StringField(_l("Token name"), validators=[
        TextRequired(message=_l("Name the token (what will use it).")), Length(max=80)])
    scope = SelectField(_l("Scope"), default=TokenScope.read.value, choices=[
        SelectChoice(TokenScope.read.value, _l("Read only")),
        SelectChoice(TokenScope.write.value, _l("Read and write (create and change drafts)"))])
    lifetime = SelectField(_l("Expires"), default="90", choices=[
        SelectChoice("30", _l("in 30 days")), SelectChoice("90", _l("in 90 days")),
        SelectChoice("365", _l("in a year")), SelectChoice("never", _l("never"))])
