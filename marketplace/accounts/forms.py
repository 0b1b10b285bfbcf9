from __future__ import annotations

from functools import lru_cache

from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, Email, EqualTo, InputRequired, Length, ValidationError

from marketplace.core.forms import VALID_EMAIL
from marketplace.core.timefmt import is_valid_zone, zone_names

from .countries import choices as country_choices
from .countries import codes as country_codes
from .models import OrgType
from .operations import find_user_by_email, password_weakness


ORG_TYPE_LABELS = {
    OrgType.enterprise: _l("Enterprise"),
    OrgType.university: _l("University"),
    OrgType.research_institute: _l("Research institute"),
    OrgType.company: _l("Company"),
    OrgType.other: _l("Other"),
}


def CountryField() -> SelectField:  # noqa: N802 - a field factory, used like a field class
    """A picker of ISO 3166 countries named in the reader's language (choices set by the
    form for the current locale); the stored value is the two-letter code."""
    return SelectField(_l("Country or region"), default="CN", validators=[
        InputRequired(), AnyOf(sorted(country_codes()), message=_l(
            "Choose the country or region from the list."))])


def OrgTypeField() -> SelectField:  # noqa: N802 - a field factory, used like a field class
    return SelectField(
        _l("Organisation type"),
        choices=[SelectChoice(t.value, label) for t, label in ORG_TYPE_LABELS.items()],
        validators=[InputRequired()])


class WithCountry:
    """A form with a CountryField named `country`: its choices in the reader's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(str(get_locale() or "zh"))


class StrongPassword:
    """Refuses passwords that are easy to guess: common passwords and words, keyboard
    patterns, sequences, repeats, dates, and the user's own name, email or organisation
    (zxcvbn's estimate; the fields named here, the form's `own_words` and the signed-in
    user count as "own")."""

    def __init__(self, *own_fields: str):
        self.own_fields = own_fields

    def __call__(self, form, field) -> None:
        own = [str(form[name].data or "") for name in self.own_fields if name in form]
        own += [str(word) for word in getattr(form, "own_words", ()) if word]
        if current_user and current_user.is_authenticated:
            own += [current_user.email, current_user.name]
        if password_weakness(field.data or "", own):
            raise ValidationError(_l(
                "This password is too easy to guess: avoid common passwords, sequences such "
                "as 1234, repeated characters and your own name or email. A few unrelated "
                "words make a strong password."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(message=VALID_EMAIL)])
    password = PasswordField(_l("Password"), validators=[InputRequired()])


class ForgotPasswordForm(FlaskForm):
    # a phone keyboard's trailing space is no reason to refuse the address
    email = EmailField(_l("Email"), filters=[lambda value: value.strip() if value else value],
                       validators=[InputRequired(), Email(message=VALID_EMAIL),
                                   Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """A new password for the account a reset link names: the same rules as registering;
    the account's name, email and organisation count as its own words (set `own_words`)."""
    own_words: tuple[str, ...] = ()

    password = PasswordField(_l("New password"), validators=[
        InputRequired(), Length(min=10, max=200, message=_l("Use at least 10 characters.")),
        StrongPassword()])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class RegisterForm(WithCountry, FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[
        InputRequired(), Email(message=VALID_EMAIL), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(), Length(min=10, max=200,
                                message=_l("Use at least 10 characters.")),
        StrongPassword("email", "name", "organisation", "organisation_en")])
    confirm = PasswordField(_l("Repeat password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    account_type = RadioField(_l("I am registering as"), choices=[
        SelectChoice("owner", _l("Need owner (enterprise publishing technical needs)")),
        SelectChoice("solver",
                     _l("Solver team (university, institute or company taking on needs)")),
    ], validators=[InputRequired()], default="solver")
    organisation = StringField(_l("Organisation name"),
                               validators=[InputRequired(), Length(max=200)])
    organisation_en = StringField(_l("Organisation name in English"),
                                  validators=[Length(max=200)])
    organisation_type = OrgTypeField()
    country = CountryField()

    def validate_email(self, field) -> None:
        if find_user_by_email(field.data or ""):
            raise ValidationError(_l("An account with this email already exists."))


class OrganisationForm(WithCountry, FlaskForm):
    """An organisation's own details, edited by its members."""
    name = StringField(_l("Organisation name"), validators=[InputRequired(), Length(max=200)])
    name_en = StringField(_l("Organisation name in English"), validators=[Length(max=200)])
    type = OrgTypeField()
    country = CountryField()


# where the program's bidders mostly are, first in the list
COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin", "Europe/Paris",
                "America/New_York", "America/Los_Angeles", "Australia/Sydney")


@lru_cache(maxsize=4)
def zone_labels(locale: str) -> dict[str, str]:
    """'德国（柏林）时间 · Europe/Berlin': the place in the reader's language, then the id."""
    labels = {}
    for name in zone_names():
        try:
            place = get_timezone_location(name, locale=locale)
        except (LookupError, ValueError):
            place = ""
        labels[name] = f"{place} · {name}" if place else name
    return labels


class SettingsForm(FlaskForm):
    """What a user may change about themselves: name, language, time zone."""

    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[SelectChoice("zh", "简体中文"),
                                                  SelectChoice("en", "English")])
    timezone = SelectField(_l("Time zone"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = zone_labels(str(get_locale() or "zh"))
        self.timezone.choices = {
            "": [SelectChoice("", _l("My browser's time zone"))],
            str(_l("Common time zones")): [SelectChoice(n, labels.get(n, n)) for n in COMMON_ZONES],
            str(_l("All time zones")): [SelectChoice(name, labels[name])
                                        for name in zone_names() if name not in COMMON_ZONES]}

    def validate_timezone(self, field) -> None:
        if field.data and not is_valid_zone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[
        InputRequired(), Length(min=10, max=200, message=_l("Use at least 10 characters.")),
        StrongPassword()])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The passwords do not match."))])
