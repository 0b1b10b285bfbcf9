"""Forms every domain uses: a button that POSTs (only the CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""
