"""Where the pages kbgen writes itself are published (docs-relative sources), and the titles
shoppers read for kbgen's own pages and groups of pages.

Kept apart from the kind declarations (``kinds.py``) so the view builders they point
to can name the same pages without importing the declarations.
"""

HOME_SRC = "index.md"
SEARCH_SRC = "search.md"  # the results page, /search/?q=
UPDATES_SRC = "policy-updates.md"  # every policy change, newest first
GLOSSARY_SRC = "glossary.md"  # the glossary, A to Z
NOTICES_SRC = "notices/index.md"  # service notices, current and past

# What shoppers read as these pages' titles (page title and breadcrumb).
SEARCH_TITLE = "Search"
UPDATES_TITLE = "Policy updates"
GLOSSARY_TITLE = "Glossary"
NOTICES_TITLE = "Service notices"  # also the category of a notice in search results
# Headings of groups without a page: flows in the navigation and in search results, recalls in results.
FLOWS_TITLE = "Guided help"
RECALLS_TITLE = "Product recalls"
