"""The OCDS release: one contracting process (a need) as it stood at one moment.

Each release is a whole snapshot of what was public at its date (parties, tender, bid
statistics, awards, contracts), so any release reads on its own and the compiled release is the
latest state. The mapping table is in README "Open Contracting (OCDS)".
"""
from __future__ import annotations

import calendar
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import urlsplit

from babel import Locale
from flask import current_app

from marketplace.challenges.models import NeedStatus
from marketplace.core.text import has_cjk
from marketplace.review.award_models import MilestoneStatus, Outcome

from .sources import BiddingPeriod, Party, Process, PublicDecision

# The "1030" industrial system (10 clusters, 30 chains) is no scheme of the open
# itemClassificationScheme codelist: its chains are published under this scheme id of ours,
# with the chain's stable id as the code. Documented in the README and the publication policy.
CLASSIFICATION_SCHEME = "X-1030"
# additions of ours to open codelists, which the tests allow and nothing else
CODELIST_ADDITIONS = {"itemClassificationScheme.csv": {CLASSIFICATION_SCHEME}}

TENDER_STATUS = {
    NeedStatus.published: "active", NeedStatus.closed: "active",
    NeedStatus.under_review: "active", NeedStatus.publicity: "active",
    NeedStatus.awarded: "complete", NeedStatus.contracted: "complete",
    NeedStatus.accepted: "complete", NeedStatus.not_awarded: "unsuccessful",
}
MILESTONE_STATUS = {
    MilestoneStatus.scheduled: "scheduled", MilestoneStatus.met: "met",
    MilestoneStatus.not_met: "notMet", MilestoneStatus.partially_met: "partiallyMet",
}
METHOD_DETAILS = "揭榜挂帅 (open competition for a technical need)"
NO_AWARD_TITLE = ("流榜", "No award")
PUBLICITY_TITLE = ("结果公示", "Publicity of the decision")


def timeline(process: Process, now: datetime) -> list[tuple[datetime, str, list[str]]]:
    """(date, release id suffix, tags) of every release up to now, oldest first. Suffixes
    name what happened (tender-1, bids-1, award-7, award-7-final, contract, milestone-3,
    completion), so a release keeps its id from one export to the next."""
    events = []
    for period in process.periods:
        number = period.number
        events.append((period.start, f"tender-{number}",
                       ["tender"] if number == 1 else ["tenderUpdate"]))
        if period.closed_by(now):
            events.append((period.end, f"bids-{number}", ["tenderUpdate"]))
    for public in process.decisions:
        key = f"award-{public.decision.id}"
        events.append((public.public_at, key, ["award"]))
        if public.reopened_at is not None:
            events.append((public.reopened_at, f"{key}-withdrawn", ["awardCancellation"]))
        if public.final_at is not None:
            events.append((public.final_at, f"{key}-final", ["tenderUpdate", "awardUpdate"]))
    if process.contracted_at is not None:
        events.append((process.contracted_at, "contract", ["contract"]))
        reported = sorted((m for m in process.milestones if m.reported_at is not None),
                          key=lambda m: (m.reported_at, m.id))
        for n, milestone in enumerate(reported):
            events.append((milestone.reported_at, f"milestone-{milestone.id}",
                           ["implementation" if n == 0 else "implementationUpdate"]))
    if process.accepted_at is not None:
        events.append((process.accepted_at, "completion", ["contractTermination"]))
    return sorted((e for e in events if e[0] <= now), key=lambda e: e[0])


def build_release(process: Process, moment: datetime, suffix: str, tags: list[str],
                  links: Links) -> dict:
    need = process.need
    language = "zh" if need.title_zh else "en"
    parties = Parties(language)
    buyer = parties.add(Party.of(need.organisation), "buyer", contact=_contact(need))
    office = parties.add(process.office, "procuringEntity") if process.office else None
    period = _period_at(process, moment)
    public = [d for d in process.decisions if d.public_at <= moment]
    tender = _tender(process, period, moment, language, office, links)
    tender["tenderers"] = _tenderers(process, public, moment, parties)
    awards = [award for decision in public
              for award in _awards(decision, moment, parties, language, links)]
    contracts = _contracts(process, moment, language)
    release = {
        "ocid": process.ocid, "id": f"{process.ocid}-{suffix}", "date": iso(moment),
        "tag": tags, "initiationType": "tender", "language": language,
        "parties": parties.entries(), "buyer": buyer, "tender": tender,
        "bids": {"statistics": [_statistic(p) for p in process.periods[:period.number]
                                if p.closed_by(moment)]},
        "awards": awards, "contracts": contracts,
    }
    return compact(release)


# -- tender ----------------------------------------------------------------------------------
def _period_at(process: Process, moment: datetime) -> BiddingPeriod:
    started = [p for p in process.periods if p.start <= moment]
    return started[-1] if started else process.periods[0]


def _tender(process: Process, period: BiddingPeriod, moment: datetime, language: str,
            office: dict | None, links: Links) -> dict:
    need = process.need
    return {
        "id": need.ref,
        **texts("title", need.title_zh, need.title_en, language),
        **texts("description", need.description_zh, need.description_en, language),
        "status": TENDER_STATUS.get(_status_at(process, moment), "active"),
        "procuringEntity": office,
        "items": [_item(process, language)],
        "value": money(need.budget_wan),
        "procurementMethod": "open",
        "procurementMethodDetails": METHOD_DETAILS,
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": iso(period.start), "endDate": iso(period.end)},
        **texts("eligibilityCriteria", need.requirements, need.requirements_en, language),
        "documents": _tender_documents(process, language, links),
    }


def _status_at(process: Process, moment: datetime) -> NeedStatus:
    status = NeedStatus.published
    for step in process.transitions:
        if step.at <= moment:
            status = step.to_status
    return status


def _item(process: Process, language: str) -> dict:
    need, chain = process.need, process.chain
    item = {"id": "1", **texts("description", need.title_zh, need.title_en, language),
            "quantity": 1}
    if chain is not None:
        item["classification"] = {"scheme": CLASSIFICATION_SCHEME, "id": chain.id,
                                  **texts("description", chain.name_zh, chain.name_en,
                                          language)}
    return item


def _tender_documents(process: Process, language: str, links: Links) -> list[dict]:
    """The need's page (the notice) and its public attachments; confidential attachments,
    shown only to those who accepted the need's terms, are never listed."""
    need = process.need
    published = process.periods[0].start
    documents = [{"id": "notice", "documentType": "tenderNotice",
                  **texts("title", need.title_zh, need.title_en, language),
                  "url": links.url("challenges.detail", need_id=need.id),
                  "datePublished": iso(published), "format": "text/html",
                  "language": language}]
    for attachment in need.attachments:
        if attachment.confidential:
            continue
        documents.append({
            "id": f"attachment-{attachment.id}", "documentType": "biddingDocuments",
            "title": attachment.filename,
            "url": links.url("challenges.download_attachment", need_id=need.id,
                             attachment_id=attachment.id),
            "datePublished": iso(max(attachment.created_at, published)),
            "format": attachment.content_type})
    return documents


def _statistic(period: BiddingPeriod) -> dict:
    """The number of bids of a bidding period, once its deadline has passed: before, bids
    are sealed and not even their number is published."""
    return {"id": f"bids-{period.number}", "measure": "bids", "value": len(period.bidders),
            "date": iso(period.end)}


def _tenderers(process: Process, public: list[PublicDecision], moment: datetime,
               parties: Parties) -> list[dict]:
    """Winners are named from publicity on, as on the publicity page. The teams that were not
    chosen are named only where the office publishes them (OCDS_NAME_ALL_TENDERERS), and only
    once the decision of their period is final: never while a (blind) review runs."""
    named = []
    for decision in public:
        for _bid_id, party in decision.winners:
            named.append(parties.add(party, "tenderer"))
    if current_app.config.get("OCDS_NAME_ALL_TENDERERS"):
        for decision in public:
            if decision.final_at is not None and decision.final_at <= moment:
                period = _period_of(process, decision)
                named.extend(parties.add(party, "tenderer") for party in period.bidders)
    unique = {ref["id"]: ref for ref in named}
    return list(unique.values())


def _period_of(process: Process, public: PublicDecision) -> BiddingPeriod:
    earlier = [p for p in process.periods if p.start <= public.decision.proposed_at]
    return earlier[-1] if earlier else process.periods[0]


# -- awards and contracts --------------------------------------------------------------------
def _award_status(public: PublicDecision, moment: datetime) -> str:
    if public.reopened_at is not None and public.reopened_at <= moment:
        return "cancelled"
    if public.final_at is not None and public.final_at <= moment:
        return "active" if public.decision.outcome == Outcome.award else "unsuccessful"
    return "pending"        # in publicity (公示): objections may still be lodged


def _awards(public: PublicDecision, moment: datetime, parties: Parties, language: str,
            links: Links) -> list[dict]:
    """One award per winner (several racing in parallel, 赛马); one unsuccessful award for
    no award (流榜). The winning bids' amounts are bid content and are not published."""
    decision = public.decision
    common = {"status": _award_status(public, moment), "date": iso(public.public_at),
              **texts("description", decision.rationale, decision.rationale_en, language),
              "documents": [{"id": "publicity", "documentType": "awardNotice",
                             **texts("title", *PUBLICITY_TITLE, language),
                             "url": links.url("review.publicity", need_id=decision.challenge_id),
                             "datePublished": iso(public.public_at), "format": "text/html"}]}
    if decision.outcome == Outcome.no_award:
        return [{"id": f"award-{decision.id}", **texts("title", *NO_AWARD_TITLE, language),
                 **common}]
    return [{"id": award_id(decision.id, bid_id), **common,
             "suppliers": [parties.add(party, "supplier")]}
            for bid_id, party in public.winners]


def award_id(decision_id: int, bid_id: int) -> str:
    return f"award-{decision_id}-{bid_id}"


def _contracts(process: Process, moment: datetime, language: str) -> list[dict]:
    """签约: a contract per winner of the final award, with the task book's milestones as
    implementation milestones; 验收 (acceptance) closes it ("terminated": came to a close)."""
    signed = process.contracted_at
    if signed is None or signed > moment:
        return []
    final = [d for d in process.decisions if d.final_at is not None and d.final_at <= signed
             and d.decision.outcome == Outcome.award]
    if not final:
        return []
    decision = final[-1]
    closed = process.accepted_at is not None and process.accepted_at <= moment
    need = process.need
    contracts = []
    for bid_id, _party in decision.winners:
        milestones = [_milestone(m, signed, moment) for m in process.milestones
                      if m.bid_id == bid_id]
        contracts.append({
            "id": f"contract-{bid_id}", "awardID": award_id(decision.decision.id, bid_id),
            **texts("title", need.title_zh, need.title_en, language),
            "status": "terminated" if closed else "active",
            "dateSigned": iso(signed),
            "period": {"startDate": iso(signed),
                       "endDate": iso(add_months(signed, need.period_months))
                       if need.period_months else None},
            "implementation": {"milestones": milestones}})
    return contracts


def _milestone(milestone, signed: datetime, moment: datetime) -> dict:
    """Name, month and status, as the need page shows them; the deliverable, the payment share
    and the report's text are not public."""
    reported = milestone.reported_at is not None and milestone.reported_at <= moment
    status = milestone.status if reported else MilestoneStatus.scheduled
    return {"id": f"milestone-{milestone.id}", "title": milestone.name, "type": "delivery",
            "dueDate": iso(add_months(signed, milestone.month)),
            "status": MILESTONE_STATUS[status],
            "dateMet": iso(milestone.reported_at) if status == MilestoneStatus.met else None,
            "dateModified": iso(milestone.reported_at) if reported else None}


# -- parties ---------------------------------------------------------------------------------
class Parties:
    """The release's parties, each once with all its roles; `add` returns the reference."""

    def __init__(self, language: str):
        self.language = language
        self._entries: dict[str, dict] = {}

    def add(self, party: Party, role: str, contact: dict | None = None) -> dict:
        entry = self._entries.get(party.id)
        if entry is None:
            entry = self._entries[party.id] = {
                "id": party.id, **_names(party, self.language),
                "address": _country(party.country, self.language), "contactPoint": contact,
                "roles": []}
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return {"id": party.id, "name": entry["name"]}

    def entries(self) -> list[dict]:
        return list(self._entries.values())


def _names(party: Party, language: str) -> dict:
    if language == "en":
        name = party.name_en or party.name
        other = party.name if party.name_en and has_cjk(party.name) else None
        return {"name": name, "name_zh": other}
    english = party.name_en if party.name_en and party.name_en != party.name else None
    return {"name": party.name, "name_en": english}


def _country(code: str | None, language: str) -> dict | None:
    if not code:
        return None
    names = {lang: Locale.parse(lang).territories.get(code.upper()) for lang in ("zh", "en")}
    other = "en" if language == "zh" else "zh"
    return {"countryName": names[language] or code.upper(),
            f"countryName_{other}": names[other]}


def _contact(need) -> dict | None:
    """The need's contact, as its public page shows it."""
    return {"name": need.contact_name, "email": need.contact_email,
            "telephone": need.contact_phone} if need.contact_name or need.contact_email else None


# -- values ----------------------------------------------------------------------------------
def texts(field: str, chinese: str | None, english: str | None, language: str) -> dict:
    """A text kept in both languages: the release's language in the field itself, the other in
    its language-tagged twin (title / title_en), as OCDS 1.1 multilingual fields do."""
    if language == "zh":
        return {field: chinese or None, f"{field}_en": english or None}
    return {field: english or None, f"{field}_zh": chinese or None}


def money(wan: Decimal | None) -> dict | None:
    """万元 (ten thousand yuan) to yuan; two decimals of 万元 are whole yuan."""
    if wan is None:
        return None
    amount = wan * 10000
    whole = amount == amount.to_integral_value()
    return {"amount": int(amount) if whole else float(amount), "currency": "CNY"}


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def compact(value):
    """Without empty values: OCDS leaves out what is not known rather than writing null."""
    if isinstance(value, dict):
        items = ((k, compact(v)) for k, v in value.items())
        return {k: v for k, v in items if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (compact(item) for item in value) if v not in (None, "", [], {})]
    return value


class Links:
    """Absolute links to the site's pages, on PUBLIC_BASE_URL (not a request's Host header),
    built from the routes themselves."""

    def __init__(self):
        base = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000")
        self._adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                                 url_scheme=base.scheme or "http")

    def url(self, endpoint: str, **values) -> str:
        return self._adapter.build(endpoint, values, force_external=True)

    @property
    def base(self) -> str:
        return self.url("site.home").rstrip("/")
