"""The languages search knows: how each splits, folds, stems and expands words.

An index is written for one language, recorded in its ``meta.json``; the
engine reads it from there, so the query side always analyses as the index
did. English stays exactly as it always was (Porter, the English shopping
vocabulary, hybrid search); German has its own analysis (:mod:`.german`) and
vocabulary (:mod:`.vocabulary_de`). Semantic (hybrid) search only applies
where its model was trained: English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import analysis, german, vocabulary, vocabulary_de

DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str  # BCP-47 primary tag
    words: Callable[[str], list[str]]  # lowercased words in order, stop words included
    stem: Callable[[str], str]  # a word of ``words`` -> its index term
    is_stop: Callable[[str], bool]
    index_analyzer: Callable[[], object]
    spelling_analyzer: Callable[[], object]
    synonyms: tuple[tuple[str, ...], ...]  # the built-in vocabulary
    spelling_forms: Callable[[str], tuple[str, ...]]  # spellings a correction is looked up for
    semantic: bool  # whether the semantic model understands it (page vectors are written)
    decompound: bool = False  # query words also find the compounds they end ("Etikett" -> "Rücksendeetikett")
    capitals: bool = False  # a corrected word keeps its capital ("Erstatung" -> "Erstattung": German nouns)


ENGLISH = Language(
    "en",
    analysis.words,
    analysis.stem,
    analysis.is_stop,
    analysis.index_analyzer,
    analysis.spelling_analyzer,
    vocabulary.BUILTIN_SYNONYMS,
    lambda word: (word,),
    semantic=True,
)

GERMAN = Language(
    "de",
    german.words,
    german.stem,
    german.is_stop,
    german.index_analyzer,
    german.spelling_analyzer,
    vocabulary_de.BUILTIN_SYNONYMS,
    german.spelling_forms,
    semantic=False,
    decompound=True,
    capitals=True,
)

LANGUAGES = {lang.code: lang for lang in (ENGLISH, GERMAN)}


class UnsupportedLanguage(ValueError):
    """A language search has no analysis for."""


def get(code: str | None) -> Language:
    """The language of ``code`` ("de", "de-DE", "DE"); None: English."""
    key = (code or DEFAULT).split("-")[0].split("_")[0].lower()
    try:
        return LANGUAGES[key]
    except KeyError:
        supported = ", ".join(sorted(LANGUAGES))
        raise UnsupportedLanguage(f"search has no analysis for language '{code}' (supported: {supported})") from None
