"""Names of a need's states in the reader's language, looked up once per badge (the badge
macro used to translate all eleven names for every card on a page)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import NeedStatus

NEED_STATUS_LABELS = {
    NeedStatus.draft: _l("Draft"),
    NeedStatus.submitted: lazy_pgettext("need status", "Submitted"),
    NeedStatus.returned: _l("Returned"),
    NeedStatus.published: _l("Open for bids"),
    NeedStatus.closed: _l("Bidding closed"),
    NeedStatus.under_review: _l("Under review"),
    NeedStatus.publicity: _l("In publicity"),
    NeedStatus.awarded: _l("Awarded"),
    NeedStatus.not_awarded: _l("No award"),
    NeedStatus.contracted: _l("Contracted"),
    NeedStatus.accepted: _l("Accepted"),
}


def need_status_label(status: NeedStatus) -> str:
    return str(NEED_STATUS_LABELS[NeedStatus(status)])
