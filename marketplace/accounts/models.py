"""Users, organisations, roles and login attempts."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class OrgType(str, enum.Enum):
    enterprise = "enterprise"
    university = "university"
    research_institute = "research_institute"
    company = "company"
    other = "other"


class Role(str, enum.Enum):
    owner = "owner"          # 发榜方
    solver = "solver"        # 揭榜方
    reviewer = "reviewer"    # 评审专家
    admin = "admin"          # 科技局 / 管理员


def enum_column(enum_cls, **kwargs):
    """Enums are stored by value as plain strings with a CHECK, the same on every backend."""
    return Enum(enum_cls, native_enum=False, create_constraint=True, length=32,
                validate_strings=True,
                values_callable=lambda members: [m.value for m in members], **kwargs)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[OrgType] = mapped_column(enum_column(OrgType, name="org_type"))
    country: Mapped[str] = mapped_column(String(2))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")

    __table_args__ = (
        CheckConstraint("length(country) = 2", name="country_iso2"),
    )

    def display_name(self, locale: str) -> str:
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name


class UserRole(db.Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, name="role"))

    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # the sign-in this object was loaded for (not a column): Flask-Login keeps
    # "<user id>:<session token>" in the session cookie, see accounts.sessions
    session_token = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login
        return f"{self.id}:{self.session_token}" if self.session_token else str(self.id)

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)

    def grant(self, role: Role) -> None:
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))


class LoginAttempt(db.Model):
    """Failed and successful logins, kept to throttle guessing across all workers."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UserSession(db.Model):
    """One sign-in (a browser session), kept on the server so that logging out, changing the
    password or losing a role ends it even if its cookie is replayed. The cookie holds the
    token; the table holds its SHA-256."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
