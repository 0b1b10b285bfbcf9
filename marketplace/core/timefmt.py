"""Showing times to people: in the program's zone and in the viewer's own."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, request
from flask_login import current_user

TZ_COOKIE = "tz"
# Dates the product accepts anywhere (deadlines, times in imports): beyond them a time zone
# conversion overflows Python's datetime and nothing real is meant.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def program_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["PROGRAM_TIMEZONE"])


def is_valid_zone(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def viewer_zone() -> ZoneInfo:
    """The signed-in user's zone, else the browser's (cookie set by our script)."""
    name = getattr(current_user, "timezone", None) if current_user else None
    if not is_valid_zone(name):
        name = request.cookies.get(TZ_COOKIE) if request else None
    if not is_valid_zone(name):
        return program_zone()
    return ZoneInfo(name)


def format_in_zone(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    local = value.astimezone(zone)
    offset = local.strftime("%z")  # +0800 -> UTC+08:00, unambiguous unlike "CST"
    return f"{local:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The IANA zones people pick from (Region/City), sorted; read from disk once."""
    return tuple(sorted(name for name in available_timezones()
                        if "/" in name and not name.startswith(("Etc/", "SystemV/"))))


def in_supported_range(value: datetime) -> bool:
    """True when the (aware or naive) time lies within the years the product accepts."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


class DateTimeInRange:
    """WTForms validator: a date or time within the accepted years, with a translated
    message (instead of an overflow when it is converted to UTC)."""

    def __call__(self, form, field) -> None:
        from flask_babel import lazy_gettext as _l
        from wtforms.validators import ValidationError
        if field.data is not None and not in_supported_range(field.data):
            raise ValidationError(_l("Enter a date between the years %(first)d and %(last)d.",
                                     first=EARLIEST_YEAR, last=LATEST_YEAR))
