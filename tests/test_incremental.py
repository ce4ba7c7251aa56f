"""Incremental builds: a build with the cache gives the same bytes as a clean build.

The property test applies random sequences of a writer's edits (seeded, a fixed number
of examples) to a tiny help center and compares, after every edit, the site built with
the cache kept since the first build with a clean build of the same tree: every file,
search index included.
"""

from __future__ import annotations

import filecmp
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from kbgen import cache
from kbgen.build import BuildFailed, build

CONFIG = """\
site_name: Tiny Help Center
site_url: https://help.example.com/
site_description: {description}
docs_dir: content
theme:
  name: material
  features: [navigation.indexes, navigation.prune]
plugins:
  - search
  - kbgen:
      home_heading: {heading}
markdown_extensions:
  - toc:
      permalink: true
"""

FACTS = """\
facts:
  return_window:
    value: {window}
    unit: days
    label: Return window
    changes:
      - {{from: 2027-03-01, value: {later}}}
  refund_days:
    value: {refund}
    unit: business days
    label: Refund time
structured_data:
  organization: Tiny Shop
  url: https://shop.example.com/
  country: IE
  return_policy:
    days: return_window
    fees: buyer_pays
"""

CONTACT = """\
timezone: Europe/Dublin
channels:
  - id: email
    type: email
    label: {label}
    address: help@shop.example
    response_time: 12h
"""


def _article(title: str, body: str, tags: str = "[help]") -> str:
    return f"---\ntitle: {title}\nsummary: About {title.lower()}.\ntags: {tags}\nupdated: 2026-10-01\n---\n\n{body}\n"


def _faq(question: str, body: str) -> str:
    return f"---\nquestion: {question}\ntags: [faq]\n---\n\n{body}\n"


def _notice(title: str, summary: str) -> str:
    return (
        f"---\ntitle: {title}\nseverity: warning\nsummary: {summary}\n"
        "start: 2026-11-20T10:00+00:00\nend: 2026-12-20T10:00+00:00\n---\n\nWe are on it.\n"
    )


def tiny_center() -> dict[str, str]:
    return {
        "mkdocs.yml": CONFIG.format(description="Answers for shoppers.", heading="How can we help?"),
        "content/facts.yml": FACTS.format(window=30, refund=5, later=45),
        "content/contact.yml": CONTACT.format(label="Email"),
        "content/glossary.yml": (
            "- term: Refund\n  definition: Money paid back to you.\n  synonyms: [money back]\n"
            "  link: returns/refunds.md\n"
        ),
        "content/returns/_category.yml": "title: Returns\ndescription: Send back.\nicon: material/keyboard-return\n",
        "content/returns/refunds.md": _article(
            "Refunds",
            "## When\n\nA refund takes {{ fact:refund_days }}.\n\n## How\n\nAsk for a Refund.\n\n{{ contact:email }}",
        ),
        "content/returns/how-to-return.md": _article(
            "How to return", "You have {{ fact:return_window }}. See [refunds](refunds.md#when)."
        ),
        "content/returns/faq/how-long.md": _faq("How long do I have?", "{{ fact:return_window }} from delivery."),
        "content/returns/faq/fees.md": _faq("Are there fees?", "No fees. A Refund is free."),
        "content/shipping/_category.yml": "title: Shipping\ndescription: Parcels.\nicon: material/truck\n",
        "content/shipping/tracking.md": _article("Tracking", "## Track\n\nOpen your order."),
        "content/shipping/delivery-times.md": _article("Delivery times", "Two to {{ fact:refund_days }}."),
        "content/shipping/faq/lost.md": _faq("My parcel is lost?", "Wait {{ fact:refund_days }}, then ask."),
        "content/notices/delays.md": _notice("Delivery delays", "Parcels are slow."),
    }


class Project:
    """The tiny help center on disk, and the edits a writer makes to it."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng, self.count = root, rng, 0
        self.facts = {"window": 30, "refund": 5, "later": 45}
        for rel, text in tiny_center().items():
            self.write(rel, text)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def fresh(self) -> int:
        self.count += 1
        return self.count

    def _pick(self, pattern: str, keep: tuple[str, ...] = ()) -> Path | None:
        found = sorted(
            p for p in (self.root / "content").glob(pattern) if p.relative_to(self.root).as_posix() not in keep
        )
        return self.rng.choice(found) if found else None

    def _articles(self) -> str:
        return "[!n]*/[!_]*.md"  # not notices/

    # Files others link to (glossary, articles) are edited but never renamed or deleted.
    PINNED = ("content/returns/refunds.md", "content/returns/how-to-return.md")

    def _replace(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def change_article(self) -> str:
        path = self._pick(self._articles())
        n = self.fresh()
        extra = self.rng.choice(
            [f"Step {n}: check the order.", f"It takes {{{{ fact:return_window }}}} ({n}).", f"A Refund, case {n}."]
        )
        path.write_text(path.read_text(encoding="utf-8") + f"\n{extra}\n", encoding="utf-8")
        return f"change {path.name}"

    def retitle_article(self) -> str:
        path = self._pick(self._articles())
        text = path.read_text(encoding="utf-8")
        title = text.split("title: ", 1)[1].split("\n", 1)[0]
        self._replace(path, f"title: {title}", f"title: {title} {self.fresh()}")
        return f"retitle {path.name}"

    def add_article(self) -> str:
        category = self.rng.choice(self._categories())
        n = self.fresh()
        self.write(f"content/{category}/new-{n}.md", _article(f"New page {n}", f"## Part {n}\n\nText {n}."))
        return f"add {category}/new-{n}.md"

    def rename_article(self) -> str:
        path = self._pick(self._articles(), keep=self.PINNED)
        if path is None:
            return self.add_article()
        target = path.with_name(f"renamed-{self.fresh()}.md")
        path.rename(target)
        return f"rename {path.name} -> {target.name}"

    def delete_article(self) -> str:
        path = self._pick(self._articles(), keep=self.PINNED)
        if path is None or len(list(path.parent.glob("[!_]*.md"))) < 2:
            return self.change_article()
        path.unlink()
        return f"delete {path.name}"

    def change_faq(self) -> str:
        path = self._pick("*/faq/*.md")
        if path is None:
            return self.add_faq()
        if self.rng.random() < 0.5:
            text = path.read_text(encoding="utf-8")
            path.write_text(text + f"\nAlso {self.fresh()}.\n", encoding="utf-8")
            return f"change answer {path.name}"
        question = path.read_text(encoding="utf-8").split("question: ", 1)[1].split("\n", 1)[0]
        self._replace(path, f"question: {question}", f"question: {question.rstrip('?')} {self.fresh()}?")
        return f"change question {path.name}"

    def add_faq(self) -> str:
        category = self.rng.choice(self._categories())
        n = self.fresh()
        self.write(f"content/{category}/faq/q-{n}.md", _faq(f"Question {n}?", f"Answer {n}, a Refund."))
        return f"add faq {category}/q-{n}"

    def rename_faq(self) -> str:
        path = self._pick("*/faq/*.md")
        if path is None:
            return self.add_faq()
        target = path.with_name(f"moved-{self.fresh()}.md")
        path.rename(target)
        return f"rename faq {path.name} -> {target.name}"

    def delete_faq(self) -> str:
        path = self._pick("*/faq/*.md")
        if path is None:
            return self.add_faq()
        path.unlink()
        return f"delete faq {path.name}"

    def _categories(self) -> list[str]:
        return sorted(p.parent.name for p in (self.root / "content").glob("*/_category.yml"))

    def change_category(self) -> str:
        category = self.rng.choice(self._categories())
        path = self.path(f"content/{category}/_category.yml")
        self._replace(path, "description: ", f"description: Now {self.fresh()}. ")
        return f"change category {category}"

    def add_category(self) -> str:
        n = self.fresh()
        self.write(f"content/extra-{n}/_category.yml", f"title: Extra {n}\ndescription: More.\nicon: material/star\n")
        self.write(f"content/extra-{n}/first.md", _article(f"First of {n}", "Some text."))
        if self.rng.random() < 0.5:
            self.write(f"content/extra-{n}/faq/why.md", _faq(f"Why {n}?", "Because."))
        return f"add category extra-{n}"

    def delete_category(self) -> str:
        extra = [c for c in self._categories() if c.startswith("extra-")]
        if not extra:
            return self.add_category()
        category = self.rng.choice(extra)
        shutil.rmtree(self.path(f"content/{category}"))
        return f"delete category {category}"

    def change_fact(self) -> str:
        # one fact at a time, its scheduled change too (shown beside the articles that use it)
        return self._fact(self.rng.choice(["window", "refund"]))

    def change_scheduled_fact(self) -> str:
        """Only the value a fact takes on a later date (shown beside the articles that use it)."""
        return self._fact("later")

    def _fact(self, name: str) -> str:
        self.facts[name] += self.rng.randint(1, 9)
        self.write("content/facts.yml", FACTS.format(**self.facts))
        return f"facts {self.facts}"

    def change_glossary(self) -> str:
        path = self.path("content/glossary.yml")
        n = self.fresh()
        if self.rng.random() < 0.5:
            self._replace(path, "definition: ", f"definition: ({n}) ")
            return "change glossary definition"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"- term: Parcel {n}\n  definition: A box number {n}.\n", encoding="utf-8")
        return f"add glossary term Parcel {n}"

    def change_notice(self) -> str:
        notices = sorted((self.root / "content/notices").glob("*.md"))
        n = self.fresh()
        choice = self.rng.random()
        if not notices or choice < 0.3:
            self.write(f"content/notices/n-{n}.md", _notice(f"Notice {n}", f"Something {n}."))
            return f"add notice n-{n}"
        path = self.rng.choice(notices)
        if choice < 0.5 and len(notices) > 1:
            path.unlink()
            return f"delete notice {path.name}"
        self._replace(path, "title: ", f"title: Update {n}, ")
        self._replace(path, "summary: ", f"summary: Update {n}. ")
        return f"change notice {path.name}"

    def change_contact(self) -> str:
        self.write("content/contact.yml", CONTACT.format(label=f"Email us {self.fresh()}"))
        return "change contact channel"

    def change_config(self) -> str:
        n = self.fresh()
        if self.rng.random() < 0.5:
            text = CONFIG.format(description=f"Answers {n}.", heading="How can we help?")
        else:
            text = CONFIG.format(description="Answers for shoppers.", heading=f"Hello {n}")
        self.write("mkdocs.yml", text)
        return "change config"

    EDITS = (
        "change_article",
        "retitle_article",
        "add_article",
        "rename_article",
        "delete_article",
        "change_faq",
        "add_faq",
        "rename_faq",
        "delete_faq",
        "change_category",
        "add_category",
        "delete_category",
        "change_fact",
        "change_scheduled_fact",
        "change_glossary",
        "change_notice",
        "change_contact",
        "change_config",
    )


def differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two site folders (relative paths), or exist in one only."""
    found = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        found.extend(prefix + name for name in cmp.common_files if not _same(a / prefix / name, b / prefix / name))
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return sorted(found)


def _same(x: Path, y: Path) -> bool:
    return x.read_bytes() == y.read_bytes()


SEED = 0
# Edits that leave the rest of the site alone (an edit that changes every page, a title in
# the navigation say, would hide what a companion edit shows): some steps make two of them.
LOCAL_EDITS = ("change_article", "change_faq", "change_fact", "change_scheduled_fact", "change_glossary")
PAIRED_STEPS = 4


def edit_and_compare(project, rng, edits, local_edits, tmp_path) -> None:
    """Every kind of edit once, in a random order, one per build; then a few pairs of local
    edits. After each step the cached build must equal a clean build of the same tree."""
    config = project.path("mkdocs.yml")
    history = ["first build"]
    steps = [[name] for name in rng.sample(edits, len(edits))]
    steps += [rng.sample(local_edits, 2) for _ in range(PAIRED_STEPS)]
    for step in steps:
        history.append(" + ".join(getattr(project, name)() for name in step))
        build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
        build(config, tmp_path / "clean")
        different = differences(tmp_path / "incremental", tmp_path / "clean")
        assert not different, f"after {history}: {different[:10]}"


def test_incremental_build_gives_the_same_bytes_as_a_clean_build(tmp_path, monkeypatch):
    from kbgen.search import shards

    monkeypatch.setattr(shards, "SIZE", 4)  # several shards of the index, most of them reused each step
    rng = random.Random(SEED)
    project = Project(tmp_path / "project", rng)
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
    meta = json.loads((tmp_path / "incremental/_kbgen/search/meta.json").read_text(encoding="utf-8"))
    assert len(meta["shards"]) >= 3
    edit_and_compare(project, rng, Project.EDITS, LOCAL_EDITS, tmp_path)


def test_unchanged_pages_are_taken_from_the_cache_and_changed_ones_rebuilt(tmp_path, caplog):
    project = Project(tmp_path / "project", random.Random(0))
    config = project.path("mkdocs.yml")
    caplog.set_level("DEBUG", logger="mkdocs.plugins.kbgen")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "0 page(s) reused" in caplog.text
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    reused = _reused(caplog.text)
    assert reused[1] == 0 and reused[0] > 5
    caplog.clear()
    # a FAQ answer: only its category's page is built again
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait a week."))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert _reused(caplog.text) == (reused[0] - 1, 1)
    caplog.clear()
    # a fact used by three pages (two articles' and FAQ entries' Markdown, via the category page)
    project.write("content/facts.yml", FACTS.format(window=31, refund=5, later=45))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    built = _reused(caplog.text)[1]
    assert 2 <= built <= 4, caplog.text


def _reused(text: str) -> tuple[int, int]:
    line = next(line for line in reversed(text.splitlines()) if "page(s) reused" in line)
    words = line.split("build cache: ", 1)[1].split()
    return int(words[0]), int(words[3])


def test_a_corrupt_or_foreign_cache_gives_a_clean_build(tmp_path):
    project = Project(tmp_path / "project", random.Random(1))
    config = project.path("mkdocs.yml")
    cache_dir = tmp_path / "cache"
    build(config, tmp_path / "clean")
    build(config, tmp_path / "site", cache_dir=cache_dir)
    entries = sorted((cache_dir / cache.DEFAULT_NAMESPACE / cache.ENTRIES).glob("*/*"))
    assert entries
    for path in entries[::2]:  # torn writes and flipped bits
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if len(data) % 2 else data[:40] + bytes([data[40] ^ 1]) + data[41:])
    build(config, tmp_path / "site", cache_dir=cache_dir)
    assert differences(tmp_path / "site", tmp_path / "clean") == []
    # another kbgen version's cache is emptied, not read
    (cache_dir / cache.DEFAULT_NAMESPACE / cache.VERSION_FILE).write_text("kbgen-cache 0 kbgen 0.0.1\n")
    marker = cache_dir / cache.DEFAULT_NAMESPACE / cache.ENTRIES / "ff" / ("f" * 64)
    marker.parent.mkdir(exist_ok=True)
    marker.write_bytes(b"not an entry")
    build(config, tmp_path / "site", cache_dir=cache_dir)
    assert not marker.exists()
    assert (cache_dir / cache.DEFAULT_NAMESPACE / cache.VERSION_FILE).read_text() == cache.version_tag()
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_build_and_serve_take_cache_dir(tmp_path, invoke):
    project = Project(tmp_path / "project", random.Random(2))
    result = invoke("build", "-d", tmp_path / "site", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert (project.root / cache.DEFAULT_DIR / cache.DEFAULT_NAMESPACE / cache.VERSION_FILE).is_file()
    result = invoke("build", "-d", tmp_path / "site2", "--cache-dir", tmp_path / "ci-cache", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ci-cache" / cache.DEFAULT_NAMESPACE / cache.VERSION_FILE).is_file()
    result = invoke("build", "-d", tmp_path / "site3", "--no-cache", "--cache-dir", tmp_path / "none", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "none").exists()
    assert differences(tmp_path / "site", tmp_path / "site3") == []
    assert "--cache-dir" in invoke("serve", "--help").output


def test_the_search_index_reuses_unchanged_documents(tmp_path, caplog, monkeypatch):
    from kbgen.search import positions
    from kbgen.search.analysis import FieldIndexer

    project = Project(tmp_path / "project", random.Random(3))
    config = project.path("mkdocs.yml")
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    analysed: list[str] = []

    def watched(method):
        def analyse(self, value):
            analysed.append(value)
            return method(self, value)

        return analyse

    # the searched fields' analysis, and the spelling words' count
    monkeypatch.setattr(FieldIndexer, "positions", watched(FieldIndexer.positions))
    monkeypatch.setattr(FieldIndexer, "counts", watched(FieldIndexer.counts))
    decoded: list[int] = []  # documents whose body positions were decoded from their postings
    gathered = positions.Gathered.add

    def add(self, docnum, items, places=None):
        if places is None:
            decoded.append(docnum)
        return gathered(self, docnum, items, places)

    monkeypatch.setattr(positions.Gathered, "add", add)
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "unchanged: from the build cache" in caplog.text
    assert analysed == []
    # one FAQ answer: the index is written anew, and only that answer's text analysed
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "unchanged: from the build cache" not in caplog.text
    assert analysed and all("courier" in text for text in analysed), analysed
    assert _analysed(caplog.text) == len(set(analysed))
    assert decoded == []  # the cached analysis keeps them beside the postings
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def _analysed(text: str) -> int:
    line = next(line for line in reversed(text.splitlines()) if "text(s) analysed" in line)
    return int(line.split(" text(s) analysed")[0].rsplit(" ", 1)[1])


def test_the_background_index_reuses_unchanged_documents_too(tmp_path, caplog, monkeypatch):
    """With the index written by a second process while pages render (search_processes: 2),
    that process takes unchanged texts' analysis from the cache as the build's own does:
    the same texts are analysed, the index has a clean one-process build's bytes."""
    from kbgen.search import background, shards

    monkeypatch.setattr(shards, "SIZE", 4)  # the background process writes the index in shards this size too
    started: list[int] = []

    class Counted(background._Worker):
        def __init__(self, *args, **kwargs):
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(background, "_Worker", Counted)
    counts = {}
    for processes in (1, 2):
        project = Project(tmp_path / f"project-{processes}", random.Random(3))
        config = project.path("mkdocs.yml")
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("  - kbgen:\n", f"  - kbgen:\n      search_processes: {processes}\n"), "utf-8")
        caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
        site, cache_dir = tmp_path / f"site-{processes}", tmp_path / f"cache-{processes}"
        build(config, site, cache_dir=cache_dir)
        caplog.clear()
        started.clear()
        build(config, site, cache_dir=cache_dir)
        assert "unchanged: from the build cache" in caplog.text
        assert started == []  # every page from the cache: no process is started for nothing
        project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
        caplog.clear()
        build(config, site, cache_dir=cache_dir)
        assert ("in a second process" in caplog.text) == (processes == 2)
        assert len(started) == (processes == 2)  # started with the first page not from the cache
        counts[processes] = _analysed(caplog.text)
    assert 0 < counts[1] == counts[2] <= 5, counts
    project.write("mkdocs.yml", text)  # the same tree, one process, no cache
    build(project.path("mkdocs.yml"), tmp_path / "clean")
    assert differences(tmp_path / "site-2", tmp_path / "clean") == []


def test_the_background_index_starts_with_the_build_when_a_content_file_changed(tmp_path, caplog, monkeypatch):
    """A changed Markdown file means pages will change: the index process starts before the
    content loads (its interpreter, Whoosh and the model load meanwhile), so its start and the
    adding of unchanged documents overlap the page loop, instead of waiting for the changed
    page. Nothing changed: no process at all."""
    from kbgen import search
    from kbgen.search import background

    first_page: list[bool] = []  # was the process running when the first page came?
    page = background.Indexing.page
    early: list[bool] = []  # started before the content loaded?
    start_early = search.start_early

    def watched(self, src, text, cached=False):
        if not first_page:
            first_page.append(self._worker is not None)
        return page(self, src, text, cached)

    def watched_early(*args):
        found = start_early(*args)
        early.append(found is not None)
        return found

    monkeypatch.setattr(background.Indexing, "page", watched)
    monkeypatch.setattr(search, "start_early", watched_early)
    project = Project(tmp_path / "project", random.Random(3))
    config = project.path("mkdocs.yml")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - kbgen:\n", "  - kbgen:\n      search_processes: 2\n"), "utf-8")
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert early == [True]  # a new cache: the whole index is written
    first_page.clear(), early.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert first_page == [False]  # nothing changed: not started (the whole index is remembered)
    assert early == []
    # the last category's FAQ answer: its page comes late, after pages from the cache
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    first_page.clear()
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert first_page == [True]
    assert early == [True]
    assert "in a second process" in caplog.text
    assert 0 < _analysed(caplog.text) <= 5
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def _speculated(text: str) -> int:
    """How many documents the last build's log says the index process took from the build before."""
    line = next(line for line in reversed(text.splitlines()) if "search index (" in line)
    if "taken from the last build" not in line:
        return 0
    return int(line.split(" document(s) of unchanged pages")[0].rsplit(" ", 1)[1])


def _two_processes(monkeypatch) -> dict:
    """The index written by a second process whenever ``on["incremental"]`` is set (the fixture
    is far below the size that gets one by default); the other builds in one process."""
    from kbgen.search import background

    on = {"incremental": False}
    real = background.processes
    monkeypatch.setattr(background, "processes", lambda c, d: 2 if on["incremental"] else real(c, d))
    return on


def test_the_index_process_takes_unchanged_pages_documents_from_the_last_build(tmp_path, caplog, monkeypatch):
    """A changed FAQ answer: the process takes every other page's documents from the last
    build's before any page renders (only the changed page's come from the rendering), and
    the index has a clean build's bytes after each of a run of random edits, whichever they are
    (an edit to the site as a whole, a fact or the configuration, takes none: the pages may all
    change)."""
    from kbgen.search import shards

    monkeypatch.setattr(shards, "SIZE", 4)
    on = _two_processes(monkeypatch)
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    rng = random.Random(SEED + 1)
    project = Project(tmp_path / "project", rng)
    config = project.path("mkdocs.yml")
    on["incremental"] = True
    build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
    faq = sorted(project.path("content").glob("*/faq/*.md"))[0]
    faq.write_text(faq.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")  # the answer only
    caplog.clear()
    build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
    meta = json.loads((tmp_path / "incremental/_kbgen/search/meta.json").read_text(encoding="utf-8"))
    taken = _speculated(caplog.text)
    assert "in a second process" in caplog.text and 0 < taken < meta["documents"]
    on["incremental"] = False
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "incremental", tmp_path / "clean") == []
    history, speculated = [], []
    for name in [*rng.sample(Project.EDITS, len(Project.EDITS)), *LOCAL_EDITS]:
        history.append(getattr(project, name)())
        on["incremental"] = True
        caplog.clear()
        build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
        speculated.append(_speculated(caplog.text))
        on["incremental"] = False
        build(config, tmp_path / "clean")
        assert differences(tmp_path / "incremental", tmp_path / "clean") == [], history
    # (the edits of a page's own text: an article's body, a FAQ answer)
    assert sum(map(bool, speculated)) >= 3, list(zip(history, speculated, strict=True))


def test_a_changed_answer_makes_the_search_documents_of_its_page_alone(tmp_path, caplog, monkeypatch):
    """The other pages' documents are known by their digests, remembered under each page's key:
    the build makes (and the index process is sent) those of the changed page only, and the
    index is a clean build's."""
    from kbgen import search

    made: list[str] = []
    real = search.collect

    def collect(entries, url_for):
        found = real(entries, url_for)
        made.extend(doc.id for doc in found)
        return found

    monkeypatch.setattr(search, "collect", collect)
    on = _two_processes(monkeypatch)
    on["incremental"] = True
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    project = Project(tmp_path / "project", random.Random(3))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert len(made) >= 8  # a clean build: every page's
    made.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert made == []  # nothing changed: the remembered index, from the digests alone
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "taken from the last build" in caplog.text
    assert made and all(doc_id.startswith("shipping/faq/") for doc_id in made), made
    on["incremental"] = False
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def _answer_changed_after(tmp_path, caplog, monkeypatch, meanwhile) -> str:
    """A first build with two processes, ``meanwhile()``, a FAQ answer changed and a second
    build, which must give a clean build's bytes; returns the second build's log."""
    on = _two_processes(monkeypatch)
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    on["incremental"] = True
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    meanwhile()
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Ask the courier first."))
    caplog.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    log = caplog.text
    on["incremental"] = False
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []
    return log


def test_a_page_whose_documents_changed_unannounced_is_caught_and_indexed_right(tmp_path, caplog, monkeypatch):
    """Told that no page changed while a FAQ answer did, the process takes the old documents;
    the build sees that they are not this build's and writes the index itself, right."""
    from kbgen.plugin import KbgenPlugin

    def told_nothing_changed():
        monkeypatch.setattr(KbgenPlugin, "_changed_search_pages", lambda self: set())

    log = _answer_changed_after(tmp_path, caplog, monkeypatch, told_nothing_changed)
    assert "in a second process" not in log and _speculated(log) == 0


def test_the_last_builds_documents_gone_from_the_cache_are_sent_by_the_build(tmp_path, caplog, monkeypatch):
    """The process cannot take documents the cache no longer holds (they are kept with their
    shards: one shard's entry gone): it asks, the build sends them."""
    from kbgen.search import reuse

    def drop_a_shard():
        key = cache.Store(tmp_path / "cache" / "root").get(reuse.SHARDS)["entries"][0]
        (tmp_path / "cache" / "root" / cache.ENTRIES / key[:2] / key).unlink()

    log = _answer_changed_after(tmp_path, caplog, monkeypatch, drop_a_shard)
    assert "in a second process" in log and _speculated(log) == 0


def test_values_stored_uncompressed_read_back_and_are_checked(tmp_path):
    """``compress=False`` (the remembered index, the page vectors: they do not shrink) stores
    the value as it is pickled, read back by the same ``get``; a damaged entry is a miss."""
    import os
    import pickle

    store = cache.Store(tmp_path / "ns")
    value = {"segment": os.urandom(200_000), "text": b"the same words " * 10_000}
    store.put("a" * 64, value, compress=False)
    store.put("b" * 64, value)
    raw, packed = (store._path(key) for key in ("a" * 64, "b" * 64))
    # the value's pickle as it is after the checksum and the kind, nothing for zlib to copy back
    assert raw.read_bytes()[32:] == cache.PLAIN + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    assert packed.stat().st_size < raw.stat().st_size - 100_000  # the repeated text shrinks
    again = cache.Store(tmp_path / "ns")
    assert again.get("a" * 64) == value == again.get("b" * 64)
    data = raw.read_bytes()
    raw.write_bytes(data[:1000] + bytes([data[1000] ^ 1]) + data[1001:])
    assert cache.Store(tmp_path / "ns").get("a" * 64) is None
    raw.write_bytes(data[:32] + cache.PACKED + data[33:])  # the kind is checked too
    assert cache.Store(tmp_path / "ns").get("a" * 64) is None


def test_a_bundle_says_whether_it_changed(tmp_path):
    """What the index uses to start its process early: a value put anew, or one left unused."""
    store = cache.Store(tmp_path / "ns")
    first = cache.Bundle(store, "things")
    first.put("x", 1)
    first.put("y", 2)
    assert first.changed
    first.save()
    same = cache.Bundle(store, "things")
    assert (same.get("x"), same.get("y")) == (1, 2)
    assert not same.changed
    fewer = cache.Bundle(store, "things")
    fewer.get("x")
    assert fewer.changed


def test_a_build_on_another_day_reuses_what_the_date_does_not_change(tmp_path, caplog, monkeypatch):
    """The tiny center's notice ends on 2026-12-20 and its return window changes on
    2027-03-01: each later day's build with the cache gives that day's clean build."""
    project = Project(tmp_path / "project", random.Random(4))
    config = project.path("mkdocs.yml")
    caplog.set_level("DEBUG", logger="mkdocs.plugins.kbgen")
    monkeypatch.setenv("KBGEN_TODAY", "2026-11-23")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    for day in ("2026-11-24", "2026-12-21", "2027-03-02"):
        monkeypatch.setenv("KBGEN_TODAY", day)
        caplog.clear()
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
        reused, built = _reused(caplog.text)
        build(config, tmp_path / "clean", cache_dir=None)
        assert differences(tmp_path / "site", tmp_path / "clean") == [], day
        if day == "2026-11-24":  # nothing but the date changed: articles and categories are reused
            assert reused >= 5 and built <= 5, (reused, built)


WARNING_EXTENSION = """\
import logging

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class Warn(Preprocessor):
    def run(self, lines):
        if any("old-style box" in line for line in lines):
            logging.getLogger("mkdocs.extensions.boxes").warning("an old-style box: write an admonition")
        return lines


class BoxesExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Warn(md), "kb_test_boxes", 5)


def makeExtension(**kwargs):
    return BoxesExtension(**kwargs)
"""


def test_a_page_mkdocs_warns_about_is_built_every_time(tmp_path, monkeypatch, caplog):
    """A warning logged while a page renders (here by a Markdown extension, as MkDocs' own link
    validation does) counts for --strict: a cached page must not hide it."""
    (tmp_path / "kb_test_boxes.py").write_text(WARNING_EXTENSION, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    config.write_text(config.read_text(encoding="utf-8") + "  - kb_test_boxes\n", encoding="utf-8")
    project.write("content/shipping/tracking.md", _article("Tracking", "An old-style box."))
    for _ in range(2):
        caplog.clear()
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
        assert "an old-style box" in caplog.text


def test_materials_static_search_reads_only_the_pages_that_changed(tmp_path, monkeypatch):
    """A cached page's entries in Material's static index come from the cache: its search
    plugin parses only the pages built again, and the index is the clean build's."""
    from material.plugins.search import plugin as material_search

    project = Project(tmp_path / "project", random.Random(8))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    parsed: list[str] = []
    add_entry = material_search.SearchIndex.add_entry_from_context

    def counted(self, page):
        if not (page.meta.get("search") or {}).get("exclude"):
            parsed.append(page.file.src_uri)
        return add_entry(self, page)

    monkeypatch.setattr(material_search.SearchIndex, "add_entry_from_context", counted)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert parsed == []
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert parsed == ["shipping/index.md"]
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []
    assert "courier" in (tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8")


def test_a_cached_page_left_out_of_materials_search_hands_mkdocs_no_content(tmp_path, monkeypatch):
    """A cached page's final HTML comes from the cache: when its static search entries do too,
    nothing reads its content, so MkDocs gets none (Material's search would strip attributes from
    it for nothing); a page Material indexes gets its content. The site is the clean build's."""
    from material.plugins.search import plugin as material_search

    project = Project(tmp_path / "project", random.Random(8))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    seen: dict[str, int] = {}
    on_page_context = material_search.SearchPlugin.on_page_context

    def measured(self, context, *, page, config, nav):
        seen[page.file.src_uri] = len(page.content or "")
        return on_page_context(self, context, page=page, config=config, nav=nav)

    monkeypatch.setattr(material_search.SearchPlugin, "on_page_context", measured)
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert seen["shipping/index.md"] > 0
    assert {src for src, length in seen.items() if length} == {"shipping/index.md"}
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_materials_search_turned_off_writes_no_static_index(tmp_path):
    """With Material's search disabled there is no static index to put cached entries into."""
    project = Project(tmp_path / "project", random.Random(12))
    config = project.path("mkdocs.yml")
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - search\n", "  - search:\n      enabled: false\n"),
        encoding="utf-8",
    )
    for _ in range(2):
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
        assert not (tmp_path / "site" / "search" / "search_index.json").exists()
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_an_edited_template_is_compiled_again(tmp_path):
    """Compiled templates are kept in the cache (Jinja's bytecode cache): a writer's edited
    override must show, as in a clean build."""
    project = Project(tmp_path / "project", random.Random(9))
    config = project.path("mkdocs.yml")
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    main = '{% extends "base.html" %}\n{% block announce %}Announcement {n}{% endblock %}\n'
    project.write("overrides/main.html", main.replace("{n}", "one"))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache" / cache.DEFAULT_NAMESPACE / "templates").glob("*/*.cache"))
    project.write("overrides/main.html", main.replace("{n}", "two"))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "Announcement two" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def _counted_parses(monkeypatch) -> list[str]:
    """The texts of the Markdown files the content loader parses from now on."""
    from kbgen.content import loader

    parsed: list[str] = []
    split = loader.front_matter

    def counted(text, path, report):
        parsed.append(text)
        return split(text, path, report)

    monkeypatch.setattr(loader, "front_matter", counted)
    return parsed


def test_unchanged_markdown_files_are_not_parsed_again(tmp_path, monkeypatch):
    """Articles and FAQ entries come from the cache while their text is the same: only the
    edited file is parsed (the checks across files still run on the whole model)."""
    project = Project(tmp_path / "project", random.Random(10))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    parsed = _counted_parses(monkeypatch)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert parsed == []
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert len(parsed) == 1 and "courier" in parsed[0]
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []
    # the same text in another file (another category): its path is in the key, so parsed anew
    edited = parsed[0]
    parsed.clear()
    project.write("content/returns/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    project.path("content/shipping/faq/lost.md").unlink()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert parsed == [edited]


def test_pages_restored_from_the_cache_get_no_markdown_pass(tmp_path, monkeypatch):
    """A page the cache restores is not run through Python-Markdown (a parser with every
    extension made for it costs more than restoring it); its bytes are a clean build's."""
    import markdown

    project = Project(tmp_path / "project", random.Random(11))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    converted: list[str] = []
    convert = markdown.Markdown.convert

    def counted(self, source):
        converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counted)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert converted == []
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert len(converted) == 1 and "courier" in converted[0]  # the category page holding it
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_a_moved_project_parses_nothing_again_and_names_its_files_as_before(tmp_path, monkeypatch, invoke):
    """The parses' keys name a file inside the content folder, not where the folder lies: the
    project checked out elsewhere (another CI runner's folder) reuses them, and what a file's
    parse reported names it as before."""
    project = Project(tmp_path / "here", random.Random(12))
    project.write("content/shipping/faq/lost.md", "---\nquestion: Lost: what now?\nfoo: 1\n---\n\nWait.\n")
    first = invoke("build", "-d", tmp_path / "site", "--cache-dir", tmp_path / "cache", cwd=project.root)
    assert first.exit_code != 0 and "shipping/faq/lost.md:2:" in first.output
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(project.root, moved)
    parsed = _counted_parses(monkeypatch)
    again = invoke("build", "-d", tmp_path / "site", "--cache-dir", tmp_path / "cache", cwd=moved)
    assert parsed == []
    assert again.output == first.output
    (moved / "content/shipping/faq/lost.md").unlink()
    assert invoke("build", "-d", tmp_path / "site", "--cache-dir", tmp_path / "cache", cwd=moved).exit_code == 0
    assert parsed == []
    build(moved / "mkdocs.yml", tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_each_languages_content_is_parsed_once(tmp_path, monkeypatch):
    """A help center in two languages loads each pair's content from a view written anew for
    each build: the pairs keep their parses in the cache too, so an unchanged file is not parsed
    again, and a changed translation is the one file parsed."""
    project = PairsProject(tmp_path / "project", random.Random(13))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    parsed = _counted_parses(monkeypatch)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert parsed == []
    project.translate("content/shipping/tracking.md", "Sendungen", "Öffnen Sie Ihre Bestellung.")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert len(parsed) == 1 and "Öffnen Sie" in parsed[0]
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def _counted_reads(monkeypatch) -> list[str]:
    """The Markdown files the content loader reads from now on (their names)."""
    from kbgen.content import loader

    names: list[str] = []
    real = loader.read

    def counted(path, *args):
        if Path(path).suffix == ".md":
            names.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(loader, "read", counted)
    return names


def test_an_unchanged_file_is_not_even_read_and_a_rewritten_one_always_is(tmp_path, monkeypatch):
    """A file whose stat is the one recorded when it was last read is not read again (its parse
    comes by the recorded key); a rewrite of the same size with its old modification time put
    back still changes its change time, so it is read and parsed, and the site is a clean build's."""
    from kbgen.content.loader import Memo

    monkeypatch.setattr(Memo, "RACY_SECONDS", -60)  # every file counts as long unchanged (see below)
    project = Project(tmp_path / "project", random.Random(14))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    reads = _counted_reads(monkeypatch)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert reads == []
    path = project.path("content/shipping/faq/lost.md")
    if not path.exists():
        project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait for the courier."))
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("courier", "COURIER") if "courier" in text else text[:-2] + "!\n"
    assert len(changed) == len(text) and changed != text
    reads.clear()
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old modification time back
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert reads == ["lost.md"]
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_a_file_changed_just_before_it_was_read_is_read_again(tmp_path, monkeypatch):
    """A read that comes within the clock's resolution of the file's last change (here: any, the
    margin made huge) may have missed a later write of the same size and times: no record is
    made, and every load reads the file again."""
    from kbgen.content.loader import Memo

    monkeypatch.setattr(Memo, "RACY_SECONDS", 3600)
    project = Project(tmp_path / "project", random.Random(15))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    reads = _counted_reads(monkeypatch)
    build(config, tmp_path / "clean")
    without_cache = sorted(reads)
    reads.clear()
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert sorted(reads) == without_cache and len(without_cache) > 5


def test_a_content_files_parse_from_the_cache_is_the_fresh_parse_without_pickling_its_path(tmp_path):
    """Each file's parse is kept without its path (the key has it; unpickling thousands of
    paths cost more than the rest of the entries): a hit gets it back, and the whole model
    loaded from the cache equals the one parsed afresh."""
    from kbgen import cache, content

    project = Project(tmp_path / "project", random.Random(11))
    docs = project.path("content")
    first = cache.Bundle(cache.Store(tmp_path / "cache"), "content-files")
    fresh, _ = content.load(docs, memo=first)
    first.save()
    second = cache.Bundle(cache.Store(tmp_path / "cache"), "content-files")
    again, _ = content.load(docs, memo=second)
    assert not second.changed  # every file from the cache
    kept = cache.Store(tmp_path / "cache").get(cache.NAMED + "content-files")
    assert len(kept) == len(fresh.written(notices=False)) > 5
    assert not any(b"PosixPath" in value for value in kept.values())
    assert again.written() == fresh.written()
    assert all(isinstance(entry.path, Path) for entry in again.written(notices=False))


def test_a_bundle_in_parts_writes_only_the_parts_a_change_touches(tmp_path):
    """Thousands of parses kept in parts: a build that changes one value writes the part of its
    new key and the part its old one leaves; every value reads back; nothing changed, nothing written."""
    from kbgen import cache

    def written(store):
        return sorted(path.name for path in store.folder.glob(cache.NAMED + "many-*"))

    store = cache.Store(tmp_path / "cache")
    first = cache.Bundle(store, "many", parts=16)
    for n in range(500):
        first.put(f"key{n}", {"value": n})
    first.save()
    assert len(written(store)) == 16
    stamps = {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in store.folder.glob(cache.NAMED + "many-*")
    }

    second = cache.Bundle(cache.Store(tmp_path / "cache"), "many", parts=16)
    assert all(second.get(f"key{n}") == {"value": n} for n in range(500)) and not second.changed
    second.save()  # nothing changed: nothing written
    assert {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in store.folder.glob(cache.NAMED + "many-*")
    } == stamps

    third = cache.Bundle(cache.Store(tmp_path / "cache"), "many", parts=16)
    for n in range(500):
        if n != 123:
            third.get(f"key{n}")
    third.put("key123-edited", {"value": "edited"})
    assert third.changed
    third.save()
    rewritten = [
        p.name
        for p in store.folder.glob(cache.NAMED + "many-*")
        if (p.stat().st_ino, p.stat().st_mtime_ns) != stamps[p.name]
    ]
    assert 1 <= len(rewritten) <= 2
    fourth = cache.Bundle(cache.Store(tmp_path / "cache"), "many", parts=16)
    assert "key123" not in fourth and fourth.get("key123-edited") == {"value": "edited"}
    assert all(fourth.get(f"key{n}") == {"value": n} for n in range(500) if n != 123)


def test_a_files_mistake_is_reported_again_from_the_cache(tmp_path, invoke):
    """What a file's parse reported is kept with it: the second build says the same."""
    project = Project(tmp_path / "project", random.Random(11))
    project.write("content/shipping/faq/lost.md", "---\nquestion: Lost: what now?\nfoo: 1\n---\n\nWait.\n")
    outputs = []
    for _ in range(2):
        result = invoke("build", "-d", tmp_path / "site", "--cache-dir", tmp_path / "cache", cwd=project.root)
        assert result.exit_code != 0
        outputs.append(result.output)
    assert "shipping/faq/lost.md:2:" in outputs[0]
    assert outputs[0] == outputs[1]
    assert list((tmp_path / "cache" / cache.DEFAULT_NAMESPACE).glob(cache.NAMED + "content-files-*"))


def test_a_cache_that_cannot_be_written_only_slows_the_build(tmp_path):
    """Not a warning: --strict must not fail because CI's cache folder is unusable."""
    project = Project(tmp_path / "project", random.Random(6))
    config = project.path("mkdocs.yml")
    (tmp_path / "a-file").write_text("not a folder")
    build(config, tmp_path / "site", strict=True, cache_dir=tmp_path / "a-file" / "cache")
    build(config, tmp_path / "clean", strict=True)
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_the_key_names_functions_of_versioned_packages_and_refuses_others():
    """A config may name functions (custom fences); only those of packages whose version
    is in the key have a stable form, others turn the cache off rather than risk a stale page."""
    from pymdownx.superfences import fence_code_format

    from kbgen import incremental

    fences = {"custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]}
    assert "pymdownx.superfences.fence_code_format" in incremental.dumps(fences)

    def own_format(*args):
        return ""

    with pytest.raises(incremental.Unstable):
        incremental.dumps({"format": own_format})


def test_the_key_of_a_model_object_leaves_out_what_only_its_own_page_shows_each_time():
    """A model's dataclasses are written down from the fields kept for them (kept once a class):
    a body is in the site part's model only where its own page does not show it, every time."""
    from kbgen import incremental
    from kbgen.content.model import FaqEntry

    entry = FaqEntry(
        src="returns/faq/late.md",
        path=Path("late.md"),
        category="returns",
        question="Late?",
        body="The answer.",
        body_line=4,
    )
    for _ in range(2):  # the second time from what the first kept
        as_model = incremental.stable(entry, model=True)
        as_value = incremental.stable([entry, (entry,)])
        assert as_model["question"] == "Late?" and "body" not in as_model and "path" not in as_model
        assert as_value[0]["body"] == "The answer." and as_value[1] == [as_value[0]]
    entry.question = "Very late?"
    assert incremental.stable(entry, model=True)["question"] == "Very late?"


# -- two (market, language) pairs -----------------------------------------------------------

PAIRS_CONFIG = """\
site_name: Tiny Help Center
site_url: https://help.example.com/
docs_dir: content
theme:
  name: material
  features: [navigation.indexes, navigation.prune]
plugins:
  - search
  - kbgen:
      home_heading: {{en: "{heading}", de: "Wie können wir helfen?"}}
      languages: [en, de]
      markets:
        ie: {{country: IE, currency: EUR, languages: [en]}}
        de: {{country: DE, currency: EUR, languages: [de]}}
      default_market: ie
      search_processes: 2  # each pair's index written by a second process while pages render
"""

PAIRS_FACTS = """\
facts:
  free_over:
    value: {free}
    unit: EUR
    markets:
      de: {{value: {free_de}}}
  window: {{value: 30, unit: days}}
"""


def _translation(source: Path, title: str, body: str) -> str:
    from kbgen.content.languages import source_version

    return f"---\ntitle: {title}\ntranslates: {source_version(source)}\n---\n\n{body}\n"


class PairsProject(Project):
    """A help center published twice: English for Ireland at the root, German for Germany
    under /de-de/; German pages are translations beside their sources (``page.de.md``)."""

    CATALOG = "locales/de/LC_MESSAGES/kbgen.po"

    def __init__(self, root: Path, rng: random.Random):
        from kbgen.i18n import LOCALES_DIR

        self.root, self.rng, self.count = root, rng, 0
        self.facts = {"free": 40, "free_de": 45}
        self.heading = "How can we help?"
        files = {
            "mkdocs.yml": PAIRS_CONFIG.format(heading=self.heading),
            "content/facts.yml": PAIRS_FACTS.format(**self.facts),
            "content/returns/_category.yml": "title: Returns\ndescription: Send back.\n",
            "content/returns/_category.de.yml": "title: Rücksendungen\ndescription: Zurückschicken.\n",
            "content/returns/policy.md": _article("Return policy", "Free returns over {{ fact:free_over }}."),
            "content/returns/refunds.md": _article("Refunds", "## When\n\nWithin {{ fact:window }}."),
            "content/returns/faq/fees.md": _faq("Are there fees?", "Not over {{ fact:free_over }}."),
            "content/shipping/_category.yml": "title: Shipping\ndescription: Parcels.\n",
            "content/shipping/tracking.md": _article(
                "Tracking", "Open your order. See [refunds](../returns/refunds.md)."
            ),
        }
        for rel, text in files.items():
            self.write(rel, text)
        self.write(self.CATALOG, (LOCALES_DIR / "de/LC_MESSAGES/kbgen.po").read_text(encoding="utf-8"))
        self.translate("content/returns/policy.md", "Rückgabe", "Kostenlos ab {{ fact:free_over }}.")
        self.translate(
            "content/shipping/tracking.md", "Sendungsverfolgung", "Siehe [Erstattung](../returns/refunds.md)."
        )

    def translate(self, rel: str, title: str, body: str) -> None:
        source = self.path(rel)
        self.write(rel[: -len(".md")] + ".de.md", _translation(source, title, body))

    def _sources(self) -> list[Path]:
        return sorted(p for p in (self.root / "content").glob("*/[!_]*.md") if not p.name.endswith(".de.md"))

    def change_translation(self) -> str:
        found = sorted((self.root / "content").glob("*/*.de.md"))
        if not found:
            return self.add_translation()
        path = self.rng.choice(found)
        n = self.fresh()
        if self.rng.random() < 0.5:
            path.write_text(path.read_text(encoding="utf-8") + f"\nSchritt {n}: {{{{ fact:window }}}}.\n", "utf-8")
            return f"change {path.name}"
        self._replace(path, "title: ", f"title: Neu {n} ")
        return f"retitle {path.name}"

    def add_translation(self) -> str:
        untranslated = [p for p in self._sources() if not p.with_name(p.stem + ".de.md").exists()]
        if not untranslated:
            return self.delete_translation()
        source = self.rng.choice(untranslated)
        n = self.fresh()
        self.translate(source.relative_to(self.root).as_posix(), f"Übersetzt {n}", f"Text {n}.")
        return f"translate {source.name}"

    def delete_translation(self) -> str:
        found = sorted((self.root / "content").glob("*/*.de.md"))
        if not found:
            return self.add_translation()
        path = self.rng.choice(found)
        path.unlink()
        return f"delete {path.name}"

    def change_source(self) -> str:
        path = self.rng.choice(self._sources())
        path.write_text(path.read_text(encoding="utf-8") + f"\nStep {self.fresh()}.\n", encoding="utf-8")
        return f"change {path.name} (its translation is now outdated)"

    def change_market_fact(self) -> str:
        name = self.rng.choice(["free", "free_de"])
        self.facts[name] += self.rng.randint(1, 9)
        self.write("content/facts.yml", PAIRS_FACTS.format(**self.facts))
        return f"facts {self.facts}"

    def change_catalog(self) -> str:
        path = self.path(self.CATALOG)
        n = self.fresh()
        old = self.rng.choice(['msgstr "Suche"', 'msgstr "War das hilfreich?"'])
        text = path.read_text(encoding="utf-8")
        if old not in text:  # changed before: change it again
            old = next(line for line in text.splitlines() if line.startswith(old[:-1]))
        self._replace(path, old, f'{old[:-1]} {n}"')
        return f"catalog {old} + {n}"

    def change_heading(self) -> str:
        self.heading = f"Hello {self.fresh()}"
        self.write("mkdocs.yml", PAIRS_CONFIG.format(heading=self.heading))
        return "change config (English home heading)"

    def add_page(self) -> str:
        n = self.fresh()
        self.write(f"content/shipping/new-{n}.md", _article(f"New page {n}", f"Text {n}."))
        return f"add shipping/new-{n}.md"

    EDITS = (
        "change_translation",
        "add_translation",
        "delete_translation",
        "change_source",
        "change_market_fact",
        "change_catalog",
        "change_heading",
        "add_page",
        "change_faq",
    )


PAIRS_LOCAL_EDITS = ("change_translation", "change_market_fact", "change_catalog", "change_source")


def test_incremental_build_of_two_pairs_gives_the_same_bytes_as_a_clean_build(tmp_path):
    """Each pair has its own cache namespace, and a page's key holds what it reads across
    pairs (its switcher and hreflang links), its market's values and the catalogs. Its index
    is written by the background process (the single-pair test covers the one-process one)."""
    rng = random.Random(SEED)
    project = PairsProject(tmp_path / "project", rng)
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "incremental", cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["de-de", cache.DEFAULT_NAMESPACE]
    edit_and_compare(project, rng, PairsProject.EDITS, PAIRS_LOCAL_EDITS, tmp_path)


def test_a_pair_no_longer_published_leaves_no_cache_behind(tmp_path):
    """When the German market goes, so does its cache namespace (after a successful build
    only); a folder in the cache directory that kbgen's cache did not make stays."""
    project = PairsProject(tmp_path / "project", random.Random(SEED))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    (tmp_path / "cache" / "notes").mkdir()
    (tmp_path / "cache" / "notes" / "VERSION").write_text("someone else's\n", encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["de-de", "notes", cache.DEFAULT_NAMESPACE]
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("  - kbgen:\n")[0] + "  - kbgen:\n      no_such_option: 1\n", encoding="utf-8")
    with pytest.raises(BuildFailed):  # a failed build keeps every namespace
        build(config, tmp_path / "site", strict=True, cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache" / "de-de").is_dir()
    for translation in (tmp_path / "project" / "content").rglob("*.de.md"):
        translation.unlink()
    config.write_text(text.split("  - kbgen:\n")[0] + "  - kbgen:\n      search_processes: 2\n", encoding="utf-8")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["notes", cache.DEFAULT_NAMESPACE]
    assert not (tmp_path / "site" / "de-de").exists()


def test_each_pair_reuses_its_own_pages(tmp_path, caplog):
    """A German edit rebuilds German pages only; a new translation also rebuilds the English
    page whose switcher now lands on it."""
    project = PairsProject(tmp_path / "project", random.Random(7))
    config = project.path("mkdocs.yml")
    caplog.set_level("DEBUG", logger="mkdocs.plugins.kbgen")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")

    def rebuilt() -> list[tuple[int, int]]:  # per pair, in build order: de-de, then the root
        caplog.clear()
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
        lines = [line for line in caplog.text.splitlines() if "page(s) reused" in line]
        return [_reused(line) for line in lines]

    (de, de_built), (root, root_built) = rebuilt()
    assert de_built == root_built == 0 and de >= 4 and root >= 6
    project.write(
        "content/returns/policy.de.md", _translation(project.path("content/returns/policy.md"), "Rückgabe", "Neu.")
    )
    assert rebuilt() == [(de - 1, 1), (root, 0)]
    project.translate("content/returns/refunds.md", "Erstattung", "Innerhalb von {{ fact:window }}.")
    (_, de_built), (_, root_built) = rebuilt()
    assert root_built == 1  # refunds: its switcher's German link is the page now, not its category


def _cache_writers() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "kbgen-cache" and t.is_alive()]


def test_a_build_that_fails_after_its_pages_leaves_no_writer_and_a_cache_that_builds_right(tmp_path):
    """The cache's values are written by a thread while the build waits for its index: a build
    that fails before (a template breaking on a late page) still ends that thread, and what
    it wrote is right for its keys: the next build gives a clean build's bytes."""
    import jinja2

    project = Project(tmp_path / "project", random.Random(12))
    config = project.path("mkdocs.yml")
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    breaking = (
        '{% extends "base.html" %}\n{% block announce %}'
        '{% if page and page.file.src_uri.startswith("shipping/") %}{{ nothing.here }}{% endif %}'
        "{% endblock %}\n"
    )
    project.write("overrides/main.html", breaking)
    with pytest.raises(jinja2.exceptions.UndefinedError):
        build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert _cache_writers() == []
    assert list((tmp_path / "cache" / cache.DEFAULT_NAMESPACE / cache.ENTRIES).glob("*/*"))  # the pages before it
    assert not (tmp_path / "site").exists()
    project.write("overrides/main.html", breaking.replace("{{ nothing.here }}", "Shipping"))
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert _cache_writers() == []
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_cache_writes_failing_in_the_writer_only_slow_the_next_build(tmp_path, caplog):
    """Every entry folder taken by a file: the writer thread's writes fail (logged as
    information, the build goes on and is right), and the next build, with nothing to reuse,
    is right too."""
    project = Project(tmp_path / "project", random.Random(13))
    config = project.path("mkdocs.yml")
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    entries = tmp_path / "cache" / cache.DEFAULT_NAMESPACE / cache.ENTRIES
    shutil.rmtree(entries)
    entries.mkdir()
    for n in range(256):
        (entries / f"{n:02x}").write_bytes(b"not a folder")
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait a week."))
    caplog.set_level("INFO", logger="mkdocs.plugins.kbgen")
    build(config, tmp_path / "site", strict=True, cache_dir=tmp_path / "cache")
    assert "cannot write" in caplog.text
    assert _cache_writers() == []
    build(config, tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []
    shutil.rmtree(entries)
    build(config, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_values_put_later_are_written_by_flush_or_past_the_held_limit(tmp_path, monkeypatch):
    """Another store (the next build, the index process) sees a value put later once it is
    flushed; past ``HELD_LIMIT`` the writer starts at once; a failing ``make`` is raised by flush."""
    store = cache.Store(tmp_path / "ns")
    store.put_later("a" * 64, lambda: {"text": b"words " * 1000}, size=6000)
    assert cache.Store(tmp_path / "ns").get("a" * 64) is None  # held until the build waits
    assert _cache_writers() == []
    store.flush()
    assert _cache_writers() == []
    assert cache.Store(tmp_path / "ns").get("a" * 64) == {"text": b"words " * 1000}
    monkeypatch.setattr(cache, "HELD_LIMIT", 10_000)
    store.put_later("b" * 64, lambda: b"x" * 6000, compress=False, size=6000)
    assert _cache_writers() == []
    store.put_later("c" * 64, lambda: b"y" * 6000, compress=False, size=6000)  # over the limit: writing
    assert len(_cache_writers()) == 1
    store.put_later("d" * 64, lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        store.flush()
    assert _cache_writers() == []
    again = cache.Store(tmp_path / "ns")
    assert (again.get("b" * 64), again.get("c" * 64), again.get("d" * 64)) == (b"x" * 6000, b"y" * 6000, None)
