"""How text becomes index terms, the same way for a need and for a query.

Chinese is indexed as overlapping character bigrams (and single characters) of every run of
Chinese characters, not as jieba words. A query's Chinese word matches a need when the need has
every bigram of the word, so a word can never be lost inside a longer one: 燃料电池 is found in
质子交换膜燃料电池电堆 and 数控机床 in 高档数控机床, whatever a segmenter or a dictionary would
have made of the longer word. (With jieba words, the index had only the 2- and 3-character
pieces of a dictionary word, so every term of four or more characters inside a longer
dictionary word was lost: on the development half of the relevance suite, recall@10 of
the "subword" queries went from 0.74 to 1.00 with bigrams; see bench/README.md.)
Bigrams without positions are an approximation of "contains the word" (碳化 and 化硅 could
occur apart); the search verifies the exact word in the stored text of the best candidates
and ranks exact matches first.

English (and every Latin-script or digit token in either language) is lower-cased, British
spellings are mapped to American ones by rule (fibre → fiber, optimisation → optimization,
analyse → analyze, colour → color …), then Porter-stemmed (batteries → batteri). A hyphenated
word is indexed as its parts and joined (e-VTOL → e?, vtol, evtol; lithium-ion → lithium, ion,
lithiumion), so "eVTOL", "e-VTOL", "lithium ion" and "lithium-ion" all meet. Adjacent words
are also indexed as pairs ("machine vision" → machine_vision), which ranks exact phrases first.

Full-width letters and digits are folded to their ASCII forms (NFKC) first.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.lang.porter import stem as porter_stem

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_HAS_CJK = re.compile(f"[{CJK_CLASS}]")
# a Latin/digit word; "2.5d" and "v1.2" keep their dot, a hyphen joins words into a compound
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9][a-z0-9]*)*", re.IGNORECASE)
_COMPOUND = re.compile(r"[a-z0-9]+(?:\.[0-9][a-z0-9]*)*(?:-[a-z0-9]+(?:\.[0-9][a-z0-9]*)*)*",
                       re.IGNORECASE)
# a clause: shingles (word pairs) never cross punctuation or Chinese text
_CLAUSE = re.compile(rf"[^.,;:!?()\[\]{{}}\"'/\\|<>，。；：！？（）【】、《》“”‘’{CJK_CLASS}]+")

STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
    "its", "of", "on", "or", "that", "the", "this", "these", "those", "to", "with", "we",
    "our", "will", "should", "must", "shall", "has", "have", "than", "such", "which", "who",
    "was", "were", "been", "being", "not", "per", "via", "etc"))

# British → American, by rule (the taxonomy's synonym sets add irregular ones at query time)
_EXACT_VARIANTS = {
    "aluminium": "aluminum", "aluminiums": "aluminums", "tyre": "tire", "tyres": "tires",
    "grey": "gray", "programme": "program", "programmes": "programs", "ageing": "aging",
    "artefact": "artifact", "artefacts": "artifacts", "judgement": "judgment",
    "draught": "draft", "aeroplane": "airplane", "aeroplanes": "airplanes",
    "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "manoeuvrability": "maneuverability",
    "jewellery": "jewelry", "storey": "story", "storeys": "stories", "plough": "plow",
    "sceptical": "skeptical", "kerb": "curb", "cheque": "check", "practise": "practice",
    "licence": "license", "licences": "licenses", "defence": "defense", "offence": "offense",
    "pretence": "pretense", "catalogue": "catalog", "catalogues": "catalogs",
    "dialogue": "dialog", "analogue": "analog", "analogues": "analogs", "skilful": "skillful",
    "fulfil": "fulfill", "enrol": "enroll", "mould": "mold", "moulds": "molds",
    "moulded": "molded", "moulding": "molding", "mouldings": "moldings",
    "smoulder": "smolder",
}
_PREFIX_VARIANTS = (   # (British stem, American stem), applied at the start of a word
    ("sulph", "sulf"), ("haemo", "hemo"), ("haema", "hema"), ("haem", "hem"),
    ("anaesth", "anesth"), ("anaem", "anem"), ("paediat", "pediat"), ("orthopaed", "orthoped"),
    ("encyclopaed", "encycloped"), ("oestr", "estr"), ("oesoph", "esoph"), ("foet", "fet"),
    ("caesium", "cesium"), ("leukaem", "leukem"), ("ischaem", "ischem"), ("diarrhoe", "diarrhe"),
    ("oedem", "edem"), ("gynaec", "gynec"), ("faec", "fec"), ("coeliac", "celiac"),
    ("aetiolog", "etiolog"), ("palaeo", "paleo"), ("archaeo", "archeo"),
)
_OUR_STEMS = ("colour", "behaviour", "flavour", "favour", "honour", "humour", "labour",
              "neighbour", "odour", "rumour", "savour", "vapour", "vigour", "harbour", "armour",
              "tumour", "valour", "endeavour", "fervour", "rigour", "splendour", "parlour")
_TRE_STEMS = ("centre", "metre", "litre", "fibre", "theatre", "calibre", "spectre", "lustre",
              "sombre", "meagre", "sabre", "titre", "reconnoitre", "ochre")
# words in -ise that are not British spellings of -ize
_ISE_KEEP = frozenset((
    "precise", "concise", "exercise", "excise", "incise", "expertise", "advertise", "chastise",
    "mortise", "compromise", "promise", "premise", "demise", "surmise", "enterprise",
    "surprise", "comprise", "arise", "apprise", "sunrise", "uprise", "reprise", "advise",
    "devise", "revise", "supervise", "improvise", "televise", "despise", "paradise",
    "merchandise", "franchise", "enfranchise", "disenfranchise", "treatise", "otherwise",
    "likewise", "clockwise", "anticlockwise", "counterclockwise", "noise", "poise",
    "cruise", "bruise", "disguise", "raise", "praise", "turquoise", "tortoise", "porpoise",
    "rise", "wise", "vise", "guise", "anise", "valise", "reprise", "circumcise", "exorcise"))
_ISE = re.compile(r"^(.{2,}?)is(e|es|ed|ing|er|ers|ation|ations|ational|able)$")
_YSE = re.compile(r"^(.{2,}?)ys(e|es|ed|ing|er|ers)$")


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MANTISSA = r"(?<![\w.])(\d+(?:\.\d+)?)"
_TIMES = r"\s*[×xX*·]\s*"
_QUANTITY = re.compile(
    rf"{_MANTISSA}[eE]([-+−]?\d+)(?![\w.])"                        # 1e18, 1.5E-9
    rf"|{_MANTISSA}{_TIMES}10\s*\^\s*([-+−]?\d+)(?![\w.])"           # 1×10^18, 1.5x10^-9
    rf"|{_MANTISSA}{_TIMES}10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"                  # 1.5×10⁻⁹
    rf"|(?<![\w.])10\s*\^\s*([-+−]?\d+)(?![\w.])"                   # 10^18
    rf"|(?<![\w.])10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")                          # 10¹⁸ (as needs show it)


def _quantity_term(match: re.Match) -> str:
    groups = match.groups()
    mantissa = groups[0] or groups[2] or groups[4] or "1"
    exponent = next(g for g in (groups[1], groups[3], groups[5], groups[6], groups[7]) if g)
    exponent = exponent.translate(_SUPERSCRIPTS).replace("−", "-").lstrip("+")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    # one word whatever way it was written; "n" for a negative exponent (a hyphen would
    # split the word, and 1.5e9 is not 1.5e-9)
    return f" {mantissa}e{exponent.replace('-', 'n')} "


def quantity_terms(text: str) -> str:
    """Numbers in scientific notation as one word each, written any way (1e18, 1E+18,
    1×10^18, 10^18, 10¹⁸ all → 1e18; 1.5e-9, 1.5×10⁻⁹ → 1.5en9), so a query meets a need
    whose indicator shows 10¹⁸ (NFKC alone would make it 1018)."""
    return _QUANTITY.sub(_quantity_term, text) if text else ""


def fold(text: str) -> str:
    """Full-width forms to ASCII, compatibility characters to their plain form; lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def plain(text: str) -> str:
    """Full-width forms to ASCII, compatibility characters to their plain form (case kept,
    so that acronyms can be told from words: CAES is not CAE plus a plural s)."""
    return unicodedata.normalize("NFKC", text or "")


def _acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()


def term(word: str) -> str:
    """One Latin/digit word of a query (case as typed) as an index term: an acronym of two
    to six capitals stays as it is (CAES is not CAE plus a plural s); other words are
    normalized and stemmed (so "bms" typed in lower case is stemmed like any word)."""
    if _acronym(word):
        return word.lower()
    return normalize_word(word.lower())


def index_terms(word: str) -> list[str]:
    """One word of a need as index terms: an acronym both as written and stemmed (so both
    "CAES" and "caes" typed find it), other words stemmed."""
    stemmed = normalize_word(word.lower())
    if _acronym(word) and word.lower() != stemmed:
        return [word.lower(), stemmed] if stemmed else [word.lower()]
    return [stemmed] if stemmed else []


def has_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text or ""))


@lru_cache(maxsize=200_000)
def americanize(word: str) -> str:
    if word in _EXACT_VARIANTS:
        return _EXACT_VARIANTS[word]
    for british, american in _PREFIX_VARIANTS:
        if word.startswith(british):
            return american + word[len(british):]
    for stem in _OUR_STEMS:
        if word.startswith(stem):
            return stem[:-2] + "r" + word[len(stem):]
    for stem in _TRE_STEMS:
        at = word.find(stem[:-1])      # millimetre, fibreglass, centred → centered
        if at >= 0 and word[at + len(stem) - 1:at + len(stem)] in ("e", ""):
            rest = word[at + len(stem):]
            return word[:at] + stem[:-2] + "er" + ("e" + rest if rest[:1] == "d" else rest)
    match = _ISE.match(word)
    if match and match.group(1) + "ise" not in _ISE_KEEP and not match.group(1).endswith("w"):
        return f"{match.group(1)}iz{match.group(2)}"
    match = _YSE.match(word)
    if match and len(match.group(1)) >= 3:
        return f"{match.group(1)}yz{match.group(2)}"
    return word


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """One folded Latin/digit word as an index term ("" for a stop word or a single letter)."""
    if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return ""
    if not word.isalpha():       # "5g", "2.5d", "co2", "650v" stay as they are
        return word
    stemmed = porter_stem(americanize(word))
    if len(stemmed) > 4 and stemmed.endswith("ll"):     # fuelled / fueled
        stemmed = stemmed[:-1]
    return stemmed


def _compound_terms(compound: str) -> list[str]:
    """The terms of one hyphenated (or plain) word: its parts, and the parts joined."""
    parts = compound.split("-")
    terms = [t for p in parts for t in index_terms(p)]
    if len(parts) > 1:
        terms += index_terms("".join(parts))
    return terms


def _joined(parts: list[str]) -> bool:
    """Whether a hyphenated word is one word to a query (e-VTOL, X-ray, CAR-T, Wi-Fi: a part
    of one or two characters) rather than several (lithium-ion, solid-state)."""
    return len(parts) > 1 and any(len(p) <= 2 for p in parts)


def query_units(text: str) -> list[str]:
    """The Latin/digit terms a query requires, in order: like `words`, but a hyphenated word
    gives either its joined form or its parts (the index has both)."""
    out: list[str] = []
    for compound in _COMPOUND.findall(plain(quantity_terms(text))):
        parts = compound.split("-")
        if _joined(parts):
            joined = term("".join(parts))
            out += [joined] if joined else []
        else:
            out += [t for t in (term(p) for p in parts) if t]
    return out


def words(text: str) -> list[str]:
    """The Latin/digit terms of a text (folded, americanized, stemmed), hyphen-joined forms
    added; Chinese text is skipped (see grams)."""
    out: list[str] = []
    for compound in _COMPOUND.findall(plain(quantity_terms(text))):
        out += _compound_terms(compound)
    return out


def phrase_words(text: str) -> list[list[str]]:
    """The words of each clause, in order, stop words dropped (for shingles)."""
    clauses = []
    for clause in _CLAUSE.findall(plain(quantity_terms(text))):
        sequence = [term(w) for compound in _COMPOUND.findall(clause)
                    for w in compound.split("-")]
        sequence = [w for w in sequence if w]
        if len(sequence) > 1:
            clauses.append(sequence)
    return clauses


def shingles(text: str) -> list[str]:
    """Adjacent word pairs of every clause: "machine vision system" → machine_vision,
    vision_system (stemmed)."""
    return [f"{a}_{b}" for sequence in phrase_words(text) for a, b in zip(sequence, sequence[1:])]


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(fold(text))


def run_grams(run: str) -> list[str]:
    """Single characters and bigrams of one run of Chinese characters."""
    return [*run, *(run[i:i + 2] for i in range(len(run) - 1))]


def grams(text: str) -> list[str]:
    out: list[str] = []
    for run in cjk_runs(text):
        out += run_grams(run)
    return out


def required_grams(text: str) -> list[str]:
    """What a need must contain to contain `text` (Chinese): its bigrams, or the character
    itself for a one-character word."""
    needed: list[str] = []
    for run in cjk_runs(text):
        needed += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(needed))


def spelling_words(text: str) -> list[str]:
    """Unstemmed English words (three letters or more), for "Did you mean"."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 2 and w.isalpha()
            and w not in STOP_WORDS]


_UNIT = re.compile(rf"[{CJK_CLASS}]|{_COMPOUND.pattern}|[\W_]+", re.IGNORECASE)


def units(text: str) -> list[tuple[str, int, int, bool]]:
    """A query (or a lexicon term) as matching units, in order: (key, start, end, is_cjk).
    A Chinese character is a unit; a Latin word is one unit (or a hyphenated word its
    parts, see `query_units`); stop words give none. A unit with the key " " is a space
    (an English term may cross it, a Chinese one not); "" is punctuation (no term crosses)."""
    folded = plain(text)
    out: list[tuple[str, int, int, bool]] = []
    for match in _UNIT.finditer(folded):
        piece, start, end = match.group(), match.start(), match.end()
        if not piece[0].isalnum() and not _HAS_CJK.match(piece):
            out.append((" " if piece.isspace() else "", start, end, False))
        elif _HAS_CJK.match(piece):
            out.append((piece, start, end, True))
        else:
            for key in query_units(piece):
                out.append((key, start, end, False))
    return out


def in_language(locale: str, chinese: str | None, english: str | None) -> str:
    """A text kept in Chinese and English, in the reader's language, else the other one."""
    first, second = (english, chinese) if locale == "en" else (chinese, english)
    return first or second or ""
