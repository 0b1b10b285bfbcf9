"""The review pages over HTTP: who may see what, blind mode, and the admin's steps."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db
from marketplace.review import scoring
from marketplace.review.models import Assignment, ReviewRound

from .builders import TEAMS
from .conftest import get_user, open_with_panel
from .test_decisions import score_all

SECRETS = [name for team in TEAMS for name in team]  # org, member and file names


def setup_round(app, scene, blind=True, start=True):
    with app.test_request_context():
        review = open_with_panel(scene, blind=blind, start=start)
        db.session.commit()
        return review.id


def assignment_of(reviewer_index, scene, round_id):
    return db.session.scalar(select(Assignment).where(
        Assignment.round_id == round_id,
        Assignment.reviewer_id == scene.reviewer_ids[reviewer_index]))


def login_reviewer(auth, n):
    auth.logout()
    auth.login(f"expert{n + 1}@example.com")


def test_admin_opens_checks_proposes_assigns_and_starts(app, client, auth, scene):
    auth.login("admin@example.com")
    assert client.get("/admin/review/").status_code == 200
    response = client.post(f"/admin/review/needs/{scene.need_id}/open",
                           data={"blind": "y", "min_panel": "5", "spread_threshold": "20"})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalar(select(ReviewRound))
        round_id, entries = review.id, [e.id for e in review.entries]
    client.post(f"/admin/review/entries/{entries[0]}/check", data={"eligible": "no"})
    with app.app_context():
        assert db.session.get(ReviewRound, round_id).entries[0].eligible is None  # no reason
    client.post(f"/admin/review/entries/{entries[0]}/check",
                data={"eligible": "no", "reason": "未提交资质证明"})
    for entry_id in entries[1:]:
        client.post(f"/admin/review/entries/{entry_id}/check", data={"eligible": "yes"})
    dry_run = client.get(f"/admin/review/rounds/{round_id}/propose")
    assert dry_run.status_code == 200 and dry_run.get_data(as_text=True).count("checked") == 5
    with app.app_context():
        assert db.session.scalar(select(func.count(Assignment.id))) == 0  # nothing applied
    client.post(f"/admin/review/rounds/{round_id}/assign",
                data={"reviewer": [str(i) for i in scene.reviewer_ids[:5]]})
    client.post(f"/admin/review/rounds/{round_id}/start")
    with app.app_context():
        review = db.session.get(ReviewRound, round_id)
        assert review.status.value == "scoring" and len(review.active_assignments) == 5
    page = client.get(f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    assert "未提交资质证明" in page and TEAMS[0][0] in page  # admins see who bid
    # on a phone each cell carries its column's name: it must not repeat the value
    # ("合格 合格", "Eligible Eligible")
    assert '<td data-label="Eligible">Eligible' not in page
    assert 'data-label="Formal check">Eligible' in page


def test_team_sees_its_formal_check_reasons_on_the_need_page(app, client, auth, scene):
    round_id = setup_round(app, scene, start=False)
    with app.test_request_context():
        from marketplace.review import operations
        review = db.session.get(ReviewRound, round_id)
        entry = next(e for e in review.entries if e.bid_id == scene.bid_ids[0])
        operations.formal_check(entry, get_user(scene.admin_id), False, "缺少单位公章")
        db.session.commit()
        team_email = get_user(scene.team_user_ids[0]).email
    auth.login(team_email)
    page = client.get(f"/needs/{scene.need_id}").get_data(as_text=True)
    assert "缺少单位公章" in page
    auth.logout()
    auth.login(get_user_email(app, scene.team_user_ids[1]))
    assert "缺少单位公章" not in client.get(f"/needs/{scene.need_id}").get_data(as_text=True)


def get_user_email(app, user_id):
    with app.app_context():
        return get_user(user_id).email


def test_reviewer_scores_through_the_sheet_page(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        assignment = assignment_of(0, scene, round_id)
        entry = assignment.round.eligible_entries[0]
        criteria = [c.id for c in assignment.round.criteria]
        url = f"/review/assignments/{assignment.id}/bids/{entry.id}"
    login_reviewer(auth, 0)
    assert "data-nav-reviews" in client.get("/review/").get_data(as_text=True)
    # submitting locks the sheet, so the page asks first: the button sits behind "Submit…"
    form = client.get(url).get_data(as_text=True)
    ask = form.index("data-submit-sheet-open")
    assert ask < form.index("data-submit-sheet>") and "only a program officer can reopen" in form
    draft = {f"score-{c}": "80" for c in criteria[:2]} | {"action": "save"}
    assert client.post(url, data=draft).status_code == 302
    incomplete = client.post(url, data=draft | {"action": "submit"})
    text = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 200 and "Score this criterion" in text
    # the refusal lists each missing field by criterion, linked to the field
    summary = text.split("data-sheet-errors")[1].split("</div>")[0]
    assert summary.count("<li>") == 4           # 3 criteria unscored + the required comment
    assert f'href="#score-{criteria[2]}"' in summary and f'href="#comment-{criteria[0]}"' in summary
    assert f'id="score-{criteria[2]}"' in text and 'aria-invalid="true"' in text
    full = {f"score-{c}": "80" for c in criteria} | {f"comment-{c}": "好" for c in criteria}
    assert client.post(url, data=full | {"action": "submit"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "data-own-total" in page and "80.00" in page
    assert client.post(url, data=full | {"action": "save"}).status_code == 403  # locked


def test_another_reviewers_sheet_and_unassigned_reviewers_are_refused(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        theirs = assignment_of(1, scene, round_id)
        entry_id = theirs.round.eligible_entries[0].id
        url = f"/review/assignments/{theirs.id}/bids/{entry_id}"
    login_reviewer(auth, 0)
    assert client.get(f"/review/assignments/{theirs.id}").status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, data={"action": "save"}).status_code == 403
    login_reviewer(auth, 5)  # in the pool, not on the panel
    assert client.get(url).status_code == 403
    assert "data-assignment" not in client.get("/review/").get_data(as_text=True)


def test_conflicted_reviewer_cannot_open_the_bids(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        assignment = assignment_of(0, scene, round_id)
        entry_id = assignment.round.eligible_entries[0].id
        reviewer = get_user(scene.reviewer_ids[0])
        reviewer.organisation_id = scene.team_org_ids[2]
        db.session.commit()
        aid = assignment.id
    login_reviewer(auth, 0)
    assert client.get(f"/review/assignments/{aid}/bids/{entry_id}").status_code == 403


def test_others_scores_only_after_submitting_own(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.test_request_context():
        review = db.session.get(ReviewRound, round_id)
        other = review.active_assignments[1]
        entry = review.eligible_entries[0]
        inputs = {c.id: scoring.ScoreInput("33", "UNIQUE-OTHER-COMMENT") for c in review.criteria}
        scoring.save_sheet(other, entry, get_user(other.reviewer_id), inputs, None, submit=True)
        mine = review.active_assignments[0]
        url = f"/review/assignments/{mine.id}/bids/{entry.id}"
        criteria = [c.id for c in review.criteria]
        db.session.commit()
    login_reviewer(auth, 0)
    before = client.get(url).get_data(as_text=True)
    assert "UNIQUE-OTHER-COMMENT" not in before and "data-others-hidden" in before
    full = {f"score-{c}": "70" for c in criteria} | {f"comment-{c}": "ok" for c in criteria}
    client.post(url, data=full | {"action": "submit"})
    after = client.get(url).get_data(as_text=True)
    assert "UNIQUE-OTHER-COMMENT" in after and "data-other-sheet" in after


def test_blind_mode_hides_team_members_and_files(app, client, auth, scene):
    round_id = setup_round(app, scene, blind=True)
    with app.app_context():
        assignment = assignment_of(0, scene, round_id)
        pages = [f"/review/assignments/{assignment.id}", "/review/"] + [
            f"/review/assignments/{assignment.id}/bids/{e.id}"
            for e in assignment.round.eligible_entries]
    login_reviewer(auth, 0)
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200
        for secret in SECRETS:
            assert secret not in body, (url, secret)
    assert "Bid A" in client.get(pages[2]).get_data(as_text=True) or "方案 A" in client.get(
        pages[2]).get_data(as_text=True)
    with app.app_context():
        from marketplace.bids.models import BidAttachment
        files = [(a.bid_id, a.id) for a in db.session.scalars(select(BidAttachment))]
    for bid_id in scene.bid_ids:  # the bids' own pages would name the team
        assert client.get(f"/bids/{bid_id}").status_code == 404
    for bid_id, file_id in files:
        assert client.get(f"/bids/{bid_id}/attachments/{file_id}").status_code == 404


def test_without_blind_mode_reviewers_see_the_team(app, client, auth, scene):
    round_id = setup_round(app, scene, blind=False)
    with app.app_context():
        assignment = assignment_of(0, scene, round_id)
        entry = assignment.round.eligible_entries[0]
        url = f"/review/assignments/{assignment.id}/bids/{entry.id}"
        team = entry.bid.organisation.name
    login_reviewer(auth, 0)
    assert team in client.get(url).get_data(as_text=True)
    assert client.get(f"/bids/{scene.bid_ids[0]}").status_code == 200
    login_reviewer(auth, 5)  # not on the panel: still sealed
    assert client.get(f"/bids/{scene.bid_ids[0]}").status_code == 404


@pytest.mark.parametrize("who", ["owner", "team", "reviewer"])
def test_admin_pages_refuse_owner_team_and_reviewers(app, client, auth, scene, who):
    round_id = setup_round(app, scene)
    email = {"owner": "owner@example.com", "reviewer": "expert1@example.com",
             "team": get_user_email(app, scene.team_user_ids[0])}[who]
    auth.login(email)
    for url in ["/admin/review/", f"/admin/review/rounds/{round_id}",
                f"/admin/review/rounds/{round_id}/propose",
                f"/admin/review/rounds/{round_id}/report",
                f"/admin/review/rounds/{round_id}/report.csv",
                f"/admin/review/rounds/{round_id}/report.xlsx",
                f"/admin/review/needs/{scene.need_id}/decision"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/review/rounds/{round_id}/assign",
                       data={"reviewer": str(scene.reviewer_ids[5])}).status_code == 403


def test_reviewer_pages_refuse_non_reviewers(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        aid = assignment_of(0, scene, round_id).id
    auth.login("owner@example.com")
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/assignments/{aid}").status_code == 403


def test_report_page_csv_and_xlsx(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.test_request_context():
        score_all(db.session.get(ReviewRound, round_id))
        db.session.commit()
    auth.login("admin@example.com")
    page = client.get(f"/admin/review/rounds/{round_id}/report").get_data(as_text=True)
    assert "data-rank-label=\"A\"" in page
    response = client.get(f"/admin/review/rounds/{round_id}/report.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    csv_text = response.get_data(as_text=True)
    assert csv_text.startswith("\ufeff")                   # Excel on Windows reads UTF-8
    assert "Panel score (mean without the highest and lowest)" in csv_text  # 5 reviewers
    assert csv_text.count("Submitted") == 15
    assert "Complete: all 15 score sheets submitted." in csv_text.splitlines()[1]
    assert "PROVISIONAL" not in csv_text and "PROVISIONAL" not in page
    book = load_workbook(io.BytesIO(client.get(
        f"/admin/review/rounds/{round_id}/report.xlsx").data))
    assert book.sheetnames == ["Report", "Scores", "Ranking", "Formal check", "Comments",
                               "Panel", "Decision"]
    assert book["Report"]["A2"].value == "Complete: all 15 score sheets submitted."
    # every reviewer's comments and the panel (with its recusals) are in the report
    comments = list(book["Comments"].iter_rows(values_only=True))
    assert comments[0] == ("Bid", "Team", "Reviewer", "Criterion", "Comment")
    assert len(comments) > 1 and all(row[4] == "ok" for row in comments[1:])
    panel = list(book["Panel"].iter_rows(values_only=True))[1:]
    assert len(panel) == 5 and {row[2] for row in panel} == {"On the panel"}
    # times in the program's zone, said with their offset (not an ISO string in UTC)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00", row[3]) for row in panel)
    assert "Assigned (UTC)" not in csv_text
    # every number in the workbook is a number with at most two decimals
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "n" and cell.value is not None:
                    assert round(cell.value, 2) == cell.value and len(repr(cell.value)) < 10
    assert "Reviewers’ comments" in page and "data-report-panel" in page
    assert "Reasons for recusal" in csv_text
    assert book["Ranking"]["B2"].value == "A"
    panel_score = book["Ranking"]["E2"]            # a number, shown with its two decimals
    assert panel_score.value == 90 and panel_score.data_type == "n"
    assert panel_score.number_format == "0.00"
    client.set_cookie("lang", "zh")                         # the office's language
    chinese = client.get(f"/admin/review/rounds/{round_id}/report.csv").get_data(as_text=True)
    assert "评审组得分" in chinese and chinese.count(",已提交") == 15
    book = load_workbook(io.BytesIO(client.get(
        f"/admin/review/rounds/{round_id}/report.xlsx").data))
    assert book.sheetnames[2] == "排名" and book["排名"]["A1"].value == "排名"


def test_report_says_provisional_while_sheets_are_missing(app, client, auth, scene):
    """With some sheets still open the report, its CSV and its XLSX say so first, and the
    panel score is not called a trimmed mean when fewer than five reviewers scored."""
    round_id = setup_round(app, scene)
    with app.test_request_context():
        review = db.session.get(ReviewRound, round_id)
        for assignment in review.active_assignments[:3]:    # 3 of 5 reviewers, 9 of 15 sheets
            for entry in review.eligible_entries:
                inputs = {c.id: scoring.ScoreInput("80", "ok") for c in review.criteria}
                scoring.save_sheet(assignment, entry, get_user(assignment.reviewer_id), inputs,
                                   None, submit=True)
        db.session.commit()
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    notice = "PROVISIONAL: 9 of 15 score sheets submitted; the ranking may still change."
    page = client.get(f"/admin/review/rounds/{round_id}/report").get_data(as_text=True)
    assert notice in page and page.index(notice) < page.index("data-rank-label")
    csv_text = client.get(f"/admin/review/rounds/{round_id}/report.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1] == notice
    assert "Panel score (mean)" in csv_text and "highest and lowest" not in csv_text
    book = load_workbook(io.BytesIO(client.get(
        f"/admin/review/rounds/{round_id}/report.xlsx").data))
    assert book.active.title == "Report" and book["Report"]["A2"].value == notice
    assert notice in [row[0] for row in book["Ranking"].iter_rows(values_only=True)]
    client.set_cookie("lang", "zh")
    chinese = client.get(f"/admin/review/rounds/{round_id}/report").get_data(as_text=True)
    assert "暂定" in chinese


def test_recusal_through_the_page(app, client, auth, scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        aid = assignment_of(0, scene, round_id).id
    login_reviewer(auth, 0)
    assert client.post(f"/review/assignments/{aid}/recuse", data={"reason": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, aid).status.value == "active"
    client.post(f"/review/assignments/{aid}/recuse", data={"reason": "与B队负责人为师生关系"})
    with app.app_context():
        assert db.session.get(Assignment, aid).status.value == "recused"


def test_conflict_declaration_page(app, client, auth, scene):
    login_reviewer(auth, 0)
    assert client.get("/review/conflicts").status_code == 200
    client.post("/review/conflicts", data={"kind": "person", "person_name": "Dr. Gamma Li",
                                           "text": "co-author"})
    assert "Dr. Gamma Li" in client.get("/review/conflicts").get_data(as_text=True)
    with app.app_context():
        need = db.session.get(Challenge, scene.need_id)
        from marketplace.review.conflicts import conflict_reasons
        assert conflict_reasons(get_user(scene.reviewer_ids[0]), need)


def test_conflict_organisations_are_named_in_the_pages_language(app, client, auth, scene):
    from marketplace.accounts.models import Organisation
    with app.app_context():
        org = db.session.get(Organisation, scene.team_org_ids[0])
        org.name, org.name_en = "北岸大学", "University of Northbridge"
        db.session.commit()
    login_reviewer(auth, 0)
    client.set_cookie("lang", "en")
    page = client.get("/review/conflicts").get_data(as_text=True)
    assert ">University of Northbridge (北岸大学)</option>" in page
    client.set_cookie("lang", "zh")
    assert ">北岸大学</option>" in client.get("/review/conflicts").get_data(as_text=True)


def test_rubric_is_edited_on_the_round_page_until_scoring_starts(app, client, auth, scene):
    round_id = setup_round(app, scene, start=False)
    auth.login("admin@example.com")
    rows = {"criteria-0-name": "技术方案", "criteria-0-weight": "60",
            "criteria-0-min_score": "0", "criteria-0-max_score": "10",
            "criteria-0-comment_required": "y",
            "criteria-1-name": "团队", "criteria-1-weight": "30",
            "criteria-1-min_score": "0", "criteria-1-max_score": "10"}
    refused = client.post(f"/admin/review/rounds/{round_id}/rubric", data=rows)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The weights add up to 90" in page
    assert 'value="团队"' in page and 'value="30"' in page      # what was typed comes back
    bad_number = client.post(f"/admin/review/rounds/{round_id}/rubric",
                             data={**rows, "criteria-1-weight": "lots"})
    assert bad_number.status_code == 400 and 'value="lots"' in bad_number.get_data(as_text=True)
    with app.app_context():  # 60 + 30: refused, the default rubric stays
        assert db.session.get(ReviewRound, round_id).weight_total == 100
        assert len(db.session.get(ReviewRound, round_id).criteria) == 5
    rows["criteria-1-weight"] = "40"
    client.post(f"/admin/review/rounds/{round_id}/rubric", data=rows)
    with app.app_context():
        review = db.session.get(ReviewRound, round_id)
        assert [(c.weight, c.max_score, c.comment_required) for c in review.criteria] == [
            (60, 10, True), (40, 10, False)]
    client.post(f"/admin/review/rounds/{round_id}/start")
    rows["criteria-1-weight"], rows["criteria-0-weight"] = "50", "50"
    client.post(f"/admin/review/rounds/{round_id}/rubric", data=rows)
    with app.app_context():
        assert db.session.get(ReviewRound, round_id).criteria[0].weight == 60  # locked


def test_reviewer_affiliations_follow_the_page_language(app, client, auth, scene):
    with app.test_request_context():
        round_id = open_with_panel(scene, panel=0, start=False).id
        reviewer = get_user(scene.reviewer_ids[0])
        reviewer.organisation.name, reviewer.organisation.name_en = "东吴光电研究院", \
            "Dongwu Photonics Institute"
        db.session.commit()
    auth.login("admin@example.com")

    def shown_in_both_languages(url):
        client.set_cookie("lang", "en")
        english = client.get(url).get_data(as_text=True)
        assert "Dongwu Photonics Institute" in english and "东吴光电研究院" not in english, url
        client.set_cookie("lang", "zh")
        assert "东吴光电研究院" in client.get(url).get_data(as_text=True), url

    shown_in_both_languages(f"/admin/review/rounds/{round_id}/propose")
    client.post(f"/admin/review/rounds/{round_id}/assign",
                data={"reviewer": [str(scene.reviewer_ids[0])]})
    shown_in_both_languages(f"/admin/review/rounds/{round_id}")


def test_the_audit_log_names_people_criteria_and_needs(app, client, auth, scene):
    """The log reads as words: reviewers by name, scores by criterion, no internal record
    numbers or field codes; the need filter takes a reference and says when it knows none."""
    round_id = setup_round(app, scene)
    with app.test_request_context():
        review = db.session.get(ReviewRound, round_id)
        score_all(review)
        ref = review.challenge.ref
        reviewer_name = get_user(scene.reviewer_ids[0]).name
        first_criterion = review.criteria[0].display_name("en")
        db.session.commit()
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.get(f"/admin/audit/?need={ref}&action=score.submit").get_data(as_text=True)
    table = page.split('class="list audit-log stack"')[1]
    assert table.count('data-action="score.submit"') == 15
    assert f"{first_criterion} " in table and reviewer_name in table
    for code in ("bid_id", "min_panel", "reviewer:", "scores:", "@example.com</td>"):
        assert code not in table, code
    assert "<strong>Scores</strong>" in table and "<strong>Reviewer</strong>" in table
    opened = client.get(f"/admin/audit/?need={ref}&action=review.open").get_data(as_text=True)
    assert "Smallest panel" in opened and "min_panel" not in opened
    # the action filter is a list of actions in words
    assert '<option value="score.submit" selected>Score sheet submitted</option>' in page
    # a need nobody has: said, and nothing listed
    missing = client.get("/admin/audit/?need=NO-SUCH-REF")
    assert missing.status_code == 400
    text = missing.get_data(as_text=True)
    assert "No need has the reference or number “NO-SUCH-REF”." in text
    assert 'class="list audit-log stack"' not in text
    assert client.get("/admin/audit/?action=drop%20table").status_code == 400
    assert client.get("/admin/audit/export.csv?need=NO-SUCH-REF").status_code == 400
    client.set_cookie("lang", "zh")
    chinese = client.get(f"/admin/audit/?need={ref}&action=score.submit").get_data(as_text=True)
    assert "<strong>评分</strong>" in chinese


def test_numbers_beyond_what_is_stored_are_refused_not_failed_on(app, client, auth, scene):
    """A rubric maximum of 1e-400 (stored as 0.00, then a division by zero) and a 40-digit
    organisation id in the conflict form: refused with a message, never a 500."""
    round_id = setup_round(app, scene, start=False)
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    rows = {"criteria-0-name": "技术方案", "criteria-0-weight": "100",
            "criteria-0-min_score": "0", "criteria-0-max_score": "1e-400"}
    refused = client.post(f"/admin/review/rounds/{round_id}/rubric", data=rows)
    assert refused.status_code == 400 and "at most two decimals" in refused.get_data(
        as_text=True)
    with app.app_context():
        assert len(db.session.get(ReviewRound, round_id).criteria) == 5    # unchanged
    auth.logout()
    login_reviewer(auth, 0)
    answer = client.post("/review/conflicts", data={"kind": "organisation",
                                                    "organisation_id": "9" * 40})
    assert answer.status_code == 302
    from marketplace.review.models import ConflictDeclaration
    with app.app_context():
        assert db.session.scalar(select(func.count(ConflictDeclaration.id))) == 0


def test_pages_round_scores_as_the_exports_do(app):
    """79.175 is 79.18 on the page as in the CSV and XLSX (half up), never 79.17."""
    from decimal import Decimal
    two_places = app.jinja_env.filters["two_places"]
    assert two_places(Decimal("79.175")) == "79.18" and two_places(Decimal("90")) == "90.00"


def test_a_reviewer_who_has_submitted_everything_is_told_what_comes_next(app, client, auth,
                                                                        scene):
    round_id = setup_round(app, scene)
    with app.app_context():
        assignment_id = assignment_of(0, scene, round_id).id
    login_reviewer(auth, 0)
    client.set_cookie("lang", "en")
    before = client.get(f"/review/assignments/{assignment_id}").get_data(as_text=True)
    assert "Bids to score" in before and "data-all-submitted" not in before
    with app.test_request_context():
        score_all(db.session.get(ReviewRound, round_id))
        db.session.commit()
    after = client.get(f"/review/assignments/{assignment_id}").get_data(as_text=True)
    assert "data-all-submitted" in after and "Bids to score" not in after
    assert "Only if a conflict of interest has come to light" in after
