"""The write path for bids and team profiles. Operations flush and never commit."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.challenges.models import Challenge
from marketplace.core.records import add_once
from marketplace.core.types import utcnow
from marketplace.core.uploads import StoredFile
from marketplace.extensions import db

from . import content as bid_content
from . import events
from .models import (Bid, BidAttachment, BidStatus, BidVersion, NeedBidSettings, TeamMember,
                     TeamProfile, can_start_bid)


class BidRefused(Exception):
    """An action on a bid that the rules do not allow now; the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DeadlinePassed(BidRefused):
    pass


class BidInvalid(BidRefused):
    def __init__(self, errors: dict):
        super().__init__(_l("Your bid is not complete yet. Your draft was saved; correct the "
                            "marked fields and submit again."))
        self.errors = errors


# -- team profile ------------------------------------------------------------------------
def profile_for(organisation_id: int, create: bool = False) -> TeamProfile | None:
    profile = db.session.scalar(select(TeamProfile).where(
        TeamProfile.organisation_id == organisation_id))
    if profile is None and create:
        profile = TeamProfile(organisation_id=organisation_id, chain_ids=[], keywords=[])
        db.session.add(profile)
        db.session.flush()
    return profile


def update_profile(profile: TeamProfile, *, summary: str | None, chain_ids: list[str],
                   keywords: list[str], achievements: str | None,
                   members: list[dict]) -> None:
    """Members are matched by id so that bids keep pointing at the same people."""
    profile.summary = (summary or "").strip() or None
    profile.achievements = (achievements or "").strip() or None
    profile.chain_ids = list(dict.fromkeys(c.strip() for c in chain_ids if c.strip()))
    profile.keywords = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))[:50]
    existing = {m.id: m for m in profile.members}
    kept = []
    for position, row in enumerate(members):
        member = existing.get(row.get("id")) or TeamMember()
        member.position = position
        for field in ("name", "title", "role", "bio"):
            setattr(member, field, (row.get(field) or "").strip() or None)
        member.name = member.name or ""
        kept.append(member)
    profile.members = kept
    db.session.flush()


# -- bids --------------------------------------------------------------------------------
def active_bid(need: Challenge, organisation_id: int) -> Bid | None:
    return db.session.scalar(select(Bid).where(
        Bid.challenge_id == need.id, Bid.organisation_id == organisation_id,
        Bid.status != BidStatus.withdrawn))


def start_bid(need: Challenge, user) -> Bid:
    """The team's active bid on the need, created as an empty draft if there is none."""
    if not can_start_bid(need, user):
        raise BidRefused(_l("This need is not open for bids from your team."))
    if not need.has_accepted_terms(user):
        raise BidRefused(_l("Accept the need's terms before you bid."))
    existing = active_bid(need, user.organisation_id)
    if existing:
        return existing
    # another member of the team may start one at the same moment: then theirs is ours
    return add_once(Bid(challenge_id=need.id, organisation_id=user.organisation_id,
                        created_by_id=user.id, status=BidStatus.draft,
                        draft=initial_draft(need, user.organisation_id)),
                    lambda: active_bid(need, user.organisation_id))


def initial_draft(need: Challenge, organisation_id: int | None = None) -> list:
    """A new draft starts from what the team last had on this need when it withdrew a bid
    (without the declaration, which is confirmed again), else empty; the form shows one row
    for each kind of list."""
    if organisation_id is None:
        return []
    previous = db.session.scalar(select(Bid).where(
        Bid.challenge_id == need.id, Bid.organisation_id == organisation_id,
        Bid.status == BidStatus.withdrawn).order_by(Bid.id.desc()).limit(1))
    if previous is None:
        return []
    return [[key, value] for key, value in (previous.draft or []) if key != "declaration"]


def save_draft(bid: Bid, pairs: list, now: datetime | None = None) -> None:
    """Keep what the team typed. Allowed even after the deadline, so nothing is ever lost;
    only the team can see a draft, and a late draft cannot be submitted."""
    if bid.status == BidStatus.withdrawn:
        raise BidRefused(_l("This bid was withdrawn."))
    bid.draft = pairs
    bid.draft_saved_at = now or utcnow()
    db.session.flush()


def add_attachment(bid: Bid, stored: StoredFile, user) -> BidAttachment:
    attachment = BidAttachment(**stored.columns(), uploaded_by_id=user.id, in_draft=True)
    bid.attachments.append(attachment)
    bid.draft_saved_at = utcnow()
    db.session.flush()
    return attachment


def remove_attachment(bid: Bid, attachment: BidAttachment) -> None:
    """Drop a file from the working draft; versions that were submitted with it keep it."""
    attachment.in_draft = False
    bid.draft_saved_at = utcnow()
    db.session.flush()


def submit_bid(bid: Bid, user, now: datetime | None = None) -> BidVersion:
    """Submit the working draft as a new immutable version, if on time and complete.

    The bid row is locked first (FOR UPDATE on PostgreSQL) so that concurrent submissions
    of one bid get consecutive version numbers; the deadline is checked against the
    server's clock after the lock is held.
    """
    db.session.execute(select(Bid.id).where(Bid.id == bid.id).with_for_update())
    db.session.refresh(bid)
    need = bid.challenge
    now = now or utcnow()
    if bid.status == BidStatus.withdrawn:
        raise BidRefused(_l("This bid was withdrawn."))
    if need.deadline is not None and need.deadline <= now:
        raise DeadlinePassed(_l("Bidding closed at %(deadline)s. Your bid was not submitted; "
                                "your draft is kept.", deadline=_deadline_text(need)))
    if not need.is_open_for_bids:
        raise DeadlinePassed(_l("This need is not open for bids."))
    if not bid.is_team(user) or not need.has_accepted_terms(user):
        raise BidRefused(_l("Accept the need's terms before you bid."))
    profile = profile_for(bid.organisation_id)
    members = profile.members if profile else []
    files = [a for a in bid.attachments if a.in_draft]
    content, errors = bid_content.validate(bid_content.as_multidict(bid.draft), need, members,
                                           files)
    if errors:
        raise BidInvalid(errors)
    last = db.session.scalar(select(BidVersion).where(BidVersion.bid_id == bid.id)
                             .order_by(BidVersion.number.desc()).limit(1))
    if last is not None and last.content == content and bid.status == BidStatus.submitted:
        return last     # a double click, or "submit" again with nothing changed: no new version
    number = (last.number if last is not None else 0) + 1
    version = BidVersion(bid_id=bid.id, number=number, submitted_at=now,
                         submitted_by_id=user.id, content=content,
                         budget_total_wan=Decimal(content["budget_total"]))
    db.session.add(version)
    bid.status = BidStatus.submitted
    bid.submitted_at = now
    if bid.draft_saved_at is None or bid.draft_saved_at > now:
        bid.draft_saved_at = now
    db.session.flush()
    events.bid_submitted.send(bid, version=version)
    return version


def _deadline_text(need: Challenge) -> str:
    from marketplace.core.timefmt import format_in_zone, program_zone
    return format_in_zone(need.deadline, program_zone())


def withdraw_bid(bid: Bid, user, now: datetime | None = None) -> None:
    if not bid.can_withdraw(user):
        raise BidRefused(_l("This bid can no longer be withdrawn."))
    bid.status = BidStatus.withdrawn
    bid.withdrawn_at = now or utcnow()
    db.session.flush()


def set_count_visibility(need: Challenge, show: bool) -> None:
    settings = db.session.get(NeedBidSettings, need.id)
    if settings is None:
        settings = NeedBidSettings(challenge_id=need.id)
        db.session.add(settings)
    settings.show_bid_count = show
    db.session.flush()
