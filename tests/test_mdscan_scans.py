"""kbgen.content.mdscan's headings and anchors: texts that cannot hold one are not scanned, the others are."""

from __future__ import annotations

from kbgen.content.mdscan import anchors, headings


def scan(body: str) -> tuple[list[tuple[int, str, str, int]], set[str]]:
    heads = headings(body, 5)
    return [(h.level, h.text, h.anchor, h.line) for h in heads], anchors(body, heads)


def test_a_text_without_heading_or_id_has_none():
    assert scan("Just an answer, with a [link](https://x.example/#part) and 100% of it.\n") == ([], set())


def test_headings_anywhere_and_ids_of_every_kind_are_found():
    body = (
        "# First line\n\nText {#para-id}\n\n## Twice\n\n## Twice\n\n"
        '<a id="raw"></a> and a paragraph\n{: #attr-id }\n\n### Explicit {#chosen}\n'
    )
    assert scan(body) == (
        [
            (1, "First line", "first-line", 5),
            (2, "Twice", "twice", 9),
            (2, "Twice", "twice_1", 11),
            (3, "Explicit", "chosen", 16),
        ],
        {"first-line", "twice", "twice_1", "chosen", "para-id", "raw", "attr-id"},
    )


def test_only_an_id_or_only_an_attribute_list_or_a_first_line_heading_is_enough():
    assert scan("# Only on the first line\nText") == (
        [(1, "Only on the first line", "only-on-the-first-line", 5)],
        {"only-on-the-first-line"},
    )
    assert scan('See <span id="only-html">here</span>.') == ([], {"only-html"})
    assert scan("A paragraph\n{#only-attr}") == ([], {"only-attr"})


def test_what_code_holds_is_no_heading_and_no_id():
    assert scan('```\n# not a heading\n<a id="no"></a>\n```\n') == ([], set())


def test_texts_without_braces_have_no_placeholders_and_the_others_are_scanned():
    """Most texts hold no ``{{`` or ``}}``: they are not scanned for placeholders; a text that
    holds one is scanned as before (shortcodes, malformed ones, a stray ``}}``)."""
    from kbgen.content.mdscan import _malformed_placeholders, _shortcodes, malformed_placeholders, shortcodes

    texts = [
        "A plain answer with {single} braces and a } or two.\n",
        "Within {{ fact:return_window }} of delivery.\n",
        "Broken {{ fact:return_window } here, and {{contact:chat}} there.\n",
        "A stray }} alone.\n",
        "`{{ fact:x }}` in code, {{ flow:lost }} outside.\n",
    ]
    for text in texts:
        assert shortcodes(text, 3) == list(_shortcodes(text, 3))
        assert malformed_placeholders(text, 3) == list(_malformed_placeholders(text, 3))
    assert [len(shortcodes(t)) for t in texts] == [0, 1, 1, 0, 1]
    assert [len(malformed_placeholders(t)) for t in texts] == [0, 0, 1, 1, 0]
