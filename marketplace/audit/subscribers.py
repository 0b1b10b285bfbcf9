"""The audit log subscribes to the domains' events for the acts it records outside the review:
a need's screening and closing, taxonomy imports, organisation verification and role changes.
The domains never call this package for them (the layer contract, tests/test_layers.py); each
receiver appends its entry inside the transaction that sent the event, so a refused or
rolled-back act leaves no entry.

Entries keep e-mail addresses and names as they were at the time, never internal record
numbers in their details (labels.py reads them out).

Connected once, when this module is imported (create_app imports it through init_app)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from marketplace.accounts import events as account_events
from marketplace.bids.models import Bid, BidStatus
from marketplace.challenges import events as need_events
from marketplace.challenges.models import NeedStatus
from marketplace.extensions import db
from marketplace.taxonomy import events as taxonomy_events
from marketplace.taxonomy.models import Chain, Cluster

from .operations import record


def _step(need):
    """The step that sent the event: the need's newest transition (who, from where, why)."""
    return need.transitions[-1]


def need_submitted(need) -> None:
    step = _step(need)
    data = {"after_return": True} if step.from_status == NeedStatus.returned else {}
    record("need.submit", step.actor, need=need, subject=need, data=data)


def need_published(need) -> None:
    step = _step(need)
    if step.from_status == NeedStatus.not_awarded:
        return      # published again after no award: the review records "need.republish"
    record("need.publish", step.actor, need=need, subject=need,
           data={"bid_deadline": need.deadline.isoformat()})


def need_returned(need, reason: str) -> None:
    record("need.return", _step(need).actor, need=need, subject=need, data={"reason": reason})


def need_closed(need) -> None:
    received = db.session.scalar(select(func.count(Bid.id)).where(
        Bid.challenge_id == need.id, Bid.status == BidStatus.submitted))
    record("need.close", None, need=need, subject=need,
           data={"bid_deadline": need.deadline.isoformat(), "bids_received": received})


def taxonomy_imported(version, actor, removed_chains: list[dict]) -> None:
    record("taxonomy.import", actor, subject=version, data={
        "version": version.number, "file": version.source, "version_name": version.label,
        "clusters": db.session.scalar(select(func.count(Cluster.id))),
        "chains": db.session.scalar(select(func.count(Chain.id))),
        "removed_chains": removed_chains})


def organisation_verified(org, actor, verified: bool) -> None:
    record("organisation.verify" if verified else "organisation.unverify", actor, subject=org,
           data={"organisation": {"name": org.name, "name_en": org.name_en}})


def roles_changed(user, actor, granted: set, revoked: set) -> None:
    record("user.roles", actor, subject=user, data={
        "user": user.email, "granted": sorted(role.value for role in granted),
        "revoked": sorted(role.value for role in revoked),
        "roles": sorted(role.value for role in user.roles)})


RECEIVERS = [
    (need_events.need_submitted, need_submitted),
    (need_events.need_published, need_published),
    (need_events.need_returned, need_returned),
    (need_events.need_closed, need_closed),
    (taxonomy_events.taxonomy_imported, taxonomy_imported),
    (account_events.organisation_verified, organisation_verified),
    (account_events.roles_changed, roles_changed),
]


# blinker calls each receiver as receiver(sender, **values): the handlers take exactly that
for _signal, _handler in RECEIVERS:
    _signal.connect(_handler, weak=False)


def init_app(app: Flask) -> None:
    """Nothing per app: the receivers are connected when this module is imported."""
