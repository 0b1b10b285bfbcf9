"""The public industry map (产业图谱) and the admin's view of the taxonomy."""
from __future__ import annotations

from decimal import Decimal

import yaml
from flask import (Blueprint, Response, abort, flash, g, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.permissions import admin_required
from marketplace.core.pagecache import cached_figures, cached_page
from marketplace.extensions import db

from .forms import SynonymsForm, TaxonomyImportForm
from .models import Chain, SynonymSet, TaxonomyVersion
from .operations import (TaxonomyInvalid, chains_removed_by, export_document, import_taxonomy,
                         needs_to_classify, save_synonyms)
from .queries import (STRONG_CHAIN_SCORE, ChainFigures, active_version, chain_choices,
                      clusters_with_chains, industry_map_figures, need_chains)

bp = Blueprint("taxonomy", __name__)
WEB_IMPORT_MAX_NEEDS = 15_000


def industry_map() -> list[dict]:
    """Clusters → chains with open needs and budget, plus the cluster totals."""
    figures = cached_figures("industry-map", industry_map_figures)
    result = []
    for cluster in clusters_with_chains():
        chains = [(chain, figures.get(chain.id, ChainFigures())) for chain in cluster.chains]
        result.append({"cluster": cluster, "chains": chains,
                       "open_needs": sum(f.open_needs for _c, f in chains),
                       "budget_wan": sum((f.budget_wan for _c, f in chains), Decimal(0))})
    return result


@bp.route("/industry-map")
@cached_page
def map_page():
    clusters = industry_map()
    return render_template("taxonomy/map.html", clusters=clusters,
                           total_needs=sum(c["open_needs"] for c in clusters),
                           total_budget=sum((c["budget_wan"] for c in clusters), Decimal(0)))


@bp.route("/admin/taxonomy")
@admin_required
def admin_taxonomy():
    return _admin_page(TaxonomyImportForm(formdata=None))


def _admin_page(import_form: TaxonomyImportForm, import_error: str | None = None,
                status: int = 200, confirm_removal: bool = False):
    versions = db.session.scalars(select(TaxonomyVersion).order_by(
        TaxonomyVersion.number.desc())).all()
    return render_template("taxonomy/admin.html", clusters=clusters_with_chains(),
                           version=active_version(), versions=versions,
                           import_form=import_form, import_error=import_error,
                           confirm_removal=confirm_removal), status


@bp.route("/admin/taxonomy/export")
@admin_required
def export_taxonomy():
    """The active taxonomy as YAML, the format the import reads (a download, never inline)."""
    version = active_version()
    if version is None:
        abort(404)
    text = yaml.safe_dump(export_document(), allow_unicode=True, sort_keys=False, width=100)
    return Response(text, mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="taxonomy-v{version.number}.yaml"',
        "X-Content-Type-Options": "nosniff"})


@bp.route("/admin/taxonomy/import", methods=["POST"])
@admin_required
def import_taxonomy_file():
    """Replace the taxonomy with an uploaded file (a new version); every need is classified
    again. A file that cannot be loaded changes nothing and says why."""
    form = TaxonomyImportForm()
    problem = None
    needs = needs_to_classify()
    if needs > WEB_IMPORT_MAX_NEEDS:
        # every need is classified again in the request: ~700 needs/s, and a request may
        # run 30 s; a larger list is loaded from the command line, which has no limit
        problem = _("There are %(num)d needs: classifying them all again takes longer than a "
                    "page may wait. Ask the system administrator to run “flask --app wsgi "
                    "taxonomy import FILE.yaml” on the server.", num=needs)
    elif form.validate_on_submit():
        name = (form.file.data.filename or "taxonomy.yaml")[-120:]
        try:
            removed = chains_removed_by(form.text)
            if removed and request.form.get("remove_chains") != "yes":
                # a cut-off download or a wrong file must not drop chains by accident
                locale = str(get_locale() or "zh")
                problem = ngettext(
                    "This file would remove %(num)d chain: %(names)s. Its needs would lose "
                    "their confirmed chain. Tick “Remove them” and upload again to load it.",
                    "This file would remove %(num)d chains: %(names)s. Their needs would lose "
                    "their confirmed chain. Tick “Remove them” and upload again to load it.",
                    len(removed), names="、".join(c.name(locale) for c in removed[:8])
                    + ("…" if len(removed) > 8 else ""))
                flash(_("The taxonomy was not loaded: see the reason below."), "error")
                return _admin_page(form, problem, 400, confirm_removal=True)
            version = import_taxonomy(form.text, name, current_user)
        except TaxonomyInvalid as invalid:
            g.rollback_only = True
            problem = _("The file is not a taxonomy that can be loaded: %(detail)s",
                        detail=str(invalid))
        else:
            flash(_("Loaded taxonomy version %(number)d from %(name)s; every need was "
                    "classified again.", number=version.number, name=name), "success")
            return redirect(url_for("taxonomy.admin_taxonomy"))
    else:
        problem = next((str(e) for errors in form.errors.values() for e in errors), None)
    flash(_("The taxonomy was not loaded: see the reason below."), "error")
    return _admin_page(form, problem, 400)


@bp.route("/admin/taxonomy/synonyms", methods=["GET", "POST"])
@admin_required
def edit_synonyms():
    """Synonym sets of one chain (?chain=ID) or, without a chain, the search-only sets."""
    chain_id = request.args.get("chain") or None
    chain = db.session.get(Chain, chain_id) if chain_id else None
    if chain_id and chain is None:
        abort(404)
    current = db.session.scalars(select(SynonymSet).where(
        SynonymSet.chain_id.is_(None) if chain is None else SynonymSet.chain_id == chain.id)
        .order_by(SynonymSet.position)).all()
    form = SynonymsForm()
    if form.validate_on_submit():
        version = save_synonyms(chain_id, form.sets, current_user)   # who and when: kept
        flash(_("Saved: taxonomy version %(number)d. Search uses the new sets at once.",
                number=version.number), "success")
        return redirect(url_for("taxonomy.edit_synonyms", chain=chain_id))
    if request.method == "GET":
        form.text.data = "\n".join(", ".join(s.terms) for s in current)
    return render_template("taxonomy/synonyms.html", form=form, chain=chain,
                           chains=chain_choices(), count=len(current))


def chain_label(chain_id: str | None) -> str:
    """A chain's name in the viewer's language (looked up once per request)."""
    if not chain_id:
        return ""
    if "chain_names" not in g:
        g.chain_names = {chain.id: chain for chain, _cluster in chain_choices()}
    chain = g.chain_names.get(chain_id)
    return chain.name(str(get_locale() or "zh")) if chain else chain_id


@bp.app_context_processor
def _taxonomy_helpers() -> dict:
    return {"industry_map": industry_map, "need_chains": need_chains, "chain_label": chain_label,
            "strong_chain_score": STRONG_CHAIN_SCORE}
