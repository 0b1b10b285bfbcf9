"""The failure classes seen on outside text (issue 8), one test each: words inside longer
words, near compounds, bilingual coverage, abbreviations and short forms, spelling and hyphen
variants, "Did you mean", and snippets in the reader's language."""
from __future__ import annotations

import re

import pytest
import yaml

from marketplace.extensions import db
from marketplace.search.service import SearchParams, query_json, search_needs
from marketplace.taxonomy.models import Chain
from marketplace.taxonomy.operations import DEFAULT_FILE, import_taxonomy
from tests.search.helpers import publish


def _found(text: str) -> list[str]:
    return [hit["title"] for hit in query_json(text, 10)]


def _zh(title: str, description: str = "") -> dict:
    return dict(title_zh=title, title_en=None, summary_zh=None, summary_en=None,
                description_zh=description or title, description_en=None)


def _en(title: str, description: str = "") -> dict:
    return dict(title_zh=None, title_en=title, summary_zh=None, summary_en=None,
                description_zh=None, description_en=description or title)


STACK = _zh("质子交换膜燃料电池电堆国产化", "研制功率密度不低于4.5kW/L的质子交换膜燃料电池电堆。")
CNC = _zh("五轴联动高档数控机床热误差补偿", "高档数控机床主轴热伸长实时补偿，定位精度≤3μm。")
OTHER = _zh("光伏组件回收再利用", "退役光伏组件中银、硅、玻璃的高值回收。")


def test_a_word_inside_a_longer_dictionary_word_is_found(ctx, people, taxonomy):
    # the longer words are taxonomy terms (and jieba words): a search for the shorter term
    # must still find them
    document = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    chain = document["clusters"][0]["chains"][0]
    chain["keywords"]["pairs"] += [{"zh": "燃料电池电堆", "en": "fuel cell stack"},
                                   {"zh": "高档数控机床", "en": "high-end CNC machine tool"},
                                   {"zh": "质子交换膜燃料电池电堆", "en": "PEM fuel cell stack"}]
    import_taxonomy(yaml.safe_dump(document, allow_unicode=True), "test")
    db.session.commit()
    publish(people, **STACK)
    publish(people, **CNC)
    publish(people, **OTHER)
    assert _found("燃料电池") == [STACK["title_zh"]]
    assert _found("电堆") == [STACK["title_zh"]]
    assert _found("数控机床") == [CNC["title_zh"]]
    assert _found("交换膜") == [STACK["title_zh"]]


@pytest.mark.parametrize("query, text", [
    ("储能电池", "储能锂电池"), ("铝合金", "铝锂合金"), ("液流电池", "全钒液流电池")])
def test_near_compounds_meet(ctx, people, taxonomy, query, text):
    wanted = publish(people, **_zh(f"{text}关键技术攻关", f"面向{text}的工程化研究。"))
    publish(people, **OTHER)
    assert _found(query)[:1] == [wanted.title_zh]


def test_an_exact_word_ranks_above_its_near_compound(ctx, people, taxonomy):
    near = publish(people, **_zh("储能锂电池热失控预警", "储能锂电池的热失控早期预警。"))
    exact = publish(people, **_zh("储能电池管理系统", "储能电池的均衡与管理。"))
    assert _found("储能电池") == [exact.title_zh, near.title_zh]


@pytest.mark.parametrize("english, chinese", [
    ("sodium-ion battery", "钠离子电池正极材料研发"),
    ("solar cell", "钙钛矿太阳电池稳定性提升"),
    ("solar cell", "高效太阳能电池片金属化"),
    ("flow battery", "全钒液流电池电解液"),
    ("electron microscope", "场发射扫描电子显微镜研制"),
    ("electron microscope", "透射电镜样品台国产化"),
    ("electric vehicle", "电动汽车热管理系统"),
    ("fuel cell stack", "燃料电池电堆双极板"),
])
def test_everyday_english_words_find_chinese_needs(ctx, people, taxonomy, english, chinese):
    wanted = publish(people, **_zh(chinese))
    publish(people, **OTHER)          # (a photovoltaic need: may follow for "solar cell")
    assert _found(english)[:1] == [wanted.title_zh], english


@pytest.mark.parametrize("chinese, english", [
    ("钠离子电池", "Hard carbon anodes for sodium-ion batteries"),
    ("液流电池", "Membranes for vanadium redox flow batteries"),
    ("电子显微镜", "Field-emission electron microscope column"),
    ("新能源汽车", "Thermal management for electric vehicles"),
])
def test_chinese_words_find_english_needs(ctx, people, taxonomy, chinese, english):
    wanted = publish(people, **_en(english))
    publish(people, **OTHER)
    assert _found(chinese) == [wanted.title_en], chinese


@pytest.mark.parametrize("query, title", [
    ("扫描电镜", "场发射扫描电子显微镜电子光学系统"),
    ("扫描电子显微镜", "国产扫描电镜探测器"),
    ("SEM", "国产扫描电镜探测器"),
    ("光模块", "800G光收发模块硅光芯片"),
    ("optical module", "800G光模块DSP芯片"),
    ("大模型", "面向工业质检的大语言模型微调"),
    ("LLM", "工业知识大模型推理加速"),
])
def test_abbreviations_and_short_forms(ctx, people, taxonomy, query, title):
    wanted = publish(people, **_zh(title))
    publish(people, **OTHER)
    assert _found(query) == [wanted.title_zh], query


@pytest.mark.parametrize("query, text", [
    ("carbon fibre", "High-modulus carbon fiber for aerospace"),
    ("carbon fiber", "High-modulus carbon fibre for aerospace"),
    ("aluminium alloy", "Aluminum alloy die casting for battery trays"),
    ("aluminum alloys", "Aluminium-alloy die casting for battery trays"),
    ("lithium ion battery", "Recycling lithium-ion batteries"),
    ("lithium-ion batteries", "Recycling of lithium ion battery packs"),
    ("eVTOL", "e-VTOL airframe certification"),
    ("e-VTOL", "eVTOL tilt-rotor flight control"),
    ("optimisation", "Process optimization of wafer bonding"),
    ("centre", "A machining center with five axes"),
])
def test_spelling_hyphen_and_plural_variants_meet(ctx, people, taxonomy, query, text):
    wanted = publish(people, **_en(text))
    publish(people, **_en("Perovskite solar module encapsulation"))
    assert _found(query) == [wanted.title_en], query


@pytest.mark.parametrize("query", ["synthetic biology", "CAR-T", "ion implantation SiC"])
def test_no_did_you_mean_when_every_word_was_found(ctx, people, taxonomy, query):
    # the needs say it in Chinese; an English need nearby has look-alike words
    publish(people, **_zh("合成生物底盘菌株构建", "合成生物学底盘细胞的高通量构建。"))
    publish(people, **_zh("CAR-T细胞治疗实体瘤", "嵌合抗原受体T细胞治疗实体瘤。"))
    publish(people, **_zh("碳化硅高温离子注入机", "碳化硅功率器件离子注入工艺装备。"))
    publish(people, **_en("Car seat synthesis", "Synthesis of car seat foams; ion beams."))
    results = search_needs(SearchParams(q=query))
    assert results.total >= 1 and results.suggestion is None, query


def test_did_you_mean_only_when_the_correction_finds_more(ctx, people, taxonomy):
    publish(people, **_en("Sulfide electrolyte for solid-state cells"))
    assert search_needs(SearchParams(q="sulfyde electrolyte")).suggestion == \
        "sulfide electrolyte"
    # a word that no need has and no indexed word resembles: no suggestion
    assert search_needs(SearchParams(q="qqqzzz electrolyte")).suggestion is None


def test_did_you_mean_prefers_the_word_fewest_edits_away(ctx, people, taxonomy):
    """"silicon carbde" suggested "silicon carbon": Whoosh ranks by how common a word is, and
    carbon is commoner than carbide, which is one letter away."""
    for title in ("Carbon fibre prepreg for drone frames", "Carbon capture sorbent pellets",
                  "Carbon nanotube conductive paste"):
        publish(people, **_en(title, title + " with carbon content checks."))
    publish(people, **_en("Silicon carbide MOSFET gate oxide reliability",
                          "Silicon carbide power devices for 800 V drives."))
    assert search_needs(SearchParams(q="silicon carbde")).suggestion == "silicon carbide"


def test_chinese_page_shows_chinese_snippets_for_a_chinese_query(app, people, taxonomy, client):
    with app.app_context():
        publish(people, title_zh="碳化硅外延片缺陷控制", title_en="SiC epitaxy defects",
                summary_zh="降低碳化硅外延缺陷。", summary_en="Fewer SiC epitaxy defects.",
                description_zh="碳化硅外延层基平面位错密度低于0.1/cm²。",
                description_en="Silicon carbide epitaxial layers with fewer than 0.1 BPD/cm².")
    client.set_cookie("lang", "zh")
    page = client.get("/search?q=碳化硅").get_data(as_text=True)
    snippet = page[page.index('class="snippet"'):][:400]
    assert re.search(r"<mark>碳化硅</mark>", snippet) and "Silicon" not in snippet
    client.set_cookie("lang", "en")
    page = client.get("/search?q=碳化硅").get_data(as_text=True)
    snippet = page[page.index('class="snippet"'):][:400]
    assert re.search(r"<mark>(SiC|Silicon carbide)</mark>", snippet) and "碳化硅" not in snippet


def test_every_chain_pairs_forty_english_terms(ctx, taxonomy):
    for chain in db.session.scalars(db.select(Chain)):
        english = {k.term_en.lower() for k in chain.pairs}
        assert len(english) >= 40, (chain.id, len(english))


# -- found by an outside tester ---------------------------------------------------------------
def test_an_acronym_is_not_read_as_a_plural(ctx, people, taxonomy):
    caes = publish(people, **_en("CAES plant with salt caverns",
                                 "Compressed air energy storage (CAES), 300 MW."))
    publish(people, **_en("CAE solver for crash simulation", "A CAE solver."))
    assert _found("CAES")[:1] == [caes.title_en]


def test_words_the_taxonomy_lacks_are_translated_by_the_general_dictionary(ctx, people,
                                                                         taxonomy):
    methanol = publish(people, **_en("CO2 hydrogenation to methanol",
                                     "Copper catalysts for methanol synthesis from CO2."))
    organoid = publish(people, **_zh("肝脏类器官药物筛选平台", "类器官高通量药物筛选。"))
    publish(people, **OTHER)
    assert _found("甲醇")[:1] == [methanol.title_en]
    assert _found("organoid")[:1] == [organoid.title_zh]
    assert _found("hydrofluoric acid") == []         # no need has it: nothing, not noise


def test_a_term_inside_an_unknown_word_does_not_split_it(ctx, people, taxonomy):
    wanted = publish(people, **_zh("二氧化碳捕集与利用", "燃煤电厂二氧化碳捕集。"))
    publish(people, **_zh("钛合金表面微弧氧化处理", "氧化膜厚度大于20μm，碳含量低。"))
    assert _found("二氧化碳") == [wanted.title_zh]
    assert _found("铌酸锂") == []                    # not 铌 + 酸 + 锂 anywhere


def test_snippets_show_the_needs_own_text(app, people, taxonomy, client):
    with app.app_context():
        publish(people, **_zh("高温轴承寿命提升", "在-30℃至150℃下，DN值大于2.5×10⁶，轴承寿命提升。"))
        publish(people, **_en("Bearing fatigue testing rig", "A rig for bearing fatigue tests."))
    client.set_cookie("lang", "zh")
    page = client.get("/search?q=轴承").get_data(as_text=True)
    assert "-30℃至150℃" in page and "2.5×10⁶" in page and "-30°c" not in page
    # an English-only need on the Chinese page: its English text, never the owner's name
    snippets = re.findall(r'class="snippet">(.*?)</p>', page, re.S)
    assert any("fatigue tests" in s for s in snippets)
    assert not any(s.strip().startswith("苏州") for s in snippets)


def test_no_did_you_mean_when_a_need_has_every_word(ctx, people, taxonomy):
    publish(people, **_en("Cryo-TEM sample holder", "A cryo-TEM holder for frozen samples."))
    results = search_needs(SearchParams(q="cryo-TEM holder"))
    assert results.total == 1 and results.suggestion is None


def test_a_quantity_is_found_however_it_is_written(ctx, people, taxonomy):
    """An indicator of 10¹⁸ cm⁻³ (as the need shows it) is found by 1e18, 1E+18, 10^18 and
    1×10^18; 1.5×10⁻⁹ by 1.5e-9 but not by 1.5e9 (another number)."""
    from decimal import Decimal

    from marketplace.accounts.models import User
    from marketplace.challenges import operations
    from marketplace.challenges.models import Comparator
    from marketplace.challenges.operations import IndicatorRow
    from tests import factories
    owner, admin = db.session.get(User, people.owner_id), db.session.get(User, people.admin_id)
    made = {}
    for title, rows in (
            ("氮化镓外延片掺杂浓度控制", [IndicatorRow("载流子浓度", Comparator.ge,
                                                Decimal("1E+18"), "cm-3", "Carrier density")]),
            ("低漏电栅介质工艺", [IndicatorRow("漏电流", Comparator.le, Decimal("1.5E-9"), "A",
                                          "Leakage current")])):
        need = operations.create_draft(owner, factories.need_values(
            title_zh=title, title_en="Process need", summary_zh=title,
            description_zh=title), rows)
        operations.submit(need, owner)
        operations.publish(need, admin)
        made[title] = need
    db.session.commit()
    doped, leak = (made[t].ref for t in ("氮化镓外延片掺杂浓度控制", "低漏电栅介质工艺"))

    def found(text):
        return [hit["id"] for hit in query_json(text, 10)]
    for query in ("1e18", "1E+18", "10^18", "1×10^18", "10¹⁸", "载流子浓度 1e18"):
        assert found(query) == [doped], query
    for query in ("1.5e-9", "1.5×10⁻⁹", "1.5x10^-9"):
        assert found(query) == [leak], query
    assert leak not in found("1.5e9")


def test_snippet_fragments_never_repeat_text(app, taxonomy):
    """Two fragments whose windows overlap are shown as one: the 碳化硅 need showed
    "…解决高dv… …率，同时解决高dv/dt…" (the same words twice)."""
    from marketplace.search import snippets
    from marketplace.search.service import read_query
    text = ("开发基于碳化硅功率模块的800V三合一电驱总成，峰值功率300 kW以上，系统最高效率不低于94.5%。"
            "背景：800V高压平台是新能源汽车实现超快充的主流路线，电驱系统需同步提升电压等级、转速和效率，"
            "同时解决高dv/dt带来的轴承电腐蚀与电磁兼容问题。需求内容：碳化硅功率模块封装与双面散热；"
            "高速扁线油冷电机设计；轴电流抑制、EMC设计及整机NVH优化。")
    with app.app_context():
        html = snippets.highlight(text, read_query("碳化硅"))
    plain = re.sub(r"<[^>]+>", "", html).replace("…", " ")
    pieces = [p for p in plain.split() if p]
    seen = set()
    for piece in pieces:
        for i in range(len(piece) - 7):
            gram = piece[i:i + 8]
            assert gram not in seen, f"{gram!r} is shown twice in {html!r}"
            seen.add(gram)
    assert html.count("<mark>碳化硅</mark>") == 2
