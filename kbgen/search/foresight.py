"""FAQ answers analysed and embedded before their page is rendered: guesses, used only when right.

MkDocs renders the pages kbgen generates after the writers' own, so the category pages,
which hold nearly every FAQ entry, come last; their documents reached the index's
background process only then, and most of its work was left after the last page. So
the build hands it, at the start, each FAQ entry's document without its text and the
entry's Markdown; while MkDocs renders the articles, the background process renders each
answer on its own (Python-Markdown with the site's extensions, one instance ``reset()``
between answers), reads it as :func:`.text.extract` reads the category page, and analyses
and embeds the document that makes.

A guess is a memo keyed by the exact text: the index still takes each document from the
page MkDocs rendered, and only a field value or vector text equal to a guessed one takes
the guess's analysis or vector row, once (:meth:`Guesses.wrap`, :meth:`Guesses.embed`).
Both depend on the text alone, so a right guess gives the same bytes and a wrong one (an
extension that needs its configuration, a glossary tooltip, a footnote) only costs the
time spent on it. Guesses wait while real documents are waiting (``background.py``).
"""

from __future__ import annotations

import functools
import marshal
from collections.abc import Callable, Sequence

from .text import extract

# The accordion around an answer, as kbgen.pages.faq writes it (its widgets are left out of
# the text anyway): extract() reads the answer as the category page's.
_ENTRY = (
    '<details class="kb-faq__item" id="answer" data-kb-faq>'
    '<summary class="kb-faq__question"></summary><div class="kb-faq__answer">\n{}\n</div></details>'
)
# Fields whose values hold the answer's text (the others are known before the page is rendered).
GUESSED_FIELDS = ("body", "spell")


def answer_texts(answers: Sequence[str], extensions: Sequence[str]) -> list[str | None]:
    """Each answer's text as its category page will show it, if the guess is right; None
    where Python-Markdown could not render it here."""
    md = _markdown(tuple(extensions))
    if md is None:
        return [None] * len(answers)
    found: list[str | None] = []
    for answer in answers:
        md.reset()
        try:
            html = md.convert(answer.strip())
        except Exception:
            found.append(None)
            continue
        found.append(extract(_ENTRY.format(html)).faq_answers.get("answer", ""))
    return found


@functools.lru_cache(maxsize=4)
def _markdown(extensions: tuple[str, ...]):
    """One Python-Markdown instance for all answers (``reset()`` between them)."""
    import markdown

    try:
        return markdown.Markdown(extensions=list(extensions))
    except Exception:  # an extension that needs its configuration: no guesses
        return None


class Guesses:
    """Analysis and vector rows of guessed documents, each taken at most once by an equal text."""

    def __init__(self) -> None:
        self._analysis: dict[tuple[str, str], bytes] = {}  # (field, value) -> marshalled items
        self._rows: dict[str, object] = {}  # vector text -> its float32 row
        self._indexers: dict[str, Callable] = {}
        self.taken = 0  # answer texts whose guessed analysis was taken (right guesses)

    def wrap(self, field: str, indexer: Callable) -> Callable:
        """``indexer`` (a field's analysis) taking a guessed value's items when there are some."""
        self._indexers[field] = indexer
        guessed = self._analysis

        def index_field(value: str, **kwargs):
            packed = guessed.pop((field, value), None)
            if packed is not None and field == GUESSED_FIELDS[0]:
                self.taken += 1
            # fresh objects, as the indexer makes them (the writer pickles postings blocks)
            return marshal.loads(packed) if packed is not None else indexer(value, **kwargs)

        return index_field

    def analyse(self, values: dict) -> None:
        """Analyse the guessed fields of one document's index ``values`` now."""
        for field in GUESSED_FIELDS:
            indexer = self._indexers.get(field)
            if indexer is not None and (field, values[field]) not in self._analysis:
                self._analysis[(field, values[field])] = marshal.dumps(indexer(values[field]))

    def add_rows(self, texts: Sequence[str], rows) -> None:
        for text, row in zip(texts, rows, strict=True):
            self._rows[text] = row

    def embed(self, texts: Sequence[str], embed: Callable):
        """``embed(texts)`` (unit rows, one per text), with guessed texts' rows taken from here."""
        import numpy as np

        taken = [self._rows.pop(text, None) for text in texts]
        missing = [text for text, row in zip(texts, taken, strict=True) if row is None]
        if len(missing) == len(texts):
            return embed(list(texts))
        computed = iter(embed(missing)) if missing else iter(())
        return np.stack([row if row is not None else next(computed) for row in taken]).astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self._analysis) + len(self._rows)
