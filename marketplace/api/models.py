"""Personal API tokens: created and revoked by their user on the account settings page.

The token is shown once; the table keeps its SHA-256 (as user_sessions does for sign-ins)
and its first characters, so that the user can tell tokens apart.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User, enum_column
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class TokenScope(str, enum.Enum):
    read = "read"      # GET only
    write = "write"    # read, and create and update the owner's drafts


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, name="token_scope"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))      # "jb_Ab3dE…": which token this is
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.expired()

    def authenticates(self) -> bool:
        """The token may act for its user now: not revoked, not expired, user active."""
        return self.is_live and self.user.is_active

    def allows(self, scope: TokenScope) -> bool:
        return self.scope == TokenScope.write or scope == TokenScope.read

    def can_revoke(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.id == self.user_id
                and self.revoked_at is None)
