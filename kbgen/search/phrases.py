"""Which documents hold a phrase: its words one after the other, in order.

That is what Whoosh's ``query.Phrase`` matches: a ``SpanNear2`` of the words' term matchers
(slop 1, ordered, minimum distance 1), whose spans grow a word at a time by the next word at
the position just after the span. Through its matchers the build paid several microseconds
of Python per posting of every word, after the last page was rendered; here the candidates
come from intersecting the words' document lists, and only their positions are looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def matches(
    words: Sequence[str],
    documents: Callable[[str], Sequence[int] | None],
    places: Callable[[str, list[int]], dict[int, Sequence[int]]],
) -> list[tuple[int, list[int]]]:
    """Each document (ascending) where ``words`` stand at consecutive positions, with how many
    positions each word has there. ``documents(word)``: the documents holding ``word``, or None
    when no document does; ``places(word, docnums)``: its positions in each of ``docnums``."""
    held = []
    for word in words:
        found = documents(word)
        if not found:
            return []  # as Phrase.matcher: a word no document holds matches nothing
        held.append(found)
    held.sort(key=len)
    candidates = sorted(set(held[0]).intersection(*held[1:]))
    if not candidates:
        return []
    where = {word: places(word, candidates) for word in set(words)}
    # the phrase may start where its first word stands, less the starts its later words rule out
    shifts = [(-i).__add__ for i in range(len(words))]
    found = []
    for doc in candidates:
        each = [where[word][doc] for word in words]
        starts = set(each[0])
        for shift, later in zip(shifts[1:], each[1:], strict=True):
            starts.intersection_update(map(shift, later))
            if not starts:
                break
        else:
            found.append((doc, [len(positions) for positions in each]))
    return found


def summed(scores: Sequence[float]) -> float:
    """The words' scores added as Whoosh's phrase matcher adds them: an intersection of the term
    matchers built as a binary tree (``util.make_binary_tree``), each node the sum of its two
    halves', in floats (the order changes the last bits, and so, at times, the float32)."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return summed(scores[:half]) + summed(scores[half:])
