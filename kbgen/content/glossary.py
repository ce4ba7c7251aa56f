"""``glossary.yml``: the marketplace's words, explained where shoppers meet them.

```yaml
- term: Reserve price
  definition: The lowest price a seller will accept at auction.
  synonyms: [reserve, minimum price]
  link: auctions/reserve-prices.md      # relative to the content folder
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import fields as f
from .diagnostics import Report
from .links import LinkError, Resolver, Target
from .slugs import slugify
from .yamlfile import Lines, read_data_file

GLOSSARY_FILE = "glossary.yml"
GLOSSARY_SRC = "glossary.md"  # the A to Z page
TERM = {
    "term": f.Str(strip=True, help="required: the word as shoppers meet it"),
    "definition": f.Str(strip=True, help="required: one or two sentences"),
    "synonyms": f.List(
        default=list, blank=True, split=True, message="'synonyms' must be a list of words, or one comma-separated line"
    ),
    "link": f.Str(help="the article that explains more, relative to the content folder"),
}


@dataclass
class Term:
    term: str
    definition: str
    synonyms: tuple[str, ...] = ()
    link: str = ""  # content path of the article that explains more
    line: int = 1
    link_line: int = 1
    target: Target | None = None  # the resolved link, set by resolve_links

    @property
    def anchor(self) -> str:
        return slugify(self.term)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.synonyms)


@dataclass
class Glossary:
    path: Path | None = None
    terms: list[Term] = field(default_factory=list)

    def sorted(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: t.term.casefold())

    def find(self, name: str) -> Term | None:
        key = name.casefold().strip()
        return next((t for t in self.terms if key in (n.casefold() for n in t.names)), None)

    def synonym_groups(self) -> list[tuple[str, ...]]:
        return [tuple(n.lower() for n in t.names) for t in self.terms if t.synonyms]


def load_glossary(docs_dir: Path, report: Report) -> Glossary:
    path = docs_dir / GLOSSARY_FILE
    if not path.is_file():
        return Glossary()
    glossary = Glossary(path)
    parsed = read_data_file(path, report, docs_dir)
    if parsed is None:
        return glossary
    data, line = parsed
    if not isinstance(data, list):
        report.error(path, 1, "the glossary is a list of terms: '- term: ...'")
        return glossary
    seen: dict[str, tuple[str, int]] = {}
    for i, item in enumerate(data):
        term = _term(item, i, path, line, report)
        if term is not None and _unique(term, i, seen, path, line, report):
            glossary.terms.append(term)
    return glossary


def _term(item, i: int, path: Path, line: Lines, report: Report) -> Term | None:
    """The entry at ``i`` (a term without a definition too, so its words count as used)."""
    if not isinstance(item, dict):
        report.error(path, line(i), "each entry needs term, definition and link")
        return None
    checked = f.check(item, TERM, "a glossary entry")
    for problem in checked.problems:
        report.error(path, line(i, problem.key), problem.message, problem.key)
    term, definition = checked.get("term"), checked.get("definition")
    if not term:
        report.error(path, line(i), "missing required 'term'")
        return None
    if not definition:
        report.error(path, line(i), f"'{term}' needs a 'definition'")
    names = tuple(str(s).strip() for s in checked.get("synonyms") if str(s).strip())
    return Term(term, definition, names, checked.get("link"), line(i, "term"), line(i, "link"))


def _unique(term: Term, i: int, seen: dict, path: Path, line: Lines, report: Report) -> bool:
    """Report words another term already uses; True when the term has a definition and no such word."""
    duplicate = False
    for name in term.names:
        key = name.casefold()
        if key in seen:
            first, first_line = seen[key]
            report.error(
                path,
                line(i, "term" if name == term.term else "synonyms"),
                f"duplicate glossary word '{name}': already used by '{first}' on line {first_line}",
            )
            duplicate = True
        else:
            seen[key] = (term.term, term.line)
    return bool(term.definition) and not duplicate


def check_links(center, report: Report) -> None:
    """Every term's ``link`` lands on a page (and section) of the help center; reports only."""
    for term, result in _resolve_links(center):
        if isinstance(result, LinkError):
            report.error(center.glossary.path, term.link_line, str(result))


def resolve_links(center, today=None) -> None:
    """Set each term's ``target``; a broken link (reported by :func:`check_links`) is dropped."""
    for term, result in _resolve_links(center):
        if isinstance(result, LinkError):
            term.link, term.target = "", None
        else:
            term.target = result


def _resolve_links(center):
    """(term, its Target, None for an external link, or the LinkError) for every term with a link."""
    glossary = center.glossary
    if not glossary or not glossary.terms:
        return
    resolver = Resolver(center)
    for term in glossary.terms:
        if not term.link:
            continue
        try:
            yield term, resolver.resolve(GLOSSARY_SRC, term.link)
        except LinkError as exc:
            yield term, exc
