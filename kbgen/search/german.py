"""German text analysis: the words, stems and stop words of a German help center.

Shoppers type "Rueckgabe", "Ruckgabe" or "Rückgabe", "Strasse" or "Straße":
all must meet. A word is lowercased, its umlauts folded (ä -> a, ö -> o,
ü -> u, ß -> ss) and the ASCII spellings of umlauts too (ae -> a, oe -> o, and
ue -> u except after a vowel or q, so "Steuer", "neue" and "Quelle" keep theirs:
the rule of Lucene's GermanNormalizationFilter), then stemmed by the Snowball
German stemmer Whoosh ships. Words keep their umlauts until stemming, so the
spelling corrector suggests real German words ("Rückgabe", not "ruckgabe").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang.snowball.german import GermanStemmer
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from .analysis import WORD, _StopFilter

_UMLAUTS = "äöüÄÖÜßẞ"
# Whoosh's accent folding, but umlauts and ß stay (they are folded when stemming).
CHARMAP = {code: value for code, value in accent_map.items() if chr(code) not in _UMLAUTS}
_FOLD_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_VOWELS = frozenset("aeiouy")
_STEMMER = GermanStemmer()

# Snowball's German stop words plus the question and filler words shoppers type
# ("wie kann ich ...", "hab mal ne frage"), in both spellings of their umlauts.
_FILLERS = """
bitte danke hallo hi moin servus mal ne nen nem ner hab habs gibt gibts geht kriege krieg bekomme
kriegt warum wieso weshalb wann welche welcher welches wo woher wohin was wer wen wem wessen
muss müssen musst darf dürfen soll sollen kann können könnt möchte möchten würde würden
eigentlich einfach schon eben halt gerade denn dass daß ja eh etwa eurer euer eure euch ihr
""".split()
# Stop words that carry meaning in a shopping help center ("nicht angekommen", "kein Geld", "Paket weg").
KEEP_WORDS = frozenset({"nicht", "kein", "keine", "keinen", "keiner", "keinem", "ohne", "weg", "zurück", "nichts"})


def _ascii_spellings(word: str) -> set[str]:
    return {word, word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")}


STOP_WORDS = frozenset(
    spelling for word in (*stoplists["de"], *_FILLERS) if word not in KEEP_WORDS for spelling in _ascii_spellings(word)
)


def fold(text: str) -> str:
    """Lowercase without accents, but with its umlauts and ß ("Café Größe" -> "cafe größe")."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFC", text)
    return text.translate(CHARMAP).lower()


def words(text: str) -> list[str]:
    """Lowercased words in order, umlauts kept, stop words included."""
    return WORD.findall(fold(text))


def normalize(word: str) -> str:
    """``word`` (lowercase) with umlauts and their ASCII spellings folded: "rückgabe", "rueckgabe" -> "ruckgabe"."""
    word = word.translate(_FOLD_UMLAUTS)
    if "e" not in word:
        return word
    out: list[str] = []
    for char in word:
        if char == "e" and out:
            before = out[-1]
            if before in "ao" or (before == "u" and (len(out) < 2 or (out[-2] not in _VOWELS and out[-2] != "q"))):
                continue  # "ae", "oe", "ue" written for ä, ö, ü
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The index term of a lowercased word: folded, then Snowball-stemmed."""
    return _STEMMER.stem(normalize(word))


def is_stop(word: str) -> bool:
    return word in STOP_WORDS


def spelling_forms(word: str) -> tuple[str, ...]:
    """Spellings to look up for a correction: as typed, and with "ue", "ae", "oe" as umlauts
    ("rueckgabr" is one letter from "rückgabe" that way, three letters otherwise)."""
    umlauts = re.sub(r"(?<![aeiouyq])ue", "ü", word).replace("ae", "ä").replace("oe", "ö")
    return (word, umlauts) if umlauts != word else (word,)


def index_analyzer():
    """Analyzer for the searchable text fields (the same items as English, so the fast indexer applies)."""
    return (
        RegexTokenizer(WORD.pattern)
        | CharsetFilter(CHARMAP)
        | LowercaseFilter()
        | _StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(stemfn=stem, cachesize=100_000)
    )


def spelling_analyzer():
    """Unstemmed words (3+ letters, no digits), umlauts kept, that corrections may suggest."""
    return (
        RegexTokenizer(r"[^\W\d_]{3,}")
        | CharsetFilter(CHARMAP)
        | LowercaseFilter()
        | _StopFilter(stoplist=STOP_WORDS, minsize=3)
    )
