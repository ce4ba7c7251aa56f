"""kbgen's own markup passes the Nu HTML Checker (vnu.jar, pinned in tests/vnu/package-lock.json)
on one built page of each kind. What Material's own templates get wrong is listed in ALLOWED,
with where it comes from; anything else fails."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT

VNU = ROOT / "tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
PAGE_KINDS = {
    "home": "index.html",
    "category with FAQ entries": "returns/index.html",
    "article": "returns/return-policy/index.html",
    "flow": "flows/item-not-received/index.html",
    "glossary": "glossary/index.html",
    "notice": "notices/card-payments-delayed/index.html",
    "notices": "notices/index.html",
    "policy updates": "policy-updates/index.html",
    "results": "search/index.html",
    "contact": "contact/index.html",
    "not found": "404.html",
}
# (message, extract) patterns of errors in Material's templates, not kbgen's:
ALLOWED = [
    # base.html: its drawer/search toggles are checkboxes with autocomplete="off"
    (r"Attribute “autocomplete” is only allowed when", r'class="md-toggle"'),
    # partials/toc.html: the table of contents' title is a label for the __toc toggle, which
    # Material leaves out of pages without a table of contents
    (r"“for” attribute of the “label” element must be the ID of a non-hidden form control", r'for="__toc"'),
]
# Warnings about kbgen's structure that the issue asked to fix, checked as errors.
STRICT_WARNINGS = [r"Article lacks heading"]


def checker_messages(files) -> list[dict]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (scripts/test.sh installs Debian's default-jre-headless as root)")
    if not VNU.is_file():
        pytest.skip("vnu-jar is not installed: run `npm ci --prefix tests/vnu`")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", *map(str, files)], capture_output=True, text=True, timeout=240
    )
    return json.loads(run.stderr or run.stdout)["messages"]


def allowed(message: dict) -> bool:
    return any(
        re.search(text, message["message"]) and re.search(extract, message.get("extract", ""))
        for text, extract in ALLOWED
    )


def test_kbgen_markup_has_no_nu_errors_on_any_kind_of_page(sample_site):
    files = {kind: sample_site / path for kind, path in PAGE_KINDS.items()}
    assert all(f.is_file() for f in files.values())
    problems = []
    for message in checker_messages(files.values()):
        strict = message["type"] == "info" and any(re.search(w, message["message"]) for w in STRICT_WARNINGS)
        if (message["type"] == "error" or strict) and not allowed(message):
            page = message["url"].split(str(sample_site))[-1]
            problems.append(f"{page}:{message.get('lastLine')}: {message['message']}")
    assert problems == []
