#!/usr/bin/env python3
"""Generate a deterministic kbgen help-center project for benchmarks.

    python benchmarks/corpus.py --pages 1000 --out DIR [--seed 1] [--categories N] [--force]

writes DIR/mkdocs.yml (a kbgen project like the scaffold's), DIR/mkdocs-plain.yml and
DIR/mkdocs-plain-prune.yml (the same Markdown built by plain MkDocs + Material, without the
kbgen plugin), DIR/content/ and DIR/corpus.json (what was generated, and a hash of the
generator so a cached corpus can tell it is stale).

``--pages`` counts the Markdown files writers would write: about 40% articles
(``<category>/<slug>.md``) and 60% FAQ entries (``<category>/faq/<slug>.md``), over 12
categories at 1,000 pages and 40 at 10,000 (``--categories`` overrides). The text is
assembled from the banks in corpus_banks.py with one ``random.Random(seed)``: the same
pages and seed give byte-identical output. If DIR already holds exactly that corpus (same
generator hash, pages, seed), nothing is rewritten unless ``--force``. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus_banks as B  # noqa: E402

ARTICLE_SHARE = 0.4
ARTICLE_WORDS = (250, 800)
FAQ_WORDS = (25, 160)
STAMP = "corpus.json"
CONFIGS = ("mkdocs.yml", "mkdocs-plain.yml", "mkdocs-plain-prune.yml")
RESERVED_SLUGS = {"index", "faq"}


def generator_hash() -> str:
    """Changes whenever the generator or its text banks change (stale-cache check)."""
    digest = hashlib.sha256()
    for name in ("corpus.py", "corpus_banks.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def category_count(pages: int) -> int:
    """12 categories at 1,000 pages, 40 at 10,000 (a power law between and beyond)."""
    n = round(12 * (pages / 1000) ** math.log10(40 / 12))
    return max(2, min(len(B.CATEGORIES), n))


# -- small text helpers --------------------------------------------------------------------


def slugify(text: str, limit: int = 72) -> str:
    """A lowercase-hyphenated file name; long names are cut at a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def toc_anchor(text: str) -> str:
    """The id Python-Markdown's toc extension gives a heading (its default slugify)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def normalize_question(text: str) -> str:
    """What kbgen's duplicate-question check compares (kbgen/content/checks.py)."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def first_person(text: str) -> str:
    """Actions and problems say "your"; a shopper's question says "my"."""
    text = re.sub(r"\byours\b", "mine", text)
    text = re.sub(r"\byour\b", "my", text)
    return re.sub(r"\bYour\b", "My", text)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def words(markdown: str) -> int:
    """Prose words: link targets, list markers and table rules are not words."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    return len(re.findall(r"[A-Za-z0-9€][\w'’.,%€-]*", text))


_PLAIN = re.compile(r"^[A-Za-z0-9][^:#\[\]{}&*!|>\"%@`]*$")


def yaml_str(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted."""
    if (
        _PLAIN.match(value)
        and not value.endswith(" ")
        and value.lower() not in ("yes", "no", "true", "false", "on", "off", "null")
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


# -- filling templates -----------------------------------------------------------------------


class Deck:
    """Draws from banks without repeats until a bank is used up (per page)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.piles: dict[int, list[int]] = {}

    def draw(self, items: list):
        pile = self.piles.get(id(items))
        if not pile:
            pile = list(range(len(items)))
            self.rng.shuffle(pile)
            self.piles[id(items)] = pile
        return items[pile.pop()]


class _Slots(dict):
    def __init__(self, filler: Filler, ctx: dict):
        super().__init__()
        self.filler = filler
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        name = key[0].lower() + key[1:]
        value = self.filler.value(name, self.ctx)
        return cap(value) if key[0].isupper() else value


class Filler:
    def __init__(self, rng: random.Random, site: str):
        self.rng = rng
        self.site = site

    def value(self, name: str, ctx: dict) -> str:
        if name in ctx:
            return ctx[name]
        if name == "site":
            return self.site
        if name == "menu":
            return self.rng.choice(ctx["menus"])
        if name == "segment_one":
            return self.rng.choice(B.SEGMENTS)[0]
        if name == "segment_pl":
            return self.rng.choice(B.SEGMENTS)[1]
        if name == "event":
            return self.rng.choice(ctx.get("events") or ["paying"])
        bank = B.FILLERS.get(name)
        if bank:
            return self.rng.choice(bank)
        raise KeyError(f"no filler for {{{name}}}")

    def fill(self, template: str, ctx: dict) -> str:
        return template.format_map(_Slots(self, ctx))


# -- the plan: every page's name, title and headings before any body is written -------------


@dataclass
class Category:
    spec: dict
    order: int
    articles: list[ArticlePlan] = field(default_factory=list)
    faqs: list[FaqPlan] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.spec["slug"]


@dataclass
class ArticlePlan:
    category: Category
    slug: str
    title: str
    kind: str  # topic | action | problem
    ctx: dict
    headings: list[tuple[str, str, str]]  # (text, block type, anchor)
    target: int
    meta: dict
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)

    @property
    def src(self) -> str:
        return f"{self.category.slug}/{self.slug}.md"


@dataclass
class FaqPlan:
    category: Category
    slug: str
    question: str
    kind: str
    ctx: dict
    meta: dict
    links: list[tuple[str, str]] = field(default_factory=list)


class Generator:
    def __init__(self, pages: int, seed: int = 1, categories: int | None = None):
        if pages < 10:
            raise ValueError("--pages must be at least 10")
        self.pages = pages
        self.seed = seed
        self.rng = random.Random(f"kbgen-corpus:{seed}")
        self.site = self.rng.choice(B.SITE_NAMES)
        self.filler = Filler(self.rng, self.site)
        # Dates are fixed by the seed, never by the clock.
        self.base_date = dt.date(2026, 1, 1) + dt.timedelta(days=(seed * 7919) % 300)
        n = effective_categories(pages, categories)
        self.categories = [Category(spec, i + 1) for i, spec in enumerate(B.CATEGORIES[:n])]
        self.n_articles = max(n, round(pages * ARTICLE_SHARE))
        self.n_faqs = pages - self.n_articles
        self.titles: set[str] = set()
        self.questions: set[str] = set()

    # ---- allocation ----
    def _allocate(self, total: int, weights: list[float], minimum: int) -> list[int]:
        minimum = minimum if total >= minimum * len(weights) else 0
        rest = total - minimum * len(weights)
        shares = [rest * w / sum(weights) for w in weights]
        counts = [minimum + int(s) for s in shares]
        by_fraction = sorted(range(len(weights)), key=lambda i: (-(shares[i] % 1), i))
        for i in by_fraction[: total - sum(counts)]:
            counts[i] += 1
        return counts

    def plan(self) -> None:
        weights = [self.rng.uniform(0.6, 1.6) for _ in self.categories]
        article_counts = self._allocate(self.n_articles, weights, 1)
        faq_counts = self._allocate(self.n_faqs, weights, 0)
        for category, n_articles, n_faqs in zip(self.categories, article_counts, faq_counts, strict=True):
            slugs: set[str] = set()
            for _ in range(n_articles):
                category.articles.append(self._plan_article(category, slugs))
            faq_slugs: set[str] = set()
            for _ in range(n_faqs):
                category.faqs.append(self._plan_faq(category, faq_slugs))
            # Writers promote a few pages per category, however big the site is.
            for page in self.rng.sample(category.articles, min(len(category.articles), self.rng.randint(1, 2))):
                page.meta["promoted"] = True
            for page in self.rng.sample(category.faqs, min(len(category.faqs), self.rng.randint(0, 2))):
                page.meta["promoted"] = True
        self._plan_links()

    def _dates(self, days_back: int = 720) -> dt.date:
        return self.base_date - dt.timedelta(days=self.rng.randint(0, days_back))

    def _audience(self, spec: dict) -> str:
        if self.rng.random() < 0.75:
            return spec["audience"]
        return self.rng.choice(["buyers", "sellers", "everyone"])

    def _ctx(self, spec: dict) -> dict:
        aspects = self.rng.sample(B.ASPECTS, 3)
        return {
            "topic": self.rng.choice(spec["topics"]),
            "action": self.rng.choice(spec["actions"]),
            "problem": self.rng.choice(spec["problems"]),
            "menus": spec["menu"],
            "events": spec.get("events", []),
            "aspect": aspects[0],
            "aspect2": aspects[1],
            "aspect3": aspects[2],
        }

    def _plan_article(self, category: Category, slugs: set[str]) -> ArticlePlan:
        spec = category.spec
        rng = self.rng
        for attempt in range(400):
            ctx = self._ctx(spec)
            kind = rng.choices(["topic", "action", "problem"], weights=[4, 4, 2])[0]
            template = rng.choice(
                {"topic": B.TOPIC_TITLES, "action": B.ACTION_TITLES, "problem": B.PROBLEM_TITLES}[kind]
            )
            if attempt > 0 or rng.random() < 0.45:  # a qualifier makes a title more specific
                quals = B.TITLE_QUALS if kind == "topic" else B.ACTION_QUALS
                qual = rng.choice(quals[rng.choice(spec["quals"])])
                if kind == "topic":  # right after the topic: "X for Y: rules", "X in Z explained"
                    template = re.sub(r"\{[Tt]opic\}", lambda m, qual=qual: f"{m.group(0)} {qual}", template)
                else:
                    template = f"{template} {qual}"
            title = cap(self.filler.fill(template, ctx))
            slug = slugify(title)
            if title.casefold() in self.titles or slug in slugs or slug in RESERVED_SLUGS:
                continue
            self.titles.add(title.casefold())
            slugs.add(slug)
            break
        else:
            raise RuntimeError(f"ran out of article titles in {category.slug}")
        target = rng.randint(ARTICLE_WORDS[0] + 30, ARTICLE_WORDS[1] - 60)
        meta = {
            "title": title,
            "summary": self.filler.fill(rng.choice(B.SUMMARIES[kind]), ctx),
            "tags": self._tags(spec, ctx),
            "audience": self._audience(spec),
            "updated": self._dates(),
            "owner": spec["owner"] if rng.random() < 0.8 else _owner(rng.choice(B.TEAMS)),
        }
        if rng.random() < 0.2:
            meta["effective"] = meta["updated"] - dt.timedelta(days=rng.randint(0, 45))
        if rng.random() < 0.3:
            meta["review_by"] = dt.date(2030, rng.randint(1, 12), rng.randint(1, 28))
        return ArticlePlan(category, slug, title, kind, ctx, self._headings(kind, ctx, target), target, meta)

    def _tags(self, spec: dict, ctx: dict) -> list[str]:
        tags = self.rng.sample(spec["tags"], self.rng.randint(1, 3))
        extra = self.rng.choice(
            ["how-to", "policy", "troubleshooting", "account", "orders", "buyers", "sellers", None, None]
        )
        if extra and extra not in tags:
            tags.append(extra)
        return tags

    def _headings(self, kind: str, ctx: dict, target: int) -> list[tuple[str, str, str]]:
        rng = self.rng
        n = max(2, min(8, round(target / 110)))
        chosen: list[tuple[str, str, str]] = []
        anchors: set[str] = set()

        def add(template: str, block: str | None) -> None:
            text = self.filler.fill(template, ctx)
            text = cap(text)
            anchor = toc_anchor(text)
            if anchor and anchor not in anchors:
                anchors.add(anchor)
                chosen.append((text, block or "para", anchor))

        add(*rng.choice(B.FIRST_HEADING[kind]))
        last = rng.choice(B.LAST_HEADINGS) if rng.random() < 0.6 else None
        pool = list(B.HEADINGS[kind])
        rng.shuffle(pool)
        for template, block in pool:
            if len(chosen) >= n - (1 if last else 0):
                break
            add(template, block)
        if last:
            add(*last)
        return chosen

    def _plan_faq(self, category: Category, slugs: set[str]) -> FaqPlan:
        spec = category.spec
        rng = self.rng
        templates = [q for q in B.QUESTIONS if "{event}" not in q[1] or spec.get("events")]
        for attempt in range(600):
            ctx = self._ctx(spec)
            kind, template, needs_qual = rng.choice(templates)
            if attempt > 50 and not needs_qual:
                continue  # the plain forms are used up: qualify
            says_if = "{problem}" in template or " if " in template
            if needs_qual:
                forms = [f for f in B.QUESTION_QUALS[rng.choice(spec["quals"])] if not (says_if and f[1])]
                ctx["qual"] = self.filler.fill(rng.choice(forms)[0], ctx)
            question = first_person(self.filler.fill(template, ctx))
            key = normalize_question(question)
            if key in self.questions:
                continue
            slug = slugify(question.rstrip("?"))
            if slug in slugs:
                continue
            self.questions.add(key)
            slugs.add(slug)
            break
        else:
            raise RuntimeError(f"ran out of FAQ questions in {category.slug}")
        meta = {"question": question}
        if rng.random() < 0.7:
            meta["tags"] = rng.sample(spec["tags"], rng.randint(1, 2))
        meta["audience"] = self._audience(spec)
        meta["updated"] = self._dates()
        return FaqPlan(category, slug, question, kind, ctx, meta)

    def _plan_links(self) -> None:
        """Relative links to other generated pages; anchors only to planned headings."""
        rng = self.rng
        everything = [a for c in self.categories for a in c.articles]

        def pick(category: Category, exclude) -> ArticlePlan | None:
            same = [a for a in category.articles if a is not exclude]
            pool = same if same and rng.random() < 0.7 else everything
            choices = [a for a in pool if a is not exclude]
            return rng.choice(choices) if choices else None

        def href(target: ArticlePlan, from_category: Category, depth: int) -> str:
            up = "../" * depth
            if target.category is from_category:
                path = f"{up}{target.slug}.md"
            else:
                path = f"{up}../{target.category.slug}/{target.slug}.md"
            if target.headings and rng.random() < 0.3:
                path += "#" + rng.choice(target.headings)[2]
            return path

        for category in self.categories:
            for article in category.articles:
                for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
                    target = pick(category, article)
                    if target is not None:
                        article.links.append((href(target, category, 0), target.title))
                if category.faqs and rng.random() < 0.15:
                    entry = rng.choice(category.faqs)
                    article.links.append((f"faq/{entry.slug}.md", "?" + entry.question))
            for entry in category.faqs:
                if rng.random() < 0.4:
                    target = pick(category, None)
                    if target is not None:
                        entry.links.append((href(target, category, 1), target.title))

    # ---- bodies ----
    def _link_sentence(self, deck: Deck, href: str, text: str, ctx: dict) -> str:
        if text.startswith("?"):  # a FAQ question, quoted as it is
            template = deck.draw(B.FAQ_LINKS)
            return template.replace("{ltitle}", text[1:]).replace("{href}", href)
        template = deck.draw(B.LINKS)
        lower = text if _keeps_capital(text, self.site) else text[:1].lower() + text[1:]
        return template.replace("{Ltitle}", text).replace("{ltitle}", lower).replace("{href}", href)

    def _sentences(self, deck: Deck, bank: list[str], n: int, ctx: dict) -> str:
        return " ".join(self.filler.fill(deck.draw(bank), ctx) for _ in range(n))

    def _steps(self, deck: Deck, ctx: dict, n: int) -> list[str]:
        steps = [deck.draw(B.STEP_FIRST)]
        steps += [deck.draw(B.STEP_MIDDLE) for _ in range(max(1, n - 2))]
        steps.append(deck.draw(B.STEP_LAST))
        return [f"{i}. {self.filler.fill(s, ctx)}" for i, s in enumerate(steps, 1)]

    def _bullets(self, deck: Deck, ctx: dict, group: str, n: int) -> list[str]:
        leads, items = B.LIST_GROUPS[group]
        chosen = [self.filler.fill(deck.draw(items), ctx) for _ in range(n)]
        chosen = list(dict.fromkeys(chosen))
        return [self.filler.fill(deck.draw(leads), ctx), ""] + [f"- {c}" for c in chosen]

    def _table(self, deck: Deck, ctx: dict) -> list[str]:
        header, rows = deck.draw(B.TABLES)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in rows:
            lines.append("| " + " | ".join(self.filler.fill(c, ctx) for c in row) + " |")
        return lines

    def _note(self, deck: Deck, ctx: dict) -> list[str]:
        kind, title, body = deck.draw(B.NOTES)
        head = f'!!! {kind} "{title}"' if title else f"!!! {kind}"
        return [head, "    " + self.filler.fill(body, ctx)]

    def _section(self, deck: Deck, ctx: dict, block: str, budget: int) -> list[list[str]]:
        """Blocks (each a list of lines) for one section, about ``budget`` words long."""
        rng = self.rng
        blocks: list[list[str]] = []
        if block == "steps":
            lead = rng.choice(
                [
                    "Here's how:",
                    "To {action}:",
                    "Follow these steps:",
                    "It only takes a few minutes:",
                    "The steps are the same on the website and in the app:",
                ]
            )
            blocks.append([self.filler.fill(lead, ctx)])
            blocks.append(self._steps(deck, ctx, rng.randint(3, 6)))
        elif block.startswith("list:"):
            blocks.append(self._bullets(deck, ctx, block[5:], rng.randint(3, 5)))
        elif block == "table":
            blocks.append([self._sentences(deck, B.EXPLAINS, 1, ctx)])
            blocks.append(self._table(deck, ctx))
        elif block == "contact":
            blocks.append([self.filler.fill(deck.draw(B.CLOSINGS), ctx)])
            budget = min(budget, 45)
        else:
            blocks.append([self._sentences(deck, B.EXPLAINS, rng.randint(2, 3), ctx)])
        while sum(words("\n".join(b)) for b in blocks) < budget - 12:
            blocks.append([self._sentences(deck, B.EXPLAINS, rng.randint(1, 3), ctx)])
        return blocks

    def article_body(self, plan: ArticlePlan) -> str:
        rng = self.rng
        for attempt in range(20):
            deck = Deck(rng)
            ctx = plan.ctx
            intro = self.filler.fill(deck.draw(B.INTROS), ctx) + " " + self._sentences(deck, B.EXPLAINS, 1, ctx)
            budget = (plan.target - words(intro)) / len(plan.headings) * (0.9**attempt)
            sections = [self._section(deck, ctx, block, int(budget)) for _, block, _ in plan.headings]
            # Links go at the end of a prose paragraph of some section.
            for href, text in plan.links:
                blocks = sections[rng.randrange(len(sections))]
                prose = [b for b in blocks if len(b) == 1 and not b[0].endswith(":")]
                sentence = self._link_sentence(deck, href, text, ctx)
                if prose:
                    prose[-1][0] += " " + sentence
                else:
                    blocks.append([sentence])
            notes = 1 if rng.random() < 0.35 else 0
            notes += 1 if notes and rng.random() < 0.25 else 0
            for _ in range(notes):
                sections[rng.randrange(len(sections))].append(self._note(deck, ctx))
            parts = [intro]
            for (heading, _, _), blocks in zip(plan.headings, sections, strict=True):
                parts.append(f"## {heading}")
                parts.extend("\n".join(b) for b in blocks)
            body = "\n\n".join(parts) + "\n"
            count = words(body)
            if ARTICLE_WORDS[0] <= count <= ARTICLE_WORDS[1]:
                return body
            if count < ARTICLE_WORDS[0]:
                plan.target += 40
        raise RuntimeError(f"could not fit {plan.src} into {ARTICLE_WORDS} words")

    def faq_body(self, plan: FaqPlan) -> str:
        rng = self.rng
        deck = Deck(rng)
        ctx = plan.ctx
        paragraphs = [
            self.filler.fill(deck.draw(B.FAQ_OPENERS[plan.kind]), ctx)
            + " "
            + self._sentences(deck, B.EXPLAINS, rng.randint(1, 2), ctx)
        ]
        roll = rng.random()
        if roll < 0.2 and plan.kind in ("how", "whatif"):
            paragraphs.append("\n".join(self._steps(deck, ctx, rng.randint(3, 4))))
        elif roll < 0.35:
            group = {
                "why": "check",
                "whatif": "require",
                "rules": "exclude",
                "can": "exclude",
                "fee": "options",
                "time": "options",
            }.get(plan.kind, "tips")
            paragraphs.append("\n".join(self._bullets(deck, ctx, group, rng.randint(2, 4))))
        if rng.random() < 0.3:
            paragraphs.append(self._sentences(deck, B.EXPLAINS, rng.randint(1, 2), ctx))
        for href, text in plan.links:
            sentence = self._link_sentence(deck, href, text, ctx)
            if "\n" in paragraphs[-1]:
                paragraphs.append(sentence)
            else:
                paragraphs[-1] += " " + sentence
        return "\n\n".join(paragraphs) + "\n"


def _owner(team: str) -> str:
    return (
        team
        if team in ("Customer care", "Trust & safety", "Legal & compliance", "Marketplace policy", "Support operations")
        else f"{team} team"
    )


def _keeps_capital(title: str, site: str) -> bool:
    first = title.split()[0].rstrip(":,")
    if len(first) > 1 and first.isupper():
        return True  # DIY, VAT, TV, ...
    proper = {w.split()[0] for w in B.CARRIERS + B.PAYMENTS + B.COUNTRIES}
    proper |= {"Plus", "Buyer", "CE", site.split()[0]}
    return first in proper


# -- writing ---------------------------------------------------------------------------------


def front_matter(meta: dict) -> str:
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        else:
            value = yaml_str(str(value))
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


PALETTE = """  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: teal
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: teal
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
"""

EXTENSIONS = """markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""


def mkdocs_config(site: str, pages: int, seed: int, variant: str) -> str:
    """variant: kbgen (the project), plain (no kbgen, no prune), plain-prune."""
    header = {
        "kbgen": "A kbgen help center generated by benchmarks/corpus.py",
        "plain": "The same Markdown built by plain MkDocs + Material: no kbgen, no nav, no prune",
        "plain-prune": "The same Markdown built by plain MkDocs + Material with navigation.prune",
    }[variant]
    features = ["navigation.indexes"]
    if variant != "plain":
        features.append("navigation.prune")
    plugins = ["search", "kbgen"] if variant == "kbgen" else ["search"]
    site_dir = {"kbgen": "site", "plain": "site-plain", "plain-prune": "site-plain-prune"}[variant]
    return (
        f"# {header} (pages={pages}, seed={seed}).\n"
        f"site_name: {site} Help Centre\n"
        f"site_description: Answers about buying, selling, delivery, returns and payments on {site}.\n"
        "site_url: https://help.example.com/\n"
        "docs_dir: content\n"
        f"site_dir: {site_dir}\n"
        "\n"
        "theme:\n"
        "  name: material\n"
        "  features:\n"
        + "".join(f"    - {f}\n" for f in features)
        + PALETTE
        + "\nplugins:\n"
        + "".join(f"  - {p}\n" for p in plugins)
        + "\n"
        + EXTENSIONS
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _stats(values: list[int]) -> dict:
    return (
        {"min": min(values), "max": max(values), "mean": round(sum(values) / len(values), 1), "total": sum(values)}
        if values
        else {}
    )


def effective_categories(pages: int, categories: int | None) -> int:
    return max(1, min(categories or category_count(pages), len(B.CATEGORIES)))


def current_stamp(out: Path | str, pages: int, seed: int = 1, categories: int | None = None) -> dict | None:
    """corpus.json of ``out`` if it already holds this exact corpus, else None."""
    try:
        stamp = json.loads((Path(out) / STAMP).read_text())
    except (OSError, ValueError):
        return None
    same = (
        stamp.get("generator_sha256") == generator_hash()
        and stamp.get("pages") == pages
        and stamp.get("seed") == seed
        and stamp.get("categories") == effective_categories(pages, categories)
        and (Path(out) / "content").is_dir()
    )
    return stamp if same else None


def generate(out: Path | str, pages: int, seed: int = 1, categories: int | None = None, force: bool = False) -> dict:
    """Write the project to ``out``; returns what corpus.json records.

    A folder that already holds the same corpus is left alone (builds may be reading it)
    unless ``force``.
    """
    out = Path(out)
    if not force:
        stamp = current_stamp(out, pages, seed, categories)
        if stamp is not None:
            return dict(stamp, unchanged=True)
    if out.exists() and any(out.iterdir()):
        if not (out / STAMP).is_file():
            raise SystemExit(f"{out} is not empty and was not made by corpus.py; choose a new or empty folder")
        shutil.rmtree(out / "content", ignore_errors=True)
        (out / STAMP).unlink()
    gen = Generator(pages, seed, categories)
    gen.plan()
    content = out / "content"
    article_words, faq_words, links = [], [], 0
    for category in gen.categories:
        spec = category.spec
        folder = content / category.slug
        _write(
            folder / "_category.yml",
            f"title: {yaml_str(spec['title'])}\n"
            f"description: {yaml_str(spec['description'])}\n"
            f"icon: {spec['icon']}\n"
            f"order: {category.order}\n",
        )
        for article in category.articles:
            body = gen.article_body(article)
            article_words.append(words(body))
            links += len(article.links)
            _write(folder / f"{article.slug}.md", front_matter(article.meta) + body)
        for entry in category.faqs:
            body = gen.faq_body(entry)
            faq_words.append(words(body))
            links += len(entry.links)
            _write(folder / "faq" / f"{entry.slug}.md", front_matter(entry.meta) + body)
    _write(
        content / "synonyms.yml",
        "# Words shoppers use for the same thing. Search treats each group as one.\n"
        + "".join("- [" + ", ".join(group) + "]\n" for group in B.SYNONYMS),
    )
    for name, variant in zip(CONFIGS, ("kbgen", "plain", "plain-prune"), strict=True):
        _write(out / name, mkdocs_config(gen.site, pages, seed, variant))
    stamp = {
        "generator": "benchmarks/corpus.py",
        "generator_sha256": generator_hash(),
        "pages": pages,
        "seed": seed,
        "site_name": gen.site,
        "categories": len(gen.categories),
        "articles": len(article_words),
        "faqs": len(faq_words),
        "article_words": _stats(article_words),
        "faq_words": _stats(faq_words),
        "internal_links": links,
    }
    _write(out / STAMP, json.dumps(stamp, indent=2) + "\n")
    return stamp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages", type=int, required=True, help="Markdown pages in total (40%% articles, 60%% FAQ entries)"
    )
    parser.add_argument(
        "--out",
        required=True,
        help="project folder to write (new or empty, or a corpus made earlier, which is replaced)",
    )
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument(
        "--categories",
        type=int,
        default=None,
        help=f"number of categories (default: 12 at 1,000 pages, 40 at 10,000; at most {len(B.CATEGORIES)})",
    )
    parser.add_argument("--force", action="store_true", help="rewrite DIR even if it already holds this exact corpus")
    args = parser.parse_args(argv)
    stamp = generate(args.out, args.pages, args.seed, args.categories, force=args.force)
    aw = stamp["article_words"]
    state = "unchanged (already this corpus; --force rewrites)" if stamp.get("unchanged") else ""
    print(
        f"{args.out}: {state}{': ' if state else ''}{stamp['articles']} articles ({aw['min']}-{aw['max']} words, "
        f"mean {aw['mean']}), {stamp['faqs']} FAQ entries, {stamp['categories']} categories, "
        f"{stamp['internal_links']} internal links",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
