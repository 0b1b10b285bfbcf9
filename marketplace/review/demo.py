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

A second closed need, SZ-2025-033 (2'-FL fermentation), has been through the whole of it:
three bids, the full panel scored, the office proposed the best bid, the owner confirmed,
publicity passed, the award is final, the contract is recorded and its first milestone is
reported and accepted, so the project pages, the publicity list and the OCDS export show a
contracted need.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.accounts.models import Organisation, OrgType, Role, User
from marketplace.accounts.operations import create_user
from marketplace.bids.models import Bid, BidStatus, BidVersion, TeamMember, TeamProfile
from marketplace.challenges.models import Challenge, TermsAcceptance
from marketplace.core.types import utcnow
from marketplace.extensions import db

from . import decisions
from .award_models import MilestoneStatus, Outcome
from .operations import assign, formal_check, open_review, start_scoring
from .queries import results
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
AWARD_NEED_REF = "SZ-2025-033"

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


@dataclass
class BidSpec:
    """What a demo team submitted: its approach, its first indicator's commitment, its plan."""
    org_key: str
    login: str
    members: list[str]
    approach: str
    committed: str
    plan: list[tuple[int, str]]
    budget: str
    deliverable: str
    budget_item: str
    verification: str
    keywords: list[str]


def load_review_demo() -> int:
    need = db.session.scalar(select(Challenge).where(Challenge.ref == REVIEW_NEED_REF))
    if need is None:
        return 0
    _reviewers(need)
    specs = [BidSpec(org_key, login, members, APPROACHES[org_key], committed, plan, budget,
                     "Fibre samples and test report", "Draw tower upgrade and preforms",
                     "Cut-back, third-party lab", ["hollow-core fibre"])
             for org_key, login, members, committed, plan, budget in BIDS]
    for spec in specs:
        _bid(need, spec)
    db.session.flush()
    _run_round(need, complete=False)
    awarded = db.session.scalar(select(Challenge).where(Challenge.ref == AWARD_NEED_REF))
    if awarded is not None:
        for spec in AWARD_BIDS:
            _bid(awarded, spec)
        db.session.flush()
        _award(awarded, _run_round(awarded, complete=True))
    return len(specs) + (len(AWARD_BIDS) if awarded is not None else 0)


def _admin() -> User:
    return db.session.scalar(select(User).where(User.email == "admin@demo.example"))


def _run_round(need: Challenge, complete: bool):
    """Open the round and take it as far as a real panel would have by now: every sheet
    but the last reviewer's, or (complete) every sheet."""
    admin = _admin()
    review = open_review(need, admin)
    for entry in review.entries:
        formal_check(entry, admin, True, None)
    emails = [LAST_REVIEWER] + [r[0] for r in REVIEWERS]
    panel = {email: assign(review, db.session.scalar(select(User).where(User.email == email)),
                           admin) for email in emails}
    start_scoring(review, admin)
    by_org = {entry.bid.organisation_id: entry for entry in review.entries}
    scorers = [*zip([r[0] for r in REVIEWERS], SCORES)]
    if complete:
        scorers.append((LAST_REVIEWER, SCORES[1]))
    bid_keys = [b[0] for b in BIDS]
    for email, scores in scorers:
        assignment = panel[email]
        for org_key, values in zip(bid_keys, scores):
            entry = by_org.get(_organisation(org_key).id)
            if entry is None:
                continue
            zh, en = COMMENTS[org_key]
            inputs = {c.id: ScoreInput(str(v), f"{zh}\n{en}" if c.comment_required else "")
                      for c, v in zip(review.criteria, values)}
            save_sheet(assignment, entry, assignment.reviewer, inputs, None, submit=True)
    return review


def _award(need: Challenge, review) -> None:
    """The rest of the process, as the office and the owner ran it: the best bid proposed,
    confirmed, publicity over, final, the contract recorded, the first milestone reported
    and accepted."""
    admin, owner = _admin(), db.session.get(User, need.created_by_id)
    best = results(review).ranking[0].key
    decision = decisions.propose_decision(
        review, admin, outcome=Outcome.award, winner_entry_ids=[best.id],
        rationale="该方案发酵滴度与收率承诺最高，放大路线清晰，专家组综合得分第一。",
        rationale_en="The highest committed titre and yield with a clear scale-up route; "
                     "first in the panel's overall score.", publicity_days=7)
    # as it happened over the days after the deadline: proposed after two days, confirmed
    # the next day, seven days of publicity that ended before today. The owner confirmed
    # "then", so the publicity dates in the record, the notices and the page agree.
    confirmed = min(need.deadline + timedelta(days=3), utcnow() - timedelta(days=8))
    decision.proposed_at = confirmed - timedelta(days=1)
    decisions.confirm_decision(decision, owner, now=confirmed)
    decisions.finalise(decision, admin)
    first = decisions.record_contract(need, admin)[0]
    decisions.report_milestone(
        first, owner, MilestoneStatus.met,
        "5 m³中试三批次滴度125–131 g/L，第三方检测报告已归档。\n"
        "Three 5 m³ pilot batches at 125–131 g/L; third-party test reports filed.")
    decisions.accept_milestone(first, admin)


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


def _profile(org: Organisation, members: list[str], keywords: list[str]) -> TeamProfile:
    profile = db.session.scalar(select(TeamProfile).where(
        TeamProfile.organisation_id == org.id))
    if profile is None:
        profile = TeamProfile(organisation_id=org.id, chain_ids=[], keywords=keywords,
                              summary=f"{org.name_en}: research group.")
        profile.members = [TeamMember(position=i, name=n, title="PI" if i == 0 else "Co-PI")
                           for i, n in enumerate(members)]
        db.session.add(profile)
        db.session.flush()
    return profile


def _bid(need: Challenge, spec: BidSpec) -> None:
    org = _organisation(spec.org_key)
    user = _team_user(org, spec.login)
    profile = _profile(org, spec.members, spec.keywords)
    submitted = need.deadline - timedelta(days=2)
    db.session.add(TermsAcceptance(challenge_id=need.id, user_id=user.id,
                                   ip_terms=need.ip_terms, accepted_at=submitted))
    bid = Bid(challenge_id=need.id, organisation_id=org.id, created_by_id=user.id,
              status=BidStatus.submitted, draft=[], submitted_at=submitted,
              draft_saved_at=submitted, created_at=submitted - timedelta(days=10))
    db.session.add(bid)
    db.session.flush()
    members = [m for m in profile.members if m.name in spec.members] or profile.members
    content = {
        # written as teams write for a blind review: no names of the team or its institution
        "approach": spec.approach,
        "indicators": [{"indicator_id": ind.id, "name": ind.name, "name_en": ind.name_en or "",
                        "comparator": ind.comparator.value, "target": ind.target_display,
                        "unit": ind.unit, "committed": spec.committed if i == 0 else
                        ind.target_display, "verification": spec.verification}
                       for i, ind in enumerate(need.indicators)],
        "milestones": [{"name": f"Milestone {n + 1}", "month": month,
                        "deliverable": spec.deliverable, "share": share}
                       for n, (month, share) in enumerate(spec.plan)],
        "budget": [{"item": spec.budget_item, "amount": spec.budget}],
        "budget_total": spec.budget, "budget_justification": "",
        "members": [m.snapshot() for m in members], "attachments": [],
        "declaration": True,
    }
    db.session.add(BidVersion(bid_id=bid.id, number=1, submitted_at=submitted,
                              submitted_by_id=user.id, budget_total_wan=Decimal(spec.budget),
                              content=content))


AWARD_BIDS = [
    BidSpec("lihu-tech", "solver@demo.example", ["李娜 / Li Na", "陈刚 / Chen Gang"],
            "以大肠杆菌BL21(DE3)为底盘，敲除lacZ与wcaJ，强化GDP-岩藻糖从头合成途径并引入"
            "高活性α-1,2-岩藻糖基转移酶；采用甘油限制性补料分批发酵，第8个月完成5 m³中试。",
            "125", [(8, "40"), (20, "60")], "2600", "中试批次报告与检测报告",
            "菌种构建与中试发酵", "第三方检测（HPLC）", ["合成生物学", "发酵"]),
    BidSpec("straits-iam", "team-straits@demo.example", ["Dr. Tan Wei Ming", "Dr. Priya Raman"],
            "We propose a Corynebacterium glutamicum chassis with a salvage pathway fed by "
            "fucose from seaweed hydrolysate, a tuned lactose permease and in-situ "
            "crystallisation; scale-up at a partner's 50 m³ plant in month 18.",
            "132", [(6, "30"), (14, "30"), (22, "40")], "2900", "Pilot batch and assay report",
            "Strain engineering, pilot fermentation", "HPLC by an accredited laboratory",
            ["synthetic biology", "fermentation"]),
    BidSpec("northbridge-uni", "team-northbridge@demo.example",
            ["Prof. Helen Carter", "Dr. James Okafor"],
            "We propose Saccharomyces cerevisiae expressing a plant-derived fucosyltransferase "
            "with a lactose transporter, avoiding endotoxin downstream; continuous fermentation "
            "with cell recycle from month 12.",
            "121", [(12, "50"), (24, "50")], "2950", "Fermentation report",
            "Strain engineering and continuous fermentation", "HPLC, independent lab",
            ["yeast", "fermentation"]),
]
