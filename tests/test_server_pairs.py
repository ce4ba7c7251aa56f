"""The server with a help center per (market, language) pair: one index per pair, chosen by the
address's prefix (/de-de/api/search, what the widgets call) or by ?lang=&market= at the root."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import GERMAN_PAGES, german_source

from kbgen.server import HelpCenterApp


def call(base, path, headers=None):
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def api(base, path, headers=None):
    status, headers_, body = call(base, path, headers)
    return status, json.loads(body)


@pytest.fixture(scope="module")
def pairs_url(two_pair_site, serve, tmp_path_factory):
    database = tmp_path_factory.mktemp("pairs-db") / "f.sqlite3"
    app = HelpCenterApp(two_pair_site, database=f"sqlite:///{database}")
    assert app.pairs == {"de-de", "en-gb"}  # found at start
    return serve(app), database


Q = urllib.parse.quote("rücksendung")


def test_each_prefix_searches_its_own_pair(pairs_url):
    base, _ = pairs_url
    status, german = api(base, f"/de-de/api/search?q={Q}")
    assert status == 200 and german["total"] > 0
    assert all(h["url"].startswith("/de-de/") for h in german["hits"])
    assert {german_source(h["url"]) for h in german["hits"]} <= GERMAN_PAGES
    status, english = api(base, f"/api/search?q={Q}")
    assert status == 200 and not any(h["url"].startswith("/de-de/") for h in english["hits"])
    status, refund = api(base, "/api/search?q=refund")
    assert refund["hits"] and not any(h["url"].startswith("/de-de/") for h in refund["hits"])


def test_suggest_under_a_prefix(pairs_url):
    base, _ = pairs_url
    status, body = api(base, "/de-de/api/suggest?q=" + urllib.parse.quote("Rücksen"))
    assert status == 200 and body["suggestions"]
    assert all(s["url"].startswith("/de-de/") for s in body["suggestions"])


def test_lang_and_market_at_the_root_pick_a_pair(pairs_url):
    base, _ = pairs_url
    by_prefix = api(base, f"/de-de/api/search?q={Q}")[1]
    assert api(base, f"/api/search?q={Q}&lang=de&market=de")[1] == by_prefix
    assert api(base, f"/api/search?q={Q}&lang=de")[1] == by_prefix  # the one German pair
    assert api(base, f"/api/search?q={Q}&lang=en")[1] == api(base, f"/api/search?q={Q}")[1]  # the root's language
    assert api(base, f"/de-de/api/search?q={Q}&lang=de&market=de")[1] == by_prefix  # agreeing: fine


def test_a_market_whose_id_is_not_its_country_is_found_by_the_builds_list_of_pairs(pairs_url):
    base, _ = pairs_url
    uk = api(base, "/api/search?q=returns&lang=en&market=uk")[1]
    assert uk == api(base, "/en-gb/api/search?q=returns")[1]
    assert uk["hits"] and all(h["url"].startswith("/en-gb/") for h in uk["hits"])
    ireland = api(base, "/api/search?q=returns&lang=en&market=ie")[1]
    assert ireland == api(base, "/api/search?q=returns")[1]
    assert ireland["hits"] and not any(h["url"].startswith(("/en-gb/", "/de-de/")) for h in ireland["hits"])


@pytest.mark.parametrize(
    "path",
    [
        f"/api/search?q={Q}&lang=fr",
        f"/api/search?q={Q}&lang=de&market=uk",
        f"/api/suggest?q={Q}&market=xx",
        f"/de-de/api/search?q={Q}&lang=en",  # the prefix says German
    ],
)
def test_an_unknown_pair_is_a_400_that_says_which_exist(pairs_url, path):
    base, _ = pairs_url
    status, body = api(base, path)
    assert status == 400
    assert "de-de" in body["error"] or "another help center" in body["error"]


def test_the_results_page_under_a_prefix_uses_that_pairs_index(pairs_url):
    base, _ = pairs_url
    status, _, html = call(base, f"/de-de/search/?q={Q}")
    html = html.decode("utf-8")
    assert status == 200 and 'href="/de-de/returns/' in html
    status, _, english = call(base, f"/search/?q={Q}")
    assert 'href="/de-de/returns/' not in english.decode("utf-8")  # (the switcher links to /de-de/search/)


def test_a_pairs_index_is_never_served(pairs_url):
    base, _ = pairs_url
    assert call(base, "/de-de/_kbgen/search/meta.json")[0] == 404
    assert call(base, "/_kbgen/search/meta.json")[0] == 404


def test_recorded_searches_carry_their_language(pairs_url):
    base, database = pairs_url
    record = {"X-KB-Record": "1", "X-KB-Browser": "browser-pairs-1"}
    assert api(base, "/de-de/api/search?q=" + urllib.parse.quote("Geld zurück"), record)[0] == 200
    assert api(base, "/api/search?q=money+back", record)[0] == 200
    rows = sqlite3.connect(database).execute("SELECT query, language FROM kb_searches ORDER BY id").fetchall()
    assert rows[-2:] == [("geld zurück", "de"), ("money back", "en")]


def post(base, path, body, browser):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-KB-Browser": browser},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        with err:
            return err.code


def test_votes_and_opened_results_under_a_prefix_are_the_pairs_pages(pairs_url, two_pair_site):
    """A German page's widget votes for its own site's path (/returns/refunds/, as built): under
    /de-de/ that is the German page, recorded as /de-de/returns/refunds/, never the English one."""
    base, database = pairs_url
    widget = 'data-kb-url="/returns/refunds/"'
    assert widget in (two_pair_site / "de-de/returns/refunds/index.html").read_text(encoding="utf-8")
    assert post(base, "/de-de/api/feedback", {"url": "/returns/refunds/", "helpful": False}, "browser-pairs-2") == 201
    assert (
        post(
            base,
            "/de-de/api/feedback",
            {"url": "/de-de/returns/#how-long-do-refunds-take", "helpful": True},
            "browser-pairs-2",
        )
        == 201
    )
    assert post(base, "/api/feedback", {"url": "/returns/refunds/", "helpful": True}, "browser-pairs-2") == 201
    assert post(base, "/de-de/api/feedback", {"url": "/returns/nope/", "helpful": True}, "browser-pairs-2") == 400
    votes = sqlite3.connect(database).execute("SELECT url, helpful FROM kb_votes WHERE browser = 'browser-pairs-2'")
    assert sorted(votes.fetchall()) == [
        ("/de-de/returns/#how-long-do-refunds-take", 1),
        ("/de-de/returns/refunds/", 0),
        ("/returns/refunds/", 1),
    ]
    record = {"X-KB-Record": "1", "X-KB-Browser": "browser-pairs-3"}
    status, headers, _ = call(base, f"/de-de/api/search?q={Q}", record)
    search_id = int(headers["X-KB-Search-Id"])
    opened = {"search_id": search_id, "url": "/de-de/returns/how-to-return-an-item/"}  # a result's own address
    assert post(base, "/de-de/api/opened", opened, "browser-pairs-3") == 201
    rows = sqlite3.connect(database).execute("SELECT opened_url FROM kb_searches WHERE id = ?", (search_id,))
    assert rows.fetchall() == [("/de-de/returns/how-to-return-an-item/",)]


def test_a_pair_published_after_the_start_is_served(sample_site, german_site, tmp_path, serve):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site, ignore=lambda folder, names: ["de-de"] if Path(folder) == sample_site else [])
    app = HelpCenterApp(site)
    base = serve(app)
    assert api(base, f"/api/search?q={Q}&lang=de")[0] in (400, 503)  # listed in pairs.json, not there yet
    shutil.copytree(german_site, site / "de-de")
    status, body = api(base, f"/de-de/api/search?q={Q}")
    assert status == 200 and body["hits"][0]["url"].startswith("/de-de/")
