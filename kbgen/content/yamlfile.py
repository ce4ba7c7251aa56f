"""YAML with line numbers, for files and front matter that writers edit.

Dates stay strings here (the schema parses them), so a bad date such as
``2026-13-45`` is a reported mistake instead of a crash inside PyYAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .textfile import read


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml's when installed) that leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_and_load(text: str):
    """One parse: the node tree (for line numbers) and the data built from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


class YamlError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def _load_or_explain(text: str, first_line: int):
    """Parse; a mistake becomes a :class:`YamlError` at its line with a hint in plain words."""
    try:
        node, data = _compose_and_load(text)
    except yaml.MarkedYAMLError as exc:
        problem, context = exc.problem or str(exc), exc.context or ""
        # where the writer's mistake is: the opening quote or bracket, else where parsing stopped
        opened = "quoted scalar" in context or "flow" in context
        mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        source = text.splitlines()[line] if line < len(text.splitlines()) else ""
        hint = _hint(problem, context, source)
        raise YamlError(f"invalid YAML: {problem}" + (f": {hint}" if hint else ""), first_line + line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", first_line) from None
    duplicate = _duplicate_key(node)
    if duplicate is not None:
        key, first, again = duplicate
        raise YamlError(
            f"duplicate key '{key}' (first on line {first_line + first}): keep one; YAML would silently use the last",
            first_line + again,
        )
    return node, data


def _hint(problem: str, context: str, source: str) -> str:
    """PyYAML's message for the common mistakes, in a writer's words."""
    if "\t" in source or "tab" in problem:
        return "a tab in the indentation: indent with spaces only"
    if "mapping values are not allowed" in problem:
        if source[: len(source) - len(source.lstrip())]:
            return "a line indented more than the one above (line it up), or a colon inside a value (quote it)"
        return 'a colon inside a value: put the value in quotes, e.g. title: "Refunds: the basics"'
    if "quoted scalar" in context:
        return "a quote is not closed: end the value with the quote it starts with"
    if "flow" in context:
        return "a [list] or {mapping} is not closed, or a comma is missing between its items"
    if "cannot start any token" in problem:
        return "a value starts with a character YAML reserves (@, `, %): put the value in quotes"
    if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
        if '"' in source or "'" in source:
            return "text after a closing quote: put the whole value in quotes"
        return "the indentation does not line up: indent items of one list or mapping by the same spaces"
    return ""


def _duplicate_key(node) -> tuple[str, int, int] | None:
    """(key, first line, repeated line), 0-based, of the first key written twice in a mapping."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if key.value in seen:
                        return key.value, seen[key.value], key.start_mark.line
                    seen[key.value] = key.start_mark.line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


@dataclass
class Document:
    """A parsed YAML mapping plus the 1-based line of each top-level key."""

    data: object
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, key: str | None = None) -> int:
        if key is not None and key in self.lines:
            return self.lines[key]
        return self.first_line


def parse(text: str, first_line: int = 1) -> Document:
    """Parse YAML; ``first_line`` is where ``text`` starts in its file."""
    node, data = _load_or_explain(text, first_line)
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines[str(key_node.value)] = first_line + key_node.start_mark.line
    return Document(data, lines, first_line)


def item_lines(text: str, first_line: int = 1) -> list[int]:
    """1-based lines of the items of a top-level YAML sequence (for list files)."""
    node = yaml.compose(text, Loader=_Loader)
    if isinstance(node, yaml.SequenceNode):
        return [first_line + item.start_mark.line for item in node.value]
    return []


_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


@dataclass
class MarkdownFile:
    meta: Document | None
    body: str
    body_line: int  # 1-based line where the body starts
    has_front_matter: bool


def split_front_matter(text: str) -> MarkdownFile:
    """Split ``---`` front matter from a Markdown body, keeping line numbers.

    Raises :class:`YamlError` when the front matter is present but invalid.
    """
    text = text.lstrip("\ufeff")
    match = _FENCE.match(text)
    if not match:
        if text.startswith("---"):
            raise YamlError("front matter starts with '---' but has no closing '---'", 1)
        return MarkdownFile(None, text, 1, False)
    meta = parse(match.group(1), first_line=2)
    body = text[match.end() :]
    body_line = text[: match.end()].count("\n") + 1
    return MarkdownFile(meta, body, body_line, True)


def parse_with_lines(text: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML and map every key path to its 1-based line.

    Paths are tuples of mapping keys and sequence indexes, e.g.
    ``("channels", 0, "hours")``; ``()`` is the document itself.
    """
    node, data = _load_or_explain(text, 1)
    lines: dict[tuple, int] = {}

    def walk(n, path: tuple) -> None:
        lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                child = path + (key.value if isinstance(key, yaml.ScalarNode) else str(key),)
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, path + (i,))

    if node is not None:
        walk(node, ())
    return data, lines


class Lines:
    """Line lookup for a parsed YAML file: the nearest known line of a key path."""

    def __init__(self, lines: dict[tuple, int]):
        self._lines = lines

    def __call__(self, *path) -> int:
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 1)


def front_matter(text: str, path, report) -> MarkdownFile | None:
    """:func:`split_front_matter` of a Markdown file's ``text``; a YAML mistake is reported
    as the file failing to load (then None)."""
    try:
        return split_front_matter(text)
    except YamlError as exc:
        report.load_failed(path, exc.line, exc.message)
        return None


def read_data_file(path, report, docs_dir) -> tuple[object, Lines] | None:
    """Parse a YAML data file of the content folder ``docs_dir``; problems go to ``report`` (then None)."""
    text = read(path, report, docs_dir)
    if text is None:
        return None
    try:
        data, lines = parse_with_lines(text)
    except YamlError as exc:
        report.load_failed(path, exc.line, exc.message)
        return None
    return data, Lines(lines)
