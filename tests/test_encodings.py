"""Every kind of content file: invalid UTF-8 and NUL bytes are errors at their line; BOM and CRLF warnings."""

from __future__ import annotations

import pytest
from conftest import CATEGORY_FILES

# One valid file of each kind; each test breaks line 2 of one of them.
FILES = {
    **CATEGORY_FILES,
    "content/notices/card-delay.md": "---\ntitle: Card delay\nseverity: info\nstart: 2026-11-20\n---\nDelayed.\n",
    "content/flows/lost.yml": (
        "title: Lost parcel\nstart: wait\nsteps: []\nresults:\n  - {id: wait, title: Wait, text: Wait a day.}\n"
    ),
    "content/contact.yml": (
        "timezone: UTC\nchannels:\n  - {id: email, type: email, label: Email, address: a@example.com}\n"
    ),
    "content/facts.yml": (
        "facts:\n  window: {value: 30, unit: days}\nstructured_data: {organization: Shop, url: https://shop.example/}\n"
    ),
    "content/glossary.yml": "- term: Refund\n  definition: Money back.\n",
    "content/synonyms.yml": "- [refund, money back]\n- [parcel, package]\n",
}
KINDS = [
    "content/returns/return-policy.md",
    "content/returns/faq/refund-time.md",
    "content/returns/_category.yml",
    "content/notices/card-delay.md",
    "content/flows/lost.yml",
    "content/contact.yml",
    "content/facts.yml",
    "content/glossary.yml",
    "content/synonyms.yml",
]


def _break_line_2(path, bad: bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1][:3] + bad + lines[1][3:]
    path.write_bytes(b"\n".join(lines))


def test_the_valid_files_check_clean(make_site, invoke):
    result = invoke("check", "--strict", cwd=make_site(FILES))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("rel", KINDS)
def test_invalid_utf8_is_an_error_at_its_line(make_site, invoke, rel):
    project = make_site(FILES)
    _break_line_2(project / rel, b"\xe9t\xe9")  # Latin-1 "été"
    result = invoke("check", cwd=project)
    assert result.exit_code == 1, result.output
    assert f"{rel}:2: not UTF-8 text: byte 0xe9 (invalid continuation byte); save the file as UTF-8" in result.output
    assert "Traceback" not in result.output
    built = invoke("build", cwd=project)
    assert built.exit_code == 1 and "Traceback" not in built.output
    assert f"{rel}:2: not UTF-8 text" in built.output


@pytest.mark.parametrize("rel", KINDS)
def test_nul_bytes_are_an_error_at_their_line(make_site, invoke, rel):
    project = make_site(FILES)
    _break_line_2(project / rel, b"\x00")
    result = invoke("check", cwd=project)
    assert result.exit_code == 1, result.output
    assert f"{rel}:2: NUL byte in a text file: is it a binary file?" in result.output


@pytest.mark.parametrize("rel", KINDS)
def test_bom_and_crlf_are_warnings_and_the_file_still_reads(make_site, invoke, rel):
    project = make_site(FILES)
    path = project / rel
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = invoke("check", cwd=project)
    assert result.exit_code == 0, result.output
    assert f"{rel}:1: warning: the file starts with a byte order mark (BOM)" in result.output
    assert f"{rel}:1: warning: Windows line endings (CRLF): save the file with LF line endings" in result.output
    assert "0 error(s), 2 warning(s)" in result.output
    assert invoke("check", "--strict", cwd=project).exit_code == 1


def test_pages_kbgen_does_not_load_are_checked_too(make_site, invoke):
    """MkDocs publishes any Markdown in the content folder, e.g. a _drafts/ folder."""
    project = make_site(FILES)
    (project / "content/_drafts").mkdir()
    (project / "content/_drafts/draft.md").write_bytes(b"---\ntitle: Draft\n---\nCaf\xe9\n")
    (project / "content/_drafts/other.md").write_text("---\ntitle: Other\n---\n<script>x()</script>\n")
    result = invoke("check", cwd=project)
    assert result.exit_code == 1
    assert "content/_drafts/draft.md:4: not UTF-8 text: byte 0xe9" in result.output
    assert "content/_drafts/other.md:4: warning: <script> in content" in result.output
    built = invoke("build", cwd=project)
    assert built.exit_code == 1 and "Traceback" not in built.output


def test_a_loaded_page_is_not_checked_again_as_one_kbgen_does_not_load(make_site):
    """The check of unloaded Markdown walks the whole content folder: the files kbgen loaded
    (thousands of FAQ entries) are left to the checks that saw them, not read again."""
    from kbgen import content

    project = make_site(FILES)
    (project / "content/returns/faq/scripted.md").write_text("---\nquestion: Scripted?\n---\n<script>y()</script>\n")
    (project / "content/_drafts").mkdir()
    (project / "content/_drafts/other.md").write_text("---\ntitle: Other\n---\n<script>x()</script>\n")
    _, report = content.load(project / "content", base=project)
    said = [d for d in report.items if "<script>" in d.message]
    assert sorted(str(d.path) for d in said) == ["content/_drafts/other.md", "content/returns/faq/scripted.md"]
