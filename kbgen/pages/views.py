"""What templates are told about a page (``kb`` in the template context).

Plain dicts of strings, numbers and lists, so templates stay logic-free and
any theme could render them. URLs are relative to the site root; templates
pass them through MkDocs' ``url`` filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content.links import Resolver
from ..content.model import Article, Category, FaqEntry, Flow, HelpCenter
from ..content.notices import Notice
from ..i18n import Messages
from . import notices, policies
from .contact import call_to_action, flow_view
from .dates import date_view
from .sources import HOME_SRC, HOME_TITLE, NOTICES_SRC, NOTICES_TITLE

if TYPE_CHECKING:
    from .kinds import PageKind
    from .layout import Layout

UrlFor = Callable[[str], str]
HOME_LIST_LIMIT = 12  # promoted articles and questions on the home page
DEAD_END_LIMIT = 6  # popular answers under "no results" and on the 404 page


def page_view(
    layout: Layout,
    src: str,
    url_for: UrlFor,
    home_title: str | None = None,
    contact_src: str | None = None,
    resolver: Resolver | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    page_url: str = "",
) -> dict:
    """The ``kb`` view of the page built from ``src``: what every page shows, plus its kind's own,
    in the layout's language (``layout.messages``). ``home_title``: the project's own name for
    the first breadcrumb; None: the catalog's ("Help center")."""
    kind, model = layout.classify(src)
    page = PageContext(
        kind,
        layout,
        layout.center,
        src,
        model,
        url_for,
        home_title or layout.messages.gettext(HOME_TITLE),
        contact_src,
        resolver,
        today or dt.date.today(),
        now or dt.datetime.now(dt.timezone.utc),
        page_url,
    )
    view = _common(page)
    if kind.view is not None:
        view.update(kind.view(page))
    return view


@dataclass(frozen=True)
class PageContext:
    """What a view builder needs to know about the page it describes."""

    kind: PageKind
    layout: Layout
    center: HelpCenter
    src: str
    model: Article | Category | Flow | Notice | None  # the page's content
    url_for: UrlFor
    home_title: str
    contact_src: str | None
    resolver: Resolver | None
    today: dt.date
    now: dt.datetime
    page_url: str

    @property
    def messages(self) -> Messages:
        """The page's language: its catalog and formats."""
        return self.layout.messages

    def title(self) -> str:
        """The kind's own title (kbgen's pages), in the page's language."""
        return self.messages.gettext(self.kind.title)

    def crumbs(self, *titles: str) -> list[dict]:
        """Home, then ``titles`` (the last one is this page, without a link)."""
        return [_crumb(self.home_title, self.url_for(HOME_SRC)), *(_crumb(t) for t in titles)]


def _common(page: PageContext) -> dict:
    """What every page shows: contact status, flows, feeds, notice banners."""
    layout, center, url_for = page.layout, page.center, page.url_for
    view: dict = {"kind": page.kind.name, "breadcrumbs": []}
    view["status"] = layout.contact_status
    view["contact_url"] = url_for(page.contact_src) if page.contact_src else None
    if page.src == page.contact_src:
        view["contact_page"] = layout.contact_status
        view["contact_topics"] = _contact_topics(page)
    view["flows"] = [{"title": f.title, "summary": f.summary, "url": url_for(f.src)} for f in center.flows]
    view["feed"] = "policy-updates.xml" if layout.has_updates else None
    view["notices"] = notices.banners(
        center,
        layout.category_of(page.src),
        url_for,
        page.now,
        everywhere=page.kind.banners_everywhere,
        m=page.messages,
    )
    view["notices_url"] = url_for(NOTICES_SRC) if layout.notices else None
    return view


def home_page(page: PageContext) -> dict:
    center, url_for = page.center, page.url_for
    return {
        "jsonld": policies.organization_jsonld(center, page.today),
        "categories": [_card(c, url_for, page.messages) for c in center.categories],
        "promoted": [
            _item(a, url_for, category=c, m=page.messages)
            for c in center.categories
            for a in c.all_articles
            if a.promoted
        ][:HOME_LIST_LIMIT],
        "popular": [_faq(f, url_for) for f in center.faqs if f.promoted][:HOME_LIST_LIMIT],
    }


def notice_page(page: PageContext) -> dict:
    notice = notices.notice_view(page.model, page.url_for, page.center.zone, page.messages)
    notice["jsonld"] = notices.announcement_jsonld(page.model, page.page_url)
    listing = _crumb(page.messages.gettext(NOTICES_TITLE), page.url_for(NOTICES_SRC))
    return {"notice": notice, "breadcrumbs": [*page.crumbs(), listing, _crumb(page.model.title)]}


def notices_page(page: PageContext) -> dict:
    return {
        **notices.listing(page.center, page.url_for, page.now, page.messages),
        "breadcrumbs": page.crumbs(page.title()),
    }


def glossary_page(page: PageContext) -> dict:
    return {"letters": glossary_letters(page.center, page.url_for), "breadcrumbs": page.crumbs(page.title())}


def updates_page(page: PageContext) -> dict:
    return {
        "changes": policies.all_changes(page.center, page.url_for, page.messages),
        "scheduled": policies.scheduled_changes(page.center, page.today, page.messages),
        "breadcrumbs": page.crumbs(page.title()),
    }


def search_page(page: PageContext) -> dict:
    return {
        "categories": [{"slug": c.slug, "title": c.title} for c in page.center.categories],
        "breadcrumbs": page.crumbs(page.title()),
    }


def category_page(page: PageContext) -> dict:
    category, center, url_for = page.model, page.center, page.url_for
    view = {
        "category": _card(category, url_for, page.messages),
        "recalls": [
            notices.notice_view(n, url_for, center.zone, page.messages)
            for n in center.notices
            if n.type == "recall" and category.slug in n.categories and not n.ended(page.now)
        ],
        "articles": [_item(a, url_for, m=page.messages) for a in category.articles],
        "sections": [
            {"title": s.title, "articles": [_item(a, url_for, m=page.messages) for a in s.articles]}
            for s in category.sections
        ],
        "breadcrumbs": page.crumbs(category.title),
    }
    if page.src != page.contact_src:
        view["still_need_help"] = call_to_action(
            center.contact, "everyone", subject=_subject(page, category.title), m=page.messages
        )
    return view


def flow_page(page: PageContext) -> dict:
    return {
        "flow": flow_view(page.model, page.center.contact, page.resolver, page.url_for, page.messages),
        "breadcrumbs": page.crumbs(page.model.title),
    }


def article_page(page: PageContext) -> dict:
    article, center, url_for = page.model, page.center, page.url_for
    category = center.category(article.category)
    view = {
        "article": _item(article, url_for, category=category, m=page.messages),
        "changes": [{"date": date_view(d, page.messages), "summary": text} for d, text in article.changes],
        "upcoming": policies.upcoming_changes(center, article.facts_used, page.today, page.messages),
    }
    if article.contact:
        view["still_need_help"] = call_to_action(
            center.contact, article.audience, subject=_subject(page, article.title), m=page.messages
        )
    view["breadcrumbs"] = _article_crumbs(page, article, category)
    return view


def _article_crumbs(page: PageContext, article: Article, category: Category | None) -> list[dict]:
    crumbs = page.crumbs()
    if category is not None:
        crumbs.append(_crumb(category.title, page.url_for(category.index_src)))
        section = next((s for s in category.sections if s.slug == article.section), None)
        if section is not None:
            crumbs.append(_crumb(section.title))
    crumbs.append(_crumb(article.title))
    return crumbs


def _subject(page: PageContext, title: str) -> str:
    """The subject an e-mail link pre-fills: "Question about: Return policy"."""
    return page.messages.gettext("Question about: %(title)s", title=title)


def _crumb(title: str, url: str | None = None) -> dict:
    return {"title": title, "url": url}


def _card(category: Category, url_for: UrlFor, m: Messages | None = None) -> dict:
    articles = category.all_articles
    return {
        "slug": category.slug,
        "title": category.title,
        "description": category.description,
        "icon": category.icon,
        "url": url_for(category.index_src),
        "article_count": len(articles),
        "faq_count": len(category.faqs),
        "top": [_item(a, url_for, m=m) for a in sorted(articles, key=lambda a: not a.promoted)[:3]],
    }


def _item(article: Article, url_for: UrlFor, category: Category | None = None, m: Messages | None = None) -> dict:
    return {
        "title": article.title,
        "summary": article.summary,
        "url": url_for(article.src),
        "audience": article.audience,
        "tags": list(article.tags),
        "owner": article.owner,
        "updated": date_view(article.updated, m),
        "effective": date_view(article.effective, m),
        "category": category.title if category else None,
    }


def _faq(entry: FaqEntry, url_for: UrlFor) -> dict:
    return {
        "question": entry.question,
        "url": f"{url_for(entry.page_src)}#{entry.slug}",
        "slug": entry.slug,
    }


def _contact_topics(page: PageContext) -> list[dict]:
    """The contact page's topic picker: each topic with the two or three answers most likely to
    solve it (promoted first) before the channels."""
    topics = []
    for category in page.center.categories:
        if category.index_src == page.contact_src:
            continue
        articles = sorted(category.all_articles, key=lambda a: not a.promoted)
        answers = [{"title": a.title, "url": page.url_for(a.src)} for a in articles[:3]]
        if answers:
            topics.append({"slug": category.slug, "title": category.title, "answers": answers})
    return topics


def dead_end_view(center: HelpCenter, url_for: UrlFor, contact_src: str | None) -> dict:
    """Where a search without results or a missing page sends a shopper: topics, popular answers, contact."""
    popular = [
        {"title": a.title, "url": url_for(a.src)} for c in center.categories for a in c.all_articles if a.promoted
    ]
    popular += [{"title": f.question, "url": _faq(f, url_for)["url"]} for f in center.faqs if f.promoted]
    return {
        "categories": [{"title": c.title, "url": url_for(c.index_src)} for c in center.categories],
        "popular": popular[:DEAD_END_LIMIT],
        "contact_url": url_for(contact_src) if contact_src else None,
    }


def glossary_letters(center, url_for: UrlFor) -> list[dict]:
    """Terms A to Z, grouped by first letter, each with its anchor and link."""
    letters: dict[str, list[dict]] = {}
    for term in center.glossary.sorted():
        letter = term.term[0].upper() if term.term[0].isalpha() else "#"
        target = term.target
        url = None
        if target is not None:
            url = url_for(target.src) + (f"#{target.anchor}" if target.anchor else "")
        letters.setdefault(letter, []).append(
            {
                "term": term.term,
                "anchor": term.anchor,
                "definition": term.definition,
                "synonyms": list(term.synonyms),
                "url": url,
            }
        )
    return [{"letter": k, "terms": v} for k, v in sorted(letters.items())]
