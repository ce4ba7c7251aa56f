"""Shortcuts in rendering the FAQ accordion (placeholders, one feedback form a page): the bytes of the long way."""

from __future__ import annotations

import difflib
import filecmp
from pathlib import Path

import markdown
import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG

from kbgen.content.model import Category, FaqEntry
from kbgen.pages.faq import MARK, Accordion, faq_accordion, placeholders_apply

ANSWERS = [
    "Simple *answer* with [a link](../return-policy.md#window), `code`, & more &copy; \\*not emphasis\\*.",
    "- one\n- two\n\n    code in the list\n",
    "    indented code first\n\nthen text",
    "### A heading\n\nText\n\n!!! note\n    an admonition\n",
    '!!! warning "Careful"\n    an answer that starts with an admonition',
    "    an indented first block",
    "1. first\n2. second\n\n    more of the second\n\n3. third",
    "> quoted\n> more\n\nafter",
    "Term\n: its definition\n\ntext",
    ": starts like a definition",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "A footnote[^1].\n\n[^1]: The note.",
    "Uses HTML and a [reference][r].\n\n*[HTML]: Hyper Text Markup Language\n\n[r]: https://example.com",
    "Para {: .cls #pid }\n\nSecond para\n{: .x}",
    "```python\nprint('<b>')\n```\n\nafter a fence",
    "```\nplain fence\n```",
    '??? note "Details"\n    inside details',
    '=== "Tab A"\n    a\n\n=== "Tab B"\n    b',
    '=== "Tab C"\n    tabs right after another answer\'s tabs',
    "Raw <b>bold</b> inline HTML",
    '<p class="x" data-foo>a raw block</p>\n\n<div>\nraw\n</div>',
    '<div markdown="1">\n*inside*\n</div>',
    "Text\n\n<!-- a comment -->\n\n&nbsp;",
    "Setext\n======\n\nand\n\n---\n\na rule above",
    "Two spaces  \nbreak the line",
    "\"Quotes\" -- and --- dashes... 'single'",
    "- [ ] a task\n- [x] done",
    "==mark== ^^ins^^ ~~del~~ ++ctrl+alt+del++",
    ":smile: an emoji",
    "### A heading\n\nthe same heading again",
    "A link <https://auto.example> inside",
    "",
    "Ends with a list\n\n- a\n- b",
    "Ends with code\n\n    x = 1",
    "[TOC]",
    "Heading with its own id {#custom}\n---",
]
# kbgen new's extensions, the sample's, and many more (every one in SAME_OUTSIDE that
# changes what these answers render to)
EXTENSIONS = {
    "scaffold": ["admonition", "attr_list", "md_in_html", "toc"],
    "sample": ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"],
    "many": [
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "md_in_html",
        "tables",
        "toc",
        "smarty",
        "sane_lists",
        "nl2br",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.mark",
        "pymdownx.caret",
        "pymdownx.tilde",
        "pymdownx.keys",
        "pymdownx.emoji",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.betterem",
        "pymdownx.smartsymbols",
    ],
}
INTRO = "# Returns\n\nWhat to do when an order goes back.\n"


def category(answers: list[str]) -> Category:
    def entry(number: int, body: str) -> FaqEntry:
        return FaqEntry(
            src=f"returns/faq/entry-{number:02d}.md",
            path=Path("unused"),
            category="returns",
            question=f'Can\'t I "return" it & <keep> R&amp;D {number}?',
            body=body,
            body_line=1,
            contact=number % 3 != 0,
            glossary=number % 4 != 0,
            promoted=number % 7 == 0,
        )

    return Category(slug="returns", path=Path("unused"), title="Returns", faqs=[entry(*a) for a in enumerate(answers)])


def render(text: str, extensions: list[str]) -> str:
    return markdown.Markdown(extensions=extensions, extension_configs={"toc": {"permalink": True}}).convert(text)


def accordion(answers: list[str], placeholders: bool = True) -> Accordion:
    return faq_accordion(category(answers), lambda e: e.body, contact_link="../contact.md", placeholders=placeholders)


@pytest.mark.parametrize("name", EXTENSIONS)
def test_answers_render_alike_through_placeholders_and_inside_md_in_html(name):
    extensions = EXTENSIONS[name]
    assert placeholders_apply(extensions)
    inside = render(INTRO + accordion(ANSWERS, placeholders=False).markdown, extensions)
    placed = accordion(ANSWERS)
    filled = placed.fill(render(INTRO + placed.markdown, extensions))
    assert filled == inside, "".join(difflib.unified_diff(inside.splitlines(True), filled.splitlines(True)))
    assert MARK not in filled and 'class="kb-faq__answer"' in filled
    # most entries skip md_in_html; raw HTML (even in code) and a leading ':' keep it (a raw
    # block and a definition render differently outside)
    kept = {f"entry-{number:02d}" for number in (9, 14, 19, 20, 21, 22, 28, 30)}
    assert placed.anchors == {f"entry-{number:02d}" for number in range(len(ANSWERS))} - kept


def test_answers_that_hold_the_placeholder_word_keep_md_in_html():
    placed = accordion(["An answer.", f"Writes {MARK}1z as it is."])
    assert placed.anchors == set() and MARK not in placed.markdown.replace(f"Writes {MARK}1z", "")


def test_extensions_outside_the_known_ones_get_no_placeholders():
    assert placeholders_apply(["toc", "markdown.extensions.tables", "pymdownx.superfences"])
    assert not placeholders_apply(["toc", "wikilinks"])
    assert not placeholders_apply(["pymdownx.blocks.html"])


def test_a_placeholder_that_did_not_come_out_as_a_paragraph_is_an_error():
    placed = accordion(["First.", "Second."])
    html = render(placed.markdown, EXTENSIONS["scaffold"]).replace(f"<p>{MARK}1</p>", f"<div>{MARK}1</div>")
    with pytest.raises(ValueError, match="placeholders"):
        placed.fill(html)


def test_one_placeholder_paragraph_stands_between_two_entries():
    """Each placeholder is a paragraph that Markdown parses and writes (16,000 of them were
    most of what the FAQ-heavy corpus's category pages took): the end of one entry and the
    start of the next share one."""
    answers = ["First.", "- a list\n- that ends", "    code", "Last."]
    placed = faq_accordion(category(answers), lambda e: e.body)
    paragraphs = [block for block in placed.markdown.split("\n\n") if block.strip().startswith(MARK)]
    assert len(paragraphs) == len(answers) + 1
    extensions = EXTENSIONS["scaffold"]
    inside = render(faq_accordion(category(answers), lambda e: e.body, placeholders=False).markdown, extensions)
    assert placed.fill(render(placed.markdown, extensions)) == inside


FAQ_FILES = {
    **CATEGORY_FILES,
    **{
        f"content/returns/faq/entry-{number:02d}.md": f"---\nquestion: Question {number}?\n---\n{answer}\n"
        for number, answer in enumerate(ANSWERS)
        if answer and "[^" not in answer and "*[" not in answer  # one page: one footnote and abbreviation set
    },
}


def test_a_built_site_is_the_same_with_placeholders_and_without(make_site, invoke, tmp_path):
    """An extension outside the known ones turns placeholders off and changes nothing else."""
    extensions = "markdown_extensions:\n" + "".join(f"  - {name}\n" for name in EXTENSIONS["sample"])
    project = make_site(FAQ_FILES, MINIMAL_CONFIG + extensions)
    assert invoke("build", "--no-cache", "-d", tmp_path / "placed", cwd=project).exit_code == 0
    (project / "mkdocs.yml").write_text(MINIMAL_CONFIG + extensions + "  - wikilinks\n", encoding="utf-8")
    assert invoke("build", "--no-cache", "-d", tmp_path / "inside", cwd=project).exit_code == 0
    compared = filecmp.dircmp(tmp_path / "placed", tmp_path / "inside")

    def differences(c):
        return c.diff_files + c.left_only + c.right_only + [d for sub in c.subdirs.values() for d in differences(sub)]

    assert differences(compared) == []
    html = (tmp_path / "placed/returns/index.html").read_text(encoding="utf-8")
    assert html.count('class="kb-faq__item"') == len(FAQ_FILES) - len(CATEGORY_FILES) + 1


def test_mkdocs_finds_the_anchors_of_entries_placed_after_markdown(make_site, invoke):
    """A link to a FAQ entry (return-policy.md links faq/refund-time.md, the entry's anchor on
    its category page) passes MkDocs' anchor validation, with --strict."""
    project = make_site(CATEGORY_FILES, MINIMAL_CONFIG + "validation:\n  anchors: warn\n")
    result = invoke("build", "--strict", "--no-cache", cwd=project)
    assert result.exit_code == 0, result.output


def test_each_entry_gets_its_feedback_form_from_kbgen_s_template_and_from_a_writer_s_own(make_site, invoke, tmp_path):
    """kbgen's form is rendered once per page and takes each entry's id; a form of the
    project's own (custom_dir) is rendered for each entry, whatever it does with the id."""
    files = {**CATEGORY_FILES, "content/returns/faq/lost-label.md": "---\nquestion: Lost label?\n---\nPrint another.\n"}
    project = make_site(files)
    assert invoke("build", "--no-cache", cwd=project).exit_code == 0
    html = (project / "site/returns/index.html").read_text(encoding="utf-8")
    for slug in ("refund-time", "lost-label"):
        assert f'data-kb-url="/returns/#{slug}"' in html and f'id="kb-feedback-{slug}-reason"' in html
    assert "standin" not in html
    own = '<form class="own" data-id="{{ feedback_id | upper }}" data-n="{{ feedback_id | length }}"></form>\n'
    (project / "overrides/partials/kbgen").mkdir(parents=True)
    (project / "overrides/partials/kbgen/feedback.html").write_text(own, encoding="utf-8")
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert invoke("build", "--no-cache", cwd=project).exit_code == 0
    html = (project / "site/returns/index.html").read_text(encoding="utf-8")
    assert '<form class="own" data-id="REFUND-TIME" data-n="11"></form>' in html
    assert '<form class="own" data-id="LOST-LABEL" data-n="10"></form>' in html


def test_a_page_whose_own_text_holds_the_placeholder_word_keeps_md_in_html(make_site, invoke):
    intro = f"---\ntitle: Returns\n---\nWe write {MARK}0o here.\n\n{MARK}a\n"
    project = make_site({**CATEGORY_FILES, "content/returns/index.md": intro})
    result = invoke("build", "--no-cache", cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "site/returns/index.html").read_text(encoding="utf-8")
    assert f"<p>{MARK}a</p>" in html and html.count('<div class="kb-faq">') == 1
    assert '<details class="kb-faq__item" data-kb-faq="data-kb-faq" id="refund-time">' in html
