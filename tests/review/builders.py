"""Review scenarios built directly in the database: a closed need with submitted bids and a
pool of reviewers (bids, teams and versions written as rows, as the bids package stores them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from marketplace.accounts.models import OrgType, Role, User
from marketplace.bids.models import Bid, BidAttachment, BidStatus, BidVersion
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import close_expired
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories

TEAMS = [
    ("清华示范大学", "Prof. Alpha Zhang", "alpha-report.pdf"),
    ("Munich Institute of Semiconductors", "Dr. Beta Müller", "beta-plan.pdf"),
    ("上海示范研究院", "Dr. Gamma Li", "gamma-budget.xlsx"),
]


@dataclass
class Scenario:
    admin_id: int
    owner_id: int
    need_id: int
    bid_ids: list[int]
    team_user_ids: list[int]
    team_org_ids: list[int]
    reviewer_ids: list[int] = field(default_factory=list)


def version_content(member: str, filename: str, attachment_id: int) -> dict:
    return {
        "approach": "We grow GaN on 8-inch silicon with a strain-engineered buffer.",
        "indicators": [{"indicator_id": 1, "name": "击穿电压", "name_en": "Breakdown voltage",
                        "comparator": ">=", "target": "650", "unit": "V", "committed": "700",
                        "verification": "Third-party test"}],
        "milestones": [
            {"name": "Pilot line", "month": 12, "deliverable": "100 wafers", "share": "40"},
            {"name": "Mass production", "month": 30, "deliverable": "10k wafers/yr",
             "share": "60"}],
        "budget": [{"item": "Equipment", "amount": "5000"}], "budget_total": "5000",
        "budget_justification": "",
        "members": [{"id": 1, "name": member, "title": "Professor", "role": "PI", "bio": ""}],
        "attachments": [{"id": attachment_id, "filename": filename, "size": 1024,
                         "sha256": "ab" * 32}],
        "declaration": True,
    }


def submitted_bid(need: Challenge, org_name: str, member: str, filename: str,
                  country: str = "CN") -> tuple[Bid, User]:
    solver = factories.user(f"team{need.id}-{abs(hash(org_name)) % 10**6}@example.com",
                            {Role.solver}, org_name, OrgType.university, country)
    bid = Bid(challenge_id=need.id, organisation_id=solver.organisation_id,
              created_by_id=solver.id, status=BidStatus.submitted, draft=[],
              submitted_at=utcnow() - timedelta(days=2))
    db.session.add(bid)
    db.session.flush()
    attachment = BidAttachment(bid_id=bid.id, filename=filename,
                               storage_key=f"k{bid.id}x{abs(hash(filename)) % 10**9}",
                               content_type="application/pdf", size=1024, sha256="ab" * 32,
                               uploaded_by_id=solver.id, in_draft=True)
    db.session.add(attachment)
    db.session.flush()
    db.session.add(BidVersion(bid_id=bid.id, number=1, submitted_at=bid.submitted_at,
                              submitted_by_id=solver.id, budget_total_wan=Decimal("5000"),
                              content=version_content(member, filename, attachment.id)))
    db.session.flush()
    return bid, solver


def closed_need(owner_id: int, admin_id: int, teams=TEAMS) -> tuple[Challenge, list, list]:
    need = factories.need(owner_id, NeedStatus.published, admin_id)
    bids, solvers = [], []
    for org_name, member, filename in teams:
        bid, solver = submitted_bid(need, org_name, member, filename)
        bids.append(bid)
        solvers.append(solver)
    need.deadline = utcnow() - timedelta(hours=1)
    close_expired()
    assert need.status == NeedStatus.closed
    return need, bids, solvers


def reviewers(count: int, prefix: str = "expert") -> list[User]:
    return [factories.user(f"{prefix}{i}@example.com", {Role.reviewer}, f"{prefix} org {i}",
                           OrgType.research_institute) for i in range(1, count + 1)]


def scenario(people, reviewer_count: int = 6) -> Scenario:
    need, bids, solvers = closed_need(people.owner_id, people.admin_id)
    pool = reviewers(reviewer_count)
    db.session.flush()
    return Scenario(admin_id=people.admin_id, owner_id=people.owner_id, need_id=need.id,
                    bid_ids=[b.id for b in bids], team_user_ids=[s.id for s in solvers],
                    team_org_ids=[s.organisation_id for s in solvers],
                    reviewer_ids=[u.id for u in pool])
