"""Where the pages kbgen writes itself are published (docs-relative sources), and the titles
shoppers read for kbgen's own pages and groups of pages.

Kept apart from the kind declarations (``kinds.py``) so the view builders they point
to can name the same pages without importing the declarations.
"""

from ..i18n import N_

HOME_SRC = "index.md"
SEARCH_SRC = "search.md"  # the results page, /search/?q=
UPDATES_SRC = "policy-updates.md"  # every policy change, newest first
GLOSSARY_SRC = "glossary.md"  # the glossary, A to Z
NOTICES_SRC = "notices/index.md"  # service notices, current and past

# What shoppers read as these pages' titles (page title and breadcrumb): msgids, translated
# where they are shown.
SEARCH_TITLE = N_("Search")
UPDATES_TITLE = N_("Policy updates")
GLOSSARY_TITLE = N_("Glossary")
NOTICES_TITLE = N_("Service notices")
HOME_TITLE = N_("Help center")  # the first breadcrumb, unless the project names it (home_title)
HOME_HEADING = N_("How can we help?")  # the home page's heading, unless the project words it (home_heading)
FAQ_HEADING = N_("Questions and answers")  # above a category's accordion, unless faq_heading says otherwise
# Headings of groups without a page: flows in the navigation and in search results, recalls in results.
FLOWS_TITLE = N_("Guided help")
RECALLS_TITLE = N_("Product recalls")
