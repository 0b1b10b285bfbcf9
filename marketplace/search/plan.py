"""What a search asks and what it answers, independent of the engine behind it.

A query is read (lexicon.py) into groups: every required group must be found in a need, and
a group is found when any one of its alternatives is (the words as typed, their synonyms and
translations). An alternative is found when the need has all its terms (see analysis.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.core import text as analysis

# weight of an alternative by how it was reached: as typed, a synonym or translation of
# the taxonomy, one step further, the general dictionary
TYPED, SYNONYM, FURTHER, DICTIONARY = 1.0, 0.9, 0.8, 0.7


@dataclass(frozen=True)
class Alternative:
    text: str                             # as written (highlighting, exact checks)
    weight: float = TYPED
    grams: tuple[str, ...] = ()           # Chinese bigrams that must all be there
    words: tuple[str, ...] = ()           # English terms that must all be there
    shingles: tuple[str, ...] = ()        # word pairs of an exact phrase (a bonus)
    near: tuple[str, ...] = ()            # parts of a Chinese word: a looser match

    @classmethod
    def of(cls, text: str, weight: float = TYPED, near_parts: list[str] | None = None
           ) -> Alternative | None:
        grams = tuple(analysis.required_grams(text))
        words = tuple(dict.fromkeys(analysis.query_units(text)))
        if not grams and not words:
            return None
        near = tuple(p for p in near_parts or () if analysis.required_grams(p))
        return cls(text=text, weight=weight, grams=grams, words=words,
                   shingles=tuple(dict.fromkeys(analysis.shingles(text))),
                   near=near if len(near) > 1 else ())

    @property
    def terms(self) -> tuple[str, ...]:
        return self.grams + self.words


@dataclass
class Group:
    label: str                            # the query's words this group stands for
    alternatives: list[Alternative]
    required: bool = True
    chain: str | None = None              # the group names this chain: its needs match too
    chain_score: float = 0.5              # what a need of that chain without the words scores
    parts: list[Group] = field(default_factory=list)   # the terms inside a term: all of them
                                          # found (each in any language) is a related match


@dataclass
class Plan:
    groups: list[Group]
    mode: str = "all"                     # "all": every required group; "any": one is enough

    @property
    def required(self) -> list[Group]:
        return [g for g in self.groups if g.required]

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass
class Hit:
    id: str
    ref: str | None
    title: str
    score: float           # relevance; 0.0 when the results are sorted by a field
    snippet: str = ""
    matched: list[str] = field(default_factory=list)   # labels of the groups found
    title_zh: str = ""
    title_en: str = ""
    partial: bool = False  # has only some of the query's words
    chain: str = ""        # the need's chain (confirmed, else best suggested)


@dataclass
class Results:
    total: int             # needs that have every word (or, relaxed, some of them)
    hits: list[Hit]
    page: int
    pages: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False       # no need had every word; these have some of them
    unsearchable: bool = False  # the query has no word that can be searched for ("!!!")
    partial_total: int = 0      # after the `total` needs with every word: needs with some
    missing: list[str] = field(default_factory=list)   # query words found in no need
