"""Security and robustness findings of the outside probe (users' defects issue, 25–32)."""
from __future__ import annotations

import csv
import io
import json
import threading
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, insert, select

from marketplace import create_app
from marketplace.accounts.models import LoginAttempt, Role, User, UserSession
from marketplace.accounts.operations import set_user_roles
from marketplace.challenges import operations as need_ops
from marketplace.challenges.models import NeedStatus, TermsAcceptance
from marketplace.core.redirects import is_local_path
from marketplace.core.spreadsheets import SafeCsvWriter, append_row
from marketplace.core.types import utcnow
from marketplace.extensions import db

from . import factories

# -- 25: redirects only to our own paths ----------------------------------------------------
HOSTILE_TARGETS = [
    "https:evil.example", "http:/evil.example", "https://evil.example/x", "//evil.example",
    "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "/%2F/evil.example", "/%5Cevil.example", "%2F%2Fevil.example", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,hi", " //evil.example",
    "/\r\n/evil.example", "",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_hostile_targets_are_not_local(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", ["/", "/needs/?page=2&sort=budget", "/needs/12#bids",
                                    "/search?q=%E7%A2%B3%E5%8C%96%E7%A1%85"])
def test_our_paths_are_local(target):
    assert is_local_path(target)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_language_switch_and_login_never_leave_the_site(client, people, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": "solver@example.com", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/bids"     # the team's own page, on this site


def test_language_switch_returns_to_the_page_it_came_from(client):
    response = client.get("/lang/en", query_string={"next": "/needs/?page=2"})
    assert response.headers["Location"] == "/needs/?page=2"
    response = client.get("/lang/zh", headers={"Referer": "http://localhost/industry-map"})
    assert response.headers["Location"] == "/industry-map"
    response = client.get("/lang/zh", headers={"Referer": "https://evil.example/x"})
    assert response.headers["Location"] == "/"


# -- 26: integer ids beyond what the id columns hold (32 bits on PostgreSQL) ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/needs/99999999999999999999", "/bids/99999999999999999999/edit",
                                  "/needs/9223372036854775808/publicity", "/needs/2147483648",
                                  "/bids/2147483648"])
def test_ids_beyond_64_bits_are_not_found(client, auth, people, path):
    auth.login("solver@example.com")
    assert client.get(path).status_code == 404


def test_the_largest_id_a_column_holds_is_an_ordinary_miss(client):
    assert client.get("/needs/2147483647").status_code == 404


# -- 27: two requests that write the same once-only row at the same moment ------------------
def test_accepting_terms_twice_at_the_same_moment_keeps_one(app, people):
    with app.test_request_context():
        need = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
        db.session.commit()
        need_id = need.id
        solver = db.session.get(User, people.solver_id)
        fired = []

        def other_request_first(session, _context, _instances):
            # the other request's insert commits between our check and our insert
            if not fired:
                fired.append(True)
                with db.engine.begin() as conn:
                    conn.execute(insert(TermsAcceptance).values(
                        challenge_id=need_id, user_id=people.solver_id, ip_terms="exclusive",
                        accepted_at=utcnow()))

        event.listen(db.session, "before_flush", other_request_first)
        try:
            acceptance = need_ops.accept_terms(need, solver)
            db.session.commit()
        finally:
            event.remove(db.session, "before_flush", other_request_first)
        assert fired
        assert acceptance.ip_terms.value == "exclusive"   # the row the other request wrote
        assert db.session.scalar(select(func.count(TermsAcceptance.id))) == 1


def test_accept_terms_double_submit_answers_twice_without_error(app, client, auth, people):
    with app.test_request_context():
        need_id = factories.need(people.owner_id, NeedStatus.published, people.admin_id).id
        db.session.commit()
    auth.login("solver@example.com")
    assert client.post(f"/needs/{need_id}/terms").status_code == 302
    assert client.post(f"/needs/{need_id}/terms").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(TermsAcceptance.id))) == 1


def test_a_stale_write_is_refused_and_answered_with_the_current_state(app, people):
    """Two requests read a need, both change it: the second one's flush changes nothing."""
    from sqlalchemy.orm.exc import StaleDataError
    from marketplace.challenges.models import Challenge
    with app.test_request_context():
        need_id = factories.need(people.owner_id, NeedStatus.submitted).id
        db.session.commit()
    def other_request():                                      # its own thread, own session
        with app.test_request_context():
            need_ops.publish(db.session.get(Challenge, need_id),
                             db.session.get(User, people.admin_id))
            db.session.commit()

    with app.test_request_context():
        first = db.session.get(Challenge, need_id)
        first_status = first.status                          # request 1 read it
        first.transitions                                    # (and its history)
        thread = threading.Thread(target=other_request)      # request 2 publishes meanwhile
        thread.start()
        thread.join(timeout=30)
        assert first_status == NeedStatus.submitted
        with pytest.raises(StaleDataError):
            need_ops.publish(first, db.session.get(User, people.admin_id))
        db.session.rollback()
        need = db.session.get(Challenge, need_id)
        assert need.status == NeedStatus.published
        assert [t.to_status for t in need.transitions].count(NeedStatus.published) == 1


def test_the_web_answers_a_stale_write_by_going_back(tmp_path):
    from sqlalchemy.orm.exc import StaleDataError
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "BABEL_DEFAULT_LOCALE": "en", "WTF_CSRF_ENABLED": False})

    @app.route("/twice", methods=["POST"])
    def twice():
        raise StaleDataError("UPDATE statement on table 'challenges' expected to update 1 row")

    client = app.test_client()
    response = client.post("/twice", headers={"Referer": "http://localhost/needs/7"})
    assert response.status_code == 303 and response.headers["Location"] == "/needs/7"
    response = client.post("/twice")
    assert response.status_code == 409
    assert "changed by another request" in response.get_data(as_text=True)


# -- 28: sessions end on the server ---------------------------------------------------------
def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_replayed_session_cookie_is_anonymous_after_logout(client, auth, people):
    auth.login("solver@example.com")
    assert client.get("/my/bids").status_code == 200
    stolen = _session_cookie(client)
    auth.logout()
    client.set_cookie("session", stolen)
    response = client.get("/my/bids")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session(app, people):
    phone, laptop = app.test_client(), app.test_client()
    for client in (phone, laptop):
        client.post("/account/login", data={"email": "solver@example.com",
                                            "password": factories.PASSWORD})
        assert client.get("/my/bids").status_code == 200
    response = laptop.post("/account/password", data={
        "current": factories.PASSWORD, "password": "quartz lantern mosaic 2031",
        "confirm": "quartz lantern mosaic 2031"})
    assert response.status_code == 302
    assert laptop.get("/my/bids").status_code == 200          # the session that changed it
    assert phone.get("/my/bids").status_code == 302           # every other one ended
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == 1


def test_losing_a_role_ends_the_users_sessions(app, client, auth, people):
    auth.login("solver@example.com")
    assert client.get("/my/bids").status_code == 200
    with app.app_context():
        set_user_roles(db.session.get(User, people.solver_id), {Role.reviewer})
        db.session.commit()
    assert client.get("/my/bids").status_code == 302


def test_expired_sign_ins_are_refused_and_purged(app, client, auth, people):
    from marketplace.accounts import sessions
    auth.login("solver@example.com")
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.created_at = utcnow() - timedelta(days=app.config["SESSION_MAX_AGE_DAYS"] + 1)
        db.session.commit()
    assert client.get("/my/bids").status_code == 302
    with app.app_context():
        assert sessions.purge_expired() == 1
        db.session.commit()


# -- 29: weak passwords ---------------------------------------------------------------------
REGISTRATION = {
    "name": "Lena Hoffmann", "email": "lena.hoffmann@example.org", "account_type": "solver",
    "organisation": "Fraunhofer Demo", "organisation_en": "Fraunhofer Demo",
    "organisation_type": "research_institute", "country": "DE",
}


@pytest.mark.parametrize("password", ["          ", "1234567890", "password12", "qwertyuiop",
                                      "lena.hoffmann", "Fraunhofer Demo", "aaaaaaaaaaaa"])
def test_weak_passwords_are_refused_with_a_reason(client, app, password):
    response = client.post("/account/register",
                           data={**REGISTRATION, "password": password, "confirm": password})
    assert response.status_code == 400
    assert "too easy to guess" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_weak_password_message_is_translated(client):
    client.set_cookie("lang", "zh")
    response = client.post("/account/register",
                           data={**REGISTRATION, "password": "1234567890", "confirm": "1234567890"})
    assert "太容易被猜到" in response.get_data(as_text=True)


def test_a_strong_password_registers(client, app):
    response = client.post("/account/register", data={
        **REGISTRATION, "password": "violet harbour 7 kettles", "confirm": "violet harbour 7 kettles"})
    assert response.status_code == 302


def test_a_weak_new_password_is_refused(client, auth, people, app):
    auth.login("solver@example.com")
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "password": "solver@example.com",
        "confirm": "solver@example.com"})
    assert response.status_code == 400
    assert "too easy to guess" in response.get_data(as_text=True)


# -- 30: an attacker's own successful login does not reset the count for the address -----------
def test_the_address_limit_counts_failures_regardless_of_successes(app, client, people):
    limit = app.config["LOGIN_IP_FAILURE_LIMIT"]
    with app.app_context():
        factories.user("attacker@example.com", {Role.solver})
        db.session.commit()
    for attempt in range(limit):
        victim = f"victim{attempt}@example.com"
        client.post("/account/login", data={"email": victim, "password": "guess guess"})
        if attempt % 5 == 4:   # the attacker signs in with their own account now and then
            client.post("/account/login", data={"email": "attacker@example.com",
                                                "password": factories.PASSWORD})
            client.post("/account/logout")
    response = client.post("/account/login", data={"email": "victim99@example.com",
                                                   "password": "guess guess"})
    assert response.status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == "victim99@example.com")) == 0   # not even tried


def test_an_accounts_own_success_still_resets_its_own_count(app, client, people):
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"] - 1):
        client.post("/account/login", data={"email": "solver@example.com", "password": "nope"})
    client.post("/account/login", data={"email": "solver@example.com",
                                        "password": factories.PASSWORD})
    client.post("/account/logout")
    client.post("/account/login", data={"email": "solver@example.com", "password": "nope"})
    response = client.post("/account/login", data={"email": "solver@example.com",
                                                   "password": factories.PASSWORD})
    assert response.status_code == 302


# -- 31: spreadsheet formulas -----------------------------------------------------------------
FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", "'=already"]


def test_every_csv_cell_that_starts_like_a_formula_is_text():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows([FORMULAS, ["plain", 3]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in rows[0])
    assert rows[1] == ["plain", "3"]


def test_xlsx_cells_are_text_or_numbers_never_formulas(tmp_path):
    from decimal import Decimal
    book = Workbook()
    append_row(book.active, [*FORMULAS, Decimal("8.50"), Decimal("9"), 3])
    path = tmp_path / "x.xlsx"
    book.save(path)
    row = next(load_workbook(path).active.iter_rows(values_only=True))
    assert list(row[:len(FORMULAS)]) == FORMULAS
    assert row[len(FORMULAS):] == (8.5, 9, 3)


# -- 32: dates far away -----------------------------------------------------------------------
@pytest.mark.parametrize("deadline", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00",
                                      "2150-01-01", "1999-12-31"])
def test_an_import_with_a_far_deadline_gives_a_line_numbered_error(app, runner, people, tmp_path,
                                                                  deadline):
    path = tmp_path / "needs.jsonl"
    record = {"title_zh": "远期需求", "description_zh": "描述", "deadline": deadline,
              "budget_wan": "100", "indicators": "耐压 >= 650 V"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code != 0
    assert "line 1" in result.output and "2000" in result.output and "2100" in result.output
    assert "Traceback" not in result.output


def test_a_need_form_with_a_far_deadline_is_refused(app, client, auth, people):
    auth.login("owner@example.com")
    values = {k: v for k, v in factories.need_values().items() if isinstance(v, str)}
    response = client.post("/needs/new", data={**values, "deadline": "9999-12-31T23:59",
                                               "indicators-0-name": "击穿电压",
                                               "indicators-0-comparator": ">=",
                                               "indicators-0-target": "650"})
    assert response.status_code == 400
    assert "between the years 2000 and 2100" in response.get_data(as_text=True)
