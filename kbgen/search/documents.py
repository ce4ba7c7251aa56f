"""What the index holds: one document per search entry the page kinds declared.

Every page kind says what its pages add to search (``kbgen.pages.kinds``), as neutral
``kbgen.searchable.SearchEntry`` records built from the content model and the rendered
text (an article, each FAQ entry at its anchor on its category's page, a notice, a
flow). Here they become the flat documents the writer indexes: an address instead of
a source, text fields joined, times in epoch seconds. Plain data: no Whoosh here.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields

from ..searchable import SearchEntry


@dataclass(frozen=True)
class SearchDocument:
    id: str  # the source path (a FAQ entry's own file, a flow's YAML file)
    url: str  # absolute path on the site, e.g. /returns/#how-long-do-refunds-take
    type: str  # article | faq | notice | flow
    title: str  # the article's title or the entry's question
    summary: str
    headings: str
    tags: str
    body: str
    category: str
    category_title: str
    audience: str
    promoted: bool
    starts: float = 0.0  # notices: when they are shown (epoch seconds)
    ends: float = 0.0  # 0: no end
    severity: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# A document's fields, in the order :func:`encoded` writes them.
FIELDS = tuple(field.name for field in fields(SearchDocument))


def encoded(doc: SearchDocument) -> bytes:
    """``doc``'s fields as bytes: what the keys and digests of documents hash. marshal's version
    2, each value after its type and length: unambiguous, the same bytes for the same values in
    any process (unlike later versions, it never refers back to an object it wrote), and in a
    third of the time of the fields encoded one by one in Python (a FAQ-heavy build hashes every
    document in both of its processes)."""
    return marshal.dumps(tuple(vars(doc).values()), 2)


DIGEST = 32  # bytes of a document's digest (:func:`digest`)


def digest(doc: SearchDocument) -> bytes:
    """``doc``'s SHA-256 of its :func:`encoded` fields: what shard names, ``meta.json``'s content
    hash and the build cache's keys of documents are made from."""
    return hashlib.sha256(encoded(doc)).digest()


class Documents(Sequence):
    """The index's documents, page by page, each page's made the first time one of them is read.

    ``pages``: in index order, each page's number of documents (known before its text:
    ``kbgen.pages.kinds.search_plan``) and how to make them. A build with the cache that knows
    the digests of unchanged pages' documents hands this to ``Indexing.finish``, which reads
    only the documents it sends (those of the changed pages, most of the time)."""

    def __init__(self, pages: list[tuple[int, Callable[[], list[SearchDocument]]]]):
        self._firsts: list[int] = []
        self._pages = pages
        self._made: dict[int, list[SearchDocument]] = {}
        count = 0
        for n, _ in pages:
            self._firsts.append(count)
            count += n
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(self._count))]
        if position < 0:
            position += self._count
        if not 0 <= position < self._count:
            raise IndexError(position)
        number = bisect.bisect_right(self._firsts, position) - 1
        return self.page(number)[position - self._firsts[number]]

    def page(self, number: int) -> list[SearchDocument]:
        """The documents of the ``number``-th page (made now, the first time)."""
        made = self._made.get(number)
        if made is None:
            count, make = self._pages[number]
            made = make()
            if len(made) != count:  # a page kind broke its promise (kbgen.pages.kinds.search_plan)
                raise RuntimeError(f"a page made {len(made)} search documents, {count} planned")
            self._made[number] = made
        return made


def collect(entries: Iterable[SearchEntry], url_for: Callable[[str], str]) -> list[SearchDocument]:
    """A document per entry, in their order; ``url_for`` gives a page source's address on the site."""
    return [document(entry, url_for) for entry in entries]


def document(entry: SearchEntry, url_for: Callable[[str], str]) -> SearchDocument:
    url = url_for(entry.src)
    return SearchDocument(
        id=entry.id,
        url=f"{url}#{entry.anchor}" if entry.anchor else url,
        type=entry.type,
        title=entry.title,
        summary=entry.summary,
        headings="\n".join(entry.headings),
        tags=" ".join(entry.tags),
        body=entry.body,
        category=entry.category,
        category_title=entry.category_title,
        audience=entry.audience,
        promoted=entry.promoted,
        starts=entry.starts.timestamp() if entry.starts else 0.0,
        ends=entry.ends.timestamp() if entry.ends else 0.0,
        severity=entry.severity,
    )
