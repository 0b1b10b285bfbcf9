"""Classify a need's text into the taxonomy's chains, by weighted keyword evidence.

Pure Python over a snapshot of the taxonomy (no database access), so the CLI, the write path
and the benchmark share it. One compiled regular expression finds every keyword in one pass,
longest match first (碳化硅衬底 wins over 碳化硅), English terms on word boundaries with an
optional plural. Each distinct term adds weight × (1 + log count); a term shared by several
chains weighs less (inverse chain frequency); a term in the title counts three times.

Beside the terms, a naive Bayes likelihood learnt from labelled needs (`Examples`): the
default taxonomy ships about 1,300 needs written by outside writers for development
(taxonomy/data/examples-1030.jsonl; the held-out evaluation half is never among them). It
carries the words practitioners use around the terms (整机商, 叶片, "tier 2", "cabin") that no
keyword list anticipates. Measured leaving one development set out at a time: top-1 on the
two sets written last went from 0.908 to 0.958 and from 0.904 to 0.925; over all six sets
from 0.947 to 0.960 (the held-out half moved from 0.947 to 0.941, within its noise: one
need in 188). The examples count only where a term of some chain was found: on text with no
term of any chain they are overconfident (会议室桌椅采购 would become a chip need), so such
text gets no guess. Examples of chains the active taxonomy does not have are ignored, so an
imported official list keeps working on its keywords alone.
"""
from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from marketplace.core import text as analysis

TITLE_WEIGHT = 3.0
NAME_WEIGHT = 2.0      # the chain's own name is strong evidence
MIN_SCORE = 0.01       # chains below this share of the evidence are not listed
PROFILE_WEIGHT = 0.5   # the likeness of the text to each chain's vocabulary, beside the terms
EXAMPLE_WEIGHT = 0.3   # the likelihood learnt from labelled needs, beside both
EXAMPLE_ALPHA = 0.1    # its additive smoothing
EXAMPLE_CAP = 3        # a feature counts at most this often in one need


@dataclass
class ChainTerms:
    id: str
    cluster_id: str
    name_zh: str
    name_en: str
    terms_zh: list[str] = field(default_factory=list)
    terms_en: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    synonyms: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    chain_id: str
    score: float
    matched: tuple[str, ...] = ()


_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?[a-z0-9]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_STOP = {"and", "or", "of", "for", "the", "a", "an", "in", "on", "to", "with", "by", "based",
         "system", "systems", "high", "low", "new", "technology", "technologies", "device",
         "devices", "material", "materials", "process", "equipment", "development"}
MAX_WORDS = 6
PART_WEIGHT = 0.25     # a word of a multi-word English term, seen alone


def _stem(word: str) -> str:
    """A light English stemmer: plurals and British spellings, enough for keyword matching."""
    if word.endswith("centre"):
        word = word[:-2] + "er"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower())]


def _key(term: str) -> tuple[bool, str]:
    """(is_chinese, lookup key): Chinese terms match as substrings, English ones as words."""
    term = " ".join(term.lower().split())
    if _CJK.search(term):
        return True, term
    return False, " ".join(english_words(term))


def features(title: str, description: str) -> Counter:
    """Chinese bigrams and English words of a need, the title counted three times."""
    bag: Counter = Counter()
    for text, factor in ((title, TITLE_WEIGHT), (description, 1.0)):
        for term in analysis.grams(text) + analysis.words(text):
            if len(term) > 1:
                bag[term] += factor
    return bag


@dataclass(frozen=True)
class Example:
    chain_id: str
    title: str
    description: str


EXAMPLES_FILE = Path(__file__).parent / "data" / "examples-1030.jsonl"


@functools.cache
def default_examples() -> tuple[Example, ...]:
    """The labelled needs shipped with the default taxonomy (written by bench/examples.py)."""
    if not EXAMPLES_FILE.exists():
        return ()
    rows = (json.loads(line) for line in EXAMPLES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip())
    return tuple(Example(r["chain"], r["title"], r["description"]) for r in rows)


class Examples:
    """Multinomial naive Bayes over labelled needs and each chain's own vocabulary, kept
    sparse: each feature lists only the chains that saw it, so a need costs one pass over
    its features."""

    def __init__(self, vocabulary: dict[str, Counter], examples):
        counts = {chain_id: Counter(bag) for chain_id, bag in vocabulary.items()}
        for example in examples:
            for term, n in features(example.title, example.description).items():
                counts[example.chain_id][term] += min(n, EXAMPLE_CAP)
        size = len(set().union(*counts.values())) if counts else 0
        self.base = {chain_id: math.log(EXAMPLE_ALPHA / (sum(bag.values()) + EXAMPLE_ALPHA * size))
                     for chain_id, bag in counts.items()}
        self.seen: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for chain_id, bag in counts.items():
            for term, n in bag.items():
                self.seen[term].append((chain_id, math.log(1 + n / EXAMPLE_ALPHA)))

    def posterior(self, bag: Counter) -> dict[str, float]:
        known = {term: min(n, EXAMPLE_CAP) for term, n in bag.items() if term in self.seen}
        if not known:
            return {}
        total = sum(known.values())
        log_p = {chain_id: total * base for chain_id, base in self.base.items()}
        for term, n in known.items():
            for chain_id, gain in self.seen[term]:
                log_p[chain_id] += n * gain
        top = max(log_p.values())
        odds = {chain_id: math.exp(value - top) for chain_id, value in log_p.items()}
        norm = sum(odds.values())
        return {chain_id: value / norm for chain_id, value in odds.items()}


class Classifier:
    def __init__(self, chains: list[ChainTerms], examples=None):
        self.chains = chains
        weights: dict[tuple[bool, str], dict[str, float]] = defaultdict(dict)
        for chain in chains:
            terms = [*chain.terms_zh, *chain.terms_en, *(t for pair in chain.pairs for t in pair),
                     *(t for terms in chain.synonyms for t in terms)]
            for term in terms:
                key = _key(term)
                weights[key][chain.id] = max(weights[key].get(chain.id, 0.0), 1.0)
                if not key[0] and " " in key[1]:
                    for word in key[1].split():
                        if word not in _STOP and len(word) > 2:
                            part = (False, word)
                            weights[part][chain.id] = max(weights[part].get(chain.id, 0.0),
                                                          PART_WEIGHT)
            for name in (chain.name_zh, chain.name_en):
                weights[_key(name)][chain.id] = NAME_WEIGHT
        total = max(len(chains), 1)
        # an English key of one letter ("M²" read as "m") would match every "50 m³" and "m"
        self.weights = {
            key: {chain_id: w * math.log(1 + total / len(owners)) * self._length_factor(key)
                  for chain_id, w in owners.items()}
            for key, owners in weights.items() if len(key[1]) > 1 or key[0]}
        vocabulary = self._profiles(chains)
        known = [example for example in examples or () if example.chain_id in vocabulary]
        self.examples = Examples(vocabulary, known) if known else None
        self.zh_terms = {key[1] for key in self.weights if key[0]}
        self.zh_max = max((len(t) for t in self.zh_terms), default=0)
        starts: dict[str, set[int]] = defaultdict(set)
        for term in self.zh_terms:
            starts[term[:2]].add(len(term))
        self.zh_sizes = {start: sorted(sizes, reverse=True) for start, sizes in starts.items()}
        self.en_terms = {key[1] for key in self.weights if not key[0]}

    def _profiles(self, chains: list[ChainTerms]) -> dict[str, Counter]:
        """Each chain's vocabulary as a vector of Chinese bigrams and English words (tf-idf
        over the chains): a need that shares pieces of a chain's terms without any whole
        term (驱动电机 for 电机控制器, "hairpin stator") still leans towards it."""
        counts = {}
        for chain in chains:
            bag: Counter = Counter()
            for term in [chain.name_zh, chain.name_en, *chain.terms_zh, *chain.terms_en,
                         *(t for pair in chain.pairs for t in pair),
                         *(t for terms in chain.synonyms for t in terms)]:
                bag.update(analysis.required_grams(term))
                bag.update(analysis.words(term))
            counts[chain.id] = bag
        frequency: Counter = Counter()
        for bag in counts.values():
            frequency.update(bag.keys())
        total = max(len(chains), 1)
        self.idf = {term: math.log(1 + total / n) for term, n in frequency.items()}
        self.profile_terms: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for chain_id, bag in counts.items():
            vector = {t: (1 + math.log(n)) * self.idf[t] for t, n in bag.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for term, value in vector.items():
                self.profile_terms[term].append((chain_id, value / norm))
        return counts

    def likeness(self, bag: Counter) -> dict[str, float]:
        """Cosine of the text's features with each chain's vocabulary."""
        bag = Counter({term: n for term, n in bag.items() if term in self.idf})
        vector = {t: (1 + math.log(n)) * self.idf[t] for t, n in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        likeness: dict[str, float] = defaultdict(float)
        for term, value in vector.items():
            for chain_id, weight in self.profile_terms[term]:
                likeness[chain_id] += value * weight / norm
        return likeness

    @staticmethod
    def _length_factor(key: tuple[bool, str]) -> float:
        # Longer, more specific terms are stronger evidence; 2-char Chinese words and short
        # acronyms (SiC, GaN, MES) still count fully, single characters barely.
        is_zh, term = key
        size = len(term) if is_zh else 2 + 1.5 * term.count(" ")
        return min(1.0 + math.log(max(size, 1.0) / 2.0 + 1.0), 2.2) if size >= 2 else 0.3

    def find_terms(self, text: str) -> dict[tuple[bool, str], int]:
        """Every keyword in the text, longest match first, without overlaps."""
        counts: dict[tuple[bool, str], int] = defaultdict(int)
        text = (text or "").lower()
        terms, sizes_by_start, i = self.zh_terms, self.zh_sizes, 0
        while i < len(text):
            sizes = sizes_by_start.get(text[i:i + 2])
            if not sizes or not (_CJK.match(text, i) or _CJK.match(text, i + 1)):
                i += 1
                continue
            for size in sizes:             # the lengths of the terms starting so, longest first
                if text[i:i + size] in terms:
                    counts[(True, text[i:i + size])] += 1
                    i += size
                    break
            else:
                i += 1
        words, j = english_words(text), 0
        while j < len(words):
            for size in range(min(MAX_WORDS, len(words) - j), 0, -1):
                candidate = " ".join(words[j:j + size])
                if candidate in self.en_terms:
                    counts[(False, candidate)] += 1
                    j += size
                    break
            else:
                j += 1
        return counts

    def classify(self, title: str, description: str = "", limit: int | None = None
                 ) -> list[Suggestion]:
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, set[str]] = defaultdict(set)
        for text, factor in ((title, TITLE_WEIGHT), (description, 1.0)):
            for key, count in self.find_terms(text).items():
                for chain_id, weight in self.weights[key].items():
                    scores[chain_id] += factor * weight * (1.0 + math.log(count))
                    matched[chain_id].add(key[1])
        total = sum(scores.values())
        if not total:      # no term of any chain: no guess (the examples are overconfident
            return []      # on text about nothing: 会议室桌椅采购 is no chip need)
        bag = features(title, description)
        likeness = self.likeness(bag)
        alike = sum(likeness.values())
        if alike:
            scores = {chain_id: score / total + PROFILE_WEIGHT * likeness.get(chain_id, 0.0)
                      / alike for chain_id, score in scores.items()}
            total = sum(scores.values())
        learnt = self.examples.posterior(bag) if self.examples else {}
        if learnt:
            scores = {chain_id: scores.get(chain_id, 0.0) / total
                      + EXAMPLE_WEIGHT * learnt[chain_id] for chain_id in learnt}
            total = sum(scores.values())
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        result = [Suggestion(chain_id, round(score / total, 4), tuple(sorted(matched[chain_id])))
                  for chain_id, score in ranked if score / total >= MIN_SCORE]
        return result[:limit] if limit else result
