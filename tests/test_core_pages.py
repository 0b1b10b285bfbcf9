"""Small pages every deployment needs: health check, favicon, security headers."""


def test_health_check_touches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.location.endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_english_pages_set_latin_faces_first(client):
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    english = css[css.index(":root:lang(en)"):]
    assert english.index("Arial") < english.index("Noto Sans CJK SC")
    client.set_cookie("lang", "en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
