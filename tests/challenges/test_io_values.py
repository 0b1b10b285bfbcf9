"""Import: values as program offices write them, and the limits of the columns."""
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from .io_support import by_ref, count, imported, refused, run_import


def need(**fields):
    return {"id": "V-1", "title": "碳化硅衬底", "description": "降低微管密度。", **fields}


@pytest.mark.parametrize("written, stored", [
    ("500万元", "500.00"), ("500 万", "500.00"), ("5,000万元", "5000.00"), ("¥800万", "800.00"),
    ("10000000", "10000000.00"),
])
def test_budgets_in_wan_are_read(runner, app, tmp_path, written, stored):
    result = imported(runner, tmp_path, need(budget_wan=written))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert str(by_ref("V-1").budget_wan) == stored


@pytest.mark.parametrize("written, message", [
    ("1e30", "above the limit of 10,000,000 万元"),
    ("10000000.01", "above the limit of 10,000,000 万元"),
    ("5000000元", "counted in 万元"), ("¥500", "counted in 万元"), ("1亿元", "counted in 万元"),
    ("NaN", "is not a number"), ("Infinity", "is not a number"), ("-5", "zero or more"),
])
def test_budgets_that_cannot_be_right_are_refused(runner, app, tmp_path, written, message):
    result = imported(runner, tmp_path, need(id="V-0", title="ok", description="d"),
                      need(budget_wan=written))
    refused(result, "line 2: budget_wan", message)
    assert count(app) == 0


@pytest.mark.parametrize("written", ["2027-03-01", "20270301", "2027/3/1", "2027-3-1",
                                     "2027年3月1日", "2027 年 3 月 1 日"])
def test_a_date_alone_is_the_end_of_that_day_in_beijing(runner, app, tmp_path, written):
    result = imported(runner, tmp_path, need(deadline=written))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert by_ref("V-1").deadline.isoformat() == "2027-03-01T15:59:59+00:00"


def test_a_local_date_with_a_time_is_beijing_time(runner, app, tmp_path):
    assert imported(runner, tmp_path, need(deadline="2027/3/1 17:00")).exit_code == 0
    with app.app_context():
        assert by_ref("V-1").deadline.isoformat() == "2027-03-01T09:00:00+00:00"


def test_an_xlsx_date_cell_is_the_end_of_that_day(runner, app, tmp_path):
    workbook = Workbook()
    workbook.active.append(["id", "title", "description", "deadline"])
    workbook.active.append(["D-1", "日期", "描述", datetime(2027, 4, 2)])  # how Excel keeps a date
    workbook.active.append(["D-2", "时间", "描述", datetime(2027, 4, 2, 12, 0)])
    workbook.save(tmp_path / "dates.xlsx")
    result = run_import(runner, tmp_path / "dates.xlsx")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert by_ref("D-1").deadline.isoformat() == "2027-04-02T15:59:59+00:00"
        assert by_ref("D-2").deadline.isoformat() == "2027-04-02T04:00:00+00:00"


def test_a_wrong_date_names_the_formats_that_work(runner, app, tmp_path):
    refused(imported(runner, tmp_path, need(deadline="2027/2/30")),
            "line 1: deadline '2027/2/30' is not a date or time", "2027年3月1日")


@pytest.mark.parametrize("written, stored", [("China", "CN"), ("中国", "CN"), ("de", "DE")])
def test_owner_country_is_an_iso_code(runner, app, tmp_path, written, stored):
    result = imported(runner, tmp_path, need(owner=f"Owner {written}", owner_country=written))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert by_ref("V-1").organisation.country == stored


@pytest.mark.parametrize("written", ["Switzerland", "CHN", "C1"])
def test_owner_country_that_is_not_a_code_is_refused(runner, app, tmp_path, written):
    refused(imported(runner, tmp_path, need(owner="X公司", owner_country=written)),
            f"line 1: owner_country '{written}' must be a two-letter ISO 3166 code")
    assert count(app) == 0


@pytest.mark.parametrize("fields, message", [
    ({"title": "长" * 301}, "title_zh is 301 characters long; at most 300 fit"),
    ({"id": "X" * 65}, "id is 65 characters long; at most 64 fit"),
    ({"contact_phone": "1" * 65}, "contact_phone is 65 characters long; at most 64 fit"),
    ({"owner": "公" * 201}, "owner is 201 characters long; at most 200 fit"),
    ({"indicators": [{"name": "n", "target": 1, "unit": "u" * 41}]},
     "indicators.unit is 41 characters long; at most 40 fit"),
    ({"indicators": [{"name": "电压", "target": "1e41"}]}, "target “1e41” is too large"),
    ({"period_months": 241}, "from 1 to 240"),
    ({"indicators": "[{oops"}, "indicators are not valid JSON"),
])
def test_values_must_fit_their_columns(runner, app, tmp_path, fields, message):
    refused(imported(runner, tmp_path, need(id="V-0"), need(**fields)), "line 2: ", message)
    assert count(app) == 0


def test_the_longest_values_that_fit_are_stored(runner, app, tmp_path):
    result = imported(runner, tmp_path, need(id="X" * 64, title="长" * 300,
                                             indicators=[{"name": "名" * 200, "target": "1",
                                                          "unit": "u" * 40}]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = by_ref("X" * 64)
        assert len(stored.title_zh) == 300 and stored.indicators[0].target_value == Decimal(1)


@pytest.mark.parametrize("value", [["列表"], {"a": 1}, True])
def test_a_text_field_that_is_not_text_is_refused(runner, app, tmp_path, value):
    """["x"] was stored as the text "['x']"."""
    refused(imported(runner, tmp_path, need(id="V-0"), need(title=value)), "line 2: ",
            "must be text")
    assert count(app) == 0
