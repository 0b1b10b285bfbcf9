"""Form helpers of the taxonomy: the chain select box used by the need form and profiles."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from .queries import chain_choices


def chain_select_choices() -> list[SelectChoice]:
    """The chains for a select box, in the viewer's language, with "not confirmed" first."""
    locale = str(get_locale() or "zh")
    return [SelectChoice("", _l("Not confirmed yet")), *(
        SelectChoice(chain.id, chain.name(locale), optgroup=cluster.name(locale))
        for chain, cluster in chain_choices())]
