"""Both languages are complete, Chinese is the default, and the switch is remembered."""
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from marketplace import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "marketplace" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [("marketplace/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def source_messages() -> set[tuple[str, str | None]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(PROJECT_ROOT), METHOD_MAP, keywords=KEYWORDS):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def test_every_message_in_the_source_has_a_chinese_translation():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    def translated(msgid: str, context: str | None) -> bool:
        entry = catalog.get(msgid, context=context)
        if entry is None or entry.fuzzy:
            return False
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings)
    untranslated = sorted(f"{context or ''}|{msgid}" for msgid, context in source_messages()
                          if not translated(msgid, context))
    assert untranslated == [], "run `make translations-update` and translate these"


def test_one_word_for_each_term_in_chinese():
    """The same thing is called the same everywhere: an organisation is 单位 (never 机构 on
    one page and 单位 on the next); the program office is 科技局."""
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    mixed = []
    for entry in catalog:
        source = entry.id[0] if isinstance(entry.id, tuple) else entry.id
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        text = " ".join(s for s in strings if s)
        if "organisation" in source.lower() and "机构" in text:
            mixed.append(source)
        if "program office" in source.lower() and "科技局" not in text:
            mixed.append(source)
    assert mixed == []


def test_chinese_is_the_default(client, app, tmp_path, monkeypatch):
    from marketplace.config import build_config
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE",
                        build_config(tmp_path)["BABEL_DEFAULT_LOCALE"])
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "技术需求" in page


def test_switch_is_remembered(client):
    response = client.get("/lang/en?next=/needs/")
    assert response.status_code == 302 and response.headers["Location"] == "/needs/"
    page = client.get("/needs/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Technical needs" in page
    client.get("/lang/zh")
    assert client.get_cookie("lang").value == "zh"
    assert '<html lang="zh-CN">' in client.get("/needs/").get_data(as_text=True)


def test_switch_never_redirects_off_site(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_signed_in_choice_is_stored_on_the_profile(client, auth, people, app):
    auth.login("solver@example.com")
    client.get("/lang/en")
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    with app.app_context():
        assert db.session.get(User, people.solver_id).locale == "en"
    fresh = app.test_client()  # another browser: the profile's choice applies after login
    fresh.post("/account/login", data={"email": "solver@example.com",
                                       "password": "correct horse battery"})
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)
