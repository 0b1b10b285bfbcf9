"""Form helpers of the taxonomy: the chain select box used by the need form and profiles,
and the admin's synonym editor."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, TextAreaField
from wtforms.validators import Length, ValidationError

from .operations import SynonymLineInvalid, parse_synonym_lines
from .queries import chain_choices

MAX_SYNONYM_TEXT = 200_000


def chain_select_choices() -> list[SelectChoice]:
    """The chains for a select box, in the viewer's language, with "not confirmed" first."""
    locale = str(get_locale() or "zh")
    return [SelectChoice("", _l("Not confirmed yet")), *(
        SelectChoice(chain.id, chain.name(locale), optgroup=cluster.name(locale))
        for chain, cluster in chain_choices())]


class SynonymsForm(FlaskForm):
    text = TextAreaField(_l("Synonym sets"), validators=[Length(max=MAX_SYNONYM_TEXT)],
                         description=_l("One set per line; separate the terms with commas, "
                                        "e.g. 扫描电镜, 扫描电子显微镜, SEM, scanning electron "
                                        "microscope"))

    def validate_text(self, field) -> None:
        try:
            self.sets = parse_synonym_lines(field.data or "")
        except SynonymLineInvalid as problem:
            if problem.problem == "too_few":
                message = _l("Line %(line)d: a set needs two or more different terms.",
                             line=problem.line)
            else:
                message = _l("Line %(line)d: a term is at most 120 characters.",
                             line=problem.line)
            raise ValidationError(message) from None
