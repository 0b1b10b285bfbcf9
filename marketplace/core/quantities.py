"""Measured quantities as people write them, from 650 to 1×10¹⁸ and 1.5E-9.

Technical indicators span the physical range: carrier densities of 10¹⁸ cm⁻³, leakage
currents of 10⁻⁹ A, vacuum of 10⁻⁷ Pa. A quantity is kept as an exact Decimal; it is read
from every way people write exponents (1e18, 1.5E-9, 1×10^18, 1x10^-9, 1×10¹⁸, 10^6), shown
plainly when that is short (650, 0.15, 1,200,000 stays 1200000) and with a power of ten
otherwise (1×10¹⁸, 1.5×10⁻⁹), and written to files in a form that reads back the same
(1E+18, 1.5E-9).

What cannot be a real indicator is refused with a reason instead of being stored wrong:
not a number, infinite, beyond MAX_EXPONENT either way (1e309 is no target any bid could
meet; 1e-400 is not zero), or more digits than are kept.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

MAX_EXPONENT = 40            # 10⁻⁴⁰ < |value| < 10⁴⁰, or exactly zero
MAX_DIGITS = 20              # significant digits kept
STORED_LENGTH = 48           # characters of the canonical text (see ExactDecimal)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# "1.5 × 10^-9", "1x10^18", "1*10**6", "1×10¹⁸", "10^6", "10⁻⁹"
_POWER = re.compile(r"^(?:(?P<mantissa>[-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*[×xX*·]\s*)?"
                    r"10\s*(?:\^|\*\*)\s*(?P<exponent>[-+]?\d+)$")
_SUPERSCRIPT_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_PLAIN = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+−]?\d+)?$")
# how a number with an exponent may open a text such as "1e18 cm-3" (for readers that split
# a number from its unit)
NUMBER_PATTERN = (r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
                  r"(?:[eE][-+]?\d+|\s*[×xX*·]\s*10\s*(?:(?:\^|\*\*)\s*[-+−]?\d+|[⁻⁺]?"
                  r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?")


class QuantityError(ValueError):
    """Why a text is not a quantity that can be kept; str() is the translated reason."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# a comma not followed by exactly three digits cannot be a thousands separator: 1,5 · 2,25 · 1,5000
_DECIMAL_COMMA = re.compile(r"\d[,，](?!\d{3}(?:\D|$))")


def decimal_comma_problem(text):
    """Why a number with a decimal comma is refused, or None: "1,5" is 1.5 in much of Europe
    and 15 with the comma dropped, so it is never guessed."""
    raw = str(text if text is not None else "").strip()
    if _DECIMAL_COMMA.search(raw):
        return _l("“%(value)s”: a comma separates thousands (1,500); write decimals with a "
                  "point (1.5).", value=raw[:40])
    return None


def parse_quantity(text) -> Decimal:
    """The exact value of a quantity as typed; QuantityError says why when it is none."""
    raw = str(text if text is not None else "").strip()
    problem = decimal_comma_problem(raw)
    if problem is not None:
        raise QuantityError(problem)
    compact = raw.replace(",", "").replace("，", "").replace("−", "-")
    compact = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), compact)
    compact = re.sub(r"\s+", " ", compact)
    try:
        match = _POWER.match(compact)
        if match:
            mantissa = Decimal(match.group("mantissa") or "1")
            value = mantissa.scaleb(int(match.group("exponent")))
        elif _PLAIN.match(compact):     # "7 00" is no number: spaces only around × and ^
            value = Decimal(compact)
        else:
            raise InvalidOperation
    except (InvalidOperation, ValueError, OverflowError):
        raise QuantityError(_l("“%(value)s” is not a number (write e.g. 650, 0.15, 1e18 or "
                               "1.5×10^-9).", value=raw[:40])) from None
    return checked(value, raw)


def checked(value: Decimal, shown: str | None = None) -> Decimal:
    """value itself when it can be kept exactly; QuantityError otherwise."""
    shown = (shown if shown is not None else str(value))[:40]
    if not value.is_finite():
        raise QuantityError(_l("“%(value)s” is not a finite number.", value=shown))
    if value.is_zero():
        return Decimal(0)
    magnitude = value.adjusted()          # the power of ten of the first digit
    if magnitude >= MAX_EXPONENT:
        raise QuantityError(_l("“%(value)s” is too large: at most 10^%(max)d can be entered.",
                               value=shown, max=MAX_EXPONENT))
    if magnitude < -MAX_EXPONENT:
        raise QuantityError(_l("“%(value)s” is too small: it would be taken as 0. At least "
                               "10^-%(max)d can be entered.", value=shown, max=MAX_EXPONENT))
    normal = value.normalize()
    if len(normal.as_tuple().digits) > MAX_DIGITS:
        raise QuantityError(_l("“%(value)s” has more than %(digits)d significant digits.",
                               value=shown, digits=MAX_DIGITS))
    return normal


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parts(value: Decimal) -> tuple[str, int | None]:
    """(the plain text, None) when it is short; else (mantissa, power of ten)."""
    value = Decimal(value)
    if value.is_zero():
        return "0", None
    value = value.normalize()
    if -4 <= value.adjusted() < 9:
        return _plain(value), None
    exponent = value.adjusted()
    return _plain(value.scaleb(-exponent)), exponent


def format_quantity(value: Decimal | None) -> str:
    """For people: 650, 0.15, 1200000; 1×10¹⁸ and 1.5×10⁻⁹ beyond six zeros either way."""
    if value is None:
        return ""
    mantissa, exponent = _parts(value)
    if exponent is None:
        return mantissa
    power = "10" + str(exponent).translate(_TO_SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa}×{power}"


def quantity_text(value: Decimal | None) -> str:
    """For files that are read back (exports, the stored column): plain where short, else
    with an E exponent (1E+18, 1.5E-9), always parsed back to the same value."""
    if value is None:
        return ""
    mantissa, exponent = _parts(value)
    return mantissa if exponent is None else f"{mantissa}E{exponent:+d}"
