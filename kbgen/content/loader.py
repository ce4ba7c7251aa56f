"""Read a content folder into a :class:`HelpCenter`, reporting every mistake.

The loader never raises for bad content: it skips what it cannot use and
records why in the :class:`Report`, so one run shows all problems.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import time
from pathlib import Path

from . import schema, slugs, symlinks
from .contactfile import load_contact
from .diagnostics import Report
from .facts import load_facts
from .flowfile import load_flows
from .glossary import load_glossary
from .languages import is_translation
from .markets import Market
from .mdscan import anchors, headings
from .model import Article, Category, FaqEntry, HelpCenter, Section
from .notices import NOTICES_DIR, load_notices
from .textfile import read
from .yamlfile import YamlError, front_matter, item_lines, parse

CATEGORY_FILE = "_category.yml"
SYNONYMS_FILE = "synonyms.yml"  # English search's; another language's is synonyms.<language>.yml
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}")
FAQ_DIR = "faq"


def load(
    docs_dir: Path,
    report: Report,
    refused: frozenset[Path] = frozenset(),
    *,
    market: Market | None = None,
    language: str = "en",
    memo=None,
) -> HelpCenter:
    """``refused``: symlinks never followed (see :mod:`.symlinks`). ``market``: that market's
    facts, channels and notices; ``language``: the language the files are written in.
    ``memo``: what earlier builds parsed of unchanged Markdown files (see :class:`Memo`)."""
    docs_dir = Path(docs_dir)
    parse_markdown = Memo(memo, report, docs_dir)
    center = HelpCenter(docs_dir=docs_dir, market=market, language=language)
    if not docs_dir.is_dir():
        report.error(docs_dir, 1, "content folder not found")
        return center
    for entry in sorted(docs_dir.iterdir()):
        if entry.name.startswith((".", "_")) or entry in refused:
            continue
        if entry.is_dir():
            if entry.name == NOTICES_DIR and not (entry / CATEGORY_FILE).exists():
                continue
            category = _load_category(entry, docs_dir, report, refused, parse_markdown)
            if category is not None:
                center.categories.append(category)
        elif entry.suffix == ".md" and not is_translation(entry.name):
            if entry.name == "index.md":
                center.home = _load_article(entry, docs_dir, None, None, report, schema.INDEX, parse_markdown)
            else:
                article = _load_article(entry, docs_dir, None, None, report, schema.ARTICLE, parse_markdown)
                if article is not None:
                    center.loose_articles.append(article)
    center.categories.sort(key=lambda c: (c.order, c.title.casefold()))
    for category in center.categories:
        _sort_articles(category.articles)
        for section in category.sections:
            _sort_articles(section.articles)
    _sort_articles(center.loose_articles)
    center.synonyms = _load_synonyms(docs_dir / SYNONYMS_FILE, docs_dir, report)
    center.synonyms_by_language = _load_language_synonyms(docs_dir, report)
    center.contact = load_contact(docs_dir, report, market)
    center.flows = load_flows(docs_dir, report)
    center.facts = load_facts(docs_dir, report, market, language)
    center.glossary = load_glossary(docs_dir, report)
    center.zone = center.contact.zone if center.contact else "UTC"
    center.notices = load_notices(docs_dir, report, center.zone, {c.slug for c in center.categories}, market)
    return center


def _sort_articles(articles: list[Article]) -> None:
    """Promoted articles first, then by title: the order of listings and navigation."""
    articles.sort(key=lambda a: (not a.promoted, a.title.casefold()))


def _src(path: Path, docs_dir: Path) -> str:
    return path.relative_to(docs_dir).as_posix()


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith((".", "_")) and not is_translation(p.name))


def markdown_below(folder: Path) -> list[Path]:
    """``sorted(folder.rglob("*.md"))``: every name ending in ``.md`` below ``folder`` (links to
    folders not followed), in the order of their paths' parts, listed with ``os.scandir`` (a
    FAQ folder holds hundreds of files: half the time, without hashing each path)."""
    found: list[tuple[tuple[str, ...], Path]] = []

    def walk(path: Path, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except PermissionError:  # as rglob: a folder that cannot be listed holds nothing
            return
        for entry in entries:
            name = entry.name
            if name.endswith(".md"):
                found.append(((*parts, name), path / name))
            if entry.is_dir(follow_symlinks=False):
                walk(path / name, (*parts, name))

    walk(folder, ())
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


def _has_markdown(folder: Path) -> bool:
    return any(p.suffix == ".md" and not is_translation(p.name) for p in folder.rglob("*.md"))


def _load_category(
    folder: Path, docs_dir: Path, report: Report, refused: frozenset[Path], parse_markdown: Memo
) -> Category | None:
    meta_file = folder / CATEGORY_FILE
    if not meta_file.is_file():
        if _has_markdown(folder):
            first = min(p for p in folder.rglob("*.md") if not is_translation(p.name))
            report.error(
                first,
                1,
                f"unknown category '{folder.name}': add {folder.name}/{CATEGORY_FILE} with at least a title",
            )
        return None  # a folder of images or other static files
    meta, lines = _load_yaml_mapping(meta_file, docs_dir, report, schema.CATEGORY, "a category file")
    if meta is None:
        return None
    category = Category(
        lines=lines,
        slug=folder.name,
        path=folder,
        title=meta.get("title", folder.name.replace("-", " ").capitalize()),
        description=schema.value(meta, schema.CATEGORY, "description"),
        icon=schema.value(meta, schema.CATEGORY, "icon"),
        order=schema.value(meta, schema.CATEGORY, "order"),
    )
    _check_slug(folder, report, "category folder")
    for md in _markdown_files(folder):
        if md.name == "index.md":
            category.intro = _load_article(md, docs_dir, category.slug, None, report, schema.INDEX, parse_markdown)
            continue
        article = _load_article(md, docs_dir, category.slug, None, report, schema.ARTICLE, parse_markdown)
        if article is not None:
            category.articles.append(article)
    for sub in sorted(p for p in folder.iterdir() if p not in refused and p.is_dir()):
        if sub.name.startswith((".", "_")):
            continue
        if sub.name == FAQ_DIR:
            category.faqs.extend(_load_faqs(sub, docs_dir, category.slug, report, parse_markdown))
        elif _has_markdown(sub):
            category.sections.append(_load_section(sub, docs_dir, category.slug, report, parse_markdown))
    return category


def _load_section(folder: Path, docs_dir: Path, category: str, report: Report, parse_markdown: Memo) -> Section:
    title = folder.name.replace("-", " ").capitalize()
    meta_file = folder / CATEGORY_FILE
    if meta_file.is_file():
        meta, _ = _load_yaml_mapping(meta_file, docs_dir, report, schema.CATEGORY, "a section file")
        title = (meta or {}).get("title", title)
    section = Section(slug=folder.name, title=title)
    for md in markdown_below(folder):
        if md.name.startswith((".", "_")) or is_translation(md.name):
            continue
        if md.name == "index.md":
            report.error(md, 1, "sections cannot have an index.md; put the intro in the category")
            continue
        article = _load_article(md, docs_dir, category, folder.name, report, schema.ARTICLE, parse_markdown)
        if article is not None:
            section.articles.append(article)
    return section


def _load_faqs(folder: Path, docs_dir: Path, category: str, report: Report, parse_markdown: Memo) -> list[FaqEntry]:
    entries = []
    for md in markdown_below(folder):
        if md.name.startswith((".", "_")) or is_translation(md.name):
            continue
        entry = parse_markdown.load(_faq_from_text, md, docs_dir, category)
        if entry is not None:
            entries.append(entry)
    return entries


def _faq_from_text(text: str, md: Path, docs_dir: Path, category: str, report: Report) -> FaqEntry | None:
    _check_slug(md, report, "FAQ file name")
    parsed = front_matter(text, md, report)
    if parsed is None:
        return None
    if parsed.meta is None:
        report.error(md, 1, "missing front matter: a FAQ entry starts with '---', a 'question:' line and '---'")
        return None
    meta = schema.validate(parsed.meta, schema.FAQ, md, report, "a FAQ entry")
    if "question" not in meta:
        return None
    if not parsed.body.strip():
        report.error(md, parsed.body_line, "the answer is empty: write it below the front matter")
        return None
    heads = headings(parsed.body, parsed.body_line)
    return FaqEntry(
        src=_src(md, docs_dir),
        path=md,
        category=category,
        question=meta["question"],
        body=parsed.body,
        body_line=parsed.body_line,
        tags=schema.value(meta, schema.FAQ, "tags"),
        audience=schema.value(meta, schema.FAQ, "audience"),
        updated=schema.value(meta, schema.FAQ, "updated"),
        promoted=schema.value(meta, schema.FAQ, "promoted"),
        contact=schema.value(meta, schema.FAQ, "contact"),
        glossary=schema.value(meta, schema.FAQ, "glossary"),
        headings=heads,
        anchors=anchors(parsed.body, heads),
        lines=parsed.meta.lines,
    )


def _load_article(
    md: Path, docs_dir: Path, category: str | None, section: str | None, report: Report, fields, parse_markdown: Memo
) -> Article | None:
    kind = "index" if fields is schema.INDEX else "article"
    return parse_markdown.load(_article_from_text, md, docs_dir, category, section, kind)


def _article_from_text(
    text: str, md: Path, docs_dir: Path, category: str | None, section: str | None, kind: str, report: Report
) -> Article | None:
    fields = schema.INDEX if kind == "index" else schema.ARTICLE
    if md.name != "index.md":
        _check_slug(md, report, "file name")
    parsed = front_matter(text, md, report)
    if parsed is None:
        return None
    if parsed.meta is None:
        if fields is schema.INDEX:
            meta: dict = {}
        else:
            report.error(md, 1, "missing front matter: an article starts with '---', a 'title:' line and '---'")
            return None
    else:
        meta = schema.validate(parsed.meta, fields, md, report, "front matter")
        if fields is schema.ARTICLE and "title" not in meta:
            return None
    heads = headings(parsed.body, parsed.body_line)

    def value(name: str):  # an index page takes fewer keys; the rest keep the article's defaults
        return schema.value(meta, schema.ARTICLE, name)

    return Article(
        src=_src(md, docs_dir),
        path=md,
        category=category,
        section=section,
        title=value("title"),
        body=parsed.body,
        body_line=parsed.body_line,
        summary=value("summary"),
        tags=value("tags"),
        audience=value("audience"),
        updated=value("updated"),
        effective=value("effective"),
        review_by=value("review_by"),
        owner=value("owner"),
        promoted=value("promoted"),
        contact=value("contact"),
        glossary=value("glossary"),
        changes=value("changes"),
        headings=heads,
        anchors=anchors(parsed.body, heads),
        meta=meta,
        lines=parsed.meta.lines if parsed.meta else {},
    )


def _load_yaml_mapping(path: Path, docs_dir: Path, report: Report, fields, what: str):
    """The valid fields of a YAML file and the line of each key, or (None, {})."""
    text = read(path, report, docs_dir)
    if text is None:
        return None, {}
    try:
        doc = parse(text)
    except YamlError as exc:
        report.load_failed(path, exc.line, exc.message)
        return None, {}
    return schema.validate(doc, fields, path, report, what), doc.lines


def _load_language_synonyms(docs_dir: Path, report: Report) -> dict[str, list[tuple[str, ...]]]:
    """``synonyms.de.yml`` and the like: another language's search synonyms, by language."""
    found = {}
    for path in sorted(docs_dir.glob("synonyms.*.yml")):
        language = path.name[len("synonyms.") : -len(".yml")]
        if LANGUAGE_TAG.fullmatch(language):
            found[language] = _load_synonyms(path, docs_dir, report)
    return found


def _load_synonyms(path: Path, docs_dir: Path, report: Report) -> list[tuple[str, ...]]:
    """``synonyms.yml``: a list of groups, each a list or a comma-separated line."""
    if not path.is_file():
        return []
    text = read(path, report, docs_dir)
    if text is None:
        return []
    try:
        doc = parse(text)
        lines = item_lines(text)
    except YamlError as exc:
        report.load_failed(path, exc.line, exc.message)
        return []
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        report.error(path, 1, "synonyms must be a list of groups, e.g. '- [refund, money back]'")
        return []
    groups = []
    for i, group in enumerate(doc.data):
        line = lines[i] if i < len(lines) else 1
        if isinstance(group, str):
            group = [w.strip() for w in group.split(",")]
        if not isinstance(group, list) or not all(isinstance(w, str) and w.strip() for w in group):
            report.error(path, line, "a synonym group must be a list of words or phrases")
            continue
        words = tuple(dict.fromkeys(w.strip().casefold() for w in group))
        if len(words) < 2:
            report.error(path, line, "a synonym group needs at least two different words")
            continue
        groups.append(words)
    return groups


def _check_slug(path: Path, report: Report, what: str) -> None:
    stem = path.stem if path.is_file() else path.name
    if not slugs.is_file_name(stem):
        better = slugs.slugify(stem)
        report.error(
            path,
            1,
            f"{what} '{path.name}' must be lowercase words joined by hyphens "
            f"(it becomes the URL): rename it to '{better}{path.suffix}'",
        )


class Memo:
    """Loads the Markdown files of one load of ``docs_dir`` (:meth:`load`): each file's text is
    parsed through ``memo`` (the build cache's ``get(key)`` and ``put(key, value)``, or None), so
    a text parsed in an earlier build is not parsed again.

    The key is everything the parse reads (the function, the text, the file's path inside
    ``docs_dir``, its category and section, where the report's paths start from as seen from
    ``docs_dir``); the value is the model object as parsed (before any later step changes it)
    and the diagnostics the parse reported, which are reported again. Nothing in the key
    names where the content folder lies (unless the report's paths start outside it, where
    the diagnostics name files by their whole path): a project moved, a CI runner's other
    checkout folder, or a language's view of the content (written to a new folder for each
    build, kbgen.pairs) reuse the parses. The value is kept without its ``path`` (``md``),
    which a hit gets back: a path costs more to unpickle than the rest of an entry.

    A file is not even read (:meth:`load`) when it is, by its ``lstat``, the file last read
    under the same name (the same device, inode, size, modification and change times), and
    that read came at least :data:`RACY_SECONDS` after the file's last change: its parse is
    taken by the key recorded then (the stat record, kept in ``memo`` beside the parses). As
    git's index does: a file changed again within the clock's resolution of the read that
    recorded it (same size, same times) is read again; any write changes the change time, even
    one that puts an old modification time back. Only a read that reported nothing is recorded
    (a BOM or Windows line endings are reported at each load).
    """

    VERSION = "3"
    RECORD = "stat\0"  # what a stat record's key starts with (the parses' keys are hex digests)
    RACY_SECONDS = 2

    def __init__(self, memo, report: Report, docs_dir: Path):
        self._memo = memo
        self._report = report
        self._docs_dir = docs_dir
        self._inside = symlinks.Inside(docs_dir)
        self._key_parts: dict[tuple, tuple[bytes, bytes]] = {}  # (parse, args) -> what comes before and after md
        self._base_seen: str | None = None  # (see _base_seen_from_docs)
        self._record_parts: dict[tuple, str] = {}  # (parse, args) -> what a stat record's key ends with
        # files changed since this moment may change again unseen by a record this load makes
        self._trusted_before = time.time_ns() - self.RACY_SECONDS * 1_000_000_000

    def read(self, md: Path) -> str | None:
        """``md``'s text (see :func:`.textfile.read`)."""
        return read(md, self._report, self._docs_dir, self._inside)

    def load(self, parse, md: Path, *args):
        """``parse(text, md, *args, report)`` of ``md``'s text (None when it cannot be read), from
        the memo without reading the file when its stat record says it is the file read last
        (see the class)."""
        memo = self._memo
        if memo is None:
            text = self.read(md)
            return None if text is None else parse(text, md, *args, self._report)
        record_key = self._record_key(parse, md, args)
        record = memo.get(record_key)
        signature = self._signature(md)
        if signature is not None and isinstance(record, tuple) and len(record) == 2 and record[0] == signature:
            found = memo.get(record[1])
            if found is not None:
                return self._reported(found, md)
        said = len(self._report.items)
        text = self.read(md)
        if text is None:
            return None
        quiet = len(self._report.items) == said
        key = self._key(parse, text, md, args)
        value = self._parsed(key, parse, text, md, args)
        if quiet and signature is not None and max(signature[3:]) < self._trusted_before:
            memo.put(record_key, (signature, key))
        return value

    def _parsed(self, key: str, parse, text: str, md: Path, args: tuple):
        report = self._report
        found = self._memo.get(key)
        if found is not None:
            return self._reported(found, md)
        before, unloaded_before = len(report.items), set(report.unloaded)
        value = parse(text, md, *args, report)
        kept = dataclasses.replace(value, path=None) if getattr(value, "path", None) == md else value
        self._memo.put(key, (kept, report.items[before:], report.unloaded - unloaded_before))
        return value

    def _reported(self, found: tuple, md: Path):
        """The parse of a memo's entry, what it reported reported again."""
        value, said, unloaded = found
        if value is not None and getattr(value, "path", md) is None:
            value.path = md
        self._report.items.extend(said)
        self._report.unloaded.update(unloaded)
        return value

    def _signature(self, md: Path) -> tuple | None:
        """``md``'s device, inode, size, modification and change times, when it is a plain file
        in folders with no link on the way (else None: no record is used or made)."""
        if not self._inside.plain_folder(md):
            return None
        try:
            found = os.lstat(md)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns

    def _record_key(self, parse, md: Path, args: tuple) -> str:
        """The key of ``md``'s stat record for this parse and arguments."""
        what = self._record_parts.get((parse, args))
        if what is None:
            self._key(parse, "", md, args)  # (makes the parts around md)
            parts = self._key_parts[parse, args]
            what = self._record_parts[parse, args] = "\0" + hashlib.sha256(parts[0] + parts[1]).hexdigest()
        return self.RECORD + str(md) + what

    def _key(self, parse, text: str, md: Path, args: tuple) -> str:
        """The SHA-256 of ``"\0".join(["content file", VERSION, parse's name, md inside the
        content folder, the report's base seen from it, *map(repr, args), text])`` (the content
        folder among ``args`` named by a mark), hashed part by part (the parts around ``md`` made
        once for each parse and arguments: thousands of files share them; the text not copied)."""
        parts = self._key_parts.get((parse, args))
        if parts is None:
            docs = self._docs_dir
            before = "\0".join(["content file", self.VERSION, parse.__name__, ""])
            if self._base_seen is None:
                self._base_seen = self._base_seen_from_docs()
            # the content folder itself is an argument of every parse: named by a mark
            after = "\0".join(["", self._base_seen, *("<docs>" if arg == docs else repr(arg) for arg in args), ""])
            parts = self._key_parts[parse, args] = (
                before.encode("utf-8", "surrogatepass"),
                after.encode("utf-8", "surrogatepass"),
            )
        h = hashlib.sha256(parts[0])
        h.update(self._inside_docs(md).encode("utf-8", "surrogatepass"))
        h.update(parts[1])
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _inside_docs(self, md: Path) -> str:
        """``md`` as a path inside the content folder (the whole path if it lies elsewhere)."""
        path, docs = str(md), str(self._docs_dir)
        return path[len(docs) + 1 :] if path.startswith(docs + os.sep) else "\0" + path

    def _base_seen_from_docs(self) -> str:
        """Where the report's paths start from, relative to the content folder; the whole
        content folder's path too when it does not lie inside it (diagnostics then name files
        by their whole path)."""
        base = self._report.base
        if base is None:
            return "\0" + str(self._docs_dir)
        docs, start = self._docs_dir.resolve(), base.resolve()
        seen = os.path.relpath(start, docs)
        return seen if docs.is_relative_to(start) else seen + "\0" + str(self._docs_dir)
