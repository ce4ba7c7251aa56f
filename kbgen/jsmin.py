"""A small, safe JavaScript minifier for kbgen's own widget scripts (see kbgen/bundle.py).

It removes comments and indentation and the spaces next to punctuation, and
nothing else: no renaming, no rewriting. To do that without breaking code it reads
the source as a lexer would, enough to tell strings, template literals (with nested
``${...}``), regular expression literals and comments apart. Line breaks are kept
where automatic semicolon insertion could depend on them, so the output means what
the input meant. Standard library only, so building a site needs no Node.
"""

from __future__ import annotations

# A "/" after one of these words starts a regular expression, not a division.
_REGEX_AFTER_WORDS = frozenset("return typeof instanceof in of new delete void throw case do else yield await".split())
# Spaces next to these characters are never needed between tokens.
_TIGHT = frozenset("{}()[];,:=?&|!*%^~<>+-/")
# A line break after these (or before "}") never ends a statement.
_JOINS_NEXT = frozenset("{([;,")


class MinifyError(ValueError):
    """The source is not JavaScript this minifier can read (an unterminated literal)."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} at offset {offset}")
        self.message, self.offset = message, offset


def _is_word(c: str) -> bool:
    return c.isalnum() or c in "_$" or ord(c) > 127


def minify(source: str) -> str:
    """``source`` without comments and unneeded whitespace, meaning the same."""
    return _Minifier(source).run()


_SPACE = " \t\r\n\f\v\u00a0\ufeff\u2028\u2029"
_LINE_BREAKS = "\n\r\u2028\u2029"


class _Minifier:
    """One pass over the source, token by token, copying literals as they are."""

    def __init__(self, source: str):
        self.source = source
        self.out: list[str] = []
        self.pending = ""  # whitespace seen since the last token: "", " " or "\n"
        self.last = ""  # the previous token's kind: "word", "value" (no regex after it) or "op"
        self.last_word = ""
        self.before = ""  # the kind before the previous token: tells postfix "x++" from "+"
        self.braces: list[int] = []  # open "{" counts, one per template substitution we are in

    def run(self) -> str:
        i, n = 0, len(self.source)
        while i < n:
            i = self._step(i)
        return "".join(self.out).strip() + "\n"

    def _step(self, i: int) -> int:
        source, c = self.source, self.source[i]
        if c in _SPACE:
            self._space("\n" if c in _LINE_BREAKS else " ")
            return i + 1
        if source.startswith("//", i):
            end = source.find("\n", i)
            return len(source) if end == -1 else end
        if source.startswith("/*", i):
            return self._block_comment(i)
        if c in "'\"":
            return self._literal(i, _string_end(source, i))
        if c == "`" or (c == "}" and self.braces and self.braces[-1] == 0):
            return self._template(i)
        if c == "/" and self._regex_allowed():
            return self._literal(i, _regex_end(source, i))
        if _is_word(c) or (c == "." and source[i + 1 : i + 2].isdigit()):
            return self._word(i)
        return self._punctuator(i)

    def _space(self, kind: str) -> None:
        if kind == "\n" or not self.pending:
            self.pending = kind

    def _block_comment(self, i: int) -> int:
        end = self.source.find("*/", i + 2)
        if end == -1:
            raise MinifyError("unterminated comment", i)
        self._space("\n" if "\n" in self.source[i:end] else " ")
        return end + 2

    def _literal(self, i: int, end: int) -> int:
        self._emit(self.source[i:end])
        self.last = "value"
        return end

    def _template(self, i: int) -> int:
        if self.source[i] == "}":
            self.braces.pop()  # the end of a ${...}: the template literal goes on
        end, opens = _template_end(self.source, i + 1)
        self._emit(self.source[i:end])
        if opens:
            self.braces.append(0)
        self.last = "op" if opens else "value"
        return end

    def _regex_allowed(self) -> bool:
        return self.last in ("op", "") or (self.last == "word" and self.last_word in _REGEX_AFTER_WORDS)

    def _word(self, i: int) -> int:
        source, j, number = self.source, i + 1, not _is_word(self.source[i]) or self.source[i].isdigit()
        while j < len(source) and (_is_word(source[j]) or (number and source[j] == ".")):
            j += 1
        self._emit(source[i:j])
        self.last, self.last_word = "word", source[i:j]
        return j

    def _punctuator(self, i: int) -> int:
        c = self.source[i]
        if c in "{}" and self.braces:
            self.braces[-1] += 1 if c == "{" else -1
        postfix = c in "+-" and not self.pending and self.out and self.out[-1] == c and self.before in ("word", "value")
        self._emit(c)
        self.before, self.last = self.last, "value" if c in ")]}" or postfix else "op"
        return i + 1

    def _emit(self, text: str) -> None:
        if self.pending and self.out:
            prev, nxt = self.out[-1][-1], text[0]
            if self.pending == "\n" and prev not in _JOINS_NEXT and nxt != "}":
                self.out.append("\n")
            elif not (prev in _TIGHT or nxt in _TIGHT) or _ambiguous(prev, nxt):
                self.out.append(" ")
        self.pending = ""
        self.out.append(text)


def _ambiguous(prev: str, nxt: str) -> bool:
    """Would joining these two characters make a different token (``a + +b``, ``a < !--b``)?"""
    pair = prev + nxt
    return pair in ("++", "--", "+-", "-+", "//", "/*", "*/", "<!", "->", "..") or (_is_word(prev) and _is_word(nxt))


def _string_end(source: str, start: int) -> int:
    quote, i, n = source[start], start + 1, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
        elif c == quote:
            return i + 1
        elif c == "\n":
            break
        else:
            i += 1
    raise MinifyError("unterminated string", start)


def _template_end(source: str, i: int) -> tuple[int, bool]:
    """From inside a template literal: the end of this piece, and whether a ``${`` ended it."""
    start, n = i - 1, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
        elif c == "`":
            return i + 1, False
        elif c == "$" and source.startswith("${", i):
            return i + 2, True
        else:
            i += 1
    raise MinifyError("unterminated template literal", start)


def _regex_end(source: str, start: int) -> int:
    i, n, in_class = start + 1, len(source), False
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            break
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            i += 1
            while i < n and _is_word(source[i]):  # flags
                i += 1
            return i
        i += 1
    raise MinifyError("unterminated regular expression", start)
