"""The server serves the built site over real HTTP, safely."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def test_pages_and_assets_are_served(sample_url, sample_site):
    status, headers, body = get(sample_url + "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"kb-hero" in body
    (style,) = (sample_site / "assets/kbgen").glob("kb.*.css")
    status, headers, _ = get(f"{sample_url}/assets/kbgen/{style.name}")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_folder_without_slash_redirects(sample_url):
    request = urllib.request.Request(sample_url + "/returns?x=1")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request)
    except urllib.error.HTTPError as err:
        err.close()
        assert err.code == 301 and err.headers["Location"] == "/returns/?x=1"
    else:
        raise AssertionError("expected a redirect")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_unknown_pages_get_the_sites_404(sample_url):
    status, _, body = get(sample_url + "/no/such/page/")
    assert status == 404 and b"404" in body


def test_path_traversal_and_hidden_files_are_refused(sample_url):
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/.git/config", "/_kbgen/x"):
        status, _, body = get(sample_url + path)
        assert status == 404, path
        assert b"root:" not in body


def test_etag_revalidation(sample_url):
    _, headers, _ = get(sample_url + "/returns/")
    status, _, body = get(sample_url + "/returns/", **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_healthz_and_unknown_api(sample_url):
    status, _, body = get(sample_url + "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    status, headers, body = get(sample_url + "/api/nothing")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert "error" in json.loads(body)


def test_text_is_sent_compressed_when_the_browser_accepts_it(sample_url):
    import gzip

    status, headers, body = get(sample_url + "/returns/", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    plain = get(sample_url + "/returns/")[2]
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 3
    assert get(sample_url + "/returns/")[1]["Content-Encoding"] is None


def test_fingerprinted_assets_are_cached_for_good(sample_url, sample_site):
    import re

    home = (sample_site / "index.html").read_text()
    script = re.search(r'<script src="(assets/kbgen/kb\.[0-9a-f]{12}\.js)" defer>', home).group(1)  # never blocks
    material = re.search(r'href="(assets/stylesheets/main\.[0-9a-f]{8}\.min\.css)"', home).group(1)
    style = re.search(r'href="(assets/kbgen/kb\.[0-9a-f]{12}\.css)"', home).group(1)
    for asset in (script, material, style):
        status, headers, _ = get(f"{sample_url}/{asset}")
        assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable", asset
    assert get(sample_url + "/assets/kbgen/logo.png")[1]["Cache-Control"] == "public, max-age=300"
    assert get(sample_url + "/")[1]["Cache-Control"] == "no-cache"
