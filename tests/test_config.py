from pathlib import Path

from marketplace import create_app
from marketplace.config import build_config, load_or_create_secret_key


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_or_create_secret_key(tmp_path)
    second = load_or_create_secret_key(tmp_path)
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert load_or_create_secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_everything_lives_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MARKETPLACE_DATA_DIR", str(tmp_path / "data"))
    app = create_app()
    data = tmp_path / "data"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{data / 'marketplace.sqlite3'}"
    for key in ("UPLOAD_DIR", "INDEX_DIR", "MAIL_OUTBOX_DIR"):
        assert Path(app.config[key]).parent == data
    assert (data / "secret_key").exists()


def test_database_url_overrides_and_is_normalised(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/prod")
    assert build_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://u@db.example/prod"


def test_session_cookies_are_protected(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://jb.example.cn")
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.delenv("PUBLIC_BASE_URL")            # `make run` on http://127.0.0.1:5000
    assert build_config(tmp_path)["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")  # said explicitly, it wins
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://jb.example.cn")
    assert build_config(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_the_audit_signing_key_lives_outside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    key = build_config(tmp_path)["AUDIT_SIGNING_KEY"]
    assert (tmp_path / "audit_key").read_text() == key and len(key) >= 64
    assert key != build_config(tmp_path)["SECRET_KEY"]


def test_signed_in_pages_are_not_cached(client, auth, people):
    assert "no-store" not in client.get("/needs/").headers.get("Cache-Control", "")
    auth.login("owner@example.com")
    for path in ("/my/needs", "/needs/", "/account/settings"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path
