"""Forms every domain uses: a button that POSTs (only the CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

# one wording for the messages many forms share
VALID_EMAIL = _l("Enter a valid email address, e.g. name@example.com.")


class ActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""


class TextRequired:
    """Like InputRequired, but text of spaces only counts as nothing (a question, an answer
    or reasons of blank lines would otherwise pass, and be posted or refused deeper down)."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field) -> None:
        if not (field.data or "").strip():
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))
