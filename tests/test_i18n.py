"""Message catalogs: complete in every shipped language, checked by ``kbgen check``, and a
German build that reads German everywhere kbgen writes (home, article, contact, search, dates)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, ROOT, write_tree
from test_contact import CONTACT, FLOW

from kbgen.build import BuildFailed, build
from kbgen.i18n import LOCALES_DIR, messages
from kbgen.i18n.catalog import TEMPLATE
from kbgen.i18n.check import check_catalog, placeholders
from kbgen.i18n.extract import extract

SHIPPED = ("en", "de")
GERMAN_CONFIG = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  language: de\n")
FACTS = """
facts:
  return_window:
    value: 30
    unit: days
    label: Return window
    changes:
      - {from: 2027-03-01, value: 60}
"""
NOTICE = """---
title: Card payments delayed
severity: incident
start: 2026-11-20T10:40:00+00:00
summary: Some card payments take longer.
---
We are on it.
"""


def po(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / "kbgen.po"


def ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


# -- the catalogs ----------------------------------------------------------------------------


def test_template_holds_every_message_of_the_sources():
    """kbgen.pot is what `python -m kbgen.i18n.extract` writes today: no string was added or
    changed in the code, templates or scripts without re-extracting."""
    with TEMPLATE.open("rb") as f:
        shipped = read_po(f)
    assert ids(shipped) == ids(extract(ROOT))
    assert len(shipped) > 150


@pytest.mark.parametrize("language", SHIPPED)
def test_each_shipped_catalog_translates_every_message_with_the_same_placeholders(language):
    assert check_catalog(po(language), language=language) == []
    with po(language).open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        pairs = (
            zip(message.id, message.string, strict=True)
            if isinstance(message.id, tuple)
            else [(message.id, message.string)]
        )
        for source, text in pairs:
            assert text, message.id
            assert placeholders(text) == placeholders(source), (message.id, text)


def test_english_catalog_is_the_source_text():
    with po("en").open("rb") as f:
        for message in read_po(f):
            if message.id:
                assert message.string == message.id


def test_german_catalog_is_german_not_a_copy():
    with po("de").open("rb") as f:
        catalog = read_po(f)
    same = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id]
    # words German writes the same way
    assert set(same) <= {"Definition", "Information", "Feedback on {page}", "Closed · {opens}"} | {
        s for s in same if not re.search(r"[a-z]{3}", s)
    }, same


def test_messages_and_formats_follow_the_language():
    de, en = messages("de"), messages("en")
    assert de.gettext("Open now") == "Jetzt geöffnet"
    assert de.gettext("Question about: %(title)s", title="Rückgabe") == "Frage zu: Rückgabe"
    assert de.ngettext("%(num)s question", "%(num)s questions", 1) == "1 Frage"
    assert de.ngettext("%(num)s question", "%(num)s questions", 4) == "4 Fragen"
    assert de.format_date(dt.date(2027, 3, 1)) == "1. März 2027"
    assert en.format_date(dt.date(2027, 3, 1)) == "1 March 2027"
    moment = dt.datetime(2026, 11, 20, 10, 40, tzinfo=dt.timezone.utc)
    assert de.format_moment(moment, "Europe/Berlin") == "20. November 2026, 11:40 Uhr"
    assert en.format_moment(moment, "Europe/Dublin") == "20 November 2026, 10:40"
    assert [de.format_value(*v) for v in [(40, "EUR"), (10, "%"), (30, "days"), (1, "days")]] == [
        "40\xa0€",
        "10\xa0%",
        "30 Tage",
        "1 Tag",
    ]
    assert [en.format_value(*v) for v in [(40, "EUR"), (12.5, "EUR"), (10, "%"), (1, "business days")]] == [
        "€40",
        "€12.50",
        "10%",
        "1 business day",
    ]
    assert messages("de-AT").gettext("Open now") == "Jetzt geöffnet"  # a regional tag falls back to de


def test_script_messages_carry_only_what_differs_keyed_by_plural_category():
    wanted = ["Open now", ("+{num} more notice", "+{num} more notices")]
    assert messages("en").script_messages(wanted) == {}  # an English page carries nothing
    assert messages("de").script_messages(wanted) == {
        "Open now": "Jetzt geöffnet",
        "+{num} more notice": {"one": "+{num} weitere Meldung", "other": "+{num} weitere Meldungen"},
    }


# -- kbgen check -----------------------------------------------------------------------------


def _copy_without(tmp_path: Path, language: str, drop: str, blank: str | None = None) -> Path:
    """A temporary copy of a shipped catalog with the message ``drop`` removed (and ``blank``'s
    translation emptied)."""
    with po(language).open("rb") as f:
        catalog = read_po(f)
    catalog.delete(drop)
    if blank is not None:
        catalog[blank].string = ""
    target = tmp_path / "locales" / language / "LC_MESSAGES" / "kbgen.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as f:
        write_po(f, catalog, width=120)
    return target


def test_check_reports_a_missing_and_an_untranslated_message(tmp_path):
    copy = _copy_without(tmp_path, "de", "Was this helpful?", blank="Open now")
    problems = check_catalog(copy, language="de")
    assert sorted(p.message for p in problems) == [
        "message 'Open now' has no de translation",
        "message 'Was this helpful?' has no de translation",
    ]
    lines = copy.read_text(encoding="utf-8").splitlines()
    untranslated = next(p for p in problems if "Open now" in p.message)
    assert lines[untranslated.line - 1] == 'msgid "Open now"'  # the .po's own line
    missing = next(p for p in problems if "helpful" in p.message)
    assert missing.path == "theme/partials/kbgen/feedback.html" and missing.line > 1  # where it is used


def test_check_reports_a_placeholder_the_translation_lost(tmp_path):
    with po("de").open("rb") as f:
        catalog = read_po(f)
    catalog["Question about: %(title)s"].string = "Frage zu diesem Thema"
    target = tmp_path / "kbgen.po"
    with target.open("wb") as f:
        write_po(f, catalog, width=120)
    (problem,) = check_catalog(target, language="de")
    assert "placeholders [], the message ['title']" in problem.message


def test_kbgen_check_reports_a_project_catalog_missing_a_message(tmp_path, invoke):
    write_tree(tmp_path, {"mkdocs.yml": GERMAN_CONFIG, **CATEGORY_FILES})
    _copy_without(tmp_path, "de", "Still need help?")
    result = invoke("check", "-f", tmp_path / "mkdocs.yml", cwd=tmp_path)
    assert result.exit_code == 0, result.output  # a warning: the page shows the English text
    assert re.search(
        r"theme/partials/kbgen/[\w-]+\.html:\d+: warning: message 'Still need help\?' has no de", result.output
    ), result.output
    strict = invoke("check", "--strict", "-f", tmp_path / "mkdocs.yml", cwd=tmp_path)
    assert strict.exit_code == 1


def test_kbgen_check_and_build_say_when_a_language_has_no_catalog(tmp_path, invoke):
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  language: fr\n")
    write_tree(tmp_path, {"mkdocs.yml": config, **CATEGORY_FILES})
    result = invoke("check", "-f", tmp_path / "mkdocs.yml", cwd=tmp_path)
    assert "mkdocs.yml:6: warning: no message catalog for language 'fr'" in result.output, result.output
    strict = invoke("build", "--strict", "-f", tmp_path / "mkdocs.yml", cwd=tmp_path)
    assert strict.exit_code == 1 and "no message catalog for language 'fr'" in strict.output


def test_a_project_catalog_replaces_the_shipped_one(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": GERMAN_CONFIG, **CATEGORY_FILES})
    copy = _copy_without(tmp_path, "de", "Still need help?")
    text = copy.read_text(encoding="utf-8").replace('msgstr "War das hilfreich?"', 'msgstr "Hat Ihnen das geholfen?"')
    copy.write_text(text, encoding="utf-8")
    site = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert "Hat Ihnen das geholfen?" in (site / "returns/return-policy/index.html").read_text(encoding="utf-8")


# -- a German build --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def german_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("german-site")
    write_tree(
        root,
        {
            "mkdocs.yml": GERMAN_CONFIG,
            **CATEGORY_FILES,
            "content/returns/return-policy.md": (
                "---\ntitle: Rückgaberecht\nsummary: Dreißig Tage.\nupdated: 2026-10-02\npromoted: true\n---\n"
                "## Frist {#window}\n\nRücksendungen innerhalb von {{ fact:return_window }}. "
                "Siehe [Erstattung](faq/refund-time.md).\n"
            ),
            "content/facts.yml": FACTS,
            "content/contact.yml": CONTACT,
            "content/flows/late.yml": FLOW,
            "content/notices/card-payments.md": NOTICE,
            "content/contact/_category.yml": "title: Kontakt\n",
            "content/contact/response-times.md": "---\ntitle: Antwortzeiten\n---\n{{ contact:chat }}\n",
        },
    )
    return build(root / "mkdocs.yml", root / "site")


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    html = re.sub(r"<(script|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_german_home_page(german_site):
    home = page(german_site, "")
    assert '<html lang="de"' in home
    words = text_of(home)
    for expected in ("Wie können wir Ihnen helfen?", "Hilfe nach Themen", "1 Artikel · 1 Frage", "Beliebte Artikel"):
        assert expected in words, expected
    assert "Im Hilfe-Center suchen" in home and "Browse by topic" not in home
    # the status line: weekdays and the zone in German
    assert "Brauchen Sie Hilfe? Live chat: Mo.–Fr. 08:00–20:00, Sa. 09:00–17:00 (Zeitzone Europe/Dublin)" in words
    assert "antwortet in etwa 2 Minuten" in words
    # the banner: severity and a German date
    assert "Störung:" in words and "ab 20. November 2026, 10:40 Uhr" in words


def test_german_article(german_site):
    article = page(german_site, "returns/return-policy")
    words = text_of(article)
    assert "War das hilfreich?" in words and ">Ja</button>" in article and ">Nein</button>" in article
    assert "Aktualisiert am 2. Oktober 2026" in words
    assert "Ab 1. März 2027 : Return window 60 Tage (bisher 30 Tage)." in words
    # the fact in the writer's sentence, in German (time units in the dative plural, which
    # "innerhalb von", "nach", "seit" take); the interface's own line above says "30 Tage"
    assert "Rücksendungen innerhalb von 30 Tagen." in words
    assert "Brauchen Sie noch Hilfe?" in words and "Alle Wege, uns zu erreichen" in words
    assert "Question about" not in article and "Frage%20zu%3A%20R%C3%BCckgaberecht" in article
    assert "Help center" not in words and "Hilfe-Center" in words  # the first breadcrumb


def test_german_category_and_contact_pages(german_site):
    category = text_of(page(german_site, "returns"))
    assert "Fragen und Antworten" in category and "Link zu dieser Antwort" in category
    contact = page(german_site, "contact")
    words = text_of(contact)
    for expected in (
        "Worum geht es bei Ihrer Frage?",
        "So erreichen Sie uns",
        "Montag 08:00–20:00",
        "Sonntag Geschlossen",
    ):
        assert expected in words, expected
    assert "Alle Zeiten in der Zeitzone Europe/Dublin." in words
    assert "An Feiertagen geschlossen:" in words and "Jederzeit" in words
    assert "Antwort innerhalb von 12 Stunden" in words  # the e-mail's promise
    # the widgets' words travel with the page, as data (no inline script to allow)
    block = re.search(r'<script type="application/json" data-kb-messages>(.*?)</script>', contact).group(1)
    assert '"Open now": "Jetzt geöffnet"' in block.replace("\\u00f6", "ö")


def test_german_search_and_notice_pages(german_site):
    search = text_of(page(german_site, "search"))
    for expected in ("Suchergebnisse", "Alle Themen", "Meldungen und Rückrufe", "Versuchen Sie es mit anderen Wörtern"):
        assert expected in search, expected
    notices = text_of(page(german_site, "notices"))
    assert "Servicemeldungen" in notices and "Aktuell" in notices and "Störung · ab 20. November 2026" in notices


def test_the_servers_results_page_speaks_the_pages_language(german_site, serve):
    from kbgen.server import HelpCenterApp

    url = serve(HelpCenterApp(german_site))
    with urllib.request.urlopen(url + "/search/?q=r%C3%BCckgaberecht") as response:
        html = response.read().decode("utf-8")
    assert "<title>Suche: rückgaberecht" in html
    assert re.search(r"data-kb-results-status>\d+ Ergebnis(se)? für „rückgaberecht“</p>", html), html[:3000]
    assert '<p class="kb-result__meta">Artikel · Returns</p>' in html
    with urllib.request.urlopen(url + "/search/?q=zzzqqxx") as response:
        assert "Keine Ergebnisse für „zzzqqxx“" in response.read().decode("utf-8")


def test_an_english_page_carries_no_messages(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, **CATEGORY_FILES})
    site = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    home = page(site, "")
    assert "data-kb-messages" not in home and "Browse by topic" in home


def test_catalogs_ship_inside_the_package():
    """They sit in the package folder, beside the code that reads them (test_wheel checks the
    built wheel holds them too)."""
    import kbgen

    package = Path(kbgen.__file__).parent
    for language in SHIPPED:
        assert (package / "i18n/locales" / language / "LC_MESSAGES/kbgen.po").is_file()
    assert (package / "i18n/locales/kbgen.pot").is_file()


def test_every_message_a_script_asks_for_reaches_its_page():
    """Each ``kb.t("...")``/``kb.nt("...")`` of the shipped widgets is found for the page's data
    block, however its arguments are written (an object literal's commas fooled Babel once)."""
    from kbgen.i18n import script_msgids

    scripts = sorted((ROOT / "theme/assets/kbgen/js").glob("*.js"))
    texts = [p.read_text(encoding="utf-8") for p in scripts]
    asked = {m for t in texts for m in re.findall(r'kb\.n?t\(\s*"([^"]+)"', t)}
    found = {m if isinstance(m, str) else m[0] for m in script_msgids(texts)}
    assert asked == found and len(found) > 35


def test_hours_and_promises_in_german():
    from kbgen.contact.hours import describe, parse_schedule, promise_text

    de = messages("de")
    week = parse_schedule({"mon-fri": "08:00-20:00", "sat": "09:00-17:00"}, "Europe/Dublin")
    assert week.summary(de) == "Mo.–Fr. 08:00–20:00, Sa. 09:00–17:00"
    assert week.summary() == "Mon–Fri 08:00–20:00, Sat 09:00–17:00"  # English as before
    assert week.rows(de)[6] == {"day": "Sonntag", "text": "Geschlossen"}
    saturday_evening = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.timezone.utc)
    assert describe(week, saturday_evening, de) == "Geschlossen · öffnet am Montag um 08:00 Uhr"
    assert describe(week, saturday_evening) == "Closed · opens Monday 08:00"
    assert promise_text(2, "replies", de) == "antwortet in etwa 2 Minuten"
    assert promise_text(1, "replies", de) == "antwortet in etwa 1 Minute"
    assert promise_text(720, "answered", de) == "Antwort innerhalb von 12 Stunden"
    assert promise_text(60, "answers", de) == "meldet sich innerhalb von 1 Stunde"
    assert promise_text(4320, "replies") == "replies within 3 days"


def test_format_functions_take_a_language_tag():
    from kbgen.i18n import format_currency, format_date, format_datetime, format_decimal, format_time

    day = dt.date(2027, 3, 1)
    assert format_date(day, "de") == "1. März 2027" and format_date(day, "en") == "1 March 2027"
    assert format_date(day, "de", format="short") == "01.03.27"
    moment = dt.datetime(2026, 11, 20, 10, 40, tzinfo=dt.timezone.utc)
    assert format_time(moment, "de", zone="Europe/Berlin") == "11:40"
    assert format_datetime(moment, "de", "Europe/Berlin") == "20. November 2026, 11:40 Uhr"
    assert format_decimal(1234.5, "de") == "1.234,5" and format_decimal(1234.5, "en") == "1,234.5"
    assert format_currency(35, "GBP", "en") == "£35.00" and format_currency(35, "EUR", "de") == "35,00\xa0€"


def test_the_projects_own_wording_can_differ_per_language(tmp_path):
    per_language = (
        "  - kbgen:\n      home_title: {en: Help centre, de: Hilfe-Center}\n      faq_heading: {en: Answers}\n"
    )
    write_tree(tmp_path, {"mkdocs.yml": GERMAN_CONFIG.replace("  - kbgen\n", per_language), **CATEGORY_FILES})
    site = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    home = (site / "index.html").read_text(encoding="utf-8")
    category = (site / "returns" / "index.html").read_text(encoding="utf-8")
    assert "Hilfe-Center" in home and "Help centre" not in home
    # no German wording given for the FAQ heading: the catalog's
    assert messages("de").gettext("Questions and answers") in category and ">Answers<" not in category


def test_a_wording_that_is_not_text_is_an_error_naming_the_option(tmp_path, caplog):
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": GERMAN_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      home_title: {de: [1, 2]}\n"),
            **CATEGORY_FILES,
        },
    )
    with pytest.raises(BuildFailed):
        build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert re.search(r"mkdocs.yml:\d+: home_title: expected a text", caplog.text)
