"""Markets and languages: one MkDocs build per (market, language) pair, each at its prefix,
linked by hreflang and the switcher; per-market facts, contact and notices; translations'
freshness. Real builds of the sample (three pairs) and of small sites."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kbgen.build import BuildFailed, build
from kbgen.content.languages import source_version, split_name, view
from kbgen.content.markets import MarketError, make_site, parse_languages, parse_markets

BASE = "https://help.larkspur.example/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def hreflang_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher_links(html: str) -> dict[str, str]:
    """The header switcher's entries: hreflang -> href."""
    found = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"[^>]*class="md-select__link"', html)
    return {lang: href for href, lang in found}


# -- the sample: ie (root, en), uk (en-gb), de (de-de) ----------------------------------------


def test_each_pair_is_published_at_its_prefix_in_its_language(sample_site):
    assert (sample_site / "index.html").is_file()
    assert (sample_site / "en-gb/index.html").is_file() and (sample_site / "de-de/index.html").is_file()
    assert '<html lang="en"' in read(sample_site, "")
    german = read(sample_site, "de-de/returns/return-policy")
    assert '<html lang="de"' in german
    assert "Rückgabebedingungen" in german
    # Material's interface in German too (its own strings for the theme language)
    assert "Zum Inhalt" in german
    # each pair has its own search index and feeds in its folder
    for prefix in ("", "en-gb/", "de-de/"):
        assert (sample_site / prefix / "_kbgen/search").is_dir()
        assert (sample_site / prefix / "policy-updates.xml").is_file()
    # canonical addresses carry the prefix
    assert f'<link rel="canonical" href="{BASE}de-de/returns/return-policy/">' in german


def test_untranslated_pages_are_absent_from_a_language_and_links_go_to_the_default(sample_site):
    assert (sample_site / "selling/selling-fees/index.html").is_file()
    assert not (sample_site / "de-de/selling/selling-fees").exists()
    # a German page linking to an untranslated one links to it in English, at the root
    german = read(sample_site, "de-de/returns/return-policy")
    assert 'href="/policies/buyer-guarantee/' in german


def test_hreflang_links_name_real_equivalents_and_x_default(sample_site):
    links = hreflang_links(read(sample_site, "returns/return-policy"))
    assert links == {
        "en-IE": f"{BASE}returns/return-policy/",
        "en-GB": f"{BASE}en-gb/returns/return-policy/",
        "de-DE": f"{BASE}de-de/returns/return-policy/",
        "x-default": f"{BASE}returns/return-policy/",
    }
    # not translated: no German alternate (the switcher still offers the category)
    assert "de-DE" not in hreflang_links(read(sample_site, "selling/selling-fees"))


def test_sitemap_lists_every_pair_with_alternates(sample_site):
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SITEMAP}loc"): u for u in root.iter(f"{SITEMAP}url")}
    assert f"{BASE}de-de/returns/return-policy/" in entries and f"{BASE}en-gb/returns/" in entries
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in entries[f"{BASE}de-de/returns/return-policy/"].iter(f"{XHTML}link")
    }
    assert alternates == {
        "en-IE": f"{BASE}returns/return-policy/",
        "en-GB": f"{BASE}en-gb/returns/return-policy/",
        "de-DE": f"{BASE}de-de/returns/return-policy/",
        "x-default": f"{BASE}returns/return-policy/",
    }
    assert not (sample_site / "de-de/sitemap.xml").exists()  # one sitemap, at the root


def test_switcher_lands_on_the_same_page_or_its_category(sample_site):
    links = switcher_links(read(sample_site, "en-gb/returns/return-policy"))
    assert links == {
        "en-IE": "/returns/return-policy/",
        "en-GB": "/en-gb/returns/return-policy/",
        "de-DE": "/de-de/returns/return-policy/",
    }
    assert (
        'aria-current="page"' in read(sample_site, "en-gb/returns/return-policy").split("English (United Kingdom)")[0]
    )
    untranslated = switcher_links(read(sample_site, "selling/selling-fees"))
    assert untranslated["de-DE"] == "/de-de/selling/"  # its category, in German
    assert untranslated["en-GB"] == "/en-gb/selling/selling-fees/"


def test_uk_pages_show_pounds_uk_carriers_and_uk_contact(sample_site):
    fees = read(sample_site, "en-gb/selling/selling-fees")
    assert "£650" in fees and "€750" not in fees
    assert "€750" in read(sample_site, "selling/selling-fees")
    assert "Royal Mail, Evri and DPD UK" in read(sample_site, "en-gb/shipping/delivery-options-and-times")
    contact = read(sample_site, "en-gb/contact")
    assert "+44 20 7946 0142" in contact and "+353 1 555 0142" not in contact
    assert "Europe/London" in contact and "2026-12-28" in contact  # UK substitute bank holiday
    irish = read(sample_site, "contact")
    assert "+353 1 555 0142" in irish and "Europe/Dublin" in irish and "2026-12-28" not in irish


def test_german_fact_values_follow_german_usage(sample_site):
    page = read(sample_site, "de-de/returns/return-policy")
    assert "30 Tagen" in page and "10\u00a0%" in page
    assert "40\u00a0€" in read(sample_site, "de-de/shipping/delivery-options-and-times")
    contact = read(sample_site, "de-de/contact")
    assert "Europe/Berlin" in contact and "+49 30 23125 142" in contact


def test_merchant_json_ld_per_market(sample_site):
    extruct = pytest.importorskip("extruct")

    def merchant(prefix: str) -> dict[str, dict]:
        found = extruct.extract(read(sample_site, prefix), base_url=BASE + prefix, syntaxes=["json-ld"])["json-ld"]
        items = [i for d in found for i in (d.get("@graph") or [d])]
        return {i["@type"]: i for i in items if i["@type"] in ("Organization", "OfferShippingDetails")}

    for prefix, country, currency, threshold in (
        ("", "IE", "EUR", 40),
        ("en-gb/", "GB", "GBP", 35),
        ("de-de/", "DE", "EUR", 40),
    ):
        data = merchant(prefix)
        assert data["Organization"]["hasMerchantReturnPolicy"]["applicableCountry"] == country
        shipping = data["OfferShippingDetails"]
        assert shipping["@id"] == f"https://www.larkspur.example/#shipping-{country.lower()}"
        assert shipping["shippingDestination"]["addressCountry"] == country
        assert shipping["freeShippingThreshold"] == {
            "@type": "MonetaryAmount",
            "currency": currency,
            "value": threshold,
        }


# -- small sites ---------------------------------------------------------------------------

MARKETS_CONFIG = """\
site_name: Test Help Center
site_url: https://help.example.com/
docs_dir: content
theme:
  name: material
plugins:
  - search
  - kbgen:
      languages: [en, de]
      markets:
        ie: {country: IE, currency: EUR, languages: [en]}
        uk: {country: GB, currency: GBP, languages: [en]}
        de: {country: DE, currency: EUR, languages: [de]}
"""

FILES = {
    "content/facts.yml": """\
        facts:
          free_over:
            value: 40
            unit: EUR
            markets:
              uk: {value: 35, unit: GBP}
          window: {value: 30, unit: days}
        """,
    "content/returns/_category.yml": "title: Returns\n",
    "content/returns/_category.de.yml": "title: Rücksendungen\n",
    "content/returns/policy.md": (
        "---\ntitle: Return policy\n---\nFree returns over {{ fact:free_over }} within {{ fact:window }}.\n"
    ),
    "content/returns/other.md": "---\ntitle: Other\n---\nNot translated.\n",
}


def german_policy(source: Path) -> str:
    version = source_version(source)
    body = "Kostenlos ab {{ fact:free_over }} innerhalb von {{ fact:window }}.\n"
    return f"---\ntitle: Rückgabe\ntranslates: {version}\n---\n" + body


@pytest.fixture
def markets_site(make_site):
    project = make_site(FILES, MARKETS_CONFIG)
    (project / "content/returns/policy.de.md").write_text(german_policy(project / "content/returns/policy.md"))
    category = project / "content/returns/_category.de.yml"
    category.write_text(
        f"translates: {source_version(project / 'content/returns/_category.yml')}\n{category.read_text()}"
    )
    return project


def test_small_site_builds_three_pairs(markets_site):
    site = build(markets_site / "mkdocs.yml", markets_site / "site")
    assert "€40" in read(site, "returns/policy") and "£35" in read(site, "en-gb/returns/policy")
    assert "40\u00a0€" in read(site, "de-de/returns/policy") and "30 Tagen" in read(site, "de-de/returns/policy")
    assert not (site / "de-de/returns/other").exists()
    assert "Rücksendungen" in read(site, "de-de/returns")


def test_a_missing_market_fact_is_a_path_line_error(markets_site, invoke):
    facts = markets_site / "content/facts.yml"
    kept = [line for line in facts.read_text().splitlines() if "markets:" not in line and "uk:" not in line]
    facts.write_text("\n".join(kept) + "\n")
    result = invoke("check", cwd=markets_site)
    assert result.exit_code == 1
    assert (
        "content/returns/policy.md:4: fact 'free_over' has no value for market 'uk', which publishes this page"
        in result.output
    )
    assert "pays in GBP" in result.output
    with pytest.raises(BuildFailed):
        build(markets_site / "mkdocs.yml", markets_site / "site")


def test_a_fact_written_per_market_only_needs_every_market(markets_site, invoke):
    facts = markets_site / "content/facts.yml"
    facts.write_text(
        facts.read_text().replace(
            "window: {value: 30, unit: days}", "window: {unit: days, markets: {ie: {value: 30}, uk: {value: 30}}}"
        )
    )
    result = invoke("check", cwd=markets_site)
    assert result.exit_code == 1
    assert "content/returns/policy.de.md:5: fact 'window' has no value for market 'de'" in result.output


def test_an_outdated_translation_is_a_warning_and_an_error_with_strict(markets_site, invoke):
    assert invoke("check", "--strict", cwd=markets_site).exit_code == 0
    source = markets_site / "content/returns/policy.md"
    source.write_text(source.read_text() + "\nA new paragraph.\n")
    result = invoke("check", cwd=markets_site)
    assert result.exit_code == 0
    assert (
        "content/returns/policy.de.md:3: warning: outdated translation: returns/policy.md changed since"
        in result.output
    )
    assert f"set 'translates: {source_version(source)}'" in result.output
    assert invoke("check", "--strict", cwd=markets_site).exit_code == 1
    report = invoke("report", "--database", f"sqlite:///{markets_site}/fb.sqlite3", cwd=markets_site)
    assert "Translations (de): 1 of 2 pages and FAQ entries translated, 1 outdated" in report.output
    assert "untranslated  returns/other.md" in report.output
    # shoppers see nothing wrong: the page is still published
    site = build(markets_site / "mkdocs.yml", markets_site / "site")
    assert "Rückgabe" in read(site, "de-de/returns/policy")


def test_a_translated_data_file_is_outdated_when_its_source_changes(markets_site, invoke):
    source = markets_site / "content/returns/_category.yml"
    source.write_text(source.read_text() + "description: Send it back within the window.\n")
    result = invoke("check", cwd=markets_site)
    assert "content/returns/_category.de.yml:1: warning: outdated translation: returns/_category.yml" in result.output
    assert invoke("check", "--strict", cwd=markets_site).exit_code == 1


def test_a_glossary_translation_records_its_source_in_a_comment(markets_site, invoke):
    (markets_site / "content/glossary.yml").write_text("- term: Refund\n  definition: Your money back.\n")
    german = markets_site / "content/glossary.de.yml"
    german.write_text("- term: Erstattung\n  definition: Ihr Geld zurück.\n")
    assert (
        "content/glossary.de.yml:1: warning: translation records no source version"
        in invoke("check", cwd=markets_site).output
    )
    version = source_version(markets_site / "content/glossary.yml")
    german.write_text(f"# translates: {version}\n" + german.read_text())
    result = invoke("check", "--strict", cwd=markets_site)
    assert result.exit_code == 0, result.output


def test_a_failed_pair_leaves_the_whole_previous_site_untouched(markets_site, caplog):
    site = build(markets_site / "mkdocs.yml", markets_site / "site")
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    german = markets_site / "content/returns/policy.de.md"
    german.write_text(german.read_text() + "\nSee [this](missing.md).\n")  # only the German pair fails
    with pytest.raises(BuildFailed):
        build(markets_site / "mkdocs.yml", markets_site / "site")
    assert re.search(r"content/returns/policy.de.md:\d+: broken link: 'missing.md'", caplog.text)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(markets_site.glob(".site.building-*"))


def test_per_market_contact_and_notices(make_site):
    files = {
        **FILES,
        "content/contact.yml": """\
            timezone: Europe/Dublin
            holidays: [{date: 2026-12-26, name: St Stephen's Day}]
            markets:
              uk:
                timezone: Europe/London
                holidays: [{date: 2026-12-28, name: Boxing Day (substitute day)}]
            channels:
              - {id: phone, type: phone, label: Phone, address: +353 1 555 0142, markets: [ie],
                 hours: {mon-fri: "09:00-17:00"}}
              - {id: phone, type: phone, label: Phone, address: +44 20 7946 0142, markets: [uk],
                 hours: {mon-fri: "08:00-18:00"}}
            """,
        "content/notices/uk-strike.md": (
            "---\ntitle: Royal Mail strike\nseverity: warning\nstart: 2026-11-01\nmarkets: [uk]\n---\nDelays.\n"
        ),
    }
    project = make_site(files, MARKETS_CONFIG)
    site = build(project / "mkdocs.yml", project / "site")
    assert "+44 20 7946 0142" in read(site, "en-gb/returns/policy") or "+44" in read(site, "en-gb/contact")
    assert "Royal Mail strike" in read(site, "en-gb/returns/policy")
    assert "Royal Mail strike" not in read(site, "returns/policy")


# -- units ---------------------------------------------------------------------------------


def test_config_errors_name_the_key():
    languages = parse_languages(["en", "de"])
    with pytest.raises(MarketError, match=r"^markets.uk.currency: "):
        parse_markets({"uk": {"country": "GB", "currency": "pounds"}}, languages)
    with pytest.raises(MarketError, match=r"^markets.de.languages: 'fr' is not in languages"):
        parse_markets({"de": {"country": "DE", "currency": "EUR", "languages": ["fr"]}}, languages)
    with pytest.raises(MarketError, match=r"^default_market: 'fr'"):
        make_site(languages, parse_markets({"ie": {"country": "IE", "currency": "EUR"}}, languages), "fr")
    with pytest.raises(MarketError, match=r"^languages: 'english'"):
        parse_languages(["english"])


def test_pairs_and_prefixes():
    languages = parse_languages(["en", "de"])
    markets = parse_markets(
        {
            "uk": {"country": "GB", "currency": "GBP"},
            "ie": {"country": "IE", "currency": "EUR"},
            "de": {"country": "DE", "currency": "EUR", "languages": ["de", "en"]},
        },
        languages,
    )
    site = make_site(languages, markets, "ie")
    assert [(p.prefix, p.hreflang) for p in site.pairs] == [
        ("", "en-IE"),
        ("en-gb", "en-GB"),
        ("en-de", "en-DE"),
        ("de-de", "de-DE"),
    ]
    # without markets: one market, a prefix per language
    plain = make_site(languages, parse_markets(None, languages), None)
    assert [p.prefix for p in plain.pairs] == ["", "de"]


def test_suffix_layout_view(tmp_path):
    for name in ("a.md", "a.de.md", "b.md", "_category.yml", "glossary.yml", "facts.yml", "logo.png"):
        (tmp_path / name).write_text("x")
    assert split_name("a.de.md", ("en", "de")) == ("a.md", "de")
    assert split_name("a.fr.md", ("en", "de")) == ("a.fr.md", None)
    english = view(tmp_path, "en", ("en", "de"))
    german = view(tmp_path, "de", ("en", "de"))
    assert set(english.files) == {"a.md", "b.md", "_category.yml", "glossary.yml", "facts.yml", "logo.png"}
    assert german.files == {
        "a.md": "a.de.md",
        "_category.yml": "_category.yml",
        "facts.yml": "facts.yml",
        "logo.png": "logo.png",
    }


# -- money written by hand in another market's currency ---------------------------------------

TRACKING_PAGE = """\
---
title: Tracking
summary: When tracking is required
---
Tracking is required for items over €50.

```text
Example: EUR 50 in a code block is not a price
```

Free over {{ fact:free_over }}, and `£5` in code is skipped too.
"""


def test_money_in_another_currency_is_a_warning_on_that_markets_pages(markets_site, invoke):
    page = markets_site / "content/returns/tracking.md"
    page.write_text(TRACKING_PAGE)
    result = invoke("check", cwd=markets_site)
    assert result.exit_code == 0
    expected = (
        "content/returns/tracking.md:5: warning: '€50' is written in EUR but this page is published for uk (GBP): "
        "use a fact ({{ fact:... }}) with a value per market"
    )
    assert expected in result.output
    assert result.output.count("is written in") == 1  # code blocks and spans are skipped; Ireland pays in euros
    page.write_text(TRACKING_PAGE.replace("When tracking", "Over £45, tracking"))
    result = invoke("check", cwd=markets_site)
    assert (
        "content/returns/tracking.md:3: warning: '£45' is written in GBP but this page is published for ie (EUR)"
        in (result.output)
    )
    assert invoke("check", "--strict", cwd=markets_site).exit_code == 1
    page.write_text(TRACKING_PAGE.replace("€50", "{{ fact:free_over }}"))
    assert invoke("check", "--strict", cwd=markets_site).exit_code == 0


def test_a_page_published_only_in_euro_markets_may_write_euros(make_site, invoke):
    config = MARKETS_CONFIG.replace("uk: {country: GB, currency: GBP, languages: [en]}", "")
    project = make_site({**FILES, "content/returns/tracking.md": TRACKING_PAGE}, config)
    (project / "content/returns/_category.de.yml").unlink()  # unstamped here; not what this test is about
    german = project / "content/returns/tracking.de.md"
    german.write_text(
        f"---\ntitle: Sendungsverfolgung\ntranslates: {source_version(project / 'content/returns/tracking.md')}\n---\n"
        "Ab 50\u00a0€ ist eine Sendungsverfolgung Pflicht.\n"
    )
    result = invoke("check", "--strict", cwd=project)
    assert result.exit_code == 0, result.output
    assert "is written in" not in result.output


def test_pounds_on_a_euro_market_page_and_german_amounts_are_found():
    from kbgen.content.currency import amounts

    text = "Über 50\u00a0€ oder 45 GBP.\n\nFor £1,250.50 or EUR 9,375 {{ fact:x }}.\n"
    assert amounts(text, 10) == [
        (10, "50 €", "EUR"),
        (10, "45 GBP", "GBP"),
        (12, "£1,250.50", "GBP"),
        (12, "EUR 9,375", "EUR"),
    ]
