"""Languages, markets and the (market, language) pairs a help center publishes.

A **market** is a region with its own facts, contact channels, holidays and notices; it is
published in one or more **languages**. Each published pair is one site section with one URL
prefix, ``<language>-<country>`` (``en-gb``, ``de-de``); the default market in the default
language lives at the root. Without ``markets:`` there is one implicit market (no country,
no currency) published in every language, at ``<language>/`` prefixes.

No MkDocs here: the build, the checks and the server all read the same pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
MARKET_KEYS = ("country", "currency", "languages", "name", "timezone")

# Names shoppers recognise in the switcher, each in its own language.
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
    "sv": "Svenska",
    "da": "Dansk",
    "fi": "Suomi",
    "no": "Norsk",
    "pl": "Polski",
}


class MarketError(ValueError):
    """A mistake in ``languages``/``markets``/``default_market``; the message names the key."""


@dataclass(frozen=True)
class Market:
    id: str
    country: str | None = None  # ISO 3166 alpha-2, upper case
    currency: str | None = None  # ISO 4217
    languages: tuple[str, ...] = ()
    name: str | None = None  # shown in the switcher; default: the country code
    timezone: str | None = None  # contact.yml's default for this market when it names none

    @property
    def label(self) -> str:
        return self.name or self.country or self.id


@dataclass(frozen=True)
class Pair:
    """One published (market, language) site section."""

    market: Market
    language: str
    prefix: str = ""  # "" for the root pair, else "en-gb" (no slashes)
    default: bool = False  # the root pair (x-default)

    @property
    def tag(self) -> str:
        """The pair as a lowercase tag: ``en-gb``; also its prefix unless it is the root."""
        return f"{self.language}-{self.market.country.lower()}" if self.market.country else self.language

    @property
    def hreflang(self) -> str:
        """BCP 47 for ``hreflang`` and ``<html lang>``: ``en-GB``, or ``en`` without a country."""
        return f"{self.language}-{self.market.country}" if self.market.country else self.language

    @property
    def path(self) -> str:
        """The pair's URL path below the site's: ``""`` or ``"de-de/"``."""
        return f"{self.prefix}/" if self.prefix else ""

    @property
    def label(self) -> str:
        language = LANGUAGE_NAMES.get(self.language, self.language)
        return f"{language} ({self.market.label})" if self.market.country else language


@dataclass(frozen=True)
class Site:
    """The languages, markets and pairs of one help center."""

    languages: tuple[str, ...]
    markets: tuple[Market, ...]
    pairs: tuple[Pair, ...] = field(default=())

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def root(self) -> Pair:
        return self.pairs[0]

    @property
    def several(self) -> bool:
        return len(self.pairs) > 1

    def market(self, market_id: str) -> Market | None:
        return next((m for m in self.markets if m.id == market_id), None)

    def pair(self, tag: str) -> Pair | None:
        """The pair by its tag or prefix (``de-de``); ``""`` is the root."""
        return next((p for p in self.pairs if p.prefix == tag or p.tag == tag), None)


def parse_languages(raw, fallback: str = "en") -> tuple[str, ...]:
    if raw in (None, []):
        return (fallback,)
    if not isinstance(raw, list):
        raise MarketError("languages: must be a list of language codes, default first, e.g. [en, de]")
    seen: list[str] = []
    for item in raw:
        code = str(item).strip().lower()
        if not _LANGUAGE.match(code):
            raise MarketError(f"languages: '{item}' is not a language code (two letters, e.g. en, de)")
        if code in seen:
            raise MarketError(f"languages: '{code}' is listed twice")
        seen.append(code)
    return tuple(seen)


def parse_markets(raw, languages: tuple[str, ...]) -> tuple[Market, ...]:
    """The ``markets`` mapping, validated; ``None``: one implicit market in every language."""
    if raw in (None, {}):
        return (Market("default", languages=languages),)
    if not isinstance(raw, dict):
        raise MarketError("markets: must be a mapping of market id: {country, currency, languages}")
    markets = []
    for market_id, spec in raw.items():
        key = f"markets.{market_id}"
        if not _ID.match(str(market_id)):
            raise MarketError(f"{key}: a market id is a short lowercase name, e.g. ie, uk, de")
        if not isinstance(spec, dict):
            raise MarketError(f"{key}: must be a mapping with country, currency and languages")
        unknown = [k for k in spec if k not in MARKET_KEYS]
        if unknown:
            raise MarketError(f"{key}.{unknown[0]}: unknown option; use {', '.join(MARKET_KEYS)}")
        country = str(spec.get("country") or "").upper()
        if not _COUNTRY.match(country):
            raise MarketError(f"{key}.country: needs an ISO 3166 country code, e.g. IE, GB, DE")
        currency = str(spec.get("currency") or "").upper()
        if not _CURRENCY.match(currency):
            raise MarketError(f"{key}.currency: needs an ISO 4217 currency code, e.g. EUR, GBP")
        published = spec.get("languages") or [languages[0]]
        if not isinstance(published, list):
            raise MarketError(f"{key}.languages: must be a list, e.g. [en]")
        published = [str(code).lower() for code in published]
        for code in published:
            if code not in languages:
                raise MarketError(f"{key}.languages: '{code}' is not in languages ({', '.join(languages)})")
        zone = spec.get("timezone")
        markets.append(Market(str(market_id), country, currency, tuple(published), spec.get("name"), zone))
    return tuple(markets)


def make_site(languages: tuple[str, ...], markets: tuple[Market, ...], default_market: str | None) -> Site:
    """The pairs, the root first: the default market in its first language (the default
    language when it publishes it); then the other markets in their order."""
    by_id = {m.id: m for m in markets}
    if default_market is not None and default_market not in by_id:
        raise MarketError(f"default_market: '{default_market}' is not one of markets ({', '.join(by_id)})")
    root_market = by_id[default_market] if default_market else markets[0]
    ordered = [root_market, *(m for m in markets if m is not root_market)]
    pairs = []
    for market in ordered:
        languages_here = sorted(market.languages, key=languages.index)
        for language in languages_here:
            pair = Pair(market, language)
            root = not pairs
            pairs.append(Pair(market, language, "" if root else pair.tag, root))
    tags = [p.tag for p in pairs]
    clash = next((t for t in tags if tags.count(t) > 1), None)
    if clash:
        raise MarketError(f"markets: two markets publish the same prefix '{clash}' (same country and language)")
    return Site(languages, markets, tuple(pairs))
