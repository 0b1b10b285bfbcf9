"""The compiled release follows the OCDS merge rules, as ocdsmerge (the reference
implementation) applies them with the vendored 1.1.5 schema."""
from __future__ import annotations

import ocdsmerge

from marketplace.ocds.merge import compiled_release

from .validation import release_schema

OCID = "ocds-XXXXXX-JB-2026-00001"


def release(suffix: str, date: str, tag: str, **fields) -> dict:
    return {"ocid": OCID, "id": f"{OCID}-{suffix}", "date": date, "tag": [tag],
            "initiationType": "tender", **fields}


RELEASES = [
    release("award-1", "2026-03-01T08:00:00Z", "award",
            parties=[{"id": "org-1", "name": "甲", "roles": ["tenderer", "supplier"]}],
            tender={"status": "active", "title": "旧标题",
                    "items": [{"id": "1", "classification": {"scheme": "X-1030", "id": "a"},
                               "additionalClassifications": [{"scheme": "X-1030", "id": "x"},
                                                             {"scheme": "X-1030", "id": "y"}]}],
                    "submissionMethod": ["electronicSubmission", "written"]},
            awards=[{"id": "award-1-7", "status": "pending", "description": "理由"}]),
    release("tender-1", "2026-01-01T08:00:00Z", "tender",
            parties=[{"id": "org-9", "name": "买方", "roles": ["buyer"]}],
            tender={"status": "active", "title": "标题", "description": "说明",
                    "tenderPeriod": {"startDate": "2026-01-01T08:00:00Z"}}),
    release("award-1-final", "2026-03-09T08:00:00Z", "awardUpdate",
            parties=[{"id": "org-1", "roles": ["supplier"]}],
            tender={"status": "complete", "description": None, "documents": [],
                    "items": [{"id": "1", "additionalClassifications": [
                        {"scheme": "X-1030", "id": "z"}]}],
                    "submissionMethod": ["electronicSubmission"]},
            awards=[{"id": "award-1-7", "status": "active"},
                    {"id": "award-1-8", "status": "active"}]),
]


def test_compiled_release_merges_by_date_identifier_and_whole_lists():
    compiled = compiled_release(RELEASES)
    assert compiled["id"] == f"{OCID}-2026-03-09T08:00:00Z" and compiled["tag"] == ["compiled"]
    assert compiled["date"] == "2026-03-09T08:00:00Z"
    tender = compiled["tender"]
    assert tender["status"] == "complete" and tender["title"] == "旧标题"
    assert "description" not in tender                    # set to null: removed
    assert tender["submissionMethod"] == ["electronicSubmission"]     # replaced whole
    assert tender["items"][0]["classification"] == {"scheme": "X-1030", "id": "a"}
    assert tender["items"][0]["additionalClassifications"] == [{"scheme": "X-1030", "id": "z"}]
    assert [(a["id"], a["status"]) for a in compiled["awards"]] == [
        ("award-1-7", "active"), ("award-1-8", "active")]
    assert compiled["awards"][0]["description"] == "理由"   # kept from the earlier release
    assert [(p["id"], p["roles"]) for p in compiled["parties"]] == [
        ("org-9", ["buyer"]), ("org-1", ["supplier"])]


def test_compiled_release_is_what_ocdsmerge_makes():
    merger = ocdsmerge.Merger(schema=release_schema())
    assert compiled_release(RELEASES) == merger.create_compiled_release(RELEASES)
