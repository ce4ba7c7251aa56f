"""What search engines read: schema.org JSON-LD and Open Graph data for each page.

Articles are ``Article`` with their dates, category pages with answers are
``FAQPage``, every page below the home page has a ``BreadcrumbList``, the home
page a ``WebSite``. The organisation (``brand.Brand``) writes and publishes every
article; every page has an image for shared links (the article's own first image,
else the site's social image).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .brand import Brand
from .images import Image

if TYPE_CHECKING:
    from .kinds import PageKind


@dataclass(frozen=True)
class SeoPage:
    """What a kind's structured data is made from."""

    model: Any  # the page's content (a Category's FAQ entries, ...)
    view: dict  # the page's ``kb`` view
    page_url: str
    site_name: str
    faq_answers: dict[str, str]  # rendered answers of a category page's entries, by slug
    brand: Brand
    image: Image


def page_data(
    kind: PageKind,
    model,
    view: dict,
    *,
    page_url: str,
    base: str,
    site_name: str,
    title: str,
    description: str,
    faq_answers: dict[str, str],
    brand: Brand,
    image: Image | None = None,
) -> dict:
    """JSON-LD, Open Graph and Twitter card data for one page (absolute URLs need ``site_url``).

    ``view`` is the page's view (breadcrumbs, article); ``faq_answers`` the
    rendered answers of a category page's entries, by slug; ``image`` the page's
    own first image, if any.
    """
    image = image or brand.social_image
    jsonld = []
    crumbs = breadcrumbs(view.get("breadcrumbs", []), base, page_url)
    if crumbs:
        jsonld.append(crumbs)
    if kind.structured_data is not None:
        own = kind.structured_data(SeoPage(model, view, page_url, site_name, faq_answers, brand, image))
        if own:
            jsonld.append(own)
    if kind.site_titled:
        title = site_name
    return {
        "jsonld": jsonld,
        "og": open_graph(title, description, page_url, site_name, kind.og_type, image),
        "meta": [{"name": "twitter:card", "content": "summary_large_image"}],
    }


def article_data(page: SeoPage) -> dict:
    return article(page.view["article"], page.page_url, page.brand, page.image)


def faq_data(page: SeoPage) -> dict | None:
    """A category page's entries, when it has any."""
    entries = [(e.question, page.faq_answers.get(e.slug, ""), e.slug) for e in page.model.faqs]
    return faq_page(entries, page.page_url)


def website_data(page: SeoPage) -> dict:
    return website(page.site_name, page.page_url, page.brand)


def _absolute(base: str, url: str | None) -> str | None:
    if url is None:
        return None
    return base.rstrip("/") + "/" + url.lstrip("/")


def breadcrumbs(crumbs: list[dict], base: str, page_url: str) -> dict | None:
    if len(crumbs) < 2:
        return None
    items = []
    for position, crumb in enumerate(crumbs, 1):
        item = {"@type": "ListItem", "position": position, "name": crumb["title"]}
        url = _absolute(base, crumb["url"]) if crumb["url"] is not None else page_url
        item["item"] = url
        items.append(item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def article(view: dict, page_url: str, brand: Brand, image: Image) -> dict:
    organization = brand.organization()
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": view["title"],
        "url": page_url,
        "mainEntityOfPage": page_url,
        "image": [image.url],
        "author": organization,
        "publisher": organization,
    }
    if view.get("summary"):
        data["description"] = view["summary"]
    first = view.get("effective") or view.get("updated")
    if first:
        data["datePublished"] = first["iso"]
    if view.get("updated"):
        data["dateModified"] = view["updated"]["iso"]
    return data


def website(site_name: str, page_url: str, brand: Brand) -> dict:
    """The home page's ``WebSite``: the site's name for search results, and who runs it."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name,
        "url": page_url,
        "publisher": brand.organization(),
    }


def faq_page(entries: list[tuple[str, str, str]], page_url: str) -> dict | None:
    """``entries``: (question, answer text, anchor)."""
    if not entries:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": page_url,
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "url": f"{page_url}#{anchor}",
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer, anchor in entries
        ],
    }


def open_graph(title: str, description: str, page_url: str, site_name: str, og_type: str, image: Image) -> list[dict]:
    tags = [
        ("og:type", og_type),
        ("og:title", title),
        ("og:url", page_url),
        ("og:site_name", site_name),
    ]
    if description:
        tags.append(("og:description", description))
    tags.append(("og:image", image.url))
    tags.append(("og:image:alt", image.alt or title))
    if image.width:
        tags += [("og:image:width", str(image.width)), ("og:image:height", str(image.height))]
    return [{"property": p, "content": c} for p, c in tags]
