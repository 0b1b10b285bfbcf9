"""The demo data set: organisations, one user for each role, 40+ bilingual needs."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import yaml
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, OrgType, Role, User
from marketplace.accounts.operations import create_user
from marketplace.challenges import operations
from marketplace.challenges.models import Challenge, Comparator, IPTerms, NeedStatus, Transition
from marketplace.challenges.operations import IndicatorRow
from marketplace.core.text import has_cjk
from marketplace.core.types import utcnow
from marketplace.extensions import db

DATA_FILE = Path(__file__).parent / "data" / "demo.yaml"
DEMO_PASSWORD = "demo-password"
PROGRAM_ZONE = ZoneInfo("Asia/Shanghai")

# (email, name, roles, organisation key or None for the first of a type)
DEMO_LOGINS = [
    ("admin@demo.example", "程主任 / Director Cheng", {Role.admin}, "demo-city-stb"),
    ("owner@demo.example", "王工 / Wang Lei", {Role.owner}, None),
    ("solver@demo.example", "李教授 / Prof. Li Na", {Role.solver}, "university"),
    ("reviewer@demo.example", "赵研究员 / Dr. Zhao Min", {Role.reviewer}, "research_institute"),
]


def database_is_empty() -> bool:
    users = db.session.scalar(select(func.count(User.id)))
    needs = db.session.scalar(select(func.count(Challenge.id)))
    return not users and not needs


def _deadline(days: int) -> datetime:
    """Deadlines fall at 17:00 Beijing time, `days` from today."""
    day = (utcnow() + timedelta(days=days)).astimezone(PROGRAM_ZONE).date()
    return datetime.combine(day, time(17, 0), tzinfo=PROGRAM_ZONE)


def load_demo(data_file: Path = DATA_FILE) -> dict:
    data = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    orgs = {}
    for item in data["organisations"]:
        org = Organisation(name=item["name_zh"], name_en=item.get("name_en"),
                           type=OrgType(item["type"]), country=item["country"],
                           verified=bool(item.get("verified", True)))
        db.session.add(org)
        orgs[item["key"]] = org
    db.session.flush()
    users = _create_users(orgs)
    owners = {u.organisation_id: u for u in users if u.has_role(Role.owner)}
    admin = next(u for u in users if u.is_admin)
    for index, item in enumerate(data["needs"]):
        org = orgs[item["org"]]
        owner = owners.get(org.id) or _org_owner(org, index, owners)
        _create_need(item, owner, admin)
    from marketplace.review.demo import load_review_demo
    load_review_demo()  # reviewers and bids for a complete review round (issue 5)
    return {"organisations": len(orgs), "users": db.session.scalar(select(func.count(User.id))),
            "needs": len(data["needs"])}


def _create_users(orgs: dict) -> list[User]:
    users = []
    enterprises = [o for o in orgs.values() if o.type in (OrgType.enterprise, OrgType.company)]
    for email, name, roles, org_key in DEMO_LOGINS:
        if org_key in orgs:
            org = orgs[org_key]
        elif org_key is None:
            org = enterprises[0]
        else:
            org = next(o for o in orgs.values() if o.type.value == org_key)
        users.append(create_user(email, name, DEMO_PASSWORD, roles, organisation=org))
    return users


# the demo owners' contact people, named as on the demo logins (both scripts: a name is read
# on Chinese and English pages and in emails alike)
CONTACT_NAMES = ("陈静 / Chen Jing", "刘洋 / Liu Yang", "张伟 / Zhang Wei", "黄敏 / Huang Min",
                 "周杰 / Zhou Jie", "吴磊 / Wu Lei", "徐丽 / Xu Li", "孙强 / Sun Qiang",
                 "马超 / Ma Chao", "朱琳 / Zhu Lin", "胡斌 / Hu Bin", "郭芳 / Guo Fang")


def _org_owner(org: Organisation, index: int, owners: dict) -> User:
    name = CONTACT_NAMES[len(owners) % len(CONTACT_NAMES)]
    user = create_user(f"owner{len(owners) + 1}@demo.example", name,
                       DEMO_PASSWORD, {Role.owner}, organisation=org)
    owners[org.id] = user
    return user


def _by_language(text: str | None) -> tuple[str | None, str | None]:
    """The demo file writes a bilingual field as Chinese lines then English lines; the need
    keeps each in its own field, so an English page shows the English text."""
    if not text:
        return None, None
    def english(line: str) -> bool:     # an English line may quote a Chinese word (赛马)
        cjk = sum(1 for char in line if has_cjk(char))
        return sum(1 for char in line if char.isascii() and char.isalpha()) > 3 * cjk
    lines = [line for line in text.strip().splitlines() if line.strip()]
    zh = "\n".join(line for line in lines if not english(line)).strip()
    en = "\n".join(line for line in lines if english(line)).strip()
    return (zh or None), (en or None)


def _create_need(item: dict, owner: User, admin: User) -> Challenge:
    requirements, requirements_en = _by_language(item.get("requirements"))
    confidential, confidential_en = _by_language(item.get("confidential"))
    values = {
        "title_zh": item["title_zh"], "title_en": item.get("title_en"),
        "summary_zh": item.get("summary_zh"), "summary_en": item.get("summary_en"),
        "description_zh": item.get("description_zh"),
        "description_en": item.get("description_en"),
        "requirements": requirements, "requirements_en": requirements_en,
        "confidential_details": confidential, "confidential_details_en": confidential_en,
        "ip_terms": IPTerms(item.get("ip_terms", "non_exclusive")),
        "budget_wan": Decimal(str(item["budget_wan"])),
        "deadline": _deadline(int(item["deadline_days"])),
        "period_months": item.get("period_months"),
        "contact_name": item.get("contact_name"), "contact_email": item.get("contact_email"),
        "contact_phone": item.get("contact_phone"),
    }
    rows = [IndicatorRow(name=row["name_zh"], name_en=row.get("name_en"),
                         comparator=Comparator(row["comparator"]),
                         target_value=Decimal(str(row["target"])), unit=row.get("unit") or "")
            for row in item.get("indicators", [])]
    created = values["deadline"] - timedelta(days=90)
    need = Challenge(status=NeedStatus.draft, organisation_id=owner.organisation_id,
                     created_by_id=owner.id, ref=item.get("ref"), created_at=created)
    operations.apply_fields(need, values, rows)
    db.session.add(need)
    need.transitions.append(Transition(from_status=None, to_status=NeedStatus.draft,
                                       actor_id=owner.id, at=created))
    status = item.get("status", "published")
    if status == "draft":
        db.session.flush()
        return need
    need.status = NeedStatus.submitted
    need.transitions.append(Transition(from_status=NeedStatus.draft,
                                       to_status=NeedStatus.submitted, actor_id=owner.id,
                                       at=created + timedelta(days=2)))
    if status == "returned":
        need.status = NeedStatus.returned
        reason = "\n".join(filter(None, [item.get("return_reason_zh"),
                                         item.get("return_reason_en")]))
        need.transitions.append(Transition(from_status=NeedStatus.submitted,
                                           to_status=NeedStatus.returned, actor_id=admin.id,
                                           reason=reason, at=created + timedelta(days=5)))
    elif status == "published":
        need.status = NeedStatus.published
        need.published_at = min(created + timedelta(days=6), utcnow())
        need.transitions.append(Transition(from_status=NeedStatus.submitted,
                                           to_status=NeedStatus.published, actor_id=admin.id,
                                           at=need.published_at))
    db.session.flush()
    return need


def demo_is_loaded() -> bool:
    """Whether the demo's accounts are in this database (and its logins worth printing)."""
    from marketplace.accounts.operations import find_user_by_email
    return all(find_user_by_email(email) for email, _name, _roles, _org in DEMO_LOGINS)


def print_logins() -> None:
    click.echo("")
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    labels = {Role.admin: "program officer (admin)", Role.owner: "need owner (enterprise)",
              Role.solver: "solver team", Role.reviewer: "reviewer (expert)"}
    for email, _name, roles, _org in DEMO_LOGINS:
        role = next(iter(roles))
        click.echo(f"  {labels[role]:<26} {email}")
    _print_review_round_logins()
    click.echo("")


def _print_review_round_logins() -> None:
    """Who runs the demo review round: the closed need's owner and the extra reviewers."""
    from marketplace.review.demo import LAST_REVIEWER, REVIEW_NEED_REF, REVIEWERS
    need = db.session.scalar(select(Challenge).where(Challenge.ref == REVIEW_NEED_REF))
    if need is None:
        return
    owner = db.session.scalar(select(User).where(User.id == need.created_by_id))
    click.echo(f"  Review round on {REVIEW_NEED_REF}: 3 bids in scoring, {len(REVIEWERS)} of "
               f"{len(REVIEWERS) + 1} reviewers have submitted:")
    click.echo(f"  {'still to score 3 bids':<26} {LAST_REVIEWER}")
    click.echo(f"  {'submitted their sheets':<26} " + ", ".join(r[0] for r in REVIEWERS))
    if owner is not None:
        click.echo(f"  {'its need owner':<26} {owner.email}")
    from marketplace.review.demo import AWARD_NEED_REF
    awarded = db.session.scalar(select(Challenge).where(Challenge.ref == AWARD_NEED_REF))
    if awarded is not None:
        owner = db.session.get(User, awarded.created_by_id)
        click.echo(f"  Awarded and contracted: {AWARD_NEED_REF} (milestone 1 reported and "
                   "accepted):")
        click.echo(f"  {'its need owner':<26} {owner.email}")
