"""Small builders for test data; each flushes, callers commit when they need to."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from marketplace.accounts.models import OrgType, Role
from marketplace.accounts.operations import create_organisation, create_user
from marketplace.challenges import operations
from marketplace.challenges.models import Challenge, Comparator, NeedStatus
from marketplace.challenges.operations import IndicatorRow
from marketplace.core.types import utcnow
from marketplace.extensions import db

PASSWORD = "correct horse battery"


@dataclass
class People:
    admin_id: int
    owner_id: int
    other_owner_id: int
    solver_id: int
    reviewer_id: int
    owner_org_id: int


def user(email: str, roles: set[Role], org_name: str | None = None,
         org_type: OrgType = OrgType.enterprise, country: str = "CN"):
    org = create_organisation(org_name or f"{email} org", org_type, country)
    return create_user(email, email.split("@")[0], PASSWORD, roles, organisation=org)


def people() -> People:
    admin = user("admin@example.com", {Role.admin}, "科学技术局", OrgType.other)
    owner = user("owner@example.com", {Role.owner}, "苏州氮化镓科技有限公司")
    other = user("other-owner@example.com", {Role.owner}, "Another Enterprise Ltd")
    solver = user("solver@example.com", {Role.solver}, "Technische Universität Demo",
                  OrgType.university, "DE")
    reviewer = user("reviewer@example.com", {Role.reviewer}, "研究院", OrgType.research_institute)
    return People(admin.id, owner.id, other.id, solver.id, reviewer.id, owner.organisation_id)


def need_values(**overrides) -> dict:
    values = {
        "title_zh": "8英寸硅基氮化镓外延片量产", "title_en": "8-inch GaN-on-Si epitaxy",
        "summary_zh": "实现8英寸硅基氮化镓外延片的量产。",
        "summary_en": "Mass production of 8-inch GaN-on-Si epitaxial wafers.",
        "description_zh": "## 背景\n现有良率不足。", "description_en": "## Background\nLow yield.",
        "budget_wan": Decimal("12000"), "deadline": utcnow() + timedelta(days=30),
        "period_months": 36, "contact_email": "wang@example.com",
        "confidential_details": "当前良率 62%，工艺窗口见附件。",
    }
    values.update(overrides)
    return values


def indicator_rows() -> list[IndicatorRow]:
    return [IndicatorRow("击穿电压", Comparator.ge, Decimal("650"), "V", "Breakdown voltage"),
            IndicatorRow("翘曲度", Comparator.le, Decimal("50"), "μm", "Bow")]


def need(owner_id: int, status: NeedStatus = NeedStatus.draft, admin_id: int | None = None,
         **overrides) -> Challenge:
    """A need of owner's organisation, moved through the real transitions to `status`."""
    from marketplace.accounts.models import User
    owner = db.session.get(User, owner_id)
    admin = db.session.get(User, admin_id) if admin_id else None
    item = operations.create_draft(owner, need_values(**overrides), indicator_rows())
    if status == NeedStatus.draft:
        return item
    operations.submit(item, owner)
    if status == NeedStatus.submitted:
        return item
    if status == NeedStatus.returned:
        operations.return_to_owner(item, admin, "请补充技术指标的测试方法。")
        return item
    operations.publish(item, admin)
    if status == NeedStatus.published:
        return item
    raise ValueError(status)
