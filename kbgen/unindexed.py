"""What search leaves out of a page: widgets are marked where they are rendered, never listed.

kbgen adds text no writer wrote to pages: "Still need help?", "Was this
helpful?", "Link to this answer", glossary tooltips, contact cards, flows,
notice banners, the status line, breadcrumbs. The outermost element of each
carries ``data-search-exclude``. Material's static search skips such
elements (its documented exclusion), and kbgen's own indexer
(:mod:`kbgen.search.text`) honours the same attribute, so one mark keeps a
widget out of both indexes, their scores and snippets, whatever it says.
"""

ATTRIBUTE = "data-search-exclude"
