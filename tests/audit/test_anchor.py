"""Tampering that the chain alone cannot show (issue 15): every field is hashed, and a signed
anchor kept outside the database shows a log rewritten, cut short or emptied since."""
import json

import pytest
from sqlalchemy import select, text

from marketplace.audit import operations
from marketplace.audit.anchor import check_anchor, make_anchor
from marketplace.audit.models import AuditEntry, AuditHead
from marketplace.extensions import db

from .test_audit import verify, write_three


def anchored(app, entries: int = 3) -> dict:
    with app.test_request_context():
        for n in range(entries):
            operations.record("score.submit", None, data={"n": n})
        db.session.commit()
        return make_anchor()


def anchor_problems(app, anchor) -> list[str]:
    with app.app_context():
        return operations.verify().problems + check_anchor(anchor)


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_log SET actor_id = 1 WHERE seq = 2",          # not hashed before
    "UPDATE audit_log SET hash_version = 1 WHERE seq = 2",      # posing as an older entry
])
def test_every_field_is_in_the_hash(app, people, tamper):
    write_three(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(tamper))
    result = verify(app)
    assert not result.ok and "entry 2 was changed" in result.problems[0]


def test_an_intact_log_holds_its_anchor(app):
    anchor = anchored(app)
    assert anchor["seq"] == 3 and anchor_problems(app, anchor) == []
    with app.test_request_context():                 # later entries do not disturb it
        operations.record("score.submit", None, data={"n": 9})
        db.session.commit()
    assert anchor_problems(app, anchor) == []


def _cut_end(conn):
    conn.execute(text("DELETE FROM audit_log WHERE seq >= 2"))
    first = conn.execute(text("SELECT hash FROM audit_log WHERE seq = 1")).scalar()
    conn.execute(text("UPDATE audit_head SET last_seq = 1, last_hash = :h"), {"h": first})


def _empty(conn):
    conn.execute(text("DELETE FROM audit_log"))
    conn.execute(text("DELETE FROM audit_head"))


@pytest.mark.parametrize("tamper, message", [
    (_cut_end, "no longer in the log"), (_empty, "no longer in the log")])
def test_an_anchor_shows_a_log_cut_short_or_emptied(app, tamper, message):
    anchor = anchored(app)
    with app.app_context(), db.engine.begin() as conn:
        tamper(conn)
    assert verify(app).ok                                    # the chain alone looks fine
    problems = anchor_problems(app, anchor)
    assert any(message in p for p in problems), problems


def test_an_anchor_shows_a_rewritten_and_rehashed_log(app):
    """An attacker with the code rewrites entry 2 and recomputes every later hash and the
    head: the chain verifies, the anchor does not."""
    anchor = anchored(app)
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        previous = rows[0].hash
        rewritten = []
        for row in rows[1:]:
            values = {c.key: getattr(row, c.key) for c in AuditEntry.__mapper__.column_attrs}
            if row.seq == 2:
                values["data"] = {"n": 99}
            values["prev_hash"] = previous
            forged = AuditEntry(**values)
            forged.hash = forged.compute_hash()
            rewritten.append((row.seq, forged.data, forged.prev_hash, forged.hash))
            previous = forged.hash
    with app.app_context(), db.engine.begin() as conn:
        for seq, data, prev, new_hash in rewritten:
            conn.execute(text("UPDATE audit_log SET data = :d, prev_hash = :p, hash = :h "
                              "WHERE seq = :s"), {"d": json.dumps(data), "p": prev,
                                                 "h": new_hash, "s": seq})
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": previous})
    assert verify(app).ok
    assert any("rewritten" in p for p in anchor_problems(app, anchor))


def test_a_forged_anchor_is_refused(app):
    anchor = anchored(app)
    assert any("signature" in p for p in anchor_problems(app, {**anchor, "seq": 2}))
    assert any("not readable" in p for p in anchor_problems(app, {"seq": "x"}))


def test_cli_writes_an_anchor_and_verifies_against_it(app, runner, tmp_path):
    write_three(app)
    path = tmp_path / "anchor.json"
    assert runner.invoke(args=["audit", "anchor", "-o", str(path)]).exit_code == 0
    ok = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert ok.exit_code == 0 and "anchor of entry 3 holds" in ok.output
    with app.app_context(), db.engine.begin() as conn:
        _empty(conn)
    broken = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert broken.exit_code == 1 and "no longer in the log" in broken.output

