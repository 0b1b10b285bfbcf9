"""`challenges import` / `challenges export`: the contract in PRODUCT.md."""
import csv
import io
import json

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.extensions import db

from .. import factories
from .io_support import count, export, write_jsonl

RECORDS = [
    {"id": "SZ-2024-07", "title": "8英寸碳化硅衬底", "description": "降低微管密度。",
     "揭榜条件": "具备碳化硅长晶能力", "requirements_en": "SiC crystal growth in house",
     "terms_text_en": "Results as agreed"},
    {"id": "EXT-2", "title": "Humanoid robot joint actuator",
     "description": "A compact actuator.", "budget_wan": "3200.5",
     "requirements": "An ISO 9001 certified lab",
     "deadline": "2099-03-31", "period_months": 24, "ip_terms": "exclusive",
     "indicators": [{"name": "峰值扭矩", "name_en": "Peak torque", "comparator": ">=",
                     "target": "180", "unit": "N·m"}]},
]


def test_import_minimal_records_publishes_them(runner, app, tmp_path):
    result = runner.invoke(args=["challenges", "import", str(write_jsonl(
        tmp_path / "needs.jsonl", RECORDS))])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = db.session.scalar(select(Challenge).where(Challenge.ref == "SZ-2024-07"))
        assert first.status == NeedStatus.published
        assert first.title_zh == "8英寸碳化硅衬底" and first.title_en is None
        assert first.deadline is not None and first.ip_terms.value == "non_exclusive"
        second = db.session.scalar(select(Challenge).where(Challenge.ref == "EXT-2"))
        assert second.title_en == "Humanoid robot joint actuator"
        assert str(second.budget_wan) == "3200.50"
        assert second.deadline.isoformat() == "2099-03-31T15:59:59+00:00"
        assert [(i.name, i.unit) for i in second.indicators] == [("峰值扭矩", "N·m")]


def test_a_malformed_row_is_reported_by_line_and_nothing_is_written(runner, app, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(RECORDS[0], ensure_ascii=False) + "\n"
                   + '{"id": "X", "title": "no description"}\n'
                   + '{"title": "t", "description": "d", "budget_wan": "many"}\n'
                   + "{not json\n", encoding="utf-8")
    result = runner.invoke(args=["challenges", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "description" in result.output
    assert "line 3" in result.output and "budget_wan" in result.output
    assert "line 4" in result.output
    assert count(app) == 0


def test_csv_errors_use_file_line_numbers(runner, app, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text("id,title,description,deadline\nA,甲,描述,2099-01-01\nB,乙,描述,tomorrow\n",
                    encoding="utf-8")
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code == 1 and "line 3" in result.output and "deadline" in result.output
    assert count(app) == 0


def test_requirements_and_terms_go_to_their_language(runner, app, tmp_path):
    runner.invoke(args=["challenges", "import", str(write_jsonl(tmp_path / "needs.jsonl",
                                                                  RECORDS))])
    with app.app_context():
        chinese = db.session.scalar(select(Challenge).where(Challenge.ref == "SZ-2024-07"))
        english = db.session.scalar(select(Challenge).where(Challenge.ref == "EXT-2"))
        assert (chinese.requirements, chinese.requirements_en) == (
            "具备碳化硅长晶能力", "SiC crystal growth in house")
        assert chinese.terms_text_en == "Results as agreed"
        # a column that names no language, written in English, fills the English field
        assert (english.requirements, english.requirements_en) == (
            None, "An ISO 9001 certified lab")


def test_reimport_updates_by_id(runner, app, tmp_path):
    path = write_jsonl(tmp_path / "needs.jsonl", RECORDS)
    runner.invoke(args=["challenges", "import", str(path)])
    changed = [dict(RECORDS[0], title="8英寸碳化硅衬底（修订）"), RECORDS[1]]
    runner.invoke(args=["challenges", "import", str(write_jsonl(path, changed))])
    assert count(app) == 2
    with app.app_context():
        assert db.session.scalar(select(Challenge.title_zh).where(
            Challenge.ref == "SZ-2024-07")) == "8英寸碳化硅衬底（修订）"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_export_then_import_gives_the_same_needs_back(runner, app, tmp_path, people, fmt):
    with app.app_context():
        factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
        factories.need(people.owner_id)  # a draft: never exported
        db.session.commit()
    runner.invoke(args=["challenges", "import", str(write_jsonl(tmp_path / "in.jsonl",
                                                                  RECORDS))])
    first = export(runner, fmt, tmp_path)
    before = export(runner, "jsonl", tmp_path).read_text(encoding="utf-8")
    with app.app_context():  # a fresh database
        for need in db.session.scalars(select(Challenge)):
            db.session.delete(need)
        db.session.commit()
    result = runner.invoke(args=["challenges", "import", str(first)])
    assert result.exit_code == 0, result.output
    after = export(runner, "jsonl", tmp_path).read_text(encoding="utf-8")

    def comparable(text):
        return sorted((json.loads(line) for line in text.splitlines()), key=lambda r: r["id"])
    assert len(comparable(before)) == 3
    assert comparable(after) == comparable(before)


def test_export_formats_are_readable_by_common_tools(runner, app, tmp_path):
    runner.invoke(args=["challenges", "import", str(write_jsonl(tmp_path / "in.jsonl",
                                                                  RECORDS))])
    text = export(runner, "csv", tmp_path).read_text(encoding="utf-8")
    assert text.startswith("\ufeffid,")  # Excel on Windows reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["id"] for row in rows} == {"SZ-2024-07", "EXT-2"}
    sheet = load_workbook(export(runner, "xlsx", tmp_path)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "id" and sheet.max_row == 3
    stdout = runner.invoke(args=["challenges", "export", "--format", "jsonl"])
    assert len([line for line in stdout.stdout.splitlines() if line.startswith("{")]) == 2


def test_import_xlsx_written_by_a_program_office(runner, app, tmp_path):
    workbook = Workbook()
    workbook.active.append(["id", "title", "description", "budget_wan", "indicators"])
    workbook.active.append(["PO-1", "低空物流无人机", "载重50公斤。", 1500,
                            "载重 >= 50 kg; 航程 ≥ 100 km"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        need = db.session.scalar(select(Challenge).where(Challenge.ref == "PO-1"))
        assert [(i.name, i.comparator.value, i.target_display, i.unit)
                for i in need.indicators] == [("载重", ">=", "50", "kg"),
                                              ("航程", ">=", "100", "km")]


def test_unsupported_file_type(runner, app, tmp_path):
    path = tmp_path / "needs.txt"
    path.write_text("x")
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code == 1 and "unsupported" in result.output


def test_csv_from_chinese_excel_with_chinese_headers(runner, app, tmp_path):
    path = tmp_path / "榜单.csv"
    path.write_bytes("编号,需求名称,需求描述,拟投入资金（万元）,截止时间\n"
                     "2025-07,高端光刻胶国产化,开发ArF光刻胶。,5000,2099-05-01\n".encode("gb18030"))
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        need = db.session.scalar(select(Challenge).where(Challenge.ref == "2025-07"))
        assert need.title_zh == "高端光刻胶国产化" and str(need.budget_wan) == "5000.00"
