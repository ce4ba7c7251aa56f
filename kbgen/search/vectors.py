"""Dense vectors for hybrid search: the meaning of each page, computed at build time.

The model is wordllama 0.4 (``pip install 'kbgen[semantic]'``): 256-dimension
static token embeddings, averaged and normalised, whose weights and tokenizer
ship inside its wheel (MIT licence), so nothing is downloaded, ever. A query
takes well under a millisecond to embed on a CPU. Without the package,
:func:`model` returns None and search stays lexical.

``vectors.bin`` sits beside the Whoosh index (never served) and is written
with it in the staging folder, so it is swapped in with the site. Layout,
all little-endian:

- 8 bytes ``KBVEC`` + NUL + format version (uint16);
- uint32 length, then that many bytes of JSON: ``model``, ``dim``, ``ids``
  (the documents' ids), ``rows`` (per row, in order: [index in ``ids``, kind]
  with kind ``page`` (title, summary, tags, headings and body) or ``question``
  (a FAQ entry's question alone), grouped by document) and ``sha256``
  of everything after the header;
- int8 rows, ``dim`` bytes each;
- float32 scales, one per row: component = int8 value × scale, where the
  scale is the row's largest absolute component / 127 (so a row's error is
  at most half a step, scale / 2, per component).

The same documents give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import framed
from .documents import SearchDocument

# One BLAS thread: a query's product is small, server workers already take one core
# each, and threads fighting over a busy machine made it ten times slower (measured).
# Only takes effect before numpy is first imported; what the user sets wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

FILE = "vectors.bin"
MAGIC = b"KBVEC\x00"
VERSION = 1
MODEL_ID = "wordllama-0.4-l2_supercat-256"
DIMENSIONS = 256  # of the model's vectors
BATCH = 64

log = logging.getLogger("mkdocs.plugins.kbgen")

_model = None
_model_lock = threading.Lock()
_model_tried = False


class VectorsError(ValueError):
    """A vectors file that is missing, damaged or from another model."""


def model():
    """The embedding model, loaded once per process; None when it isn't installed."""
    global _model, _model_tried
    if _model_tried:
        return _model
    with _model_lock:
        if not _model_tried:
            try:
                import wordllama
                from wordllama import WordLlama
            except ImportError:
                _model = None
            else:
                # The wheel holds weights/ and tokenizers/ inside the package: use them
                # as the cache folder, and never let it reach for a model hub.
                _model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
            _model_tried = True
    return _model


def available() -> bool:
    return model() is not None


def installed() -> bool:
    """Whether the model is installed, without loading it: a build whose index is written by a
    background process (``background.py``) needs it there only."""
    if _model_tried:
        return _model is not None
    from importlib.util import find_spec

    return find_spec("wordllama") is not None


def embed(texts: Sequence[str]):
    """Unit vectors (float32, one row per text); the model must be available.

    The model's own average of its token vectors, computed here as a bag of words
    (wordllama's ``embed`` pads a batch to its longest text and gathers every padded
    token: ten times slower for whole pages, and its sums depend on what shares the batch)."""
    import numpy as np

    found = model()
    if found is None:
        raise RuntimeError("the semantic search model is not installed: pip install 'kbgen[semantic]'")
    table = found.embedding
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    tokenizer = _tokenizer(found)
    words = _Words.of(tokenizer)
    for start in range(0, len(texts), BATCH):
        chunk = list(texts[start : start + BATCH])
        found_ids = [words.ids(text) if words is not None else None for text in chunk]
        rest = [text for text, ids in zip(chunk, found_ids, strict=True) if ids is None]
        encoded = iter(enc.ids for enc in tokenizer.encode_batch(rest, add_special_tokens=False)) if rest else None
        for row, ids in enumerate(found_ids, start):
            if ids is None:
                ids = next(encoded)
            ids = np.clip(np.asarray(ids, dtype=np.int64), 0, table.shape[0] - 1)
            if len(ids):
                # a bag of words: each distinct token's vector times its count
                distinct, counts = np.unique(ids, return_counts=True)
                out[row] = counts.astype(np.float32) @ table[distinct] / len(ids)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def _tokenizer(found):
    """The model's tokenizer without padding (each text's own tokens only)."""
    return _made_for(found, _unpadded)


def _unpadded(found):
    from copy import deepcopy

    tokenizer = deepcopy(found.tokenizer)
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


# What kbgen made once of a library's object (the model's tokenizer, its word-by-word ids),
# kept beside the object rather than set on it: id(object) -> (the object, what was made);
# holding the object keeps its id from passing to another.
_made: dict[int, tuple[object, object]] = {}


def _made_for(thing, make):
    """``make(thing)``, made once per process for the same ``thing``."""
    entry = _made.get(id(thing))
    if entry is None:
        entry = (thing, make(thing))
        _made[id(thing)] = entry
    return entry[1]


class _Words:
    """The tokenizer's ids of a text, one word at a time, each distinct word tokenized once.

    The model's tokenizer (Llama's: spaces become "▁", one "▁" before the text, then BPE over
    the whole text with no pre-tokenizer) spent most of a build's embedding time on page-long
    texts. No token of its vocabulary holds a "▁" after another character, so no merge
    crosses the start of a word ("▁" after anything but "▁"): the ids of a text are those of
    its words in turn, and a help center repeats the same words. Used only when the
    tokenizer is exactly that (its serialized form says so); a text holding one of its
    special tokens goes to the tokenizer whole.
    """

    LIMIT = 100_000  # words remembered (a server embeds queries: its memory stays bounded)
    _WORD = re.compile("\u2581+[^\u2581]*")

    def __init__(self, model, specials: list[str]):
        self._model = model
        self._specials = specials
        self._ids: dict[str, list[int]] = {}

    @classmethod
    def of(cls, tokenizer) -> _Words | None:
        return _made_for(tokenizer, cls._for)

    @classmethod
    def _for(cls, tokenizer) -> _Words | None:
        spec = json.loads(tokenizer.to_str())
        model = spec.get("model") or {}
        expected = {
            "type": "Sequence",
            "normalizers": [
                {"type": "Prepend", "prepend": "\u2581"},
                {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
            ],
        }
        if (
            spec.get("normalizer") != expected
            or spec.get("pre_tokenizer") is not None
            or model.get("type") != "BPE"
            or model.get("dropout") is not None
            or model.get("continuing_subword_prefix")
            or model.get("end_of_word_suffix")
            or any("\u2581" in token[1:] and token.strip("\u2581") for token in model.get("vocab", {}))
        ):
            return None
        return cls(tokenizer.model, [added["content"] for added in spec.get("added_tokens", [])])

    def ids(self, text: str) -> list[int] | None:
        """The ids ``encode(text, add_special_tokens=False)`` gives; None: ask the tokenizer."""
        if not text:
            return []
        if any(special in text for special in self._specials):
            return None
        known = self._ids
        if len(known) > self.LIMIT:
            known.clear()
        out: list[int] = []
        for word in self._WORD.findall("\u2581" + text.replace(" ", "\u2581")):
            found = known.get(word)
            if found is None:
                found = known[word] = [token.id for token in self._model.tokenize(word)]
            out += found
        return out


def document_text(doc: SearchDocument) -> str:
    """What a page's vector means: its title, summary, tags, headings and body (measured on
    the tune queries: better than the opening words alone, and than extra vectors per
    80-word passage, which cost three times the rows)."""
    body = " ".join(doc.body.split())  # single-spaced, as the index stores it
    return "\n".join(part for part in (doc.title, doc.summary, doc.tags, doc.headings, body) if part)


def kinds(doc: SearchDocument) -> tuple[str, ...]:
    """The kind of each vector a document gets, page first: an FAQ entry's question gets one of
    its own, so a question typed in other words finds it."""
    return ("page", "question") if doc.type == "faq" else ("page",)


def texts(doc: SearchDocument) -> list[tuple[str, str]]:
    """(kind, text) of each vector a document gets, in :func:`kinds` order."""
    return [(kind, document_text(doc) if kind == "page" else doc.title) for kind in kinds(doc)]


def quantize(vectors):
    """(int8 rows, float32 scales) for float rows: value = int8 × scale."""
    import numpy as np

    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    rows = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return rows, scales


def rows_of(docs: Sequence[SearchDocument]) -> list[tuple[int, str, str]]:
    """(document index, kind, text) of every vector row, in file order."""
    return [(i, kind, text) for i, doc in enumerate(docs) for kind, text in texts(doc)]


def embed_documents(docs: Sequence[SearchDocument], cache: dict | None = None):
    """The float rows of ``docs`` in file order. Each row depends on its own text only, so
    rows embedded in other batches (a background process, document by document) are the same.

    ``cache``: text digest -> its float32 row from an earlier build; rows embedded now are
    added to it."""
    texts_ = [text for _, _, text in rows_of(docs)]
    return embed(texts_) if cache is None else embed_cached(texts_, cache)


KEY_SIZE = 16  # bytes of a text's key


def text_key(text: str) -> bytes:
    """A text's key in the cache of :func:`embed_cached`."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=KEY_SIZE).digest()


def embed_cached(all_texts: list[str], cache: dict):
    """:func:`embed` of ``all_texts``, taking each text seen before from ``cache``."""
    import numpy as np

    keys = [text_key(text) for text in all_texts]
    missing = list(dict.fromkeys(k for k in keys if k not in cache))
    if missing:
        text_of = dict(zip(keys, all_texts, strict=True))
        for key, row in zip(missing, embed([text_of[k] for k in missing]), strict=True):
            cache[key] = row.astype(np.float32).tobytes()
    if not keys:
        return embed([])
    return np.stack([np.frombuffer(cache[k], dtype=np.float32) for k in keys])


def write(docs: Sequence[SearchDocument], target: Path, vectors=None) -> Path:
    """Write ``vectors.bin`` for ``docs`` into the index folder ``target``; ``vectors``: their
    float rows (:func:`embed_documents`), embedded here when None."""
    if vectors is None:
        vectors = embed([text for _, _, text in rows_of(docs)])
    rows, scales = quantize(vectors)
    payload = rows.tobytes() + scales.astype("<f4").tobytes()
    header = json.dumps(
        {
            "model": MODEL_ID,
            "dim": int(vectors.shape[1]) if len(vectors) else DIMENSIONS,
            "ids": [doc.id for doc in docs],
            "rows": [[i, kind] for i, doc in enumerate(docs) for kind in kinds(doc)],  # (no texts made again)
            "sha256": hashlib.sha256(payload).hexdigest(),
        },
        sort_keys=True,
    ).encode()
    return framed.write(Path(target) / FILE, MAGIC, VERSION, header, payload)


@dataclass
class Vectors:
    """A loaded vectors file, by Whoosh document number (float32)."""

    pages: object  # (documents, dim): each document's page vector; zeros where it has none
    has_page: object  # bool per document
    questions: object  # (FAQ entries, dim): question vectors
    question_docs: object  # the document number of each question vector
    kinds: object = None  # per document, its kind's code for the fusion (set by the engine)
    # the documents without a page vector (read once here, not negated again every query)
    no_page: object = field(init=False)

    def __post_init__(self):
        import numpy as np

        self.no_page = np.flatnonzero(~np.asarray(self.has_page, dtype=bool))


def read(data: bytes, docnums: dict[str, int], doc_count: int) -> Vectors:
    """Parse ``vectors.bin`` for an index whose stored ids map to ``docnums``."""
    import numpy as np

    header, payload = framed.read(data, MAGIC, VERSION, FILE, VectorsError)
    if header.get("model") != MODEL_ID:
        raise VectorsError(f"{FILE}: made by {header.get('model')!r}, this kbgen uses {MODEL_ID!r}; rebuild the site")
    ids, rows, dim = header["ids"], header["rows"], header["dim"]
    if len(payload) != len(rows) * (dim + 4) or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise VectorsError(f"{FILE}: damaged (size or checksum does not match); rebuild the site")
    values = np.frombuffer(payload, dtype=np.int8, count=len(rows) * dim).reshape(len(rows), dim).astype(np.float32)
    values *= np.frombuffer(payload, dtype="<f4", offset=len(rows) * dim)[:, None]
    pages = np.zeros((doc_count, dim), dtype=np.float32)
    has_page = np.zeros(doc_count, dtype=bool)
    question_rows, question_docs = [], []
    for row, (index, kind) in enumerate(rows):
        docnum = docnums.get(ids[index])
        if docnum is None:
            continue
        if kind == "page":
            pages[docnum] = values[row]
            has_page[docnum] = True
        elif kind == "question":
            question_rows.append(row)
            question_docs.append(docnum)
    questions = np.ascontiguousarray(values[question_rows]) if question_rows else np.zeros((0, dim), np.float32)
    return Vectors(pages, has_page, questions, np.array(question_docs, dtype=np.int64))


def similarity(vectors: Vectors, query: str, question_bonus: float = 0.0):
    """Each document's cosine similarity to ``query`` (float32 per document number):
    a FAQ entry's is the larger of its page's and its question's (the latter raised
    by ``question_bonus``); -1 for documents without vectors."""
    import numpy as np

    q = embed([query])[0]
    out = vectors.pages @ q
    if len(vectors.no_page):
        out[vectors.no_page] = -1.0
    if len(vectors.question_docs):
        asked = vectors.questions @ q + question_bonus
        docs = vectors.question_docs
        out[docs] = np.maximum(out[docs], asked)
    return out
