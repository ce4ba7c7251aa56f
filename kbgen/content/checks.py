"""Checks across files: duplicates, clashing URLs, pages overdue for review."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from . import urls
from .diagnostics import Report, did_you_mean
from .facts import hard_coded_values
from .mdscan import malformed_placeholders, shortcodes
from .model import HelpCenter


def _normalize_question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def duplicate_questions(center: HelpCenter, report: Report) -> None:
    seen: dict[str, object] = {}
    for entry in sorted(center.faqs, key=lambda f: f.src):
        key = _normalize_question(entry.question)
        first = seen.setdefault(key, entry)
        if first is not entry:
            report.error(
                entry.path,
                entry.lines.get("question", 1),
                f"duplicate question '{entry.question}': already asked in "
                f"{report.rel(first.path)}:{first.lines.get('question', 1)}",
                "question",
            )


def _url_key(src: str) -> str:
    """The address a source is published at, as two clashing files would share it."""
    return urls.page_url(src).rstrip("/").casefold()


def clashing_urls(center: HelpCenter, report: Report) -> None:
    """Two files that would be published at the same address."""
    owners: dict[str, tuple[str, object]] = {}
    for category in center.categories:
        owners[_url_key(category.index_src)] = (category.index_src, category.path / "_category.yml")
        for section in category.sections:
            key = _url_key(f"{category.slug}/{section.slug}")
            owners.setdefault(key, (f"{category.slug}/{section.slug}/", category.path / section.slug))
    for article in sorted(center.articles, key=lambda a: a.src):
        key = _url_key(article.src)
        owner = owners.setdefault(key, (article.src, article.path))
        if owner[0] != article.src:
            report.error(
                article.path,
                1,
                f"duplicate slug: '{article.src}' would be published at the same address "
                f"as '{owner[0]}' (/{key}/); rename one of them",
            )


def overdue_reviews(center: HelpCenter, report: Report, today: dt.date) -> None:
    for article in center.articles:
        if article.review_by and article.review_by < today:
            who = f" ({article.owner})" if article.owner else ""
            report.warning(
                article.path,
                article.lines.get("review_by", 1),
                f"review_by {article.review_by.isoformat()} has passed: review this page{who} and set a new date",
                "review_by",
            )


def unknown_icons(center: HelpCenter, report: Report, known: Callable[[str], bool], hint: str) -> None:
    """Category icons must be icons the theme has (``known``); ``hint`` says what one looks like."""
    for category in center.categories:
        icon = category.icon
        if icon and not known(icon):
            report.error(
                category.path / "_category.yml",
                category.lines.get("icon", 1),
                f"unknown icon '{icon}': use {hint}",
                "icon",
            )


SHORTCODE_KINDS = ("contact", "flow", "fact")


def unknown_shortcodes(center: HelpCenter, report: Report) -> None:
    """``{{ contact:id }}`` and ``{{ flow:id }}`` must name a channel or a flow."""
    channels = [c.id for c in center.contact.channels] if center.contact else []
    flows = [f.id for f in center.flows]
    facts = list(center.facts.facts) if center.facts else []
    for doc in center.written(notices=False):  # notice bodies render no placeholders
        for line, message in malformed_placeholders(doc.body, doc.body_line):
            report.error(doc.path, line, message)
        for code in shortcodes(doc.body, doc.body_line):
            if not code.id:
                continue  # a malformed placeholder, reported above
            if code.kind == "contact":
                known, what = channels, "contact channel (see contact.yml)"
            elif code.kind == "flow":
                known, what = flows, "flow (see flows/)"
            elif code.kind == "fact":
                known, what = facts, "fact (see facts.yml)"
            else:
                report.error(
                    doc.path,
                    code.line,
                    f"unknown shortcode '{code.kind}'; use {{{{ fact:name }}}}, "
                    f"{{{{ contact:id }}}} or {{{{ flow:id }}}}{did_you_mean(code.kind, SHORTCODE_KINDS)}",
                )
                continue
            if code.kind == "fact" and center.facts and code.id in center.facts.missing:
                report.error(doc.path, code.line, _missing_fact(center, code.id))
            elif code.id not in known:
                report.error(doc.path, code.line, f"unknown {what} '{code.id}'{did_you_mean(code.id, known)}")


def _missing_fact(center: HelpCenter, name: str) -> str:
    """A fact this market has no value for, named with the market (see facts._for_market)."""
    return (
        f"fact '{name}' has no value for market '{center.facts.market}', which publishes this page: "
        + (center.facts.missing[name])
    )


def hard_coded_facts(center: HelpCenter, report: Report, today: dt.date) -> None:
    """A value a fact covers, written by hand ("within 14 days" near "return")."""
    if not center.facts or not center.facts.facts:
        return
    texts = [(doc.path, doc.body, doc.body_line) for doc in center.written(notices=False)]  # notices: no placeholders
    texts += [(flow.path, text, line) for flow in center.flows for text, line in _flow_texts(flow)]
    for path, text, first_line in texts:
        for line, written, fact in hard_coded_values(text, center.facts, first_line):
            current = fact.render(today)
            same = written.replace(" ", "") == current.replace(" ", "")
            problem = "" if same else f" but the fact says {current}"
            report.warning(
                path,
                line,
                f"'{written}' is written by hand{problem}: write "
                f"{{{{ fact:{fact.name} }}}} so it follows {fact.label.lower()}",
            )


def _flow_texts(flow) -> list[tuple[str, int]]:
    """A flow's texts that render placeholders, with the line of each."""
    if flow.lines is None:
        return []
    texts = [(getattr(owner, name), flow.lines(*key)) for owner, name, key in flow.placeholder_fields()]
    return [(text, line) for text, line in texts if text]


def unknown_facts_in_data(center: HelpCenter, report: Report) -> None:
    """Placeholders in flows and contact.yml must name facts too."""
    known = set(center.facts.facts) if center.facts else set()
    texts = []
    for flow in center.flows:
        texts.append((flow.path, 1, flow.summary))
        texts += [(flow.path, 1, f"{s.question} {s.help}") for s in flow.steps]
        texts += [(flow.path, 1, f"{r.title} {r.text}") for r in flow.results]
    if center.contact is not None:
        texts += [(center.contact.path, c.line, f"{c.response} {c.note}") for c in center.contact.channels]
    if center.glossary is not None:
        texts += [(center.glossary.path, t.line, t.definition) for t in center.glossary.terms]
    for path, line, text in texts:
        for _, message in malformed_placeholders(text):
            report.error(path, line, message)
        for code in shortcodes(text):
            if code.kind == "fact" and center.facts and code.id in center.facts.missing:
                report.error(path, line, _missing_fact(center, code.id))
            elif code.kind == "fact" and code.id not in known:
                report.error(path, line, f"unknown fact (see facts.yml) '{code.id}'{did_you_mean(code.id, known)}")
