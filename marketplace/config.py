"""Configuration: everything the app writes lives in MARKETPLACE_DATA_DIR."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "instance"


def data_dir_from_env() -> Path:
    return Path(os.environ.get("MARKETPLACE_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def load_or_create_secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else generated once into the data dir."""
    return load_or_create_key(data_dir, "SECRET_KEY", "secret_key")


def load_or_create_key(data_dir: Path, variable: str, file_name: str) -> str:
    """A key from the environment variable, else generated once into the data dir (outside
    the database: whoever can rewrite the database cannot read or replace it there)."""
    from_env = os.environ.get(variable)
    if from_env:
        return from_env
    key_file = data_dir / file_name
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, the first one's key wins for both.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def public_base_url() -> str:
    """The site's address: `make run` serves on http://127.0.0.1:5000; production sets its
    own (https://jb.example.cn)."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")


def secure_cookies() -> bool:
    """Cookies only over HTTPS, whenever the site is served over HTTPS (its public address
    says so) unless SESSION_COOKIE_SECURE says otherwise; off for the local http server."""
    explicit = os.environ.get("SESSION_COOKIE_SECURE")
    if explicit is not None:
        return explicit == "1"
    return public_base_url().startswith("https://")


def build_config(data_dir: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'marketplace.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "DATA_DIR": str(data_dir),
        "UPLOAD_DIR": str(data_dir / "uploads"),
        "INDEX_DIR": str(data_dir / "index"),
        "MAIL_OUTBOX_DIR": str(data_dir / "mail"),
        "SECRET_KEY": load_or_create_secret_key(data_dir),
        # signs the audit log's anchors (see marketplace/audit/anchor.py)
        "AUDIT_SIGNING_KEY": load_or_create_key(data_dir, "AUDIT_SIGNING_KEY", "audit_key"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies(),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies(),
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        # a sign-in lasts at most this long on the server, whatever its cookie says
        "SESSION_MAX_AGE_DAYS": int(os.environ.get("SESSION_MAX_AGE_DAYS", "14")),
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "MAX_ATTACHMENT_BYTES": 20 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "PROGRAM_TIMEZONE": "Asia/Shanghai",
        "LOGIN_FAILURE_LIMIT": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        "LOGIN_IP_FAILURE_LIMIT": 30,
        "NEEDS_PER_PAGE": 12,
        # public pages for anonymous visitors cached by the data version (core/pagecache.py)
        "PAGE_CACHE": os.environ.get("PAGE_CACHE", "1") != "0",
        "FRAGMENT_CACHE": os.environ.get("FRAGMENT_CACHE", "1") != "0",
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@marketplace.local"),
        # the site's address in emails (every link in a mail is absolute)
        "PUBLIC_BASE_URL": public_base_url(),
        # how many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host;
        # 0 (no proxy) ignores those headers, so nobody can claim another address
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "0"),
        # OCDS publication (marketplace/ocds, README "Open Contracting (OCDS)"): ocid = prefix +
        # the need's reference. The prefix is "ocds-" plus the 6 characters the OCDS helpdesk
        # registers for the publisher; the default is a placeholder until it is registered.
        "OCID_PREFIX": os.environ.get("OCID_PREFIX", "ocds-XXXXXX-"),
        # the procuringEntity's name; empty: the organisation of the admin who published
        "OCDS_PROGRAM_OFFICE": os.environ.get("OCDS_PROGRAM_OFFICE", ""),
        # name every team that bid once the decision is final (default: winners only)
        "OCDS_NAME_ALL_TENDERERS": os.environ.get("OCDS_NAME_ALL_TENDERERS", "0") == "1",
        "OCDS_LICENSE": os.environ.get("OCDS_LICENSE", ""),
        "OCDS_PUBLICATION_POLICY": os.environ.get("OCDS_PUBLICATION_POLICY", ""),
    }
