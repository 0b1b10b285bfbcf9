"""Demo data for a review round under way: six reviewers and, on the closed demo need
SZ-2025-005 (hollow-core fibre), three submitted bids from the demo universities and
institutes. Called at the end of marketplace.demo.loader.load_demo.

Bids are written as rows (bidding on the need has already closed, so the bids package's
submit operation would rightly refuse them), in exactly the shape a submission snapshot has.
The round itself is run by the review package's own operations, as the program officer
would run it (so the audit log, notifications and waiting lists are what they would be):
review opened, every bid passes the formal check, the six reviewers are on the panel, scoring
has started and five of them have submitted their sheets. reviewer@demo.example still has
three sheets to score; once submitted, the admin can propose the decision.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.accounts.models import Organisation, OrgType, Role, User
from marketplace.accounts.operations import create_user
from marketplace.bids.models import Bid, BidStatus, BidVersion, TeamMember, TeamProfile
from marketplace.challenges.models import Challenge, TermsAcceptance
from marketplace.extensions import db

from .operations import assign, formal_check, open_review, start_scoring
from .scoring import ScoreInput, save_sheet

DEMO_PASSWORD = "demo-password"
REVIEW_NEED_REF = "SZ-2025-005"

# (email, name, organisation zh, organisation en, keywords)
REVIEWERS = [
    ("reviewer2@demo.example", "孙研究员 / Dr. Sun Yue", "东吴光电研究院",
     "Dongwu Institute of Optoelectronics", "空芯光纤, hollow-core fibre, 光纤拉制"),
    ("reviewer3@demo.example", "周教授 / Prof. Zhou Ping", "姑苏信息工程大学",
     "Gusu University of Information Engineering", "光通信, optical communication"),
    ("reviewer4@demo.example", "吴高工 / Wu Tao", "长江通信标准研究所",
     "Yangtze Institute of Communication Standards", "光纤, fibre attenuation"),
    ("reviewer5@demo.example", "郑博士 / Dr. Zheng Hui", "太湖先进制造研究院",
     "Taihu Institute of Advanced Manufacturing", "微结构光纤, microstructured fibre"),
    ("reviewer6@demo.example", "冯教授 / Prof. Feng Lin", "金鸡湖科技大学",
     "Jinji Lake University of Science and Technology", "光子学, photonics"),
]

# (organisation key, team login, member names, committed attenuation, months, budget)
BIDS = [
    ("lihu-tech", "solver@demo.example", ["李娜 / Li Na", "陈刚 / Chen Gang"], "0.15",
     [(12, "40"), (30, "60")], "6800"),
    ("straits-iam", "team-straits@demo.example", ["Dr. Tan Wei Ming", "Dr. Priya Raman"],
     "0.14", [(10, "30"), (24, "30"), (34, "40")], "7100"),
    ("northbridge-uni", "team-northbridge@demo.example", ["Prof. Helen Carter",
                                                         "Dr. James Okafor"], "0.12",
     [(18, "50"), (36, "50")], "7500"),
]


LAST_REVIEWER = "reviewer@demo.example"  # the one whose sheets are left to score

# per reviewer (in REVIEWERS' order), per bid (in BIDS' order): scores of the five criteria
# of the default rubric (technical approach, team, indicators, budget, schedule)
SCORES = [
    [(82, 85, 80, 75, 78), (88, 84, 86, 80, 82), (79, 80, 84, 72, 76)],
    [(78, 80, 76, 80, 74), (85, 86, 84, 78, 80), (83, 78, 88, 70, 78)],
    [(80, 82, 78, 76, 80), (90, 85, 88, 82, 84), (76, 79, 85, 74, 72)],
    [(84, 83, 79, 78, 76), (86, 88, 85, 79, 83), (81, 77, 86, 73, 75)],
    [(77, 81, 75, 79, 77), (87, 83, 87, 81, 81), (80, 82, 83, 71, 79)],
]
COMMENTS = {
    "lihu-tech": ("方案成熟，拉丝工艺可行；损耗承诺恰在指标上，余量不足。",
                  "A sound approach with a working draw process; the loss commitment sits "
                  "exactly on the target, with no margin."),
    "straits-iam": ("嵌套反谐振结构与气压控制经验充分，里程碑安排合理。",
                    "Strong experience with nested anti-resonant fibres and pressure "
                    "control; a sensible milestone plan."),
    "northbridge-uni": ("机器人堆叠预制棒有新意，但弯曲损耗方案论证不足，预算偏高。",
                        "The robot-stacked preform is original, but the bend-loss plan is "
                        "thinly argued and the budget is high."),
}


def load_review_demo() -> int:
    need = db.session.scalar(select(Challenge).where(Challenge.ref == REVIEW_NEED_REF))
    if need is None:
        return 0
    _reviewers(need)
    for org_key, login, members, committed, plan, budget in BIDS:
        _bid(need, org_key, login, members, committed, plan, Decimal(budget))
    db.session.flush()
    _run_round(need)
    return len(BIDS)


def _run_round(need: Challenge) -> None:
    """Open the round and take it as far as a real panel would have by now."""
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
    review = open_review(need, admin)
    for entry in review.entries:
        formal_check(entry, admin, True, None)
    emails = [LAST_REVIEWER] + [r[0] for r in REVIEWERS]
    panel = {email: assign(review, db.session.scalar(select(User).where(User.email == email)),
                           admin) for email in emails}
    start_scoring(review, admin)
    by_org = {entry.bid.organisation_id: entry for entry in review.entries}
    for (email, *_rest), scores in zip(REVIEWERS, SCORES):
        assignment = panel[email]
        for (org_key, *_bid_rest), values in zip(BIDS, scores):
            entry = by_org[_organisation(org_key).id]
            zh, en = COMMENTS[org_key]
            inputs = {c.id: ScoreInput(str(v), f"{zh}\n{en}" if c.comment_required else "")
                      for c, v in zip(review.criteria, values)}
            save_sheet(assignment, entry, assignment.reviewer, inputs, None, submit=True)


def _reviewers(need: Challenge) -> None:
    from marketplace.matching.operations import save_profile
    for email, name, org_zh, org_en, keywords in REVIEWERS:
        org = Organisation(name=org_zh, name_en=org_en, type=OrgType.research_institute,
                           country="CN", verified=True)
        db.session.add(org)
        db.session.flush()
        user = create_user(email, name, DEMO_PASSWORD, {Role.reviewer}, organisation=org)
        save_profile(user, [need.primary_chain_id or "optical-communication"], keywords)


APPROACHES = {
    "lihu-tech": "我们提出五管嵌套反谐振无节点光纤（NANF）方案，在自建拉丝塔上采用主动气压控制，"
                 "通过收紧毛细管壁厚公差降低损耗；第6个月完成首轮拉制，第12个月完成1 km样纤。",
    "straits-iam": "We propose a nested anti-resonant nodeless fibre (NANF) with a five-tube "
                   "cladding, drawn with active pressure control; loss is cut by tighter "
                   "capillary wall tolerances and a dry-purge preform process.",
    "northbridge-uni": "We propose a conjoined-tube hollow-core design with a seven-cell "
                       "preform stacked by robot, and inline loss monitoring during the draw; "
                       "bend loss is handled by an enlarged outer jacket.",
}


def _organisation(key: str) -> Organisation:
    names = {"lihu-tech": "Lihu University of Technology",
             "straits-iam": "Straits Institute of Advanced Materials",
             "northbridge-uni": "University of Northbridge"}
    return db.session.scalar(select(Organisation).where(Organisation.name_en == names[key]))


def _team_user(org: Organisation, login: str) -> User:
    user = db.session.scalar(select(User).where(User.email == login))
    if user is None:
        # teams abroad read the platform, its notices and its emails in English
        user = create_user(login, f"{org.name_en or org.name} team", DEMO_PASSWORD,
                           {Role.solver}, organisation=org,
                           locale=None if org.country == "CN" else "en")
    return user


def _bid(need: Challenge, org_key: str, login: str, members: list[str], committed: str,
         plan: list[tuple[int, str]], budget: Decimal) -> None:
    org = _organisation(org_key)
    user = _team_user(org, login)
    profile = TeamProfile(organisation_id=org.id, chain_ids=[], keywords=["hollow-core fibre"],
                          summary=f"{org.name_en}: microstructured fibre group.")
    profile.members = [TeamMember(position=i, name=n, title="PI" if i == 0 else "Co-PI")
                       for i, n in enumerate(members)]
    db.session.add(profile)
    submitted = need.deadline - timedelta(days=2)
    db.session.add(TermsAcceptance(challenge_id=need.id, user_id=user.id,
                                   ip_terms=need.ip_terms, accepted_at=submitted))
    bid = Bid(challenge_id=need.id, organisation_id=org.id, created_by_id=user.id,
              status=BidStatus.submitted, draft=[], submitted_at=submitted,
              draft_saved_at=submitted, created_at=submitted - timedelta(days=10))
    db.session.add(bid)
    db.session.flush()
    content = {
        # written as teams write for a blind review: no names of the team or its institution
        "approach": APPROACHES[org_key],
        "indicators": [{"indicator_id": ind.id, "name": ind.name, "name_en": ind.name_en or "",
                        "comparator": ind.comparator.value, "target": ind.target_display,
                        "unit": ind.unit, "committed": committed if i == 0 else
                        ind.target_display, "verification": "Cut-back, third-party lab"}
                       for i, ind in enumerate(need.indicators)],
        "milestones": [{"name": f"Milestone {n + 1}", "month": month,
                        "deliverable": "Fibre samples and test report", "share": share}
                       for n, (month, share) in enumerate(plan)],
        "budget": [{"item": "Draw tower upgrade and preforms", "amount": str(budget)}],
        "budget_total": str(budget), "budget_justification": "",
        "members": [m.snapshot() for m in profile.members], "attachments": [],
        "declaration": True,
    }
    db.session.flush()
    content["members"] = [m.snapshot() for m in profile.members]
    db.session.add(BidVersion(bid_id=bid.id, number=1, submitted_at=submitted,
                              submitted_by_id=user.id, budget_total_wan=budget,
                              content=content))
