"""What templates show of contact channels and guided flows.

Plain dicts: the schedule travels as JSON so the shopper's browser can say
"open now" for the channel's own time zone; everything else is rendered into
the page, so it reads the same without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import markdown
from markdown.treeprocessors import Treeprocessor

from ..contact.hours import promise_text
from ..content.htmlpolicy import unsafe_scheme
from ..content.links import LinkError, Resolver
from ..content.model import Channel, Contact, Flow
from ..i18n import Messages, messages

VERBS = {
    "phone": "answers",
    "chat": "replies",
    "messaging": "replies",
    "social": "replies",
    "email": "answered",
    "form": "answered",
    "post": "answered",
}


def channel_view(channel: Channel, subject: str | None = None, m: Messages | None = None) -> dict:
    m = m or messages()
    url = channel.url
    if channel.type == "email" and subject:
        url += "?subject=" + quote(subject)
    schedule = channel.schedule
    promise = channel.response
    if not promise and channel.response_minutes is not None:
        promise = promise_text(channel.response_minutes, VERBS[channel.type], m)
    return {
        "id": channel.id,
        "type": channel.type,
        "label": channel.label,
        "address": channel.address,
        "address_lines": channel.address.splitlines(),
        "url": url,
        "audience": channel.audience,
        "note": channel.note,
        "promise": promise,
        "escalation": channel.escalation,
        "script": channel.script,
        "always_open": schedule is None,
        "hours": schedule.rows(m) if schedule else None,
        "hours_summary": schedule.summary(m) if schedule else m.gettext("Any time"),
        "zone": schedule.zone if schedule else None,
        "schedule": schedule.as_json() if schedule else None,
    }


def contact_view(
    contact: Contact | None, audience: str = "everyone", subject: str | None = None, m: Messages | None = None
) -> dict | None:
    if contact is None or not contact.channels:
        return None
    channels = [channel_view(c, subject, m) for c in contact.for_audience(audience)]
    return {
        "channels": channels,
        "escalation": [channel_view(c, subject, m) for c in contact.escalation],
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in contact.holidays],
        "zone": contact.zone,
    }


CALL_TO_ACTION_LIMIT = 3
NOT_FOR_A_QUICK_ANSWER = ("post", "social")  # a letter or a public post is no call to action


def call_to_action(
    contact: Contact | None, audience: str = "everyone", subject: str | None = None, m: Messages | None = None
) -> dict | None:
    """The one to three channels a page offers under its answer: the first two of the escalation
    order (the channels support wants tried first), then one meant for this page's audience (the
    sellers' line on sellers' pages), then the rest of the escalation order; never a line meant
    for the other audience, a postal address or a social account."""
    if contact is None:
        return None
    fitting = [
        c for c in contact.channels if c.type not in NOT_FOR_A_QUICK_ANSWER and c.audience in (audience, "everyone")
    ]
    order = {c.id: i for i, c in enumerate(fitting)}
    first = {c.id for c in sorted((c for c in fitting if c.escalation), key=lambda c: c.escalation)[:2]}

    def rank(c: Channel) -> tuple:
        own = c.audience == audience != "everyone"
        return (0 if c.id in first else 1 if own else 2, c.escalation or 1000, order[c.id])

    fitting.sort(key=rank)
    chosen = fitting[:CALL_TO_ACTION_LIMIT]
    return {"channels": [channel_view(c, subject, m) for c in chosen]} if chosen else None


def _html(text: str) -> str:
    """Markdown without raw HTML (shown as text): flows render outside the page's
    content, where the theme's inline scripts get CSP hashes, so no writer's HTML."""
    if not text.strip():
        return ""
    md = markdown.Markdown(extensions=["attr_list"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "kbgen_safe_links", 0)
    return md.convert(text)


class _SafeLinks(Treeprocessor):
    """Links and images with a javascript:, vbscript: or data: URL lose it."""

    def run(self, root):
        for el in root.iter():
            for attr in ("href", "src"):
                if unsafe_scheme(el.get(attr, ""), image=el.tag == "img"):
                    del el.attrib[attr]


def flow_view(
    flow: Flow, contact: Contact | None, resolver: Resolver, url_for: Callable[[str], str], m: Messages | None = None
) -> dict:
    def link(label: str, target: str) -> dict | None:
        try:
            resolved = resolver.resolve(flow.src, target)
        except LinkError:
            return None  # reported by kbgen check
        if resolved is None:
            if unsafe_scheme(target):
                return None  # reported by kbgen check; never a link that runs script
            return {"label": label or target, "url": target, "external": True}
        url = url_for(resolved.src) + (f"#{resolved.anchor}" if resolved.anchor else "")
        return {"label": label or target, "url": url, "external": False}

    results = []
    for result in flow.results:
        channel = contact.channel(result.channel) if (contact and result.channel) else None
        results.append(
            {
                "id": result.id,
                "title": result.title,
                "html": _html(result.text),
                "links": [v for v in (link(lbl, tgt) for lbl, tgt in result.links) if v],
                "channel": channel_view(channel, subject=flow.title, m=m) if channel else None,
            }
        )
    return {
        "id": flow.id,
        "title": flow.title,
        "summary": flow.summary,
        "start": flow.start,
        "steps": [
            {
                "id": s.id,
                "question": s.question,
                "help": _html(s.help),
                "answers": [{"label": a.label, "next": a.next} for a in s.answers],
            }
            for s in sorted(flow.steps, key=lambda s: s.id != flow.start)
        ],
        "results": results,
    }
