"""Words shoppers use: the built-in shopping vocabulary and the words search ignores.

The built-in synonym groups make "money back" find refunds before any writer
adds a synonym; writers extend them in ``synonyms.yml`` or switch them off.
"""

from __future__ import annotations

BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("refund", "money back", "reimbursement", "reimburse", "repayment", "get my money"),
    ("parcel", "package", "delivery", "shipment"),
    ("shipping", "delivery", "postage", "dispatch", "shipment", "courier"),
    ("charge", "payment", "billing", "debit", "transaction"),
    ("charged twice", "double charged", "duplicate charge", "two charges"),
    ("cancel", "call off", "cancellation", "withdraw"),
    ("seller", "vendor", "merchant", "shop", "store", "trader"),
    ("buyer", "customer", "shopper", "purchaser"),
    ("return", "send back", "give back"),
    ("broken", "faulty", "damaged", "defective", "doesn't work", "not working", "stopped working"),
    (
        "not received",
        "never arrived",
        "didn't arrive",
        "didnt arrive",
        "did not arrive",
        "haven't received",
        "havent received",
        "hasn't arrived",
        "hasnt arrived",
        "missing",
        "lost",
    ),
    ("track", "tracking", "trace"),
    ("late", "delayed", "overdue", "slow"),
    ("account", "profile", "login"),
    ("sign in", "log in", "login", "signin"),
    ("password", "passcode"),
    ("two-step verification", "2fa", "two factor", "2-step", "mfa", "authentication code"),
    ("hacked", "compromised", "unauthorised", "unauthorized", "fraud"),
    ("scam", "phishing", "fraud", "suspicious"),
    ("counterfeit", "fake", "replica", "not genuine", "knock off"),
    ("complaint", "complain", "grievance"),
    ("dispute", "claim", "case"),
    ("chargeback", "bank dispute", "card dispute"),
    ("contact", "reach", "talk to", "speak to", "call", "phone", "email", "chat"),
    ("fee", "cost", "commission", "charge"),
    ("bid", "offer", "bidding"),
    ("auction", "bidding"),
    ("win", "won", "winning bid"),
    ("voucher", "coupon", "promo code", "discount code", "gift card"),
    ("subscription", "membership", "plan"),
    ("receipt", "invoice"),
    ("address", "postcode", "zip code"),
    ("delete", "close", "remove", "erase"),
    ("personal data", "my data", "information", "privacy", "gdpr"),
    ("cookie", "tracking", "consent"),
    ("card", "credit card", "debit card", "visa", "mastercard"),
    ("wrong item", "not as described", "different item", "incorrect item"),
    ("exchange", "swap", "replace", "replacement"),
    ("customs", "import duty", "import duties", "vat", "tax"),
    ("rating", "feedback", "review", "stars"),
    ("cart", "basket", "shopping bag", "checkout"),
    ("paid", "payed"),
    ("dispatch", "post", "ship", "send out"),
    (
        "international",
        "abroad",
        "overseas",
        "outside the eu",
        "worldwide",
        "usa",
        "united states",
        "america",
        "uk",
        "canada",
        "australia",
    ),
    ("text", "sms", "message"),
    ("ombudsman", "alternative dispute resolution", "adr", "independent body", "regulator"),
    ("express", "next day", "fast", "faster", "quick", "urgent"),
    ("ignoring", "not responding", "not answering", "no reply", "no response", "unresponsive"),
    ("age", "how old", "minimum age", "under 18"),
    ("ban", "suspended", "restricted", "blocked", "limit"),
)

# English stop words plus the question and filler words shoppers type
# ("how do i ...", "wheres my ..."): they carry no meaning for ranking.
STOP_WORDS = frozenset(
    """
a about after again all also am an and any are as at be been before being but by can
could did do does doing don dont for from get got had has have having he her here hers
him his how hows however i i'd i'm im ive if in into is isn it it's its itself just let
me more most my myself no nor not now of off on once only or other our ours out over own
please same she should so some such than that thats the their theirs them then there
these they this those through to too under until up us very was we were what whats when
whens where wheres which while who whom why whys will with would you your yours yourself
s t d ll m re ve y hi hello thanks thank doesn didn isn wasn aren haven hasn
shouldn couldn wouldn havent hasnt didnt doesnt isnt wasnt arent cant dont shouldnt
couldnt wouldnt youre theyre id
""".split()
)

# Words that are stop words above but carry meaning in a shopping help center.
KEEP_WORDS = frozenset({"not", "no", "off", "out", "back", "up"})


def synonym_groups(writer_groups, use_builtin: bool = True, language: str = "en") -> list[tuple[str, ...]]:
    """Built-in groups of ``language`` (unless switched off) followed by the writer's own."""
    from .languages import get  # the languages module imports this one

    groups = list(get(language).synonyms) if use_builtin else []
    groups += [tuple(g) for g in writer_groups]
    return groups
