"""What the index holds: one document per article, FAQ entry, notice and guided flow.

Built from the content model (titles, tags, audience, category) plus the
rendered text of each page. Plain data: no Whoosh here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from ..content.model import Article, Category, FaqEntry, Flow, HelpCenter
from ..content.notices import Notice
from .text import PageText


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


def collect(center: HelpCenter, texts: dict[str, PageText], url_for: Callable[[str], str]) -> list[SearchDocument]:
    """Documents for every article, FAQ entry, notice and flow; ``texts`` maps page src to rendered text."""
    docs: list[SearchDocument] = []
    for category in center.categories:
        page = texts.get(category.index_src, PageText())
        docs += [article_document(a, category, texts.get(a.src, PageText()), url_for) for a in category.all_articles]
        docs += [faq_document(entry, category, page, url_for) for entry in category.faqs]
    docs += [notice_document(n, texts.get(n.src, PageText()), url_for) for n in center.notices]
    docs += [flow_document(flow, url_for) for flow in center.flows]
    docs += [article_document(a, None, texts.get(a.src, PageText()), url_for) for a in center.loose_articles]
    return docs


def article_document(
    article: Article, category: Category | None, text: PageText, url_for: Callable[[str], str]
) -> SearchDocument:
    """An article (in a category, or a top-level page): its rendered text and headings."""
    return SearchDocument(
        id=article.src,
        url=url_for(article.src),
        type="article",
        title=article.title,
        summary=article.summary,
        headings="\n".join(text.headings),
        tags=" ".join(article.tags),
        body=text.body,
        category=category.slug if category else "",
        category_title=category.title if category else "",
        audience=article.audience,
        promoted=article.promoted,
    )


def faq_document(entry: FaqEntry, category: Category, page: PageText, url_for: Callable[[str], str]) -> SearchDocument:
    """A FAQ entry: its answer as rendered on its category's page, at the entry's anchor."""
    return SearchDocument(
        id=entry.src,
        url=f"{url_for(category.index_src)}#{entry.slug}",
        type="faq",
        title=entry.question,
        summary="",
        headings="",
        tags=" ".join(entry.tags),
        body=page.faq_answers.get(entry.slug, ""),
        category=category.slug,
        category_title=category.title,
        audience=entry.audience,
        promoted=entry.promoted,
    )


def notice_document(notice: Notice, text: PageText, url_for: Callable[[str], str]) -> SearchDocument:
    """A service notice or recall, with its updates and its display window."""
    updates = "\n".join(u.text for u in notice.updates)
    return SearchDocument(
        id=notice.src,
        url=url_for(notice.src),
        type="notice",
        title=notice.title,
        summary=notice.summary,
        headings="\n".join(text.headings),
        tags=" ".join(notice.recall.values()),
        body=f"{text.body}\n{updates}",
        category="",
        category_title="Product recalls" if notice.type == "recall" else "Service notices",
        audience=notice.audience,
        promoted=False,
        starts=notice.start.timestamp(),
        ends=notice.end.timestamp() if notice.end else 0.0,
        severity=notice.severity,
    )


def flow_document(flow: Flow, url_for: Callable[[str], str]) -> SearchDocument:
    """A guided flow: its steps are rendered after the index text is read, so the model's words."""
    steps = [f"{s.question}\n{_plain(s.help)}\n" + "\n".join(a.label for a in s.answers) for s in flow.steps]
    results = [f"{r.title}\n{_plain(r.text)}" for r in flow.results]
    return SearchDocument(
        id=f"flows/{flow.id}.yml",  # its source file (the page is generated)
        url=url_for(flow.src),
        type="flow",
        title=flow.title,
        summary=flow.summary,
        headings="\n".join(s.question for s in flow.steps),
        tags="",
        body="\n".join([*steps, *results]),
        category="",
        category_title="Guided help",
        audience=flow.audience,
        promoted=False,
    )


def _plain(markdown: str) -> str:
    """Flow texts are Markdown: the index and snippets read words, not emphasis marks."""
    return re.sub(r"[*_`]+", "", markdown)
