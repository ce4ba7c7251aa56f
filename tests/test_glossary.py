"""The glossary: validation, the A to Z page, first-use explanations, search."""

from __future__ import annotations

import re

import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, write_tree

from kbgen.build import build
from kbgen.content import load

GLOSSARY = """
- term: Restocking fee
  definition: A charge of up to 10% a seller may keep when you return an opened item.
  synonyms: [restocking charge]
  link: returns/return-policy.md#window
- term: Chargeback
  definition: Money your bank takes back from a merchant after you dispute a card payment.
  synonyms: [card dispute, bank reversal]
  link: returns/return-policy.md
- term: Return window
  definition: How long after delivery you can send an item back.
"""

ARTICLE = """---
title: Fees on returns
---
## About fees

A restocking fee can apply. The restocking fee is never charged on faulty items.
Ask your bank about a chargeback only after asking us. `restocking fee` in code is left alone.
[A link about the restocking fee](return-policy.md) is left alone too.
"""


def problems(tmp_path, glossary):
    write_tree(tmp_path, {**CATEGORY_FILES, "content/glossary.yml": glossary})
    center, report = load(tmp_path / "content", base=tmp_path)
    return [d.format() for d in report.sorted()], center


def test_terms_load_with_synonyms_and_links(tmp_path):
    found, center = problems(tmp_path, GLOSSARY)
    assert found == []
    terms = center.glossary.sorted()
    assert [t.term for t in terms] == ["Chargeback", "Restocking fee", "Return window"]
    assert center.glossary.find("card dispute").term == "Chargeback"
    assert terms[1].target.src == "returns/return-policy.md" and terms[1].target.anchor == "window"


def test_duplicates_and_broken_links_are_errors(tmp_path):
    bad = GLOSSARY.replace("[card dispute, bank reversal]", "[card dispute, restocking charge]")
    found, _ = problems(tmp_path, bad)
    assert found == [
        "content/glossary.yml:7: duplicate glossary word 'restocking charge': already used by "
        "'Restocking fee' on line 1",
    ]  # the duplicated entry is dropped, so its link is not checked
    found, _ = problems(
        tmp_path, GLOSSARY.replace("link: returns/return-policy.md\n", "link: returns/no-such-page.md\n")
    )
    assert found == ["content/glossary.yml:8: broken link: 'returns/no-such-page.md' does not exist"]
    found, _ = problems(tmp_path, GLOSSARY.replace("#window", "#windows"))
    assert found == [
        "content/glossary.yml:4: broken anchor: 'returns/return-policy.md#windows' "
        "has no section '#windows' (did you mean 'window'?)"
    ]
    found, _ = problems(tmp_path, GLOSSARY + "- term: Chargeback\n  definition: Again.\n")
    assert found == [
        "content/glossary.yml:11: duplicate glossary word 'Chargeback': already used by 'Chargeback' on line 5"
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("glossary-site")
    write_tree(
        root,
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            **CATEGORY_FILES,
            "content/glossary.yml": GLOSSARY,
            "content/returns/fees.md": ARTICLE,
            "content/returns/plain.md": "---\ntitle: Plain\nglossary: false\n---\nA restocking fee.\n",
            "content/returns/faq/fee-on-faulty.md": "---\nquestion: Is there a restocking fee on faulty items?\n---\n"
            "No restocking fee applies to faulty items.\n",
            "content/returns/faq/bank.md": "---\nquestion: Can I ask my bank?\n---\nA chargeback is possible.\n",
        },
    )
    return build(root / "mkdocs.yml", root / "site")


def test_first_use_in_an_article_is_explained_once(site):
    page = (site / "returns/fees/index.html").read_text()
    terms = re.findall(
        r'<span class="kb-term"><a class="kb-term__link" href="([^"]+)" '
        r'aria-describedby="(kb-tip-\d+)">([^<]+)</a><span class="kb-term__tip" '
        r'role="tooltip" id="\2" data-search-exclude>([^<]+)</span>',
        page,
    )
    assert [(href, text) for href, _, text, _ in terms] == [
        ("../../glossary/#restocking-fee", "restocking fee"),
        ("../../glossary/#chargeback", "chargeback"),
    ]
    assert terms[0][3].startswith("A charge of up to 10%")
    assert "<code>restocking fee</code>" in page
    assert re.search(r"<h2[^>]*>About fees", page)  # headings untouched
    assert "kb-term" not in (site / "returns/plain/index.html").read_text()


def test_every_faq_answer_explains_its_own_first_use(site):
    page = (site / "returns/index.html").read_text()
    answers = page.split('class="kb-faq__answer"')[1:]
    # "Can I ask my bank?", "How long do refunds take?" (no term), "Is there a restocking fee...?"
    assert [answer.count('class="kb-term"') for answer in answers] == [1, 0, 1]
    summaries = re.findall(r"<summary[^>]*>(.*?)</summary>", page)
    assert all("kb-term" not in s for s in summaries)


def test_glossary_page_lists_every_term_a_to_z(site):
    page = (site / "glossary/index.html").read_text()
    assert re.findall(r'<dt id="([a-z-]+)">', page) == ["chargeback", "restocking-fee", "return-window"]
    assert re.findall(r'href="#letter-([a-z])"', page) == ["c", "r"]
    assert "Also called: card dispute, bank reversal" in page
    assert 'href="../returns/return-policy/#window"' in page


def test_search_knows_the_terms(site):
    from kbgen.search import open_engine

    engine = open_engine(site)
    result = engine.search("bank reversal")
    assert result["definition"]["term"] == "Chargeback"
    assert result["definition"]["url"] == "/glossary/#chargeback"
    assert "/returns/#bank" in [h["url"] for h in result["hits"]][:2]  # synonym finds the answer
    assert engine.search("restocking charge")["hits"][0]["url"] in ("/returns/fees/", "/returns/#fee-on-faulty")
    assert engine.search("parcel")["definition"] is None


@pytest.mark.browser
def test_tooltip_opens_with_the_keyboard_and_escape_closes_it(new_page, site, serve):
    from kbgen.server import HelpCenterApp

    page = new_page()
    page.goto(serve(HelpCenterApp(site)) + "/returns/fees/")
    link = page.locator(".kb-term__link").first
    tip = page.locator(".kb-term__tip").first
    assert not tip.is_visible()
    box_before = page.locator("article, .md-content").first.bounding_box()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kb-term__link')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == link.get_attribute(
        "aria-describedby"
    )
    assert tip.is_visible()
    assert page.locator("article, .md-content").first.bounding_box() == box_before  # no layout shift
    assert page.get_by_role("tooltip").first.inner_text().startswith("A charge of up to 10%")
    page.keyboard.press("Escape")
    assert not tip.is_visible()


@pytest.mark.browser
def test_results_page_shows_the_terms_definition(new_page, site, serve):
    from kbgen.server import HelpCenterApp

    page = new_page()
    page.goto(serve(HelpCenterApp(site)) + "/search/?q=bank+reversal")
    box = page.locator("[data-kb-definition]")
    box.wait_for()
    assert box.locator(".kb-definition__term").inner_text() == "Chargeback"
    assert "Money your bank takes back" in box.inner_text()
    link = box.get_by_role("link", name="See it in the glossary")
    assert link.get_attribute("href") == "/glossary/#chargeback"
