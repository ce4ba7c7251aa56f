"""Page views (``kb`` in templates) built straight from a loaded content model: no MkDocs build."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import write_tree

from kbgen import content
from kbgen.content.links import Resolver
from kbgen.pages import GLOSSARY_SRC, NOTICES_SRC, SEARCH_SRC, UPDATES_SRC, Layout, kinds, page_view

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)

FILES = {
    "returns/_category.yml": "title: Returns & refunds\ndescription: Send it back.\norder: 1\n",
    "returns/return-policy.md": """\
        ---
        title: Return policy
        summary: Most items within {{ fact:return_window }}.
        audience: buyers
        updated: 2026-09-14
        effective: 2026-03-01
        promoted: true
        changes:
          - {date: 2026-09-01, summary: Restocking fee capped}
          - {date: 2026-03-01, summary: Longer window}
        ---
        ## Window

        You have {{ fact:return_window }} to send it back.
        """,
    "returns/damaged/_category.yml": "title: Damaged items\n",
    "returns/damaged/broken-on-arrival.md": "---\ntitle: Broken on arrival\ncontact: false\n---\nPhotos first.\n",
    "returns/faq/how-long-do-refunds-take.md": (
        "---\nquestion: How long do refunds take?\npromoted: true\n---\nFive days.\n"
    ),
    "returns/faq/who-pays-postage.md": "---\nquestion: Who pays the postage?\n---\nThe seller.\n",
    "shipping/_category.yml": "title: Shipping\norder: 2\n",
    "shipping/tracking.md": "---\ntitle: Tracking a parcel\naudience: sellers\n---\nTrack it.\n",
    "contact.yml": """\
        timezone: Europe/Dublin
        holidays:
          - {date: 2026-12-25, name: Christmas Day}
        channels:
          - {id: chat, type: chat, label: Live chat, url: https://example.com/chat,
             hours: {mon-fri: "08:00-20:00"}, response_time: 2m, escalation: 1}
          - {id: sellers-mail, type: email, label: Seller support, address: sellers@example.com,
             audience: sellers, response_time: 1d}
        """,
    "facts.yml": """\
        facts:
          return_window:
            value: 30
            unit: days
            label: Return window
            changes:
              - {from: 2027-03-01, value: 45}
        structured_data:
          organization: Example Market
          url: https://www.example.com/
          return_policy: {days: return_window, fees: free}
        """,
    "flows/not-received.yml": """\
        title: Item not received
        summary: When a parcel hasn't arrived.
        start: passed
        steps:
          - id: passed
            question: Has the delivery date passed?
            answers:
              - {label: "Yes", next: ask}
              - {label: "No", next: wait}
        results:
          - {id: wait, title: Wait a little, links: [../shipping/tracking.md]}
          - {id: ask, title: Ask us, channel: chat}
        """,
    "glossary.yml": """\
        - {term: Reserve price, definition: The lowest price a seller accepts., link: returns/return-policy.md#window}
        - {term: Escrow, definition: We hold the money., synonyms: [held payment]}
        """,
    "notices/kettle.md": """\
        ---
        title: Kettle recall
        type: recall
        severity: warning
        categories: [returns]
        product: Kettle KT-1
        risk: Overheats.
        action: Stop using it.
        refund: Full refund.
        start: 2026-11-18T09:00+00:00
        end: until resolved
        updates:
          - {time: 2026-11-18T09:00+00:00, text: Recall started.}
        ---
        Stop using it.
        """,
    "notices/outage.md": """\
        ---
        title: Old outage
        severity: incident
        start: 2026-10-01T10:00+00:00
        end: 2026-10-01T12:00+00:00
        ---
        It is over.
        """,
}


def url_for(src: str) -> str:
    """MkDocs' directory URLs, as the plugin's url_for gives them."""
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Layout:
    docs = write_tree(tmp_path_factory.mktemp("views") / "content", FILES)
    center, report = content.load(docs, today=TODAY)
    assert not report.errors, [d.format() for d in report.errors]
    return Layout(center)


def view(layout: Layout, src: str, **options) -> dict:
    resolver = Resolver(layout.center)
    defaults = {"home_title": "Help", "contact_src": None, "resolver": resolver, "today": TODAY, "now": NOW}
    return page_view(layout, src, url_for, **{**defaults, **options})


def crumbs(v: dict) -> list[tuple[str, str | None]]:
    return [(c["title"], c["url"]) for c in v["breadcrumbs"]]


def test_every_page_is_classified_by_its_source(layout):
    found = {src: layout.classify(src)[0] for src in layout.generated_sources()}
    assert found == {
        "index.md": kinds.HOME,
        "returns/index.md": kinds.CATEGORY,
        "shipping/index.md": kinds.CATEGORY,
        "flows/not-received.md": kinds.FLOW,
        SEARCH_SRC: kinds.SEARCH,
        UPDATES_SRC: kinds.UPDATES,
        NOTICES_SRC: kinds.NOTICES,
        GLOSSARY_SRC: kinds.GLOSSARY,
    }
    assert layout.classify("returns/return-policy.md")[0] is kinds.ARTICLE
    assert layout.classify("notices/kettle.md")[0] is kinds.NOTICE
    assert layout.classify("images/logo.png") == (kinds.OTHER, None)


def test_home_lists_categories_promoted_pages_and_the_organization(layout):
    home = view(layout, "index.md")
    assert home["kind"] == "home" and home["breadcrumbs"] == []
    assert [c["title"] for c in home["categories"]] == ["Returns & refunds", "Shipping"]
    returns = home["categories"][0]
    assert (returns["url"], returns["article_count"], returns["faq_count"]) == ("returns/", 2, 2)
    assert returns["top"][0]["title"] == "Return policy"  # promoted first
    assert [p["title"] for p in home["promoted"]] == ["Return policy"]
    assert home["promoted"][0]["category"] == "Returns & refunds"
    assert home["popular"] == [
        {
            "question": "How long do refunds take?",
            "url": "returns/#how-long-do-refunds-take",
            "slug": "how-long-do-refunds-take",
        }
    ]
    organization = home["jsonld"]["@graph"][0]
    assert organization["name"] == "Example Market"
    assert organization["hasMerchantReturnPolicy"]["merchantReturnDays"] == 30
    # the home page shows every current notice; an ended one is not a banner
    assert [n["id"] for n in home["notices"]] == ["kettle"]
    assert home["feed"] == "policy-updates.xml" and home["notices_url"] == "notices/"
    assert home["flows"] == [
        {"title": "Item not received", "summary": "When a parcel hasn't arrived.", "url": "flows/not-received/"}
    ]


def test_article_view_has_dates_changes_scheduled_facts_and_contact(layout):
    article = view(layout, "returns/return-policy.md")
    assert article["kind"] == "article"
    item = article["article"]
    assert item["summary"] == "Most items within 30 days."  # the fact's value, not the placeholder
    assert item["updated"] == {"iso": "2026-09-14", "text": "14 September 2026"}
    assert item["effective"] == {"iso": "2026-03-01", "text": "1 March 2026"}
    assert (item["audience"], item["category"]) == ("buyers", "Returns & refunds")
    assert article["changes"] == [
        {"date": {"iso": "2026-09-01", "text": "1 September 2026"}, "summary": "Restocking fee capped"},
        {"date": {"iso": "2026-03-01", "text": "1 March 2026"}, "summary": "Longer window"},
    ]
    assert article["upcoming"] == [
        {
            "date": {"iso": "2027-03-01", "text": "1 March 2027"},
            "label": "Return window",
            "value": "45 days",
            "now": "30 days",
        }
    ]
    assert crumbs(article) == [("Help", ""), ("Returns & refunds", "returns/"), ("Return policy", None)]
    # a page for buyers offers the channels for buyers and everyone, not the sellers' one
    help_ = article["still_need_help"]
    assert [c["id"] for c in help_["channels"]] == ["chat"]
    assert set(help_) == {"channels"}  # a call to action: the escalation and holidays are on the contact page
    assert [n["id"] for n in article["notices"]] == ["kettle"]  # the recall names this category


def test_article_in_a_section_without_contact_block(layout):
    article = view(layout, "returns/damaged/broken-on-arrival.md")
    assert crumbs(article) == [
        ("Help", ""),
        ("Returns & refunds", "returns/"),
        ("Damaged items", None),
        ("Broken on arrival", None),
    ]
    assert "still_need_help" not in article  # contact: false


def test_a_sellers_page_offers_the_sellers_channel(layout):
    article = view(layout, "shipping/tracking.md")
    assert [c["id"] for c in article["still_need_help"]["channels"]] == ["chat", "sellers-mail"]
    assert article["notices"] == []  # the recall is for returns only


def test_category_view_lists_articles_sections_and_recalls(layout):
    category = view(layout, "returns/index.md", contact_src="shipping/index.md")
    assert category["category"]["title"] == "Returns & refunds"
    assert [a["title"] for a in category["articles"]] == ["Return policy"]
    sections = [(s["title"], [a["url"] for a in s["articles"]]) for s in category["sections"]]
    assert sections == [("Damaged items", ["returns/damaged/broken-on-arrival/"])]
    assert [r["id"] for r in category["recalls"]] == ["kettle"]
    assert category["recalls"][0]["recall"]["product"] == "Kettle KT-1"
    assert crumbs(category) == [("Help", ""), ("Returns & refunds", None)]
    assert category["contact_url"] == "shipping/"
    assert category["still_need_help"]["channels"][0]["url"] == "https://example.com/chat"


def test_the_contact_page_shows_every_channel_and_no_still_need_help(layout):
    contact = view(layout, "shipping/index.md", contact_src="shipping/index.md")
    assert [c["id"] for c in contact["contact_page"]["channels"]] == ["chat", "sellers-mail"]
    assert "still_need_help" not in contact
    assert contact["status"] == contact["contact_page"]


def test_flow_view_resolves_links_and_channels(layout):
    flow = view(layout, "flows/not-received.md")["flow"]
    assert flow["start"] == "passed" and [s["id"] for s in flow["steps"]] == ["passed"]
    assert flow["steps"][0]["answers"] == [{"label": "Yes", "next": "ask"}, {"label": "No", "next": "wait"}]
    wait, ask = flow["results"]
    assert wait["links"] == [{"label": "Tracking a parcel", "url": "shipping/tracking/", "external": False}]
    assert ask["channel"]["id"] == "chat" and ask["channel"]["schedule"]["zone"] == "Europe/Dublin"


def test_glossary_letters_link_terms_to_their_pages(layout):
    glossary = view(layout, GLOSSARY_SRC)
    assert [letter["letter"] for letter in glossary["letters"]] == ["E", "R"]
    escrow, reserve = glossary["letters"][0]["terms"][0], glossary["letters"][1]["terms"][0]
    assert escrow == {
        "term": "Escrow",
        "anchor": "escrow",
        "definition": "We hold the money.",
        "synonyms": ["held payment"],
        "url": None,
    }
    assert (reserve["anchor"], reserve["url"]) == ("reserve-price", "returns/return-policy/#window")
    assert crumbs(glossary) == [("Help", ""), ("Glossary", None)]


def test_updates_view_lists_changes_newest_first_and_scheduled_facts(layout):
    updates = view(layout, UPDATES_SRC)
    assert [(c["date"]["iso"], c["summary"]) for c in updates["changes"]] == [
        ("2026-09-01", "Restocking fee capped"),
        ("2026-03-01", "Longer window"),
    ]
    assert updates["changes"][0]["url"] == "returns/return-policy/"
    assert [(s["label"], s["value"]) for s in updates["scheduled"]] == [("Return window", "45 days")]


def test_notices_listing_and_notice_page(layout):
    listing = view(layout, NOTICES_SRC)
    assert [n["id"] for n in listing["current"]] == ["kettle"]
    assert [n["id"] for n in listing["past"]] == ["outage"]
    notice = view(layout, "notices/kettle.md", page_url="https://help.example.com/notices/kettle/")["notice"]
    assert (notice["severity_label"], notice["type"]) == ("Product recall", "recall")
    assert notice["start"] == {"iso": "2026-11-18T09:00:00+00:00", "text": "18 November 2026, 09:00"}
    assert notice["end"] is None and notice["latest"]["text"] == "Recall started."
    assert notice["jsonld"]["@type"] == "SpecialAnnouncement"
    assert notice["jsonld"]["url"] == "https://help.example.com/notices/kettle/"
    page = view(layout, "notices/kettle.md")
    assert crumbs(page) == [("Help", ""), ("Service notices", "notices/"), ("Kettle recall", None)]


def test_search_page_offers_every_category_as_a_filter(layout):
    search = view(layout, SEARCH_SRC)
    assert search["categories"] == [
        {"slug": "returns", "title": "Returns & refunds"},
        {"slug": "shipping", "title": "Shipping"},
    ]
    assert crumbs(search) == [("Help", ""), ("Search", None)]


def test_the_content_model_and_the_pages_load_without_mkdocs_or_whoosh():
    """The import boundaries docs/architecture.md draws: MkDocs stays in the plugin, Whoosh in search."""
    code = (
        "import sys, kbgen.content, kbgen.pages, kbgen.server, kbgen.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'material', 'whoosh'}))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['whoosh']"  # the server searches; nothing imports MkDocs
    code = "import sys, kbgen.content, kbgen.pages; print(sorted(m for m in sys.modules if 'whoosh' in m))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_search_and_the_server_load_neither_the_content_model_nor_the_pages():
    """What a page adds to search reaches the index as ``kbgen.searchable`` records, so the
    search package, and the server that imports it, need no content model, YAML or Markdown."""
    code = (
        "import sys, kbgen.search, kbgen.server; "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['kbgen', 'content'], ['kbgen', 'pages'])"
        " or m.split('.')[0] in ('yaml', 'markdown')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
