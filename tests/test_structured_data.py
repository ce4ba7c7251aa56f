"""What search engines and shared links read: an outside checker's Google preset over one
page of every kind, the organisation with its logo, and an image for every page."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib

import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, ROOT

BASE = "https://help.larkspur.example/"
SDTT = ROOT / "tests/sdtt/node_modules/structured-data-testing-tool/bin/cli.js"
# One page of every kind in the sample help center.
PAGE_KINDS = {
    "home": "index.html",
    "category with FAQ entries": "returns/index.html",
    "article": "returns/return-policy/index.html",
    "flow": "flows/item-not-received/index.html",
    "glossary": "glossary/index.html",
    "notice": "notices/card-payments-delayed/index.html",
    "recall": "notices/recall-kettle/index.html",
    "policy updates": "policy-updates/index.html",
    "German article": "de-de/returns/return-policy/index.html",
    "UK home (GBP merchant data)": "en-gb/index.html",
}


def sdtt(page) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (scripts/test.sh installs Debian's nodejs and npm as root)")
    if not SDTT.is_file():
        pytest.skip("structured-data-testing-tool is not installed: run `npm ci --prefix tests/sdtt`")
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "FORCE_COLOR": "0"}
    return subprocess.run(
        [node, SDTT, "--file", page, "--presets", "Google"], capture_output=True, text=True, timeout=60, env=env
    )


def test_every_kind_of_page_passes_the_google_preset_of_structured_data_testing_tool(sample_site):
    results = {kind: sdtt(sample_site / path) for kind, path in PAGE_KINDS.items()}
    failed, warned = {}, {}
    for kind, result in results.items():
        counts = dict(re.findall(r"(Passed|Warnings|Failed): (\d+)", result.stdout))
        assert counts, f"{kind}: no results from sdtt\n{result.stdout}\n{result.stderr}"
        if result.returncode != 0 or counts["Failed"] != "0":
            failed[kind] = [line.strip() for line in result.stdout.splitlines() if "✕" in line]
        if counts["Warnings"] != "0":
            warned[kind] = result.stdout
    assert not failed, failed
    assert not warned, warned
    # the checker really checked what Google reads on these pages
    assert "Google > Article" in results["article"].stdout
    assert "FAQPage" in results["category with FAQ entries"].stdout
    assert "WebSite" in results["home"].stdout


def test_the_checker_fails_an_article_without_author_image_or_logo(sample_site, tmp_path):
    """The test above could fail: the same page as kbgen built it before issue 21."""
    html = (sample_site / PAGE_KINDS["article"]).read_text()
    article = next(d for d in _jsonld(html) if d["@type"] == "Article")
    for key in ("author", "image"):
        del article[key]
    article["publisher"] = {"@type": "Organization", "name": "Larkspur Market Help Centre"}
    old = tmp_path / "old.html"
    old.write_text(f'<html><head><script type="application/ld+json">{json.dumps(article)}</script></head></html>')
    result = sdtt(old)
    assert result.returncode == 1 and "Failed: 4" in result.stdout, result.stdout
    failures = {line.split()[1] for line in result.stdout.splitlines() if "✕" in line}
    assert failures == {"author", "image", "publisher.logo", "publisher.logo.url"}


def _jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)
    return dict(tags)


def test_articles_are_written_and_published_by_the_organisation_with_its_logo(sample_site):
    extruct = pytest.importorskip("extruct")
    url = "returns/return-policy/"
    found = extruct.extract((sample_site / url / "index.html").read_text(), base_url=BASE + url, syntaxes=["json-ld"])
    article = next(d for d in found["json-ld"] if d["@type"] == "Article")
    # the organisation named in facts.yml's structured_data, as on the home page
    assert article["author"] == article["publisher"]
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Larkspur Market Ltd"
    assert publisher["@id"] == "https://www.larkspur.example/#organization"
    assert publisher["logo"] == {
        "@type": "ImageObject",
        "url": BASE + "assets/larkspur-logo.png",  # the theme's logo in mkdocs.yml
        "width": 256,
        "height": 256,
    }
    assert article["image"] == [BASE + "assets/larkspur-social.png"]  # it has no picture of its own
    for image in (publisher["logo"]["url"], article["image"][0]):
        assert (sample_site / image.removeprefix(BASE)).read_bytes().startswith(b"\x89PNG")


def test_every_page_has_an_absolute_og_image_with_alt_text_and_a_large_twitter_card(sample_site):
    pages = list(sample_site.rglob("index.html"))
    assert len(pages) > 50
    for page in pages:
        meta = _meta(page.read_text())
        # each (market, language) pair is its own site section with its own copy of the assets
        prefix = next((p + "/" for p in ("en-gb", "de-de") if page.relative_to(sample_site).parts[0] == p), "")
        assert meta["og:image"] == BASE + prefix + "assets/larkspur-social.png", page
        assert meta["og:image:alt"] == "Larkspur Market Help Centre"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["twitter:card"] == "summary_large_image"
    home = _jsonld((sample_site / "index.html").read_text())
    website = next(d for d in home if d.get("@type") == "WebSite")
    assert website["url"] == BASE and website["publisher"]["logo"]["url"] == BASE + "assets/larkspur-logo.png"


def png(width: int, height: int) -> bytes:
    """A real, one-colour PNG."""
    rows = b"".join(b"\x00" + b"\x80\x40\xc0" * width for _ in range(height))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def build(make_site, invoke, config=MINIMAL_CONFIG, images=(), extra=None, strict=False):
    project = make_site({**CATEGORY_FILES, **(extra or {})}, config=config)
    for rel, data in dict(images).items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
    result = invoke("build", *(["--strict"] if strict else []), cwd=project)
    return project, result


def test_an_article_shows_its_first_picture_and_sites_get_kbgen_s_default_images(make_site, invoke):
    extra = {
        "content/returns/labels.md": (
            "---\ntitle: Printing a return label\n---\nPrint it.\n\n"
            '![A "return" label & its parcel](../images/label.png)\n\n![Second](../images/other.png)\n'
        )
    }
    images = {"content/images/label.png": png(640, 360), "content/images/other.png": png(200, 200)}
    project, result = build(make_site, invoke, images=images, extra=extra)
    assert result.exit_code == 0, result.output
    site = project / "site"
    base = "https://help.example.com/"
    labels = (site / "returns/labels/index.html").read_text()
    article = next(d for d in _jsonld(labels) if d["@type"] == "Article")
    assert article["image"] == [base + "images/label.png"]
    meta = _meta(labels)
    assert meta["og:image"] == base + "images/label.png"
    assert 'content="A &#34;return&#34; label &amp; its parcel"' in labels  # escaped in the attribute
    assert html.unescape(meta["og:image:alt"]) == 'A "return" label & its parcel'
    # without a picture, a logo or a social image of its own: kbgen's, shipped in its theme
    policy = (site / "returns/return-policy/index.html").read_text()
    article = next(d for d in _jsonld(policy) if d["@type"] == "Article")
    assert article["image"] == [base + "assets/kbgen/social.png"]
    assert article["author"]["name"] == "Test Help Center" and article["author"]["url"] == base
    assert article["publisher"]["logo"]["url"] == base + "assets/kbgen/logo.png"
    assert _meta(policy)["og:image"] == base + "assets/kbgen/social.png"
    for rel, size in (("assets/kbgen/logo.png", (256, 256)), ("assets/kbgen/social.png", (1200, 630))):
        assert struct.unpack(">II", (site / rel).read_bytes()[16:24]) == size


PLUGIN_OPTIONS = "  - kbgen:\n      logo: {logo}\n      social_image: {social}\n"


def test_logo_and_social_image_settings(make_site, invoke):
    config = MINIMAL_CONFIG.replace(
        "  - kbgen\n", PLUGIN_OPTIONS.format(logo="brand/logo.png", social="https://cdn.example.com/share.jpg")
    )
    project, result = build(make_site, invoke, config=config, images={"content/brand/logo.png": png(120, 120)})
    assert result.exit_code == 0, result.output
    policy = (project / "site/returns/return-policy/index.html").read_text()
    article = next(d for d in _jsonld(policy) if d["@type"] == "Article")
    assert article["publisher"]["logo"]["url"] == "https://help.example.com/brand/logo.png"
    assert article["image"] == ["https://cdn.example.com/share.jpg"]
    assert _meta(policy)["og:image"] == "https://cdn.example.com/share.jpg"


def test_theme_logo_is_the_organisation_s_logo_unless_kbgen_sets_one(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  logo: images/header.png\n")
    project, result = build(make_site, invoke, config=config, images={"content/images/header.png": png(300, 300)})
    assert result.exit_code == 0, result.output
    home = _jsonld((project / "site/index.html").read_text())
    website = next(d for d in home if d.get("@type") == "WebSite")
    assert website["publisher"]["logo"]["url"] == "https://help.example.com/images/header.png"


def test_missing_or_unusable_images_are_config_errors_with_their_line(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  - kbgen\n", PLUGIN_OPTIONS.format(logo="assets/nope.png", social="share.svg"))
    project, result = build(make_site, invoke, config=config, images={"content/share.svg": b"<svg/>"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    config_file = project / "mkdocs.yml"
    assert f"{config_file}:9: logo: 'assets/nope.png' is not in the content folder" in result.output
    assert f"{config_file}:10: social_image: 'share.svg' is not an image search engines show" in result.output
    assert not (project / "site").exists()


def test_a_small_or_missing_theme_logo_warns_and_fails_strict_builds(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  logo: tiny.png\n")
    project, result = build(make_site, invoke, config=config, images={"content/tiny.png": png(48, 48)}, strict=True)
    assert result.exit_code == 1
    assert "mkdocs.yml:6: theme.logo: 'tiny.png' is 48x48 pixels; search engines want a logo of at least" in (
        result.output
    )
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  logo: gone.png\n")
    project, result = build(make_site, invoke, config=config)
    assert result.exit_code == 0, result.output
    assert "theme.logo: 'gone.png' is not in the content folder; " in result.output
    home = _jsonld((project / "site/index.html").read_text())
    website = next(d for d in home if d.get("@type") == "WebSite")
    assert website["publisher"]["logo"]["url"] == "https://help.example.com/assets/kbgen/logo.png"


def test_an_article_s_first_image_is_found_whatever_the_case_of_its_tag():
    from kbgen.pages.images import first_image

    found = first_image('<p>Text</p>\n<IMG SRC="pic.png" ALT="A parcel"><img src="second.png">', "https://h.example/a/")
    assert (found.url, found.alt) == ("https://h.example/a/pic.png", "A parcel")
    assert first_image("<p>No picture, only the word img and <imgx>.</p>", "/a/") is None
