"""What templates are told about a page (``kb`` in the template context).

Plain dicts of strings, numbers and lists, so templates stay logic-free and
any theme could render them. URLs are relative to the site root; templates
pass them through MkDocs' ``url`` filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..content.model import Article, Category, FaqEntry
from . import notices, policies
from .contact import contact_view, flow_view
from .dates import date_view
from .layout import HOME_SRC, NOTICES_SRC, Layout, PageKind

UrlFor = Callable[[str], str]
HOME_LIST_LIMIT = 12  # promoted articles and questions on the home page


def page_view(
    layout: Layout,
    src: str,
    url_for: UrlFor,
    home_title: str = "Home",
    contact_src: str | None = None,
    resolver=None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    page_url: str = "",
) -> dict:
    today = today or dt.date.today()
    now = now or dt.datetime.now(dt.timezone.utc)
    kind, page = layout.classify(src)
    view: dict = {"kind": kind.value, "breadcrumbs": []}
    center = layout.center
    view["status"] = layout.contact_status
    view["contact_url"] = url_for(contact_src) if contact_src else None
    if src == contact_src:
        view["contact_page"] = layout.contact_status
    view["flows"] = [{"title": f.title, "summary": f.summary, "url": url_for(f.src)} for f in center.flows]
    view["feed"] = "policy-updates.xml" if layout.has_updates else None
    view["notices"] = notices.banners(center, layout.category_of(src), url_for, now, everywhere=kind is PageKind.HOME)
    view["notices_url"] = url_for(NOTICES_SRC) if layout.notices else None
    if kind is PageKind.HOME:
        view["jsonld"] = policies.organization_jsonld(center, today)
        view["categories"] = [_card(c, url_for) for c in center.categories]
        view["promoted"] = [
            _item(a, url_for, category=c) for c in center.categories for a in c.all_articles if a.promoted
        ][:HOME_LIST_LIMIT]
        view["popular"] = [_faq(f, url_for) for f in center.faqs if f.promoted][:HOME_LIST_LIMIT]
    elif kind is PageKind.NOTICE:
        view["notice"] = notices.notice_view(page, url_for, center.zone)
        view["notice"]["jsonld"] = notices.announcement_jsonld(page, page_url)
        view["breadcrumbs"] = [
            _crumb(home_title, url_for(HOME_SRC)),
            _crumb("Service notices", url_for(NOTICES_SRC)),
            _crumb(page.title),
        ]
    elif kind is PageKind.NOTICES:
        view.update(notices.listing(center, url_for, now))
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb("Service notices")]
    elif kind is PageKind.GLOSSARY:
        view["letters"] = glossary_letters(center, url_for)
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb("Glossary")]
    elif kind is PageKind.UPDATES:
        view["changes"] = policies.all_changes(center, url_for)
        view["scheduled"] = policies.scheduled_changes(center, today)
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb("Policy updates")]
    elif kind is PageKind.SEARCH:
        view["categories"] = [{"slug": c.slug, "title": c.title} for c in center.categories]
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb("Search")]
    elif kind is PageKind.CATEGORY:
        view["category"] = _card(page, url_for)
        view["recalls"] = [
            notices.notice_view(n, url_for, center.zone)
            for n in center.notices
            if n.type == "recall" and page.slug in n.categories and not n.ended(now)
        ]
        view["articles"] = [_item(a, url_for) for a in page.articles]
        view["sections"] = [
            {"title": s.title, "articles": [_item(a, url_for) for a in s.articles]} for s in page.sections
        ]
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb(page.title)]
        if src != contact_src:
            view["still_need_help"] = contact_view(center.contact, "everyone", subject=f"Question about: {page.title}")
    elif kind is PageKind.FLOW:
        view["flow"] = flow_view(page, center.contact, resolver, url_for)
        view["breadcrumbs"] = [_crumb(home_title, url_for(HOME_SRC)), _crumb(page.title)]
    elif kind is PageKind.ARTICLE:
        category = center.category(page.category)
        view["article"] = _item(page, url_for, category=category)
        view["changes"] = [{"date": date_view(d), "summary": text} for d, text in page.changes]
        view["upcoming"] = policies.upcoming_changes(center, page.facts_used, today)
        if page.contact:
            view["still_need_help"] = contact_view(
                center.contact, page.audience, subject=f"Question about: {page.title}"
            )
        crumbs = [_crumb(home_title, url_for(HOME_SRC))]
        if category is not None:
            crumbs.append(_crumb(category.title, url_for(category.index_src)))
            section = next((s for s in category.sections if s.slug == page.section), None)
            if section is not None:
                crumbs.append(_crumb(section.title))
        crumbs.append(_crumb(page.title))
        view["breadcrumbs"] = crumbs
    return view


def _crumb(title: str, url: str | None = None) -> dict:
    return {"title": title, "url": url}


def _card(category: Category, url_for: UrlFor) -> dict:
    articles = category.all_articles
    return {
        "slug": category.slug,
        "title": category.title,
        "description": category.description,
        "icon": category.icon,
        "url": url_for(category.index_src),
        "article_count": len(articles),
        "faq_count": len(category.faqs),
        "top": [_item(a, url_for) for a in sorted(articles, key=lambda a: not a.promoted)[:3]],
    }


def _item(article: Article, url_for: UrlFor, category: Category | None = None) -> dict:
    return {
        "title": article.title,
        "summary": article.summary,
        "url": url_for(article.src),
        "audience": article.audience,
        "tags": list(article.tags),
        "owner": article.owner,
        "updated": date_view(article.updated),
        "effective": date_view(article.effective),
        "category": category.title if category else None,
    }


def _faq(entry: FaqEntry, url_for: UrlFor) -> dict:
    return {
        "question": entry.question,
        "url": f"{url_for(entry.page_src)}#{entry.slug}",
        "slug": entry.slug,
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
