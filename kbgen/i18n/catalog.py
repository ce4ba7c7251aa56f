"""One language's messages: its ``kbgen.po`` read with Babel, cached, looked up by msgid.

The English source text is the msgid, so a message missing from a catalog shows in
English rather than as a key (``kbgen check`` reports it). A project may replace a
language's catalog, or add a language kbgen does not ship, with its own
``locales/<lang>/LC_MESSAGES/kbgen.po`` beside mkdocs.yml (copy the shipped one and edit it).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as _dates
from babel import numbers as _numbers
from babel.messages.pofile import PoFileError, read_po

DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"  # the catalogs kbgen ships
TEMPLATE = LOCALES_DIR / "kbgen.pot"  # every message of the sources (python -m kbgen.i18n.extract)
PROJECT_LOCALES = "locales"  # a project's own catalogs, beside mkdocs.yml
DOMAIN = "kbgen"


def N_(msgid: str) -> str:
    """Marks ``msgid`` for the catalog where it is declared; translated where it is shown."""
    return msgid


# Translators write these CLDR patterns in each catalog, so a date reads naturally in
# the language ("14 September 2026", "14. September 2026"); Babel fills in month names.
# Translators: a CLDR date pattern (d day, MMMM month name, y year): "14 September 2026"
DATE_PATTERN = N_("d MMMM y")
# Translators: a CLDR pattern for a date and time (HH:mm 24-hour clock): "20 November 2026, 10:40"
MOMENT_PATTERN = N_("d MMMM y, HH:mm")
# Languages that keep a noun's capital inside a sentence ("Mehr zum Thema Käuferschutz");
# the others lowercase a title quoted in running text ("Read more about buyer protection").
KEEP_CASE = frozenset({"de", "lb"})
_BRACES = re.compile(r"\{(\w+)\}")


class CatalogError(ValueError):
    """A language kbgen cannot use (no such locale) or a catalog that does not parse."""


@dataclass(frozen=True, eq=False)
class Messages:
    """What a page in ``language`` says: ``gettext``/``ngettext`` and locale formatting."""

    language: str
    locale: Locale
    path: Path | None = None  # the catalog read, None when the language has none
    singles: dict[str, str] = field(default_factory=dict, repr=False)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    plural_expr: str = "(n != 1)"

    def gettext(self, msgid: str, **values) -> str:
        """The translation of ``msgid`` (itself when missing), ``%(name)s`` filled from ``values``."""
        text = self.singles.get(msgid) or msgid
        return text % values if values else text

    def t(self, msgid: str, **values) -> str:
        """As the widgets' ``kb.t``: the translation with ``{name}`` placeholders filled, for
        messages the server and the scripts share ("Closed · {opens}")."""
        return _BRACES.sub(lambda m: str(values.get(m.group(1), m.group(0))), self.gettext(msgid))

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        """The form for ``n`` (the language's plural rule); ``%(num)s`` is ``n`` unless given."""
        values.setdefault("num", n)
        return self._form(singular, plural, n) % values

    def script_messages(self, msgids) -> dict:
        """What the JavaScript widgets need in this language: each of ``msgids`` whose
        translation differs from the English (so an English page carries nothing). A plural
        (singular, plural) maps to its forms by CLDR category, as ``Intl.PluralRules`` names them."""
        found: dict = {}
        for msgid in msgids:
            if isinstance(msgid, tuple):
                forms = self._forms_by_category(*msgid)
                if forms != {"one": msgid[0], "other": msgid[1]}:
                    found[msgid[0]] = forms
            elif self.gettext(msgid) != msgid:
                found[msgid] = self.gettext(msgid)
        return found

    def _forms_by_category(self, singular: str, plural: str) -> dict[str, str]:
        forms: dict[str, str] = {}
        rule = self.locale.plural_form
        for n in range(200):
            category = rule(n)
            if category not in forms:
                forms[category] = self._form(singular, plural, n)
        return forms

    def _form(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        if forms and all(forms):
            return forms[min(_plural_index(self.plural_expr, n), len(forms) - 1)]
        return singular if n == 1 else plural

    def in_sentence(self, title: str) -> str:
        """A title as a word inside a sentence of this language."""
        return title if self.locale.language in KEEP_CASE else title.lower()

    # Locale formatting (Babel)
    def format_date(self, value: dt.date) -> str:
        """A date in text: "14 September 2026", "14. September 2026"."""
        return _dates.format_date(value, self.gettext(DATE_PATTERN), locale=self.locale)

    def format_moment(self, moment: dt.datetime, zone: str) -> str:
        """An aware time in ``zone``: "20 November 2026, 10:40"."""
        return _dates.format_datetime(moment, self.gettext(MOMENT_PATTERN), tzinfo=ZoneInfo(zone), locale=self.locale)

    def day_names(self, width: str = "wide") -> list[str]:
        """Monday to Sunday ("wide", or "abbreviated": Mon, Mo.)."""
        names = _dates.get_day_names(width, context="format", locale=self.locale)
        return [names[i] for i in range(7)]

    def format_value(self, value, unit: str = "") -> str:
        """A fact's value with its unit, as a shopper reads it here: "€40", "30 days", "10%"
        in English; "40 €", "30 Tage", "10 %" in German. ``unit``: a currency code, "%",
        a time unit (facts.yml's) or nothing."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return f"{value} {unit}".strip()
        if len(unit) == 3 and unit.isupper():  # a currency: whole amounts without cents
            pattern = self.locale.currency_formats["standard"].pattern
            if isinstance(value, int):
                pattern = re.sub(r"0\.0+", "0", pattern)
            return _numbers.format_currency(value, unit, pattern, locale=self.locale, currency_digits=False)
        if unit == "%":
            pattern = self.locale.percent_formats[None].pattern.replace("0", "0.##", 1)
            return _numbers.format_percent(value / 100, pattern, locale=self.locale)
        number = str(value) if isinstance(value, int) else self.format_decimal(value)
        n = value if isinstance(value, int) else 2  # a fraction reads as a plural
        units = {
            "minutes": self.ngettext("%(num)s minute", "%(num)s minutes", n, num=number),
            "hours": self.ngettext("%(num)s hour", "%(num)s hours", n, num=number),
            "days": self.ngettext("%(num)s day", "%(num)s days", n, num=number),
            "business days": self.ngettext("%(num)s business day", "%(num)s business days", n, num=number),
            "weeks": self.ngettext("%(num)s week", "%(num)s weeks", n, num=number),
            "months": self.ngettext("%(num)s month", "%(num)s months", n, num=number),
            "years": self.ngettext("%(num)s year", "%(num)s years", n, num=number),
        }
        return units.get(unit) or f"{number} {unit}".strip()

    def format_decimal(self, number) -> str:
        return _numbers.format_decimal(number, locale=self.locale)

    def format_currency(self, number, currency: str) -> str:
        return _numbers.format_currency(number, currency, locale=self.locale)


@functools.lru_cache(maxsize=64)
def _plural_index(expr: str, n: int) -> int:
    return int(_compiled_plural(expr)(n))


@functools.lru_cache(maxsize=8)
def _compiled_plural(expr: str):
    return _gettext.c2py(expr)


def parse_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise CatalogError(f"unknown language '{language}'; use a language tag such as en or de") from None


def catalog_path(language: str, project_dir: Path | str | None = None) -> Path | None:
    """The catalog a page in ``language`` uses: the project's own, else kbgen's; for
    ``de-CH``, ``de_CH`` then ``de``. None when there is none."""
    tags = [language.replace("-", "_")]
    if "_" in tags[0]:
        tags.append(tags[0].split("_")[0])
    roots = [Path(project_dir) / PROJECT_LOCALES] if project_dir is not None else []
    roots.append(LOCALES_DIR)
    for root in roots:
        for tag in tags:
            path = root / tag / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                return path
    return None


def messages(language: str = DEFAULT_LANGUAGE, project_dir: Path | str | None = None) -> Messages:
    """The messages of ``language`` (a BCP-47 tag: ``en``, ``de``, ``de-CH``); cached, and
    read again when the catalog file changes. ``project_dir``: where mkdocs.yml is, for the
    project's own catalogs. CatalogError for an unknown language or a broken catalog."""
    language = language or DEFAULT_LANGUAGE
    path = catalog_path(language, project_dir)
    stamp = path.stat().st_mtime_ns if path is not None else 0
    return _load(language, str(path) if path else "", stamp)


@functools.lru_cache(maxsize=32)
def _load(language: str, path: str, _stamp: int) -> Messages:
    locale = parse_locale(language)
    if not path:
        return Messages(language, locale)
    catalog = read_catalog(Path(path))
    singles: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            plurals[message.id[0]] = tuple(message.string)
        elif message.string:
            singles[message.id] = message.string
    return Messages(language, locale, Path(path), singles, plurals, catalog.plural_expr)


def read_catalog(path: Path):
    """A ``.po`` file as Babel's Catalog; CatalogError (naming the file) when it does not parse."""
    try:
        with path.open("rb") as f:
            return read_po(f, abort_invalid=True)
    except (PoFileError, OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from None
