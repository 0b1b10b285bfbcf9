"""What a team sees when it searches: cross-language matches, facets, highlights, sorting."""
from __future__ import annotations

import re
from datetime import timedelta

from marketplace.challenges.models import NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.search.service import SearchParams, query_json, search_needs
from tests import factories
from tests.search.helpers import BATTERY, ROBOT, SIC, publish


def _titles(text: str, limit: int = 10) -> list[str]:
    return [hit["title"] for hit in query_json(text, limit)]


def test_chinese_query_finds_chinese_need(ctx, people, taxonomy):
    publish(people, **SIC)
    publish(people, **ROBOT)
    assert _titles("碳化硅") == [SIC["title_zh"]]
    assert _titles("人形机器人 关节")[0] == ROBOT["title_zh"]


def test_english_query_finds_chinese_only_need_through_keyword_pairs(ctx, people, taxonomy):
    publish(people, **ROBOT)                                   # Chinese text only
    publish(people, **BATTERY)
    assert _titles("humanoid robot") == [ROBOT["title_zh"]]


def test_chinese_query_finds_english_only_need(ctx, people, taxonomy):
    publish(people, **BATTERY)                                 # English text only
    publish(people, **ROBOT)
    assert _titles("固态电池") == [BATTERY["title_en"]]


def test_silicon_carbide_finds_sic_substrate_need(ctx, people, taxonomy):
    chinese_only = {**SIC, "title_en": None, "summary_en": None, "description_en": None}
    publish(people, **chinese_only)
    publish(people, **BATTERY)
    assert _titles("silicon carbide") == [SIC["title_zh"]]
    assert _titles("silicon carbide 衬底") == [SIC["title_zh"]]


def test_drafts_and_submitted_needs_are_never_found(ctx, people, taxonomy, client):
    factories.need(people.owner_id, NeedStatus.draft, **SIC)
    factories.need(people.owner_id, NeedStatus.submitted, **{**SIC, "title_zh": "碳化硅二号"})
    from marketplace.extensions import db
    db.session.commit()
    assert _titles("碳化硅") == []
    page = client.get("/search?q=碳化硅").get_data(as_text=True)
    assert SIC["title_zh"] not in page and "碳化硅二号" not in page


def test_facets_count_and_filter(ctx, people, taxonomy):
    publish(people, **SIC, budget_wan=500)
    publish(people, **{**SIC, "title_zh": "碳化硅外延"}, budget_wan=20000)
    publish(people, **ROBOT, budget_wan=800, deadline=utcnow() + timedelta(days=3))
    results = search_needs(SearchParams())
    assert results.total == 3
    assert results.facets["chain"] == {"wide-bandgap-semiconductors": 2, "robotics": 1}
    assert results.facets["cluster"]["advanced-materials"] == 2
    assert results.facets["budget"] == {"lt1000": 2, "ge10000": 1}
    assert results.facets["status"]["open"] == 3
    assert results.facets["deadline"]["7"] == 1 and results.facets["deadline"]["30"] == 3
    narrowed = search_needs(SearchParams(chain="wide-bandgap-semiconductors", budget="lt1000"))
    assert narrowed.total == 1
    assert search_needs(SearchParams(deadline="7")).total == 1


def test_closed_needs_are_in_the_closed_facet(ctx, people, taxonomy):
    need = publish(people, **SIC)
    need.deadline = utcnow() - timedelta(hours=1)
    from marketplace.extensions import db
    db.session.commit()
    results = search_needs(SearchParams(q="碳化硅"))
    assert results.facets["status"].get("closed") == 1 and not results.facets["status"].get("open")
    assert search_needs(SearchParams(q="碳化硅", status="open")).total == 0


def test_sorting_by_budget_deadline_and_newest(ctx, people, taxonomy):
    soon = publish(people, **{**SIC, "title_zh": "碳化硅甲"}, budget_wan=100,
                   deadline=utcnow() + timedelta(days=5))
    big = publish(people, **{**SIC, "title_zh": "碳化硅乙"}, budget_wan=9000,
                  deadline=utcnow() + timedelta(days=50))
    last = publish(people, **{**SIC, "title_zh": "碳化硅丙"}, budget_wan=10,
                   deadline=utcnow() + timedelta(days=20))
    ids = lambda sort: [int(h.id) for h in search_needs(SearchParams(q="碳化硅", sort=sort)).hits]
    assert ids("budget") == [big.id, soon.id, last.id]
    assert ids("deadline") == [soon.id, last.id, big.id]
    assert ids("newest")[0] == last.id


def test_pagination(ctx, people, taxonomy):
    for number in range(12):
        publish(people, **{**SIC, "title_zh": f"碳化硅需求{number}"})
    first = search_needs(SearchParams(q="碳化硅"))
    second = search_needs(SearchParams(q="碳化硅", page=2))
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (12, 2, 10, 2)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_a_page_past_the_end_is_not_found_as_on_the_list(client, people, taxonomy, app):
    with app.app_context():
        for number in range(12):
            publish(people, **{**SIC, "title_zh": f"碳化硅需求{number}"})
    assert client.get("/search?q=碳化硅&page=2").status_code == 200
    assert client.get("/search?q=碳化硅&page=3").status_code == 404
    assert client.get("/needs/?page=3").status_code == 404


def test_a_query_without_searchable_words_shows_no_empty_filters(client, people, taxonomy,
                                                                app):
    with app.app_context():
        publish(people, **SIC)
    page = client.get("/search?q=%E3%80%82%EF%BC%8C").get_data(as_text=True)   # "。，"
    assert 'class="facets"' not in page and "no-facets" in page


def test_search_page_highlights_and_escapes(client, people, taxonomy, app):
    with app.app_context():                        # Chinese text only: the snippet is Chinese
        publish(people, **{**SIC, "title_en": None, "summary_en": None, "description_en": None,
                           "description_zh": "碳化硅衬底 <script>alert(1)</script> 缺陷控制"})
    page = client.get("/search?q=碳化硅").get_data(as_text=True)
    assert re.search(r"<mark[^>]*>碳化硅</mark>", page)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="/search?q=' in page and "chain=wide-bandgap-semiconductors" in page


def test_spelling_suggestion(client, people, taxonomy, app):
    with app.app_context():
        publish(people, **BATTERY)
    page = client.get("/search?q=sulfyde+electrolyte").get_data(as_text=True)
    assert 'href="/search?q=sulfide+electrolyte"' in page          # "Did you mean …"


def test_search_page_on_a_phone_and_with_filters(client, people, taxonomy, app):
    with app.app_context():
        publish(people, **ROBOT)
    response = client.get("/search?q=机器人&status=open&sort=budget&chain=robotics")
    assert response.status_code == 200
    assert 'name="viewport"' in response.get_data(as_text=True)
    assert client.get("/search?page=abc&sort=evil").status_code == 200


def _alternatives(text: str) -> list[list[str]]:
    from marketplace.search.service import read_query
    return [[a.text for a in group.alternatives] for group in read_query(text).groups]


def test_hyphenated_english_terms_are_expanded_too(ctx, people, taxonomy):
    groups = _alternatives("solid-state battery")
    assert len(groups) == 1 and "固态电池" in groups[0]
    car_t = _alternatives("CAR-T therapy")[0]
    assert "嵌合抗原受体T细胞" in car_t


HYDROGEN_EN = dict(title_zh=None, title_en="Diaphragm compressor for refuelling stations",
                   summary_zh=None, summary_en="A 90 MPa compressor for fuel cell vehicles.",
                   description_zh=None,
                   description_en="Hydrogen refuelling stations need a 90 MPa diaphragm "
                                  "compressor with 5,000 h between overhauls.")
HYDROGEN_ZH = dict(title_zh="氢能产业园综合能源规划", title_en=None, summary_zh="氢能示范。",
                   summary_en=None, description_zh="氢能产业园的电解水制氢与储运规划。",
                   description_en=None)


def test_a_chain_name_finds_the_needs_classified_there_in_either_language(ctx, people,
                                                                          taxonomy):
    english = publish(people, **HYDROGEN_EN)
    assert english.primary_chain_id in (None, "hydrogen")
    publish(people, **HYDROGEN_ZH)
    publish(people, **BATTERY)
    # the English need never says 氢能 or "hydrogen energy", but it is a hydrogen need;
    # needs that contain the words rank first
    assert _titles("氢能") == [HYDROGEN_ZH["title_zh"], HYDROGEN_EN["title_en"]]
    assert _titles("hydrogen energy")[-1] == HYDROGEN_EN["title_en"]
    assert BATTERY["title_en"] not in _titles("氢能")


def test_when_no_need_has_every_word_those_with_some_are_shown_and_the_page_says_so(
        ctx, people, taxonomy, client):
    publish(people, **HYDROGEN_EN)
    publish(people, **SIC)
    results = search_needs(SearchParams(q="氢能 压缩机 涡轮"))
    assert [h.title.split("\n")[0] for h in results.hits] == [HYDROGEN_EN["title_en"]]
    assert results.relaxed
    page = client.get("/search?q=氢能+压缩机+涡轮").get_data(as_text=True)
    assert "No need contains all of your words" in page
    # as long as some need has every word, needs with only some of them stay out
    exact = search_needs(SearchParams(q="碳化硅 衬底"))
    assert not exact.relaxed and exact.total == 1
    # neither need has both words: each has one of them (压缩机 ↔ compressor)
    assert set(_titles("碳化硅 压缩机")) == {SIC["title_zh"], HYDROGEN_EN["title_en"]}
    assert search_needs(SearchParams(q="碳化硅 压缩机")).relaxed


def test_english_readers_get_english_snippets(app, people, taxonomy, client):
    with app.app_context():
        publish(people, **{**SIC, "description_en": "PVT crystal growth for SiC wafers "
                                                     "<script>x</script> with low defects."})
    client.set_cookie("lang", "en")
    page = client.get("/search?q=silicon+carbide").get_data(as_text=True)
    snippet = page[page.index('class="snippet"'):][:600]
    assert re.search(r"<mark[^>]*>SiC</mark>", snippet) and "碳化硅" not in snippet
    assert "CNY 30 million" in page and "×10k" not in page
    assert "<script>x" not in page and "&lt;script&gt;" in snippet
    client.set_cookie("lang", "zh")
    page = client.get("/search?q=silicon+carbide").get_data(as_text=True)
    assert re.search(r"<mark[^>]*>碳化硅</mark>", page[page.index('class="snippet"'):][:600])


def test_an_unknown_filter_can_be_removed_and_a_missing_budget_says_so(client, people,
                                                                       taxonomy, app):
    with app.app_context():
        publish(people, **{**SIC, "title_zh": "无预算的碳化硅需求"}, budget_wan=None)
    page = client.get("/search?q=碳化硅&chain=no-such-chain").get_data(as_text=True)
    assert "✕ no-such-chain" in page                       # a chip that removes it
    assert 'href="/search?q=' in page
    page = client.get("/search?q=碳化硅").get_data(as_text=True)
    assert "Not stated" in page


def test_a_list_number_goes_straight_to_its_need_when_the_reader_may_see_it(
        client, people, taxonomy, app, auth):
    with app.app_context():
        need = publish(people, **SIC)
        need.ref = "SZ-2025-040"
        draft = factories.need(people.owner_id, NeedStatus.draft, **ROBOT)
        draft.ref = "SZ-2025-041"
        db.session.commit()
        need_id, draft_id = need.id, draft.id
    for typed in ("SZ-2025-040", "sz-2025-040", " SZ-2025-040 "):
        response = client.get("/search", query_string={"q": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/needs/{need_id}")
    # a draft's number tells an outsider nothing: an ordinary search, no redirect
    assert client.get("/search?q=SZ-2025-041").status_code == 200
    auth.login("owner@example.com")
    assert client.get("/search?q=SZ-2025-041").headers["Location"].endswith(
        f"/needs/{draft_id}")


def test_a_lone_letter_or_digit_finds_nothing_by_itself(ctx, people, taxonomy):
    """`<script>alert(1)</script>` listed every need with a "1" in it."""
    publish(people, **SIC)
    assert _titles("<script>alert(1)</script>") == []
    assert _titles("1") == [] and _titles("碳化硅 1") == [SIC["title_zh"]]
