"""Import and export: files as they come (damaged, several sheets, formulas) and messages."""
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from .io_support import by_ref, count, export, imported, refused, run_import

FORMULA_LIKE = {"id": "INJ-1", "title": "=1+2",
                "description": '=HYPERLINK("http://evil.example","click")',
                "summary": "@SUM(A1)", "requirements": "-5 ℃ 以下", "contact_phone": "+86 512 1",
                "terms_text": "'=already quoted"}
TEXT_FIELDS = {"title_en": "=1+2", "description_en": FORMULA_LIKE["description"],
               "summary_en": "@SUM(A1)", "requirements": "-5 ℃ 以下",
               "contact_phone": "+86 512 1",
               # English text in a column that names no language fills the English field
               "terms_text_en": "'=already quoted"}


def stored_text(app):
    with app.app_context():
        need = by_ref("INJ-1")
        return {name: getattr(need, name) for name in TEXT_FIELDS}


def start_afresh(app):
    with app.app_context():
        for need in db.session.scalars(select(Challenge)):
            db.session.delete(need)
        db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_stays_text(runner, app, tmp_path, fmt):
    assert imported(runner, tmp_path, FORMULA_LIKE).exit_code == 0
    before = stored_text(app)
    assert before == TEXT_FIELDS
    path = export(runner, fmt, tmp_path)
    if fmt == "xlsx":
        row = load_workbook(path)["needs"][2]
        assert "=1+2" in [cell.value for cell in row]
        assert "f" not in {cell.data_type for cell in row}   # no cell is a formula
    else:
        text = path.read_text(encoding="utf-8-sig")
        for protected in ("'=1+2", "'@SUM(A1)", "'-5 ℃", "'+86 512 1", "''=already quoted"):
            assert protected in text
    start_afresh(app)
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert stored_text(app) == before


def test_csv_export_starts_with_a_byte_order_mark(runner, app, tmp_path):
    imported(runner, tmp_path, {"title": "碳化硅", "description": "d"})
    assert export(runner, "csv", tmp_path).read_bytes().startswith(b"\xef\xbb\xbfid,")


@pytest.mark.parametrize("name, content, message", [
    ("fake.xlsx", b"not a zip", "fake.xlsx: not a valid .xlsx workbook"),
    ("fake.csv", bytes(range(256)) * 4, "fake.csv: cannot read the file as UTF-8 or GB18030"),
    ("empty.csv", b"", "empty.csv: no needs found"),
    ("header.csv", b"id,title,description\r\n", "header.csv: no needs found"),
    ("empty.jsonl", b"\n", "empty.jsonl: no needs found"),
    ("semicolons.csv", b"id;title;description\nS-1;a;b\n",
     "semicolons.csv: no header row with a title column"),
])
def test_unusable_files_get_one_clean_line(runner, app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    output = refused(run_import(runner, path), message)
    assert output.count("\n") == 2   # the error and the summary


def test_an_empty_workbook_has_no_needs(runner, app, tmp_path):
    Workbook().save(tmp_path / "empty.xlsx")
    refused(run_import(runner, tmp_path / "empty.xlsx"), "empty.xlsx: no needs found")


def test_xlsx_data_is_found_behind_an_instruction_sheet_and_a_title_row(runner, app, tmp_path):
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表为导入模板，请勿修改列名"])
    sheet = workbook.create_sheet("榜单")
    sheet.append(["2026年揭榜挂帅需求清单"])
    sheet.append([])
    sheet.append(["编号", "需求名称", "需求描述"])
    sheet.append(["MS-1", "低空物流无人机", "载重50公斤。"])
    workbook.save(tmp_path / "list.xlsx")
    result = run_import(runner, tmp_path / "list.xlsx")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert by_ref("MS-1").title_zh == "低空物流无人机"


def test_a_workbook_without_a_title_column_says_so(runner, app, tmp_path):
    workbook = Workbook()
    workbook.active.append(["编号", "名称"])
    workbook.active.append(["X-1", "a"])
    workbook.save(tmp_path / "list.xlsx")
    refused(run_import(runner, tmp_path / "list.xlsx"),
            "list.xlsx: no header row with a title column")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_export_to_a_missing_folder_is_a_clean_error(runner, app, tmp_path, fmt):
    target = tmp_path / "missing" / f"needs.{fmt}"
    result = runner.invoke(args=["challenges", "export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"cannot write {target}: No such file or directory" in result.output


def test_csv_errors_give_the_line_a_record_starts_on(runner, app, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text('id,title,description,deadline\nCN-1,t,"line1\nline2\nline3",2027-01-01\n'
                    "\nCN-2,t2,d,tomorrow\n", encoding="utf-8")
    refused(run_import(runner, path), "needs.csv: line 6: deadline 'tomorrow'")


def test_messages_count_in_the_singular_and_name_the_file_once(runner, app, tmp_path):
    result = imported(runner, tmp_path, {"title": "碳化硅", "description": "d"})
    assert "Imported 1 need (1 new, 0 updated, 0 unchanged)." in result.output
    export_result = runner.invoke(args=["challenges", "export", "--format", "jsonl"])
    assert "Exported 1 need." in export_result.output
    path = tmp_path / "needs.txt"
    path.write_text("x")
    output = refused(run_import(runner, path), "needs.txt: unsupported file type '.txt'")
    assert output.count("needs.txt") == 1 and "1 error;" in output


def test_a_title_in_each_language_column_keeps_both(runner, app, tmp_path):
    path = tmp_path / "both.csv"
    path.write_text("id,title,需求名称,description\nC-1,Silicon carbide,碳化硅衬底,d\n",
                    encoding="utf-8")
    assert run_import(runner, path).exit_code == 0
    with app.app_context():
        need = by_ref("C-1")
        assert (need.title_zh, need.title_en) == ("碳化硅衬底", "Silicon carbide")


def test_two_titles_in_one_language_are_refused_rather_than_dropped(runner, app, tmp_path):
    refused(imported(runner, tmp_path, {"title": "碳化硅", "需求名称": "碳化硅衬底",
                                        "description": "d"}),
            "line 1: the columns 'title' and '需求名称' give two different values for title_zh")
    path = tmp_path / "twice.csv"
    path.write_text("id,title,title,description\nD-1,a,b,c\n", encoding="utf-8")
    refused(run_import(runner, path), "twice.csv: line 1: the column 'title' appears more")
    assert count(app) == 0


def test_a_json_line_may_hold_a_line_separator(runner, app, tmp_path):
    assert imported(runner, tmp_path, {"id": "LS", "title": "a\u2028b",
                                       "description": "d"}).exit_code == 0
    path = export(runner, "jsonl", tmp_path)
    start_afresh(app)
    assert run_import(runner, path).exit_code == 0
    with app.app_context():
        assert by_ref("LS").title_en == "a\u2028b"
