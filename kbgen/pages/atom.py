"""The Atom 1.0 writer both feeds use (service notices, policy updates).

Ids and dates come from the content only, so the same content gives the same
feed bytes on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    title: str
    link: str  # the page it is about
    id: str
    updated: str  # RFC 3339
    summary: str


def feed(title: str, feed_url: str, updated: str, author: str, entries: list[Entry], alternate: str = "") -> bytes:
    """The feed document; ``alternate`` is the page that lists the same entries."""
    ET.register_namespace("", ATOM)
    root = ET.Element(_tag("feed"))
    ET.SubElement(root, _tag("title")).text = title
    ET.SubElement(root, _tag("id")).text = feed_url
    ET.SubElement(root, _tag("updated")).text = updated
    ET.SubElement(root, _tag("link"), rel="self", href=feed_url)
    if alternate:
        ET.SubElement(root, _tag("link"), rel="alternate", href=alternate)
    ET.SubElement(ET.SubElement(root, _tag("author")), _tag("name")).text = author
    for entry in entries:
        item = ET.SubElement(root, _tag("entry"))
        ET.SubElement(item, _tag("title")).text = entry.title
        ET.SubElement(item, _tag("link"), rel="alternate", href=entry.link)
        ET.SubElement(item, _tag("id")).text = entry.id
        ET.SubElement(item, _tag("updated")).text = entry.updated
        ET.SubElement(item, _tag("summary")).text = entry.summary
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"
