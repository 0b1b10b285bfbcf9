"""Builders shared by the search, taxonomy and matching tests."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from marketplace.challenges.models import NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.operations import DEFAULT_FILE, classify_need, import_taxonomy
from tests import factories

SIC = dict(title_zh="6英寸碳化硅衬底低缺陷长晶技术", title_en="Low-defect growth of 6-inch SiC substrates",
           summary_zh="降低碳化硅衬底微管与位错密度。", summary_en="Lower micropipe and dislocation density.",
           description_zh="针对碳化硅衬底，开发物理气相传输长晶工艺，微管密度低于0.1个/cm²。",
           description_en="PVT crystal growth for SiC wafers with low defect density.")
ROBOT = dict(title_zh="人形机器人高扭矩密度关节模组", title_en=None, summary_zh="研制人形机器人关节。",
             summary_en=None, description_zh="研制人形机器人用一体化关节执行器，含谐波减速器、力矩传感器与伺服驱动。",
             description_en=None)
BATTERY = dict(title_zh=None, title_en="Solid-state lithium battery with sulfide electrolyte",
               summary_zh=None, summary_en="Sulfide solid electrolyte cells for electric vehicles.",
               description_zh=None,
               description_en="We need all-solid-state lithium batteries with a sulfide "
                              "electrolyte and an energy density above 400 Wh/kg for cars.")


def waiting(index_dir: str | None = None) -> int:
    """How many needs the index (this app's, by default) has still to apply from the change
    log: rows above its cursor, and needs it retries."""
    from flask import current_app

    from marketplace.search import changelog
    cursor = changelog.node_cursor(index_dir or current_app.config["INDEX_DIR"])
    return len(changelog.waiting_need_ids(db.session, cursor))


def load_taxonomy() -> None:
    import_taxonomy(DEFAULT_FILE.read_text(encoding="utf-8"), DEFAULT_FILE.name)
    db.session.commit()


def publish(people, status=NeedStatus.published, **overrides):
    """A need moved to `status` and committed (the index sees it after the commit)."""
    blanks = [key for key, value in overrides.items() if value is None]
    values = {"deadline": utcnow() + timedelta(days=30), "budget_wan": Decimal("3000"),
              **{key: value for key, value in overrides.items() if value is not None}}
    need = factories.need(people.owner_id, status, people.admin_id, **values)
    for key in blanks:            # one-language needs (as imported lists have them)
        setattr(need, key, None)
    if blanks:
        classify_need(need)
    db.session.commit()
    return need
