"""What is published and when: needs from publication on only; sealed bids show nothing before
the deadline, then only their number; public attachments only."""
from __future__ import annotations

import json
from datetime import timedelta

from marketplace.bids.models import Bid, BidStatus
from marketplace.challenges.models import Attachment, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.ocds.packages import record_package, release_package

from .. import factories
from . import builders
from .validation import assert_valid


def test_a_published_need_is_a_tender_and_its_sealed_bids_show_nothing(ctx, people):
    life = builders.published_with_bids(people)
    package = release_package()
    assert_valid(package)
    [release] = builders.releases_of(life.ocid)
    assert release["tag"] == ["tender"] and release["id"] == f"{life.ocid}-tender-1"
    tender = release["tender"]
    assert tender["status"] == "active" and tender["id"] == life.need.ref
    assert tender["value"] == {"amount": 120_000_000, "currency": "CNY"}   # 12,000 万元
    assert tender["tenderPeriod"]["endDate"] == life.need.deadline.strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "bids" not in release and "tenderers" not in tender and "awards" not in release
    text = json.dumps(package, ensure_ascii=False)
    version = life.bids[0].latest_version.content
    for secret in [*life.team_names(), version["approach"], version["members"][0]["name"],
                   version["attachments"][0]["filename"]]:
        assert secret not in text


def test_after_the_deadline_the_number_of_submitted_bids_is_published(ctx, people):
    life = builders.published_with_bids(people)
    withdrawn = Bid(challenge_id=life.need.id, organisation_id=people.owner_org_id,
                    status=BidStatus.withdrawn, withdrawn_at=utcnow() - timedelta(days=1))
    draft = Bid(challenge_id=life.need.id, organisation_id=people.owner_org_id,
                status=BidStatus.draft)
    db.session.add_all([withdrawn, draft])
    life.need.deadline = utcnow() - timedelta(minutes=5)   # passed; not yet swept
    db.session.flush()
    assert life.need.status == NeedStatus.published
    releases = builders.releases_of(life.ocid)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderUpdate"]]
    closing = releases[-1]
    assert closing["id"] == f"{life.ocid}-bids-1"
    assert closing["date"] == life.need.deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert closing["bids"] == {"statistics": [
        {"id": "bids-1", "measure": "bids", "value": 3, "date": closing["date"]}]}
    assert "details" not in closing["bids"] and "tenderers" not in closing["tender"]
    text = json.dumps(closing, ensure_ascii=False)
    assert not any(name in text for name in life.team_names())
    # the sweep records the closing: the same release, under the same id
    from marketplace.challenges.operations import close_expired
    close_expired()
    assert builders.releases_of(life.ocid)[-1] == closing
    assert_valid(release_package())


def test_drafts_and_unpublished_needs_never_appear(ctx, people, app):
    hidden = [factories.need(people.owner_id, status, people.admin_id)
              for status in (NeedStatus.draft, NeedStatus.submitted, NeedStatus.returned)]
    shown = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    prefix = app.config["OCID_PREFIX"]
    package = release_package()
    assert {r["ocid"] for r in package["releases"]} == {prefix + shown.ref}
    for need in hidden:
        assert need.ref not in json.dumps(package)
        assert record_package(prefix + need.ref) is None
    assert record_package(prefix + "NO-SUCH-REF") is None
    assert record_package(shown.ref) is None            # not an ocid: no prefix
    assert record_package(prefix) is None
    assert record_package(prefix + shown.ref)["records"][0]["ocid"] == prefix + shown.ref


def test_nothing_published_gives_an_empty_package(ctx):
    package = release_package()
    assert package["releases"] == [] and package["publisher"]["name"]


def test_only_public_attachments_are_documents(ctx, people):
    life = builders.published_with_bids(people, teams=[])
    for name, confidential in (("specification.pdf", False), ("process-window.pdf", True)):
        db.session.add(Attachment(challenge_id=life.need.id, filename=name,
                                  storage_key=f"key-{name}", content_type="application/pdf",
                                  size=10, sha256="cd" * 32, confidential=confidential))
    db.session.flush()
    db.session.refresh(life.need)
    [release] = builders.releases_of(life.ocid)
    documents = release["tender"]["documents"]
    assert [d["documentType"] for d in documents] == ["tenderNotice", "biddingDocuments"]
    assert documents[1]["title"] == "specification.pdf"
    assert documents[1]["url"].startswith("http://127.0.0.1:5000/needs/")
    assert "process-window" not in json.dumps(release)
    assert_valid(release_package())


def test_titles_and_descriptions_in_chinese_with_english_beside(ctx, people):
    chinese = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    english = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    english.title_zh = english.description_zh = None     # as an English-only import has it
    db.session.flush()
    releases = {r["tender"]["id"]: r for r in release_package()["releases"]}
    zh, en = releases[chinese.ref], releases[english.ref]
    assert zh["language"] == "zh" and zh["tender"]["title"] == chinese.title_zh
    assert zh["tender"]["title_en"] == chinese.title_en
    assert zh["tender"]["description_en"] == chinese.description_en
    assert en["language"] == "en" and en["tender"]["title"] == english.title_en
    assert "title_zh" not in en["tender"]
    buyer = next(p for p in zh["parties"] if p["roles"] == ["buyer"])
    assert buyer["address"] == {"countryName": "中国", "countryName_en": "China"}
    assert buyer["contactPoint"] == {"email": "wang@example.com"}
    office = next(p for p in zh["parties"] if "procuringEntity" in p["roles"])
    assert office["name"] == "科学技术局"            # the admin who published it
    assert zh["tender"]["procuringEntity"]["id"] == office["id"]


def test_the_ocid_prefix_and_program_office_are_settings(ctx, people, app, monkeypatch):
    need = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    monkeypatch.setitem(app.config, "OCID_PREFIX", "ocds-abc123-")
    monkeypatch.setitem(app.config, "OCDS_PROGRAM_OFFICE", "示范市科技局")
    package = release_package()
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-abc123-{need.ref}"
    assert release["tender"]["procuringEntity"] == {"id": "program-office",
                                                    "name": "示范市科技局"}
    assert package["publisher"]["name"] == "示范市科技局"
    assert record_package(f"ocds-abc123-{need.ref}") is not None


def test_items_are_classified_by_the_1030_chain(ctx, people):
    from marketplace.taxonomy.models import Chain, Cluster
    db.session.add(Cluster(id="next-gen-it", name_zh="新一代信息技术",
                           name_en="Next-generation IT",
                           chains=[Chain(id="integrated-circuits", name_zh="集成电路",
                                         name_en="Integrated circuits")]))
    db.session.flush()
    need = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                          primary_chain_id="integrated-circuits")
    [release] = release_package()["releases"]
    assert release["tender"]["items"][0]["classification"] == {
        "scheme": "X-1030", "id": "integrated-circuits", "description": "集成电路",
        "description_en": "Integrated circuits"}
    assert need.primary_chain_id == "integrated-circuits"

