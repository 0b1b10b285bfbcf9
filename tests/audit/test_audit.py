"""The audit log is append-only and hash-chained; `audit verify` catches any tampering."""
import pytest
from sqlalchemy import select, text

from marketplace.audit import operations
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db


def write_three(app):
    with app.test_request_context():
        for n in range(3):
            operations.record("score.submit", None, data={"n": n, "total": "81.50"})
        db.session.commit()


def verify(app):
    with app.app_context():
        return operations.verify()


def test_entries_link_and_verify(app):
    write_three(app)
    result = verify(app)
    assert result.ok and result.entries == 3
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[1].prev_hash == entries[0].hash and entries[0].actor_label == "system"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(app):
    write_three(app)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 2))
        entry.action = "something.else"
        with pytest.raises(ValueError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 2)))
        with pytest.raises(ValueError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("tamper, message", [
    ("UPDATE audit_log SET data = '{\"n\": 1, \"total\": \"99.00\"}' WHERE seq = 2", "changed"),
    ("UPDATE audit_log SET actor_label = 'admin@example.com' WHERE seq = 1", "changed"),
    ("DELETE FROM audit_log WHERE seq = 2", "missing"),
    ("DELETE FROM audit_log WHERE seq = 3", "removed from the end"),
])
def test_verify_detects_edited_and_deleted_rows(app, tamper, message):
    write_three(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(tamper))
    result = verify(app)
    assert not result.ok and any(message in p for p in result.problems)


def test_verify_detects_an_inserted_row(app):
    write_three(app)
    with app.app_context():
        forged = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 3))
        values = {c.name: getattr(forged, c.key) for c in AuditEntry.__table__.columns}
    values.update(id=99, seq=4, action="decision.final", hash="f" * 64, data={"forged": 1})
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.insert().values(**values))
    result = verify(app)
    assert not result.ok


def test_cli_verify_exit_codes(app, runner):
    write_three(app)
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "3 entries" in ok.output
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'x' WHERE seq = 1"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "entry 1 was changed" in broken.output


def test_cli_export_and_head(app, runner):
    write_three(app)
    exported = runner.invoke(args=["audit", "export"])
    assert exported.exit_code == 0
    lines = exported.output.strip().splitlines()
    assert lines[0].startswith("seq,at_utc,actor,action") and len(lines) == 4
    head = runner.invoke(args=["audit", "head"])
    assert head.output.startswith("3 ")


def test_empty_log_verifies(app):
    assert verify(app).ok


def test_admin_views_and_export(app, client, auth, people):
    write_three(app)
    auth.login("admin@example.com")
    page = client.get("/admin/audit/?verify=1")
    assert page.status_code == 200 and "data-audit-ok" in page.get_data(as_text=True)
    csv = client.get("/admin/audit/export.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.get_data(as_text=True).count("score.submit") == 3


def test_the_log_reads_as_words(app, client, auth, people):
    """Action names translated, details without Python representations."""
    with app.test_request_context():
        operations.record("decision.propose", None, data={"winners": ["A", "B"], "upheld": True,
                                                          "note": None})
        db.session.commit()
    auth.login("admin@example.com")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Decision proposed" in page and "A, B" in page and "['A'" not in page
    assert "None" not in page.split('class="list audit-log stack"')[1]
    client.set_cookie("lang", "zh")
    assert "提出评审结果" in client.get("/admin/audit/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["owner@example.com", "solver@example.com",
                                   "reviewer@example.com"])
def test_audit_pages_are_for_admins_only(app, client, auth, people, email):
    auth.login(email)
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_verify_reports_data_that_is_no_longer_json(app):
    write_three(app)
    tamper = text("UPDATE audit_log SET data = '{broken' WHERE seq = 2")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":   # the json column itself refuses it there
            with pytest.raises(Exception), db.engine.begin() as conn:
                conn.execute(tamper)
            return
        with db.engine.begin() as conn:
            conn.execute(tamper)
    result = verify(app)
    assert not result.ok
    assert any("entry 2 was changed" in p and "not valid JSON" in p for p in result.problems)


def test_verify_names_a_replaced_head_hash(app):
    write_three(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": "0" * 64})
    result = verify(app)
    assert result.problems == ["the chain head's hash does not match entry 3: the head or the "
                               "last entry was replaced"]
