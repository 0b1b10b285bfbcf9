"""`flask --app wsgi users ...`"""
from __future__ import annotations

import re

import click
from flask.cli import with_appcontext

from marketplace.extensions import db

from .models import OrgType, Role
from .operations import create_organisation, create_user, find_user_by_email


# the shape WTForms' Email validator accepts for the register form, without DNS
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@click.group("users")
def users_cli() -> None:
    """User accounts."""


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="Administrator", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", default="Program office", show_default=True)
@with_appcontext
def create_admin(email: str, name: str, password: str, organisation: str) -> None:
    """Create an administrator (program officer), or grant admin to an existing user."""
    if not EMAIL.fullmatch(email.strip()):
        raise click.UsageError(f"'{email}' is not an email address.")
    if len(password) < 10:
        raise click.UsageError("The password needs at least 10 characters.")
    user = find_user_by_email(email)
    if user:
        user.grant(Role.admin)
        click.echo(f"Granted admin to {user.email}; the password was not changed.")
    else:
        org = create_organisation(organisation, OrgType.other, "CN", verified=True)
        user = create_user(email, name, password, {Role.admin}, organisation=org)
        click.echo(f"Created admin {user.email}.")
    db.session.commit()
