"""Translated content beside the default one: the suffix layout (``refunds.de.md``).

A translation sits next to its source with the language before the extension, as in
mkdocs-static-i18n's ``suffix`` structure: ``returns/refunds.de.md``,
``returns/_category.de.yml``, ``returns/faq/<entry>.de.md``, ``glossary.de.yml``,
``flows/<id>.de.yml``, ``contact.de.yml``, ``synonyms.de.yml``, ``notices/<id>.de.md``.

For each language, :func:`view` says which file plays which part (the *logical* path the
loader and MkDocs see, ``returns/refunds.md``, and the real one). In another language than
the default:

- a page (``.md``) or a glossary, flow or synonyms file appears only when translated: an
  untranslated page is absent from that language (the switcher lands on its category);
- ``_category.yml`` and ``contact.yml`` fall back to the default's (their title or channels,
  untranslated, rather than losing the translated pages or the way to reach a person);
- everything else (``facts.yml``, pictures) is shared.

A translation records which version of its source it translates (``translates:`` in front
matter, :func:`source_version`); :func:`freshness` says which are outdated.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# Any two-letter suffix: never a valid page name (no dots), so the loader leaves such a file
# to the language views even when a help center does not declare that language.
_TRANSLATION = re.compile(r"^[^.]+\.[a-z]{2}\.(md|yml)$")
SHARED_FALLBACK = ("_category.yml", "contact.yml")  # untranslated: the default's
NO_FALLBACK = ("glossary.yml", "synonyms.yml")  # untranslated: none in that language
VERSION_LENGTH = 10
_YAML_TRANSLATES = re.compile(r"^(?:#\s*)?translates:\s*(\S+)")


@dataclass
class View:
    """One language's content: logical path -> real path, both relative to ``docs_dir``."""

    docs_dir: Path
    language: str
    files: dict[str, str] = field(default_factory=dict)
    translated: set[str] = field(default_factory=set)  # logical paths with their own translation

    def real(self, logical: str) -> str:
        return self.files.get(logical, logical)

    def pages(self) -> set[str]:
        return {p for p in self.files if p.endswith(".md")}

    def materialize(self, dest: Path) -> Path:
        """Write the view as a folder MkDocs and the loader read (hard links where possible)."""
        dest.mkdir(parents=True, exist_ok=True)
        for logical, real in self.files.items():
            source = self.docs_dir / real
            target = dest / logical
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
                continue
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        return dest


def is_translation(name: str) -> bool:
    """``refunds.de.md``, ``_category.fr.yml``: a translation (read through a language's view)."""
    return bool(_TRANSLATION.match(name))


def split_name(name: str, languages: tuple[str, ...]) -> tuple[str, str | None]:
    """``refunds.de.md`` -> (``refunds.md``, ``de``); a name without a declared language's
    suffix -> (name, None)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, None
    base, dot2, language = stem.rpartition(".")
    if dot2 and base and language in languages:
        return f"{base}.{ext}", language
    return name, None


def view(docs_dir: Path, language: str, languages: tuple[str, ...]) -> View:
    """The files of ``language`` (see the module's rules)."""
    docs_dir = Path(docs_dir)
    default = languages[0]
    own: dict[str, str] = {}  # files in this language (or, for the default, without a suffix)
    base: dict[str, str] = {}  # the default language's files
    for folder, dirs, names in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = Path(folder).relative_to(docs_dir)
        for name in sorted(names):
            if name.startswith("."):
                continue
            logical_name, suffix = split_name(name, languages)
            real = (rel_folder / name).as_posix()
            logical = (rel_folder / logical_name).as_posix()
            if suffix is None or suffix == default:
                if suffix == default or logical not in base:
                    base[logical] = real
            if suffix == language:
                own[logical] = real
    result = View(docs_dir, language)
    if language == default:
        result.files = base
        return result
    for logical, real in base.items():
        name = logical.rpartition("/")[2]
        if logical in own:
            continue
        if name.endswith(".md") or name in NO_FALLBACK or _is_flow(logical):
            continue  # untranslated: absent from this language
        result.files[logical] = real  # shared, or SHARED_FALLBACK
    result.files.update(own)
    result.translated = set(own)
    return result


def _is_flow(logical: str) -> bool:
    parts = logical.split("/")
    return len(parts) == 2 and parts[0] == "flows" and parts[1].endswith(".yml")


def source_version(path: Path) -> str:
    """A short hash of a source file's text (line endings and trailing spaces ignored):
    what a translation's ``translates:`` records."""
    text = path.read_text(encoding="utf-8", errors="replace")
    normal = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


@dataclass(frozen=True)
class Freshness:
    language: str
    logical: str  # the source, e.g. returns/refunds.md
    real: str  # the translation, e.g. returns/refunds.de.md
    line: int
    recorded: str  # what translates: says ("" = nothing)
    current: str  # the source's version now ("" = the source is gone)

    @property
    def outdated(self) -> bool:
        return self.recorded != self.current


# Translated data files whose wording follows a source (synonyms.<lang>.yml is a language's
# own vocabulary, not a translation of synonyms.yml).
_TRACKED_DATA = ("_category.yml", "glossary.yml", "contact.yml")


def _tracked(logical: str) -> bool:
    name = logical.rpartition("/")[2]
    return logical.endswith(".md") or name in _TRACKED_DATA or _is_flow(logical)


def freshness(current_view: View) -> list[Freshness]:
    """Each translated page and data file of a non-default view against its source."""
    found = []
    for logical in sorted(current_view.translated):
        if not _tracked(logical):
            continue
        real = current_view.files[logical]
        source = current_view.docs_dir / logical
        current = source_version(source) if source.is_file() else ""
        recorded, line = _translates(current_view.docs_dir / real)
        found.append(Freshness(current_view.language, logical, real, line, recorded, current))
    return found


def _translates(path: Path) -> tuple[str, int]:
    """The ``translates:`` value as written (a hash of digits only is not a number) and its
    line (1 when absent): in a page's front matter; in a YAML file, a top-level key
    (``_category``, flows, ``contact``) or, in the glossary (a list), the comment line
    ``# translates: <version>``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return "", 1
    if path.suffix == ".yml":
        for number, line in enumerate(lines, 1):
            found = _YAML_TRANSLATES.match(line)
            if found:
                return found.group(1).strip("'\""), number
        return "", 1
    if not lines or lines[0].strip() != "---":
        return "", 1
    for number, line in enumerate(lines[1:], 2):
        if line.strip() == "---":
            break
        if line.startswith("translates:"):
            value = line.partition(":")[2].split(" #", 1)[0].strip().strip("'\"")
            return value, number
    return "", 1
