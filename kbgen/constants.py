"""Values the content, the search index, the HTTP API and the CLI must agree on.

Kept in a module that imports nothing, so the CLI can declare its options
from them without loading the content model or Whoosh (``kbgen --help``
stays fast).
"""

# Who a page, a FAQ entry, a flow, a notice or a contact channel is for;
# "everyone" pages show for buyers and sellers too.
AUDIENCES = ("buyers", "sellers", "everyone")

# The kinds of search documents: the ``type`` of a hit and of the search filter.
DOCUMENT_TYPES = ("article", "faq", "notice", "flow")
