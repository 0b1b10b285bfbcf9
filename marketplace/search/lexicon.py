"""How a query is read: the taxonomy's terms, synonyms and translations, then free words.

The query is split into matching units (Chinese characters, English words; analysis.units)
and scanned left to right for the longest term of the lexicon: every Chinese and English
term of the taxonomy (chain names, keyword pairs, synonym sets of a chain, and the search-only
synonym sets: spelling variants, abbreviations, a general technical glossary). A term found
becomes one group whose alternatives are the term as typed and every term that shares a pair
or a synonym set with it, and one step further (silicon carbide → 碳化硅 → SiC). Chinese
text between terms is split into words by jieba, each its own group; so is each other
English word. Generic words (技术, 研发, technology, development …) are optional when the
query has other words: they rank but do not exclude (an English-only need has no 技术).

"储能电池" also finds "储能锂电池": a Chinese word of three or more characters carries its
parts (储能 + 电池), found as a near match that ranks below the exact word.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from functools import cache, lru_cache

from marketplace.core import text as analysis
from .plan import DICTIONARY, FURTHER, SYNONYM, TYPED, Alternative, Group, Plan

MAX_GROUPS = 64            # groups of a query that are searched
MAX_ALTERNATIVES = 24      # alternatives of one group
MAX_TERM_UNITS = 24        # longest lexicon term, in units
CHAIN_NAME_SCORE = 0.5     # a need of the chain a query word names, without the word
CHAIN_TERM_SCORE = 0.3     # a need of the one chain whose keyword the query word is
MAX_DICTIONARY = 6         # translations taken from the general dictionary per word
GENERIC_ZH = frozenset((
    "技术", "研发", "开发", "研究", "研制", "系统", "方法", "应用", "关键", "关键技术", "产业化",
    "攻关", "工艺", "装置", "设备", "平台", "新型", "高性能", "国产化", "项目", "需求", "解决方案",
    "方案", "提升", "实现", "基于", "用于", "面向", "及其", "以及", "相关", "领域", "行业", "产品",
    "技术开发", "技术研发", "集成", "智能化", "高效", "先进", "新一代", "核心", "的", "和", "与",
    "及", "等", "在", "是", "对", "为", "或", "了"))
GENERIC_EN = frozenset(analysis.normalize_word(w) for w in (
    "technology", "technologies", "development", "develop", "research", "system", "systems",
    "method", "methods", "application", "applications", "key", "solution", "solutions",
    "based", "new", "novel", "advanced", "high", "performance", "project", "need",
    "improvement", "design", "process", "device", "devices", "equipment", "platform",
    "using", "use", "used", "integrated", "intelligent", "smart", "efficient", "low", "next",
    "generation", "core", "industrial", "industrialization", "localization"))


@cache
def segmenter():
    """jieba, quiet (it logs its dictionary loading to stderr, which commands print)."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=100_000)
def term_key(term: str) -> tuple[str, ...]:
    """A term as a tuple of units (breaks dropped): how it is matched against a query."""
    return tuple(key for key, _s, _e, _cjk in analysis.units(term) if key.strip())


class Lexicon:
    """The taxonomy's terms for reading queries. `sets`: groups of equivalent terms (a
    Chinese/English pair is a set of two); `chain_names`: (chain id, zh, en)."""

    def __init__(self, sets: list[list[str]], chain_names: list[tuple[str, str, str]] = (),
                 chain_terms: list[tuple[str, list[str]]] = (), dictionary=None):
        self.dictionary = dictionary          # the general dictionary (dictionary.py), if any
        self.members: list[list[str]] = []
        self.sets_of: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for terms in sets:
            unique = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
            keyed = [(term_key(t), t) for t in unique]
            keyed = [(k, t) for k, t in keyed if k]
            if not keyed:
                continue
            index = len(self.members)
            self.members.append([t for _k, t in keyed])
            for key, _t in keyed:
                if index not in self.sets_of[key]:
                    self.sets_of[key].append(index)
        self.chain_by_key: dict[tuple[str, ...], str] = {}
        for chain_id, name_zh, name_en in chain_names:
            for name in (name_zh, name_en, name_en.split("(")[0], name_zh.split("（")[0]):
                key = term_key(name)
                if key:
                    self.chain_by_key.setdefault(key, chain_id)
                    self.sets_of.setdefault(key, [])
        # a term of exactly one chain's keywords also finds that chain's needs (ranked below
        # the needs that have the words): 3D打印 finds a need about 激光选区熔化
        owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for chain_id, terms in chain_terms:
            for term in terms:
                key = term_key(term)
                if key:
                    owners[key].add(chain_id)
                    self.sets_of.setdefault(key, [])
        self.chain_of_term = {key: next(iter(chains)) for key, chains in owners.items()
                              if len(chains) == 1}
        # an acronym typed in lower case ("bms", "caes") is read like a word (stemmed):
        # it finds the term too
        for key in list(self.sets_of):
            lower = tuple(analysis.normalize_word(k) if k.isascii() and k.isalpha() else k
                          for k in key)
            if lower != key and all(lower) and lower not in self.sets_of:
                self.sets_of[lower] = self.sets_of[key]
                for table in (self.chain_by_key, self.chain_of_term):
                    if key in table:
                        table.setdefault(lower, table[key])
        self.longest = min(max((len(k) for k in self.sets_of), default=1), MAX_TERM_UNITS)

    # -- expansion ------------------------------------------------------------------------
    def equivalents(self, key: tuple[str, ...]) -> list[tuple[str, float]]:
        """(term, weight) of every term sharing a set with `key`, then one step further."""
        first = [t for i in self.sets_of.get(key, ()) for t in self.members[i]]
        seen = {key} | {term_key(t) for t in first}
        second = []
        for term in first:
            if _acronym(term):        # ADC: antibody-drug conjugate, or a converter? not
                continue              # a bridge to a second meaning
            for i in self.sets_of.get(term_key(term), ()):
                for other in self.members[i]:
                    other_key = term_key(other)
                    if other_key not in seen:
                        seen.add(other_key)
                        second.append(other)
        found = {}
        for term in first:
            found.setdefault(term_key(term), (term, SYNONYM))
        for term in second:
            found.setdefault(term_key(term), (term, FURTHER))
        found.pop(key, None)
        return list(found.values())

    # -- reading a query ------------------------------------------------------------------
    def plan(self, text: str, exclude: frozenset = frozenset(), parts: bool = True) -> Plan:
        """`exclude`: terms not to take (to split a term into the terms inside it)."""
        text = analysis.quantity_terms(text)     # 1E+18, 10^18 → 1e18, as the index has it
        units = analysis.units(text)
        plain = analysis.plain(text)
        surface = text if len(plain) == len(text) else plain
        boundaries = _word_boundaries(units, surface)
        groups: list[Group] = []
        free: list[tuple[str, int, int, bool]] = []
        i = 0
        while i < len(units):
            if not units[i][0].strip():
                following = units[i + 1] if i + 1 < len(units) else None
                if not (units[i][0] == " " and free and not free[-1][3] and following
                        and following[0].strip() and not following[3]):
                    groups += self._free(free, surface)    # (free English words run on
                    free = []                              # over spaces: phrases)
                i += 1
                continue
            size = self._longest_at(units, i, boundaries, exclude)
            if size:
                groups += self._free(free, surface)
                free = []
                piece = units[i:i + size]
                groups.append(self._term_group(surface[piece[0][1]:piece[-1][2]], tuple(
                    u[0] for u in piece if u[0].strip()), parts))
                i += size
            else:             # a Chinese word that is no term goes whole into the free text
                free.append(units[i])
                i += 1
                while i < len(units) and units[i][3] and units[i][1] not in boundaries:
                    free.append(units[i])
                    i += 1
        groups += self._free(free, surface)
        groups = [g for g in groups if g.alternatives][:MAX_GROUPS]
        if any(g.required for g in groups):
            return Plan(groups)
        for group in groups:              # only generic words: they are the query
            group.required = True
        return Plan(groups)

    def _longest_at(self, units, start: int, boundaries: set[int] = frozenset(),
                    exclude: frozenset = frozenset()) -> int:
        """How many units (spaces included) the longest term starting here takes; 0 if
        none. Chinese terms never cross a space, English ones cross spaces only, and a
        Chinese term ends where jieba ends a word (氧化 is not a term of 二氧化碳)."""
        keys: list[str] = []
        ends: list[int] = []
        j = start
        while j < len(units) and len(keys) < self.longest:
            key, _s, _e, cjk = units[j]
            if key == "":
                break
            if key == " ":
                after = units[j + 1] if j + 1 < len(units) else None
                if not keys or units[ends[-1]][3] or after is None or after[3] \
                        or not after[0].strip():
                    break
                j += 1
                continue
            keys.append(key)
            ends.append(j)
            j += 1
        for size in range(len(keys), 0, -1):
            if size == 1 and units[ends[0]][3]:
                continue       # one Chinese character is not a term (钢 stays a free word)
            last = units[ends[size - 1]]
            if last[3] and boundaries and last[2] not in boundaries:
                continue
            if tuple(keys[:size]) in self.sets_of and tuple(keys[:size]) not in exclude:
                return ends[size - 1] + 1 - start
        return 0

    def _term_group(self, typed: str, key: tuple[str, ...], parts: bool = True) -> Group:
        alternatives = [_alternative(typed, TYPED)]
        for term, weight in self.equivalents(key)[:MAX_ALTERNATIVES - 1]:
            alternatives.append(_alternative(term, weight))
        named = self.chain_by_key.get(key)
        owner = None if named else self.chain_of_term.get(key)
        inside = []
        if parts and len(key) > 1:    # Mini-LED backlight: also Mini LED + 背光, each with
            split = self.plan(typed, frozenset({key}), parts=False)   # its own translations
            inside = split.required if len(split.required) > 1 else []
        return Group(label=typed.strip(), alternatives=[a for a in alternatives if a],
                     required=not _generic(key), chain=named or owner,
                     chain_score=CHAIN_NAME_SCORE if named else CHAIN_TERM_SCORE,
                     parts=inside)

    def _free(self, units, surface: str) -> list[Group]:
        """Groups of text between lexicon terms: jieba words for Chinese, English words one
        by one (or a phrase the dictionary knows: "compressed air")."""
        groups = []
        chinese: list = []
        english: list[tuple[int, int]] = []
        for unit in units + [("", 0, 0, False)]:
            if unit[3]:
                groups += self._english_words(english, surface)
                english = []
                chinese.append(unit)
                continue
            if chinese:
                groups += self._chinese_words(surface[chinese[0][1]:chinese[-1][2]])
                chinese = []
            if unit[0] and (not english or english[-1] != (unit[1], unit[2])):
                english.append((unit[1], unit[2]))      # a hyphenated word: once
        return groups + self._english_words(english, surface)

    def _english_words(self, spans: list[tuple[int, int]], surface: str) -> list[Group]:
        groups, i = [], 0
        while i < len(spans):
            size = 1
            for length in range(min(4, len(spans) - i), 1, -1):
                phrase = surface[spans[i][0]:spans[i + length - 1][1]]
                if self._translations(phrase, english=True):
                    size = length
                    break
            text = surface[spans[i][0]:spans[i + size - 1][1]]
            # one Latin letter or digit alone ("1" of alert(1), "x") finds everything
            alt = _alternative(text, TYPED) if len(text.strip()) > 1 else None
            if alt is not None:
                more = [_alternative(t, DICTIONARY) for t in
                        self._translations(text, english=True)]
                groups.append(Group(label=text, alternatives=[alt, *filter(None, more)],
                                    required=not _generic(alt.words)))
            i += size
        return groups

    def _translations(self, text: str, english: bool) -> list[str]:
        """The general dictionary's translations of a word the lexicon does not know."""
        if self.dictionary is None:
            return []
        found = self.dictionary.chinese(text) if english else self.dictionary.english(text)
        return found[:MAX_DICTIONARY]

    def _chinese_words(self, text: str) -> list[Group]:
        """jieba's words; characters it leaves single one after another are one unknown
        word (铌酸锂, not 铌 + 酸 + 锂); a single character between words (制, 用) only
        ranks."""
        words: list[str] = []
        singles = False               # the last word is single characters run together
        for word in (w.strip() for w in segmenter().lcut(text, HMM=True)):
            if len(word) == 1 and words and singles:
                words[-1] += word
            elif word:
                words.append(word)
                singles = len(word) == 1
        groups = []
        for word in words:
            if word in GENERIC_ZH and len(word) == 1:
                continue
            alt = _alternative(word, TYPED)
            if alt is not None:
                more = [_alternative(t, DICTIONARY) for t in
                        (self._translations(word, english=False) if len(word) > 1 else [])]
                groups.append(Group(label=word, alternatives=[alt, *filter(None, more)],
                                    required=word not in GENERIC_ZH
                                    and (len(word) > 1 or len(words) == 1)))
        return groups


def _acronym(term: str) -> bool:
    """A short all-letters abbreviation (ADC, SEM, PET): often several things at once."""
    compact = term.replace("-", "")
    return compact.isascii() and compact.isalnum() and len(compact) <= 5 and \
        sum(c.isupper() for c in compact) >= 2


def _word_boundaries(units, surface: str) -> set[int]:
    """Positions where jieba starts or ends a word, in every run of Chinese characters."""
    boundaries: set[int] = set()
    run: list = []
    for unit in units + [("", 0, 0, False)]:
        if unit[3] and (not run or run[-1][2] == unit[1]):
            run.append(unit)
            continue
        if run:
            position = run[0][1]
            boundaries.add(position)
            for word in segmenter().lcut(surface[run[0][1]:run[-1][2]], HMM=True):
                position += len(word)
                boundaries.add(position)
        run = [unit] if unit[3] else []
    return boundaries


def _generic(key: tuple[str, ...]) -> bool:
    joined = "".join(key)
    return bool(key) and (joined in GENERIC_ZH or all(k in GENERIC_EN for k in key))


def near_parts(word: str) -> list[str]:
    """A Chinese word of three or more characters as its parts (储能电池 → 储能, 电池;
    铝合金 → 铝, 合金), for a near match; [] for a shorter or mixed word."""
    if len(word) < 3 or not all(analysis.CJK_RUN.fullmatch(c) for c in word):
        return []
    jieba = segmenter()
    pieces = jieba.lcut(word, HMM=False)
    shortest = 1 if len(word) == 3 else 2     # 铝合金 → 铝 + 合金; 二氧化碳 is not 二氧化 + 碳
    if len(pieces) > 1 and all(len(p) >= shortest for p in pieces):
        return pieces
    best, best_score = [], 0
    frequencies = jieba.dt.FREQ
    for cut in range(shortest, len(word) - shortest + 1):
        left, right = word[:cut], word[cut:]
        score = min(frequencies.get(left, 0) if len(left) > 1 else 1,
                    frequencies.get(right, 0) if len(right) > 1 else 1)
        if score > best_score:
            best, best_score = [left, right], score
    return best


def _alternative(term: str, weight: float) -> Alternative | None:
    term = term.strip()
    return Alternative.of(term, weight, near_parts(term))
