"""Indicator values over the physical range (issue 15): 1e18 cm⁻³ and 1.5e-9 A are read,
kept exactly on both databases, shown as 10¹⁸ and 1.5×10⁻⁹ and exported so that they read
back the same; what cannot be a real value is refused with its reason; NUL characters and
oversized text are refused on the web and in the import alike."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.challenges.models import Challenge, Indicator, NeedStatus
from marketplace.core.quantities import (QuantityError, format_quantity, parse_quantity,
                                         quantity_text)
from marketplace.extensions import db
from marketplace.search.engine import MAX_TERM_LENGTH, analysed

from ..bids.helpers import arena, bid_form, start
from .io_support import by_ref, count, export, imported, refused, run_import
from .test_views import FORM


@pytest.mark.parametrize("written, value, shown", [
    ("650", "650", "650"), ("0.15", "0.15", "0.15"), ("1e18", "1E+18", "10¹⁸"),
    ("1.5E-9", "1.5E-9", "1.5×10⁻⁹"), ("1×10^18", "1E+18", "10¹⁸"),
    ("2.5 x 10^-7", "2.5E-7", "2.5×10⁻⁷"), ("3×10¹⁹", "3E+19", "3×10¹⁹"),
    ("10⁻³", "0.001", "0.001"), ("1,200,000", "1200000", "1200000"), ("-40", "-40", "-40"),
    ("1,500.5", "1500.5", "1500.5"),
])
def test_quantities_as_people_write_them(app, written, value, shown):
    with app.test_request_context():
        parsed = parse_quantity(written)
        assert parsed == Decimal(value) and format_quantity(parsed) == shown
        assert parse_quantity(quantity_text(parsed)) == parsed      # files read back the same
        assert parse_quantity(format_quantity(parsed)) == parsed    # and so does the page


@pytest.mark.parametrize("written, reason", [
    ("1e309", "too large"), ("1e-400", "too small"), ("inf", "not a number"),
    ("NaN", "not a number"), ("12345678901234567890123", "significant digits"),
    ("1e18e3", "not a number"), ("", "not a number"),
    # a decimal comma (1,5 = 1.5 in much of Europe) was read as 15: a tenfold error
    ("1,5", "write decimals with a point"), ("2,25", "write decimals with a point"),
    ("1，5", "write decimals with a point"), ("1,5000", "write decimals with a point"),
])
def test_what_cannot_be_a_value_is_refused_with_its_reason(app, written, reason):
    with app.test_request_context(), pytest.raises(QuantityError, match=reason):
        parse_quantity(written)


def test_exponents_in_an_import_are_kept_exactly_and_exported_the_same(runner, app, tmp_path,
                                                                      client):
    result = imported(runner, tmp_path, {
        "id": "Q-1", "title": "氮化镓外延片", "description": "外延片指标。",
        "indicators": "载流子浓度 >= 1e18 cm-3; 漏电流 <= 1.5E-9 A; 真空度 <= 1.5×10^-7 Pa"})
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = [(i.name, i.target_value, i.unit) for i in by_ref("Q-1").indicators]
        need_id = by_ref("Q-1").id
    assert rows == [("载流子浓度", Decimal("1E+18"), "cm-3"), ("漏电流", Decimal("1.5E-9"), "A"),
                    ("真空度", Decimal("1.5E-7"), "Pa")]
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "≥ 10¹⁸ cm-3" in page and "≤ 1.5×10⁻⁹ A" in page
    for fmt in ("jsonl", "csv", "xlsx"):
        again = run_import(runner, export(runner, fmt, tmp_path))
        assert again.exit_code == 0 and "0 updated, 1 unchanged" in again.output, again.output


@pytest.mark.parametrize("record, message", [
    ({"indicators": "击穿电压 >= 1e309 V"}, "too large"),
    ({"indicators": "击穿电压 >= 1e-400 V"}, "too small"),
    ({"budget_wan": float("inf")}, "is not a number"),
    ({"contact_email": "not an email"}, "is not an email address"),
    ({"title": "碳化硅\x00衬底"}, "NUL character"),
    ({"description_en": "x" * 50001}, "description_en is 50001 characters long; at most 50000"),
])
def test_values_that_would_be_stored_wrong_are_refused_with_their_line(runner, app, tmp_path,
                                                                      record, message):
    good = {"id": "Q-0", "title": "好", "description": "描述"}
    result = imported(runner, tmp_path, good, {"id": "Q-2", "title": "坏", "description": "描述",
                                               **record})
    refused(result, "line 2: ", message)
    assert count(app) == 0


def test_a_nul_in_a_csv_names_its_line(runner, app, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("id,title,description\nN-1,好,描述\nN-2,坏\x00,描述\n".encode())
    refused(run_import(runner, path), "line 3: ", "NUL character")
    assert count(app) == 0


def test_the_need_form_takes_exponents_and_refuses_impossible_values(client, auth, people,
                                                                    app):
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    data = {**FORM, "indicators-0-target": "5e-9", "indicators-1-target": "2×10^18",
            "action": "save"}
    assert client.post("/needs/new", data=data).status_code == 302
    with app.app_context():
        need = db.session.scalar(select(Challenge))
        assert [i.target_value for i in need.indicators] == [Decimal("5E-9"), Decimal("2E+18")]
        need_id = need.id
    form = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert 'value="5×10⁻⁹"' in form and 'value="2×10¹⁸"' in form
    refused_form = client.post(f"/needs/{need_id}/edit",
                               data={**data, "indicators-1-target": "1e309"})
    text = refused_form.get_data(as_text=True)
    assert refused_form.status_code == 400 and "too large" in text and 'value="1e309"' in text
    with app.app_context():
        assert db.session.get(Challenge, need_id).indicators[1].target_value == Decimal("2E+18")


def test_commitments_with_exponents_are_compared_with_the_target(app, client, auth):
    a = arena(app)
    with app.app_context():
        first = db.session.get(Indicator, a.indicator_ids[0])
        first.target_value, first.unit = Decimal("1E+18"), "cm-3"
        db.session.commit()
    bid_id = start(app, a)
    auth.login("solver@example.com")
    client.set_cookie("lang", "en")
    first = a.indicator_ids[0]
    url = f"/bids/{bid_id}/edit"
    short = client.post(url, data=bid_form(a, action="submit",
                                           **{f"indicator-{first}-committed": "5e17"}))
    assert "does not meet the target (≥ 10¹⁸ cm-3)" in short.get_data(as_text=True)
    wild = client.post(url, data=bid_form(a, action="submit",
                                          **{f"indicator-{first}-committed": "1e999"}))
    assert "too large" in wild.get_data(as_text=True)
    ok = client.post(url, data=bid_form(a, action="submit",
                                        **{f"indicator-{first}-committed": "≥ 2×10^18 cm-3"}))
    assert ok.status_code == 302, ok.get_data(as_text=True)[:2000]


def test_a_nul_character_in_any_form_is_refused_and_changes_nothing(client, auth, people, app):
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    response = client.post("/needs/new", data={**FORM, "title_en": "bad\x00title",
                                               "action": "save"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/search?q=ab%00c").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Challenge)) is None


def test_the_index_keeps_no_giant_terms(app):
    terms = analysed("标题", "gallium nitride " + "x" * 1_000_000)
    assert all(len(t) <= MAX_TERM_LENGTH for field in terms.values() for t in field)
    assert "gallium" in terms["bw"]
