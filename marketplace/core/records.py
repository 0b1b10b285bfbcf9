"""Writing a row that may only exist once, when two requests may write it at the same moment
(a double click on "accept the terms", two members of a team, two workers)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db

T = TypeVar("T")


def add_once(instance: T, existing: Callable[[], T | None]) -> T | None:
    """Insert the row; if a unique constraint says another request inserted it first, undo
    only this insert (a savepoint) and return the row that is there."""
    try:
        with db.session.begin_nested():
            db.session.add(instance)
    except IntegrityError:
        return existing()
    return instance
