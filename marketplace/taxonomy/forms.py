"""Form helpers of the taxonomy: the chain select box used by the need form and profiles,
and the admin's synonym editor."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from .operations import SynonymLineInvalid, parse_synonym_lines
from .queries import chain_choices

MAX_SYNONYM_TEXT = 200_000
MAX_TAXONOMY_BYTES = 2 * 1024 * 1024     # the default taxonomy is about 250 KB


class TaxonomyImportForm(FlaskForm):
    """A whole taxonomy as YAML (the format `taxonomy export` and the export link write)."""
    file = FileField(_l("Taxonomy file (YAML)"),
                     validators=[InputRequired(message=_l("Choose a file."))])

    def validate_file(self, field) -> None:
        data = field.data.read(MAX_TAXONOMY_BYTES + 1) if field.data else b""
        if len(data) > MAX_TAXONOMY_BYTES:
            raise ValidationError(_l("The file is larger than 2 MB."))
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_l("The file is not UTF-8 text: save it as UTF-8 YAML."))
        if "\x00" in self.text:
            raise ValidationError(_l("The file is not a text file."))


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
