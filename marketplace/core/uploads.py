"""Uploaded files: type checked by content, size limited, stored under random names.

Files are never served from a public path; views stream them through a permission check
as downloads (Content-Disposition: attachment, nosniff).
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, has_app_context, send_file
from sqlalchemy import Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db

# detected extension -> MIME type we serve it as
ALLOWED_KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
}


class UploadRejected(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class StoredFile:
    storage_key: str
    content_type: str
    size: int
    sha256: str
    filename: str

    def columns(self) -> dict:
        """Keyword arguments for a model with StoredFileColumns."""
        return {"filename": self.filename, "storage_key": self.storage_key,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


class StoredFileColumns:
    """The columns every model of an uploaded file has (need, bid and objection files)."""

    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


def download_name(filename: str, content_type: str) -> str:
    """The name a download is saved under ends with the extension of its checked type:
    "invoicefdp.exe" that is really a PDF downloads as "invoicefdp.exe.pdf"."""
    extension = next((ext for ext, mime in ALLOWED_KINDS.items() if mime == content_type), None)
    if extension is None:
        return filename
    suffix = Path(filename).suffix.lower().lstrip(".")
    same = {suffix} & ({"jpg", "jpeg"} if extension == "jpg" else {extension})
    return filename if same else f"{filename}.{extension}"


def send_stored(item):
    """A stored file as a private download; callers check permissions first."""
    response = send_file(stored_path(item.storage_key), mimetype=item.content_type,
                         as_attachment=True,
                         download_name=download_name(item.filename, item.content_type),
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_filename(name: str) -> str:
    """Keep the user's name for display (Chinese included), minus path parts and controls."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip()[:200] or "file"


def store_upload(file_storage) -> StoredFile:
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = file_storage.read(limit + 1)
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if len(data) > limit:
        raise UploadRejected(_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    kind = filetype.guess(data)
    if kind is None or kind.extension not in ALLOWED_KINDS:
        raise UploadRejected(_l("This file type is not accepted. Upload PDF, Word, Excel, "
                                "PowerPoint, PNG, JPEG or ZIP files."))
    if kind.extension in ("zip", "docx", "xlsx", "pptx"):     # all of them ZIP archives
        _check_archive(data, kind.extension == "zip")
    key = secrets.token_hex(24)
    target = upload_dir() / key
    with open(target, "xb") as handle:
        handle.write(data)
    _remember_written(key)
    return StoredFile(storage_key=key, content_type=ALLOWED_KINDS[kind.extension],
                      size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                      filename=safe_filename(file_storage.filename))


MAX_EXPANDED_BYTES = 200 * 1024 * 1024   # an archive may unpack to at most this much
MAX_ARCHIVE_MEMBERS = 2000
# programs and scripts: not supporting documents, and what a zip bomb or a dropper carries
EXECUTABLE_SUFFIXES = frozenset((
    "exe", "dll", "com", "bat", "cmd", "msi", "scr", "pif", "cpl", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "ps1", "psm1", "sh", "bash", "jar", "apk", "app", "deb", "rpm", "dmg", "elf",
    "bin", "run", "lnk", "hta", "reg"))


def _check_archive(data: bytes, is_zip: bool) -> None:
    """A ZIP (or an Office file, which is one) is refused when it would unpack to more than
    MAX_EXPANDED_BYTES or hold more than MAX_ARCHIVE_MEMBERS files; a ZIP also when it
    carries a program or script, or a path that climbs out of its folder."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRejected(_l("The archive is damaged and cannot be read.")) from None
    if len(members) > MAX_ARCHIVE_MEMBERS or \
            sum(m.file_size for m in members) > MAX_EXPANDED_BYTES:
        raise UploadRejected(_l("The archive unpacks to more than %(mb)d MB or %(n)d files.",
                                mb=MAX_EXPANDED_BYTES // (1024 * 1024), n=MAX_ARCHIVE_MEMBERS))
    if not is_zip:
        return
    for member in members:
        name = member.filename.replace("\\", "/")
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        if suffix in EXECUTABLE_SUFFIXES:
            raise UploadRejected(_l("The archive contains a program or script (%(name)s): "
                                    "remove it and upload again.", name=name[-80:]))
        if name.startswith("/") or ".." in name.split("/"):
            raise UploadRejected(_l("The archive contains a path outside its folder "
                                    "(%(name)s).", name=name[-80:]))


def stored_path(storage_key: str) -> Path:
    if not storage_key.isalnum():
        raise FileNotFoundError(storage_key)
    return upload_dir() / storage_key


# -- keeping the upload folder in step with the database --------------------------------------
# A file is written before its row is committed, and a row may be deleted: the files follow the
# transaction's outcome. New files of a rolled-back transaction and files of committed deletes
# are removed; nothing is removed before the database has decided.
_NEW = "uploads_written"
_GONE = "uploads_deleted"


def _remember_written(storage_key: str) -> None:
    db.session.info.setdefault(_NEW, []).append(upload_dir() / storage_key)


def _unlink(paths) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # already gone: the goal is reached


@event.listens_for(db.Model, "after_delete", propagate=True)
def _collect_deleted_file(_mapper, _connection, target) -> None:
    """Any deleted row with a storage key (also orphans removed by a cascade)."""
    key = getattr(target, "storage_key", None)
    session = object_session(target)
    if isinstance(key, str) and key.isalnum() and session is not None and has_app_context():
        session.info.setdefault(_GONE, []).append(upload_dir() / key)


@event.listens_for(Session, "after_commit")
def _apply_after_commit(session) -> None:
    session.info.pop(_NEW, None)
    _unlink(session.info.pop(_GONE, []))


@event.listens_for(Session, "after_soft_rollback")
def _apply_after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_GONE, None)
    _unlink(session.info.pop(_NEW, []))
