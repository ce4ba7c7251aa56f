"""Money written by hand in another currency than the market a page is published for.

A page of the English content is published in every English market: "items over €50" reads
right in Ireland and wrong on the UK pages, which should quote pounds. Such an amount belongs
in a fact with a value per market (``{{ fact:tracking_threshold }}``). Amounts in code are
examples of syntax, not prices, and are skipped; notices are left out (their bodies render no
placeholders, and a notice can target the markets it is written for).
"""

from __future__ import annotations

import re

from .diagnostics import Report
from .facts import CURRENCIES
from .mdscan import SHORTCODE, mask_code
from .model import HelpCenter

_SYMBOLS = {symbol: code for code, symbol in CURRENCIES.items()}
_AMOUNT = r"\d{1,3}(?:[,.\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SPACE = r"[ \u00a0\u202f]?"
_SYMBOL = "[" + "".join(re.escape(s) for s in _SYMBOLS) + "]"
_CODE = "|".join(CURRENCIES)
MONEY = re.compile(
    rf"(?P<s1>{_SYMBOL}){_SPACE}(?:{_AMOUNT})"  # €50, £0.50
    rf"|(?<![\w.,])(?:{_AMOUNT}){_SPACE}(?P<s2>{_SYMBOL})"  # 50 € (German usage)
    rf"|\b(?P<c1>{_CODE}){_SPACE}(?:{_AMOUNT})"  # EUR 50
    rf"|(?<![\w.,])(?:{_AMOUNT}){_SPACE}(?P<c2>{_CODE})\b"  # 50 EUR
)


def amounts(text: str, first_line: int = 1) -> list[tuple[int, str, str]]:
    """(line, amount as written, ISO currency) for each money amount outside code and placeholders."""
    masked = SHORTCODE.sub(lambda m: " " * len(m.group(0)), mask_code(text))
    found = []
    for match in MONEY.finditer(masked):
        symbol = match.group("s1") or match.group("s2")
        currency = _SYMBOLS[symbol] if symbol else match.group("c1") or match.group("c2")
        line = first_line + masked.count("\n", 0, match.start())
        found.append((line, match.group(0).replace("\u00a0", " ").replace("\u202f", " "), currency))
    return found


def check(center: HelpCenter, report: Report) -> None:
    """Warn where a page (its body or summary), flow or glossary definition of this market quotes another currency."""
    market = center.market
    if market is None or not market.currency:
        return
    texts = [(doc.path, doc.body, doc.body_line) for doc in center.written(notices=False)]
    texts += [(a.path, a.summary, a.lines.get("summary", 1)) for a in center.articles if a.summary]  # renders facts
    for flow in center.flows:
        if flow.lines is not None:
            texts += [(flow.path, getattr(o, name), flow.lines(*key)) for o, name, key in flow.placeholder_fields()]
    if center.glossary is not None:
        texts += [(center.glossary.path, term.definition, term.line) for term in center.glossary.terms]
    for path, text, first_line in texts:
        for line, written, currency in amounts(text or "", first_line):
            if currency != market.currency:
                report.warning(
                    path,
                    line,
                    f"'{written}' is written in {currency} but this page is published for {market.id} "
                    f"({market.currency}): use a fact ({{{{ fact:... }}}}) with a value per market",
                )
