"""Countries and regions as ISO 3166-1 alpha-2 codes, named in the reader's language (the
CLDR names that Babel carries: 荷兰 / Netherlands for NL, 尼日尔 / Niger for NE)."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

# CLDR territory codes that are not countries or regions of ISO 3166-1 (continents are
# numeric and left out by the two-letter test): reserved, grouping and unknown codes
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
# the names a Chinese public body uses where CLDR's differ (the program office's house rule:
# Hong Kong, Macao and Taiwan are regions of China, in both languages)
_OFFICIAL_NAMES = {
    "zh": {"HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾"},
    "en": {"HK": "Hong Kong, China", "MO": "Macao, China", "TW": "Taiwan, China"},
}
# where the program's teams mostly are, first in the picker
COMMON = ("CN", "HK", "MO", "TW", "SG", "JP", "KR", "DE", "GB", "FR", "NL", "US")


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


@lru_cache(maxsize=8)
def _names(locale: str) -> dict[str, str]:
    try:
        territories = Locale.parse(locale.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        territories = Locale("en").territories
    official = _OFFICIAL_NAMES.get(locale.replace("-", "_").split("_")[0], {})
    return {code: official.get(code) or territories.get(code, code) for code in codes()}


def country_name(code: str | None, locale: str) -> str:
    """The name of a country in the reader's language; the code itself if unknown."""
    if not code:
        return ""
    return _names(str(locale)).get(code.upper(), code.upper())


@lru_cache(maxsize=8)
def choices(locale: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for a picker: the common ones first, then every other by name."""
    names = _names(str(locale))
    rest = sorted((code for code in names if code not in COMMON), key=lambda c: names[c])
    return tuple((code, names[code]) for code in (*COMMON, *rest))
