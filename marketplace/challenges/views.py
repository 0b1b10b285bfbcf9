"""Public list and detail, the owner's drafting pages, terms and attachments."""
from __future__ import annotations

from dataclasses import astuple

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.models import Role
from marketplace.core.forms import ActionForm
from marketplace.core.fragments import cached_fragment
from marketplace.core.limits import limited
from marketplace.core.pagecache import cached_page
from marketplace.core.timefmt import program_zone
from marketplace.core.uploads import UploadRejected, send_stored, store_upload
from marketplace.extensions import db

from . import operations
from .forms import EXTRA_INDICATOR_ROWS, AttachmentForm, NeedForm
from .labels import need_status_label
from .models import Attachment, Challenge, Comparator
from .queries import NeedFilters, count_public_needs, organisation_needs, public_needs_query

bp = Blueprint("challenges", __name__)
bp.add_app_template_global(need_status_label, "need_status_label")


@bp.app_template_global()
def need_card(need: Challenge):
    """A need's card (list, home), rendered once per process for what it shows
    (core/fragments.py)."""
    locale = str(get_locale() or "zh")
    status = need.effective_status
    key = ("need-card", need.id, need.version, status.value, locale,
           need.organisation.display_name(locale), current_app.config["PROGRAM_TIMEZONE"])
    template = current_app.jinja_env.get_template("challenges/_card.html")
    return cached_fragment(key, lambda: template.render(need=need, locale=locale,
                                                        status=status))


@bp.app_template_global()
def need_filters_form(filters: NeedFilters):
    """The list's filter form: the same for everyone who chose these filters in a language."""
    key = ("need-filters", str(get_locale() or "zh"), *astuple(filters))
    template = current_app.jinja_env.get_template("challenges/_filters.html")
    return cached_fragment(key, lambda: template.render(filters=filters))


@bp.route("/needs/")
@cached_page
def index():
    filters = NeedFilters.from_args(request.args)
    number = request.args.get("page", "1")
    if not (number.isdigit() and 0 < len(number) <= 7):   # past any list there will be
        abort(404)
    page = db.paginate(public_needs_query(filters), page=int(number), per_page=12,
                       max_per_page=50, count=False)
    page.total = count_public_needs(filters)
    return render_template("challenges/index.html", page=page, filters=filters)


@bp.route("/needs/<int:need_id>")
@cached_page
def detail(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_view(current_user):
        abort(404)     # for everyone: a 403 would tell that an unpublished need exists
    # a form makes a CSRF token (a session cookie): only for those who can act on the page,
    # so a visitor's page carries no cookie and can be cached
    form = ActionForm() if current_user.is_authenticated else None
    return render_template("challenges/detail.html", need=need, action_form=form)


@bp.route("/my/needs")
@login_required
def dashboard():
    if not current_user.has_role(Role.owner) or current_user.organisation_id is None:
        abort(403)
    needs = db.session.scalars(organisation_needs(current_user.organisation_id)).all()
    return render_template("challenges/dashboard.html", needs=needs, action_form=ActionForm())


def _form_for(need: Challenge | None) -> NeedForm:
    if request.method == "POST" or need is None:
        form = NeedForm()
    else:
        deadline = need.deadline.astimezone(program_zone()).replace(tzinfo=None) \
            if need.deadline else None
        form = NeedForm(data={
            **{field: getattr(need, field) for field in operations.NEED_FIELDS
               if field not in ("deadline", "ip_terms")},
            "deadline": deadline, "ip_terms": need.ip_terms.value,
            "indicators": [{"name": row.name, "name_en": row.name_en or "",
                            "comparator": row.comparator.value, "target": row.target_display,
                            "unit": row.unit} for row in need.indicators],
        })
    if request.method == "GET":
        for _i in range(EXTRA_INDICATOR_ROWS):
            form.indicators.append_entry()
    return form


def _save(form: NeedForm, need: Challenge | None):
    """Validate, save the draft, and submit when asked. Nothing is stored on invalid input;
    the form comes back with everything the user typed."""
    template = "challenges/edit.html"
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields. Nothing was saved yet."), "error")
        if form.new_file.data:
            flash(_("Browsers cannot keep a chosen file: choose it again before saving."),
                  "info")
        missing = {}
        if request.form.get("action") == "submit":
            # everything a submission needs is said now, not after the typing errors are fixed
            missing = operations.missing_values(
                form.field_values(program_zone()),
                has_indicators=any(not entry.form.is_blank() for entry in form.indicators))
            _mark_missing(form, missing)
        return render_template(template, form=form, need=need, missing=missing,
                               problems=_problems(form, missing)), 400
    values, rows = form.field_values(program_zone()), form.indicator_rows()
    if need is None:
        need = operations.create_draft(current_user, values, rows)
    else:
        operations.update_draft(need, values, rows)
    _remove_attachments(need, request.form.getlist("remove_attachment"))
    if form.new_file.data and not _attach(need, form.new_file.data,
                                          form.new_file_confidential.data):
        flash(_("Your other changes were saved."), "info")
        return redirect(url_for("challenges.edit", need_id=need.id) + "#files")
    if request.form.get("action") != "submit":
        flash(_("Draft saved."), "success")
        return redirect(url_for("challenges.edit", need_id=need.id))
    if operations.missing_for_submission(need):   # the edit page lists what is missing
        flash(_("Your draft was saved but not submitted: complete the items listed below."),
              "error")
        return redirect(url_for("challenges.edit", need_id=need.id, check=1))
    operations.submit(need, current_user)
    flash(_("Submitted for screening. The program office will publish it or return it "
            "with reasons."), "success")
    return redirect(url_for("challenges.detail", need_id=need.id))


def _problems(form: NeedForm, missing: dict) -> list[tuple[str, str]]:
    """Every message of a refused form once, in the form's order, each linked to its field:
    what a submission still needs and what was typed wrong (the summary at the top)."""
    problems = []
    for field in form:
        if field.name == "csrf_token":
            continue
        if field.name == "indicators":
            if "indicators" in missing:
                problems.append(("indicator-table", missing["indicators"]))
            for number, entry in enumerate(field, start=1):
                problems += [(cell.id, _("Indicator %(number)d: %(message)s", number=number,
                                          message=message))
                             for cell in entry.form for message in cell.errors]
            continue
        label = str(field.label.text)      # "Contact email: Enter a valid email address"
        problems += [(field.id, message if label in str(message) else
                      _("%(field)s: %(item)s", field=label, item=message))
                     for message in dict.fromkeys(field.errors)]
    return problems


def _mark_missing(form: NeedForm, missing: dict) -> None:
    """Each missing item also beside its field (the indicators have their own section)."""
    for name, message in missing.items():
        if name in form and name != "indicators" and not form[name].errors:
            form[name].errors = [*form[name].errors, message]


def _attach(need: Challenge, upload, confidential: bool) -> bool:
    """Store an uploaded file on the need; False (with a message) when it is refused."""
    try:
        stored = store_upload(upload)
    except UploadRejected as rejected:
        flash(_("The file was not attached: %(reason)s", reason=rejected.message), "error")
        return False
    need.attachments.append(Attachment(**stored.columns(), confidential=bool(confidential),
                                       uploaded_by_id=current_user.id))
    flash(_("File uploaded."), "success")
    return True


def _remove_attachments(need: Challenge, ids: list[str]) -> None:
    chosen = {int(i) for i in ids if i.isdigit()}
    for attachment in [a for a in need.attachments if a.id in chosen]:
        need.attachments.remove(attachment)
        flash(_("File removed: %(name)s", name=attachment.filename), "success")


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def create():
    if not current_user.has_role(Role.owner) or current_user.organisation_id is None:
        abort(403)
    form = _form_for(None)
    if request.method == "GET":
        return render_template("challenges/edit.html", form=form, need=None)
    return _save(form, None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_edit(current_user):
        abort(403)
    form = _form_for(need)
    if request.method == "GET":
        missing = operations.missing_fields(need)
        if request.args.get("check"):       # after a submit attempt: mark the fields too
            _mark_missing(form, missing)
        return render_template("challenges/edit.html", form=form, need=need, missing=missing)
    return _save(form, need)


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
@login_required
def withdraw(need_id: int):
    """The owner takes a submitted need back from screening (it becomes a draft again)."""
    need = db.get_or_404(Challenge, need_id)
    if not need.can_withdraw(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    operations.withdraw(need, current_user)
    flash(_("The need is withdrawn from screening and is a draft again."), "success")
    return redirect(url_for("challenges.edit", need_id=need.id))


@bp.route("/needs/<int:need_id>/delete", methods=["POST"])
@login_required
def delete(need_id: int):
    """A draft that was never published is deleted, with its files."""
    need = db.get_or_404(Challenge, need_id)
    if not need.can_delete(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    if request.form.get("confirm") != "delete":
        flash(_("Confirm the deletion: open “Delete…” and press “Delete the draft”."), "error")
        return redirect(url_for("challenges.dashboard"))
    title = need.title(str(get_locale()))
    operations.delete_draft(need, current_user)
    flash(_("Draft deleted: %(title)s", title=title or "—"), "success")
    return redirect(url_for("challenges.dashboard"))


@bp.route("/needs/<int:need_id>/terms", methods=["POST"])
@login_required
def accept_terms(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_accept_terms(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    operations.accept_terms(need, current_user)
    flash(_("You accepted the terms of this need. The confidential details are shown below."),
          "success")
    return redirect(url_for("challenges.detail", need_id=need.id) + "#confidential")


@bp.route("/needs/<int:need_id>/attachments", methods=["POST"])
@login_required
@limited("RATE_LIMIT_UPLOAD")
def upload_attachment(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_edit(current_user):
        abort(403)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("challenges.edit", need_id=need.id))
    _attach(need, form.file.data, form.confidential.data)
    return redirect(url_for("challenges.edit", need_id=need.id) + "#files")


@bp.route("/needs/<int:need_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(need_id: int, attachment_id: int):
    need = db.get_or_404(Challenge, need_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.challenge_id != need.id:
        abort(404)
    if not need.can_edit(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    _remove_attachments(need, [str(attachment.id)])
    return redirect(url_for("challenges.edit", need_id=need.id) + "#files")


@bp.route("/needs/<int:need_id>/attachments/<int:attachment_id>")
def download_attachment(need_id: int, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.challenge_id != need_id:
        abort(404)
    if not attachment.can_download(current_user):
        abort(403 if current_user.is_authenticated else 404)
    return send_stored(attachment)


@bp.app_template_filter("comparator_symbol")
def comparator_symbol(value: str) -> str:
    """'>=' as stored in a bid's frozen content, shown as on the need page: ≥."""
    try:
        return Comparator(value).symbol
    except ValueError:
        return value


@bp.app_context_processor
def _challenge_helpers() -> dict:
    from .forms import IP_TERMS_LABELS
    from .models import TermsAcceptance

    def need_acceptances(need: Challenge) -> list[TermsAcceptance]:
        return db.session.scalars(db.select(TermsAcceptance).where(
            TermsAcceptance.challenge_id == need.id).order_by(TermsAcceptance.accepted_at)).all()

    return {"ip_label": IP_TERMS_LABELS.get, "need_acceptances": need_acceptances}
