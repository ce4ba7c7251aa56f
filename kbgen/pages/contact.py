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

VERBS = {
    "phone": "answers",
    "chat": "replies",
    "messaging": "replies",
    "social": "replies",
    "email": "answered",
    "form": "answered",
    "post": "answered",
}


def channel_view(channel: Channel, subject: str | None = None) -> dict:
    url = channel.url
    if channel.type == "email" and subject:
        url += "?subject=" + quote(subject)
    schedule = channel.schedule
    promise = channel.response
    if not promise and channel.response_minutes is not None:
        promise = promise_text(channel.response_minutes, VERBS[channel.type])
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
        "hours": schedule.rows() if schedule else None,
        "hours_summary": schedule.summary() if schedule else "Any time",
        "zone": schedule.zone if schedule else None,
        "schedule": schedule.as_json() if schedule else None,
    }


def contact_view(contact: Contact | None, audience: str = "everyone", subject: str | None = None) -> dict | None:
    if contact is None or not contact.channels:
        return None
    channels = [channel_view(c, subject) for c in contact.for_audience(audience)]
    return {
        "channels": channels,
        "escalation": [channel_view(c, subject) for c in contact.escalation],
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in contact.holidays],
        "zone": contact.zone,
    }


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


def flow_view(flow: Flow, contact: Contact | None, resolver: Resolver, url_for: Callable[[str], str]) -> dict:
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
                "channel": channel_view(channel, subject=flow.title) if channel else None,
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
