"""Line-aware scanning of Markdown source: headings, anchors and link targets.

Python-Markdown drops source positions, and writers need ``path:line``, so we
scan the source ourselves. Code (fenced, indented by a fence, or inline) is
masked first so examples inside it are never read as links.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown.extensions.toc import slugify, unique

from .model import Heading

_FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_ATTR_ID = re.compile(r"\{:?[^}]*?#([\w-]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\bid=["']([^"']+)["']""")
_ATTR_ANY_ID = re.compile(r"\{:?[^}\n]*?#([\w-]+)[^}\n]*\}")

_INLINE_LINK = re.compile(
    r"(?P<image>!?)\[(?:[^\[\]\\]|\\.|\[[^\]]*\])*\]\(\s*(?P<target><[^>\n]*>|[^\s)]+)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*(?P<target><[^>\n]*>|\S+)", re.M)
_HTML_LINK = re.compile(r"""<(?P<tag>a|img)\b[^>]*?\b(?:href|src)=["'](?P<target>[^"']+)["']""", re.I)

# {{ contact:chat }} or {{ flow:item-not-received }}: a channel card or a guided flow.
SHORTCODE = re.compile(r"\{\{\s*(?P<kind>[a-z]+)\s*:\s*(?P<id>[^\s}]*)\s*\}\}")

_INLINE_MARKUP = re.compile(r"[*_`]|!?\[([^\]]*)\]\([^)]*\)")


# Each build scans a text several times (its links for the link check and the content
# policy, its placeholders, its shortcodes) and a preview scans every unchanged text again at
# each save: the scans are kept per text, process-wide (their results are immutable).
SCANS_KEPT = 32768


@functools.lru_cache(maxsize=SCANS_KEPT)
def mask_code(text: str) -> str:
    """Blank out code blocks and spans, keeping every offset and newline."""
    if "`" not in text and "~~~" not in text:  # no fence and no code span can start: most texts
        return text
    out = []
    fence = None
    for line in text.splitlines(keepends=True):
        match = _FENCE_OPEN.match(line)
        if fence is None and match:
            fence = match.group(2)[0] * len(match.group(2))
            out.append(_blank(line))
        elif fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            out.append(_blank(line))
        else:
            out.append(line)
    masked = "".join(out)
    return _INLINE_CODE.sub(lambda m: _blank(m.group(0)), masked)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def heading_text(raw: str) -> str:
    """Heading text as the table of contents shows it (inline markup removed)."""
    raw = _ATTR_ID.sub("", raw).strip()
    return _INLINE_MARKUP.sub(lambda m: m.group(1) or "", raw).strip()


def headings(body: str, first_line: int = 1) -> list[Heading]:
    """ATX headings with the anchors Python-Markdown's toc extension gives them."""
    found: list[Heading] = []
    if "#" not in body:  # no heading can start (most FAQ answers): every line would be tried
        return found
    seen: set[str] = set()
    for offset, line in enumerate(mask_code(body).splitlines()):
        match = _ATX.match(line)
        if not match:
            continue
        raw = match.group(2)
        explicit = _ATTR_ID.search(raw)
        text = heading_text(raw)
        anchor = explicit.group(1) if explicit else unique(slugify(text, "-"), seen)
        seen.add(anchor)
        found.append(Heading(len(match.group(1)), text, anchor, first_line + offset))
    return found


def anchors(body: str, heads: list[Heading]) -> set[str]:
    """Every id a link may point at: headings, attr_list ids and raw HTML ids."""
    ids = {h.anchor for h in heads}
    if "id=" not in body and "{" not in body:  # neither scan can find one (most texts): skip both
        return ids
    masked = mask_code(body)
    ids.update(_HTML_ID.findall(masked))
    ids.update(_ATTR_ANY_ID.findall(masked))
    return ids


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    start: int  # offsets of the target inside the body
    end: int
    image: bool


def links(body: str, first_line: int = 1) -> list[Link]:
    """The links of ``body``, numbered from ``first_line``. One scan per text serves every
    numbering (the link check counts from the body's line in its file, the pages from 1)."""
    found = _links(body)
    if first_line == 1:
        return list(found)
    shift = first_line - 1  # (each made anew: dataclasses.replace takes 5x longer, for 10,000 links a build)
    return [Link(link.target, link.line + shift, link.start, link.end, link.image) for link in found]


@functools.lru_cache(maxsize=SCANS_KEPT)
def _links(body: str) -> tuple[Link, ...]:
    if "[" not in body and "<" not in body:  # no link, reference or HTML tag can start: most FAQ answers
        return ()
    masked = mask_code(body)
    found: list[Link] = []

    def add(match, image: bool) -> None:
        start, end = match.span("target")
        target = match.group("target")
        if target.startswith("<") and target.endswith(">"):
            target, start, end = target[1:-1], start + 1, end - 1
        found.append(Link(target, 1 + masked.count("\n", 0, start), start, end, image))

    for m in _INLINE_LINK.finditer(masked):
        add(m, bool(m.group("image")))
    for m in _REF_DEF.finditer(masked):
        add(m, False)
    for m in _HTML_LINK.finditer(masked):
        add(m, m.group("tag").lower() == "img")
    return tuple(sorted(found, key=lambda link: link.start))


def replace_targets(body: str, replacements: dict[int, tuple[int, str]]) -> str:
    """Replace link targets; ``replacements`` maps start offset to (end, new target)."""
    out, pos = [], 0
    for start in sorted(replacements):
        end, new = replacements[start]
        out.append(body[pos:start])
        out.append(new)
        pos = end
    out.append(body[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Shortcode:
    kind: str
    id: str
    line: int


def shortcodes(body: str, first_line: int = 1) -> list[Shortcode]:
    if "{{" not in body:  # most texts: no shortcode can start
        return []
    return list(_shortcodes(body, first_line))


@functools.lru_cache(maxsize=SCANS_KEPT)
def _shortcodes(body: str, first_line: int) -> tuple[Shortcode, ...]:
    masked = mask_code(body)
    return tuple(
        Shortcode(m.group("kind"), m.group("id"), first_line + masked.count("\n", 0, m.start()))
        for m in SHORTCODE.finditer(masked)
    )


# A placeholder-like run: "{{" up to the next brace, with the closing braces that follow.
_PLACEHOLDER_LIKE = re.compile(r"\{\{+[^{}\n]*\}*")
_STRAY_CLOSE = re.compile(r"\}\}+")


def malformed_placeholders(body: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, message) for each ``{{ ... }}`` that is not a well-formed ``{{ kind:id }}``.

    Such text is not replaced, so shoppers would read it as written: ``{{ fact:x }``,
    ``{{fact:x}}}``, ``{{ fact: }}``, ``{{ Fact:x }}``, or a ``}}`` without ``{{``.
    """
    if "{{" not in body and "}}" not in body:  # most texts: nothing placeholder-like
        return []
    return list(_malformed_placeholders(body, first_line))


@functools.lru_cache(maxsize=SCANS_KEPT)
def _malformed_placeholders(body: str, first_line: int) -> tuple[tuple[int, str], ...]:
    masked = mask_code(body)
    found, covered = [], []
    for match in _PLACEHOLDER_LIKE.finditer(masked):
        covered.append(match.span())
        text = match.group(0)
        if SHORTCODE.fullmatch(text) and SHORTCODE.fullmatch(text).group("id"):
            continue
        line = first_line + masked.count("\n", 0, match.start())
        found.append((line, f"malformed placeholder '{text.strip()}': {_placeholder_hint(text)}"))
    for match in _STRAY_CLOSE.finditer(masked):
        if not any(start <= match.start() < end for start, end in covered):
            line = first_line + masked.count("\n", 0, match.start())
            found.append((line, "'}}' without '{{': write a placeholder as {{ fact:name }}"))
    return tuple(sorted(found))


def _placeholder_hint(text: str) -> str:
    closing = len(text) - len(text.rstrip("}"))
    inner = text.strip("{}").strip()
    kind, colon, id_ = inner.partition(":")
    if text.startswith("{{{"):
        return "one '{' too many: write {{ kind:name }}"
    if closing < 2:
        return "close it with '}}' on the same line, e.g. {{ fact:return_window }}"
    if closing > 2:
        return "one '}' too many: write {{ kind:name }}"
    if not colon or not re.fullmatch(r"[a-z]+", kind.strip()):
        return "write {{ fact:name }}, {{ contact:id }} or {{ flow:id }} (lowercase kind, a colon, a name)"
    if not id_.strip():
        return f"no name after '{kind.strip()}:': write {{{{ {kind.strip()}:name }}}}"
    return "a name has no spaces or braces: write {{ kind:name }}"
