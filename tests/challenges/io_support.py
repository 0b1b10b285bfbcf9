"""Helpers for the import/export tests: write a file, run the command, read a need back."""
import json

from sqlalchemy import func, select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def run_import(runner, path):
    return runner.invoke(args=["challenges", "import", str(path)])


def imported(runner, tmp_path, *records):
    """Import the records as JSON lines; the command's result."""
    return run_import(runner, write_jsonl(tmp_path / "needs.jsonl", list(records)))


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Challenge.id)))


def export(runner, fmt, tmp_path, name="out"):
    target = tmp_path / f"{name}.{fmt}"
    result = runner.invoke(args=["challenges", "export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def by_ref(ref):
    """The need with this reference (call inside an application context)."""
    return db.session.scalar(select(Challenge).where(Challenge.ref == ref))


def refused(result, *fragments):
    """The command failed cleanly (exit 1, no traceback) and said all of the fragments."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)
    return result.output
