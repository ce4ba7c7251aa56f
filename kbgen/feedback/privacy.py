"""What a shopper types into a "No" reason, made safe to store and to print.

Reasons are free text, and shoppers paste what they have at hand: an e-mail
address, a card number, a phone number. Those are replaced by a placeholder
before the reason is stored, so the database holds nothing personal. Control
characters are removed too, so that ``kbgen report`` in a terminal prints text
and never escape sequences.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13 to 19 digits, single spaces or dashes between them (how cards are written)
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# 8 to 15 digits with the usual separators, an optional leading + (an ISO date is not one)
PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[ ().-]{0,2}\d){7,14}(?!\d)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Bidirectional overrides can make a terminal show text in another order than stored.
BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " ")


def printable(text: str) -> str:
    """``text`` without control characters (C0, C1, DEL, bidi overrides), on one line."""
    text = text.translate(BIDI)
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text).split())


def luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def redact(text: str) -> str:
    """``text`` on one printable line with e-mail addresses, card numbers and phone numbers replaced."""
    text = EMAIL.sub("[email]", printable(text))

    def card(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return "[card]" if luhn(digits) else match.group()

    text = CARD.sub(card, text)

    def phone(match: re.Match) -> str:
        return match.group() if DATE.fullmatch(match.group()) else "[phone]"

    return PHONE.sub(phone, text)
