"""The MkDocs plugin: a thin adapter from MkDocs' events to kbgen's steps.

content (load + validate) -> pages (generated pages, nav, template views)
-> Material + theme/ render. No business logic lives here.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import os
import pickle
import posixpath
import time
import zlib
from html import escape, unescape
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from . import bundle, content, headers, i18n, incremental, live_pages, pages, quick, search
from . import cache as build_cache
from .compiled_templates import CompiledTemplates
from .config import KbgenConfig, MarketError, option_line, site_of
from .content import schedule, symlinks
from .content.contactfile import CONTACT_FILE
from .content.diagnostics import format_text, is_overdue, promote
from .content.facts import FACTS_FILE, render_placeholders
from .content.flowfile import FLOWS_DIR
from .content.glossary import GLOSSARY_FILE
from .content.languages import is_translation
from .content.links import Resolver
from .content.loader import CATEGORY_FILE, FAQ_DIR, SYNONYMS_FILE, Memo
from .content.markets import Site
from .i18n.check import check_language
from .pages import embeds
from .pages.sources import HOME_HEADING
from .resources import theme_dir
from .themes import material as theme

# A plain logger under "mkdocs." (so --strict counts its warnings) without a
# prefix, so diagnostics keep their "path:line: message" shape.
log = logging.getLogger("mkdocs.plugins.kbgen")
_said_semantic_off = False  # "semantic search is off" is said once per process

# Extensions the generated pages rely on (the FAQ accordion uses md_in_html).
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "toc")
PROGRESS_THRESHOLD = 300
# What MkDocs renders for a page whose HTML comes from the build cache: nothing (the
# whole navigation of a real template is what a cached page saves).
CACHED_TEMPLATE = "partials/kbgen/cached.html"
FEEDBACK_TEMPLATE = "partials/kbgen/feedback.html"  # under each FAQ answer
# Page kinds whose views read the build date or facts beyond the page's Markdown (their
# cache key holds both); the other kinds read the date only as which notices have ended.
DATED_KINDS = {"home", "updates", "other"}
CONTENT_FILES = "content-files"  # each Markdown file's parse (kbgen.content.loader.Memo)
# The parts of each of the plugin's bundles (kbgen.cache.Bundle): a one-file change writes a
# part or two (0.8 MB of 12 MB of parses on the FAQ-heavy corpus, while the build waits for its index)
BUNDLE_PARTS = 16
SCRIPT_WORK = "script-modules"  # each widget module minified, and the messages it asks for
STATIC_SEARCH_ENTRIES = "static-search"  # page key -> Material's entries (their JSON text)
# digest of a page's key and the search context -> its search documents' digests, joined
SEARCH_DIGESTS = "search-digests"
CONTENT_STAMP = build_cache.NAMED + "content-stamp"  # the content folder as the last build found it (_index_early)
TEMPLATES_FOLDER = "templates"  # Jinja's bytecode cache in the build cache's namespace
DATA_FILES = {CATEGORY_FILE, SYNONYMS_FILE, CONTACT_FILE, FACTS_FILE, GLOSSARY_FILE}


class KbgenPlugin(BasePlugin[KbgenConfig]):
    # Set by kbgen.build for a help center with several (market, language) pairs: this
    # build's pair content (kbgen.pairs.PairContent), every pair's, and the site's base path.
    pair_content = None
    all_pairs: list = []
    base_path = "/"
    shared_script_hashes: set | None = None  # every pair's inline scripts: the root's CSP allows them all
    # The build cache's folder for this build (kbgen.build sets it; None: no cache).
    cache_folder: str | os.PathLike | None = None
    # The live site this build's site will replace (kbgen.build sets it): unchanged pages are
    # hard-linked from there (kbgen.live_pages). None: every page is written.
    live_folder: str | os.PathLike | None = None
    # Set by kbgen.build for a preview (serve --watch), so the new pages go live before the
    # index: the index is written under ``index_dir`` instead of the site, by a call that
    # on_post_build appends to ``index_later`` instead of making.
    index_dir: str | os.PathLike | None = None
    index_later: list | None = None
    # Set by kbgen.build for a preview's quick step (kbgen.quick.Plan): only the pages the
    # saved files can change are built, nothing else written. None: a whole build.
    quick = None
    # Set by kbgen.build for a quick step's second build: the content (center, report) its first
    # build loaded from the same files, so it is not read again. This build's: ``loaded``.
    reuse_content: tuple | None = None
    loaded: tuple | None = None

    def on_config(self, config):
        if not self.config.enabled:
            return
        self.close_indexing()  # a serve rebuild after a failed one
        self._pages_done = 0
        self._page_total = 0
        self._texts: dict[str, search.PageText] = {}
        self._images: dict[str, pages.images.Image | None] = {}
        self._plain: dict[str, dict[str, str]] = {}  # each page's unescaped title and description
        self._appendices: dict[str, pages.faq.Accordion] = {}  # page src -> HTML its Markdown left to fill in
        # the theme's inline scripts, for the CSP (shared by the pairs of one site)
        self._script_hashes: set[str] = self.shared_script_hashes if self.shared_script_hashes is not None else set()
        self._store: build_cache.Store | None = None
        self._site_key: str | None = None
        self._keys: dict[str, str] = {}  # page src -> cache key
        self._hits: dict[str, dict] = {}  # page src -> its cached entry (until on_post_page)
        self._reused = 0
        self._records: dict[str, dict] = {}  # page src -> what a miss stores (filled as it is built)
        self._warned: _Warned | None = None  # MkDocs' warnings while the current page renders
        # Material's static search entries of cached pages (page key -> entries; None: not reused)
        self._static_entries: build_cache.Bundle | None = None
        self._search_digests: build_cache.Bundle | None = None  # see _search_documents
        self._built_order: list[tuple[str, str, bool]] = []  # (src, url, from the cache) as MkDocs builds
        self.preview_state: dict | None = None  # what a quick step needs of this build (kbgen.quick)
        self._search_again: set[str] = set()  # cached pages whose static search entries Material makes
        self._unread: set[str] = set()  # cached pages whose content no plugin reads (their final HTML is stored)
        self._live_pages: live_pages.LivePages | None = None  # the live site's pages to link, if any
        self.today = content.current_date()
        # notices are picked at the start of the build day (reproducible within a day);
        # the browser hides what has ended since
        self.now = dt.datetime.combine(self.today, dt.time(), tzinfo=dt.timezone.utc)
        self.messages = self._messages(config)
        self._check_wordings(config)
        pair = self.pair_content
        self._store = self._open_cache(config)
        self._language: str | None = None  # the search language, once asked (it may log why it is English)
        self._early = self._index_early(config)
        self._content_changed = False  # a Markdown file was parsed anew: pages will change
        self._parsed_anew: set[str] | None = None  # the sources of those files (None: not known)
        self._vocabulary: tuple[list, list] | None = None  # the index's synonyms and definitions, once made
        center, report = self._content(config, pair)
        self.loaded = (center, report)
        content.check_icons(center, theme.known_icon([*config.theme.dirs, str(theme_dir())]), report, theme.ICON_HINT)
        found = report.sorted() if pair is None else pair.diagnostics(report.sorted())
        found = promote(found, fail_on_overdue=self.config.fail_on_overdue)
        for warning in found:
            if warning.severity != "error":  # an overdue review is logged, never counted by --strict
                (log.info if is_overdue(warning) else log.warning)(warning.format())
        errors = [d for d in found if d.severity == "error"]
        if errors:
            raise PluginError(f"{len(errors)} problem(s) in the content:\n" + format_text(errors))
        self.center = center
        self.layout = pages.Layout(center, self.messages)
        self.resolver = Resolver(center)

        theme.add_templates(config.theme, str(theme_dir()))
        self.brand = self._brand(config)
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        # the FAQ accordion's markup is filled in after Markdown where nothing else reads it first
        self._placeholders = pages.faq.placeholders_apply(config.markdown_extensions) and not (
            incremental.uncached_plugins(config.plugins.keys())
        )
        # the widget modules as one fingerprinted file, and kb.css fingerprinted too (after
        # the theme folders are set, so a module or kb.css in the user's custom_dir wins)
        # (each module minified and its messages found by an earlier build: one named value)
        scripts = build_cache.Bundle(self._store, SCRIPT_WORK) if self._store is not None else None
        try:
            self._script = bundle.build(config.theme.dirs, memo=scripts)
            # the messages its widgets ask for, handed to them in the page's language (on_env)
            self._script_msgids = i18n.script_msgids(
                (p.read_text("utf-8") for p in bundle.sources(config.theme.dirs)), memo=scripts
            )
            self._style = bundle.stylesheet(config.theme.dirs)
        except bundle.BundleError as exc:
            raise PluginError(str(exc)) from exc
        if scripts is not None:
            scripts.save(later=True)
        config.extra_css.append(self._style.uri)
        config.extra_css.extend(theme.STYLESHEETS)  # after kb.css: maps the theme's colours onto it
        script = ExtraScriptValue(self._script.uri)
        script.defer = True  # it upgrades a page that already works: never block the first paint
        config.extra_javascript.append(script)
        if config.nav is None:
            config.nav = self.layout.navigation(self._wording("home_title"))
        _keep_for_the_build()
        return config

    def _content(self, config, pair):
        """The content model and its report: the pair's (loaded by kbgen.build), the first
        build's of a quick step, or read now."""
        if pair is not None:
            if pair.center.facts is not None:  # the policy updates page reads values in the interface's words
                pair.center.facts.fmt = self.messages.format_value
            return pair.center, pair.report
        language = self._only_one_pair(config).default_language
        if self.reuse_content is not None:
            return self.reuse_content
        # unchanged Markdown files are not parsed again (their parses: one named value)
        parsed = content_parses(self._store) if self._store is not None else None
        found = content.load(
            config.docs_dir,
            today=self.today,
            embed_hosts=self.config.embed_hosts,
            language=language,
            format_value=self.messages.format_value,
            memo=parsed,
        )
        if parsed is not None:
            parsed.save(later=True)
            self._content_changed = parsed.changed
            self._parsed_anew = parsed.sources
        return found

    def _open_cache(self, config) -> build_cache.Store | None:
        """This build's cache namespace, unless there is none or a plugin kbgen does not know runs."""
        if self.cache_folder is None:
            return None
        unknown = incremental.uncached_plugins(config.plugins.keys())
        if unknown:
            log.info(f"build cache off: plugin(s) {', '.join(unknown)} may change pages after kbgen")
            return None
        return build_cache.Store(self.cache_folder)

    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return
        docs_dir = config.docs_dir
        inside = symlinks.Inside(docs_dir)  # each folder looked at once for all its files
        for file in list(files):
            # data files; and (reported already, so the build normally stopped) symlinks out
            from_docs = file.src_dir == docs_dir  # not a theme file
            if (
                _is_data_file(file.src_uri)
                or (from_docs and is_translation(posixpath.basename(file.src_uri)))  # see kbgen.build
                or (from_docs and inside.leaves(file.abs_src_path))
            ):
                files.remove(file)
            elif not self.layout.classify(file.src_uri)[0].in_nav:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            elif (
                file.src_uri.startswith(bundle.SOURCE_DIR + "/") or file.src_uri == bundle.STYLESHEET
            ) and not from_docs:
                files.remove(file)  # they ship fingerprinted only
        files.append(File.generated(config, self._script.uri, content=self._script.text.encode("utf-8")))
        files.append(File.generated(config, self._style.uri, content=self._style.text.encode("utf-8")))
        for src in self.layout.generated_sources():
            in_nav = self.layout.classify(src)[0].in_nav
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src, content="", inclusion=inclusion))
        files = _render_order(files, self.layout)
        self._page_total = len(files.documentation_pages())
        self._files = files
        if self._store is not None:
            self._use_page_cache(files, config)
        if self.quick is not None:  # no index: the whole build that follows writes it (no early process)
            if self._site_key is None:
                raise quick.NotQuick("the build cache is off")
            self._indexing = None
            return files
        # the index takes each page's documents as it renders (on a second core when worth it)
        # a search document's address (a page's FAQ entries share it): for the index and its check
        base = _site_base(config)
        self._document_url = functools.cache(lambda src: base + self._url_for(src))
        self._indexing = search.Indexing(
            self.layout.search_plan(),
            self._document_url,
            config.site_dir if self.index_dir is None else self.index_dir,
            semantic=self._semantic(),
            configured_processes=self.config.search_processes,
            language=self._search_language(config),
            cache=self._store,
            changes_expected=self._content_changed,
            early=self._early,
            context=self._search_context(),
            changed=self._changed_search_pages(),
            vocabulary=self._search_vocabulary(),
        )
        self._early = None  # the index's now: used or stopped
        return files

    def _search_vocabulary(self) -> tuple[list, list]:
        """The index's synonym groups and glossary definitions (known before any page renders:
        the index process completes the index with them as soon as its last document is added)."""
        if self._vocabulary is None:
            self._vocabulary = self._vocabulary_now()
        return self._vocabulary

    def _vocabulary_now(self) -> tuple[list, list]:
        language = self._language
        if language == "en":
            writer_groups = [*self.center.synonyms]
        else:
            writer_groups = [*self.center.synonyms_by_language.get(language, [])]
        if self.center.glossary:
            writer_groups += self.center.glossary.synonym_groups()
        groups = search.synonym_groups(writer_groups, self.config.search_builtin_synonyms, language)
        definitions = []
        if self.layout.has_glossary:
            definitions = pages.search_definitions(self.center.glossary, self._document_url(pages.GLOSSARY_SRC))
        return groups, definitions

    def _search_context(self) -> str | None:
        """What search documents depend on beyond their pages' Markdown files: the site key (the
        content model but Markdown bodies and facts, the configuration, kbgen's version...) and
        the facts as shown today. The index process takes the documents of pages whose files were
        not parsed anew from the last build made in the same context (kbgen.search.Indexing)."""
        if self._store is None or self._site_key is None or self.pair_content is not None:
            return None
        facts = self.center.facts.facts if self.center.facts is not None else {}
        shown = {name: fact.render(self.today) for name, fact in facts.items()}
        return build_cache.digest(self._site_key, incremental.dumps(shown))

    def _changed_search_pages(self) -> set[str] | None:
        """The pages that add to search whose documents a content file parsed anew may change:
        an article's own file, a category page's FAQ entries (None: not known)."""
        sources = self._parsed_anew
        if sources is None:
            return None
        changed = set()
        for src, _ in self.layout.search_plan():
            _, model = self.layout.classify(src)
            faqs = getattr(model, "faqs", None) or ()
            if getattr(model, "src", None) in sources or any(entry.src in sources for entry in faqs):
                changed.add(src)
        return changed

    def _use_page_cache(self, files: Files, config) -> None:
        """The pages' part of the build cache: their site key (no cache without one), Material's
        static search entries and the live site's pages to link."""
        self._site_key = self._cache_site_key(files, config)
        if self._site_key is None:
            self._store.flush()  # the content's parses it put: right for their keys
            self._store = None
            return
        if self.quick is not None:
            return
        self._search_digests = build_cache.Bundle(self._store, SEARCH_DIGESTS, BUNDLE_PARTS)
        if any(theme.is_static_search(plugin) for plugin in config.plugins.values()):
            self._static_entries = build_cache.Bundle(self._store, STATIC_SEARCH_ENTRIES, BUNDLE_PARTS)
        if self.live_folder is not None:
            self._live_pages = live_pages.LivePages(self._store, self.live_folder)
            _MKDOCS_BUILD_LOG.addFilter(_QUIET_SKIPS)

    def _index_early(self, config) -> search.Early | None:
        """The index's background process, started before the content loads when this build
        will most likely write an index of a large help center: without a build cache, with a
        new one, or when a content file changed since the last build (its size or time: the
        content's stamp). Its interpreter, Whoosh and the model then load beside the content,
        not after the first changed page (0.7 s of the model's alone)."""
        self._content_stamp = None
        if self.quick is not None:
            return None
        markdown_files, stamp = incremental.content_stamp(config.docs_dir)
        if self._store is not None:
            self._content_stamp = stamp
            if not self._store.fresh and self._store.get(CONTENT_STAMP) == stamp:
                return None  # most likely nothing changed: no process unless a page does
        try:
            language = self._search_language(config)
            semantic = self._semantic() and search.languages.get(language).semantic
        except PluginError:
            return None  # said again where the index is planned
        # (with the cache, the process reads what it may reuse meanwhile too)
        folder = str(self._store.folder) if self._store is not None and self._store.writable else None
        return search.start_early(self.config.search_processes, markdown_files, semantic, folder, language)

    def _cache_site_key(self, files: Files, config) -> str | None:
        """The part of every page's cache key the whole help center makes (kbgen.incremental)."""
        try:
            return incremental.site_key(
                config,
                {name: dict(plugin.config) for name, plugin in config.plugins.items()},
                config.theme,
                self.center,
                self.brand,
                {
                    # what every page shows of the date: which notices have ended (the date
                    # itself is in the key of the pages that show more of it: _page_inputs)
                    "notices_ended": [notice.ended(self.now) for notice in self.center.notices],
                    "files": [(f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files],
                    "contact_src": self._contact_src(),
                    "has_updates": self.layout.has_updates,
                    "contact_status": self.layout.contact_status,
                    # the pair: its market and language, where the site lives, and the
                    # interface's words (kbgen's catalogs and the project's own locales/)
                    "pair": self.pair_content.pair if self.pair_content is not None else None,
                    "pairs": [item.pair for item in self.all_pairs] if self.pair_content is not None else None,
                    "base_path": self.base_path,
                    "language": self.messages.language,
                    "catalogs": incremental.catalogs_digest(project_dir(config)),
                },
            )
        except incremental.Unstable as exc:
            log.info(f"build cache off: {exc} has no stable form")
            return None

    def _page_inputs(self, config, src: str, kind, model):
        """What a page's templates read beyond its Markdown and the site (part of its cache key):
        an article's coming fact changes as shown; the date and every fact where a view reads
        them (the organisation's JSON-LD, the scheduled changes, a writer's own template)."""
        inputs = None
        if kind.name == "article":
            inputs = pages.policies.upcoming_changes(self.center, model.facts_used, self.today)
        elif kind.name in DATED_KINDS:
            inputs = {"today": self.today, "facts": self.center.facts}
        if self.pair_content is None:
            return inputs
        # the switcher and hreflang links: which pairs publish this page, or where they land
        switcher = self._switcher_for(config, src)
        return {"inputs": inputs, "switcher": [switcher.entries, switcher.x_default]}

    def on_nav(self, nav, config, files):
        if self.config.enabled and self.quick is not None:  # only the pages a save can change
            quick.narrow(self.quick, files, config.docs_dir, self.layout, self._site_key, self.today)

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return
        src = page.file.src_uri
        markdown = render_placeholders(markdown, self.center.facts, self.today)
        kind, model = self.layout.classify(src)
        updated = self.layout.last_updated(src)
        if updated is not None:
            page.update_date = updated.isoformat()
        fixed, defaults = kind.meta(model, config.site_name, self.messages)
        page.meta.update(fixed)
        for key, value in defaults.items():
            page.meta.setdefault(key, value)
        theme.page_meta(page.meta, hide=kind.hide, searchable=kind.searchable)
        self._escape_meta(page)
        markdown = embeds.to_markers(self.resolver.rebase(markdown, src, src))
        markdown += self._appendix(src, kind, model, markdown)
        if self._store is not None:
            try:
                key = incremental.page_key(
                    self._site_key,
                    src,
                    page.url,
                    markdown,
                    page.meta,
                    page.update_date,
                    self._page_inputs(config, src, kind, model),
                )
            except incremental.Unstable:  # built every time
                key = None
            if key is not None:
                self._keys[src] = key
            entry = self._store.get(key) if key is not None else None
            if entry is not None:  # nothing to parse or render: on_page_content restores it
                self._hits[src] = entry
                self._reused += 1
                page.meta["template"] = CACHED_TEMPLATE
                page.render = functools.partial(_render_restored, page)
                if self.quick is not None or (self._static_entries is not None and key in self._static_entries):
                    theme.skip_static_search(page.meta)  # its entries come from the cache (on_post_build)
                    self._unread.add(src)  # so nothing reads its HTML before on_post_page
                elif self._static_entries is not None:  # Material reads the restored HTML (a quick step's page)
                    self._search_again.add(src)
                return ""
            if key is not None:  # a page MkDocs warns about is never cached: --strict must see it
                self._warned = _Warned()
                logging.getLogger("mkdocs").addHandler(self._warned)
        return markdown

    def _appendix(self, src: str, kind, model, markdown: str) -> str:
        """The Markdown a page kind adds to a page; what its HTML still needs is kept for on_page_content."""
        if kind.appendix is None:
            return ""
        source = pages.kinds.MarkdownPage(
            src,
            model,
            self.resolver,
            self._contact_src(),
            self._wording("faq_heading"),
            self.messages,
            placeholders=self._placeholders and pages.faq.MARK not in markdown,  # the page's own text never has them
        )
        appendix = kind.appendix(source)
        self._appendices[src] = appendix
        return appendix.markdown

    def _escape_meta(self, page) -> None:
        """MkDocs and Material put these into HTML unescaped (<title>, navigation,
        <meta name="description">, a nav item's status class...): keep the plain text
        for kbgen's own templates and give MkDocs the escaped form of every string."""
        plain = {key: value for key, value in page.meta.items() if isinstance(value, str)}
        self._plain[page.file.src_uri] = plain
        for key, value in plain.items():
            page.meta[key] = escape(value)

    def on_page_content(self, html, page, config, files):
        if not self.config.enabled:
            return
        src = page.file.src_uri
        appendix = self._appendices.pop(src, None)
        entry = self._hits.get(src)
        if entry is not None:
            return self._restore(page, entry)
        warned, self._warned = self._warned, None
        if warned is not None:
            logging.getLogger("mkdocs").removeHandler(warned)
            if warned.seen:
                self._keys.pop(src, None)
        if appendix is not None:
            try:
                html = appendix.fill(html)
            except ValueError as exc:
                raise PluginError(f"{src}: {exc}") from None
            page.present_anchor_ids |= appendix.anchors  # MkDocs finds the ids of its own HTML only
        kind, model = self.layout.classify(src)
        if kind.own_image:
            self._images[src] = pages.images.first_image(html, page.canonical_url or "/" + page.url)
        if kind.explains is not None and kind.explains(model) and self.layout.has_glossary:
            glossary_url = self._url_for(pages.GLOSSARY_SRC)
            html = pages.mark_terms(
                html, self.center.glossary, lambda term: get_relative_url(glossary_url, page.url) + f"#{term.anchor}"
            )
        # After the tooltips, as Material's search reads the page: both leave out what
        # kbgen marked as a widget (kbgen.unindexed), so the two indexes hold the same text.
        self._texts[src] = search.extract(html)
        if self._indexing is not None:
            self._indexing.page(src, self._texts[src])
        if self.quick is not None:  # Material's static index of a quick step is never written
            theme.skip_static_search(page.meta)
        if src in self._keys:
            self._records[src] = {
                "content": html,
                "toc": _toc_tokens(page.toc),
                "anchors": sorted(page.present_anchor_ids or ()),
                "title": page.title,
                "text": self._texts[src],
                "image": (src in self._images, self._images.get(src)),
            }
        return html

    def _restore(self, page, entry: dict) -> str:
        """What MkDocs and kbgen would know of a page they rendered: its toc, anchors, title, text."""
        src = page.file.src_uri
        entry.update(pickle.loads(zlib.decompress(entry.pop("page"))))
        content = entry.pop("content")
        page.toc = get_toc(entry["toc"])
        page.present_anchor_ids = set(entry["anchors"])
        if "title" not in page.meta and entry["title"] is not None:
            page.meta["title"] = entry["title"]
        self._texts[src] = entry.pop("text")
        if self._indexing is not None:
            self._indexing.page(src, self._texts[src], cached=True)
        has_image, image = entry["image"]
        if has_image:
            self._images[src] = image
        # Its empty template and Material's search (the page left out) do not read it: the page
        # gets none (Material would strip its data-search attributes for nothing; each page's HTML
        # would be held to the end of the build), nor is it decompressed. A page Material indexes
        # gets its content.
        return "" if src in self._unread else zlib.decompress(content).decode("utf-8")

    def on_page_context(self, context, page, config, nav):
        if not self.config.enabled:
            return
        src = page.file.src_uri
        # "from the cache" means its static search entries too
        self._built_order.append((src, page.url, src in self._hits and src not in self._search_again))
        if src in self._hits:
            return
        self._switcher(config, src)
        context["kb"] = pages.page_view(
            self.layout,
            src,
            self._url_for,
            home_title=self._wording("home_title"),
            contact_src=self._contact_src(),
            resolver=self.resolver,
            today=self.today,
            now=self.now,
            page_url=(config.site_url or "/").rstrip("/") + "/" + page.url,
        )
        context["kb"]["home_heading"] = self._wording("home_heading") or self.messages.gettext(HOME_HEADING)
        kind, model = self.layout.classify(src)
        plain = self._plain.get(src, {})
        context["kb"]["seo"] = pages.seo.page_data(
            kind,
            model,
            context["kb"],
            page_url=page.canonical_url or ("/" + page.url),
            base=config.site_url or "/",
            site_name=config.site_name,
            title=self._plain_title(page),
            description=plain.get("description") or config.site_description or "",
            faq_answers=self._texts.get(src, search.PageText()).faq_answers,
            brand=self.brand,
            image=self._images.get(src),
        )
        return context

    def on_env(self, env, config, files):
        if not self.config.enabled:
            return
        env.globals.update(theme.template_globals())
        # kbgen's templates say {{ _("...") }}: this build's language (MkDocs added Jinja's
        # i18n extension; Material's own templates use their own strings)
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_callables(self.messages.gettext, self.messages.ngettext, newstyle=True)
        env.filters["kb_in_sentence"] = self.messages.in_sentence
        env.globals["kb_language"] = self.messages.language
        env.globals["kb_script_messages"] = self.messages.script_messages(self._script_msgids)
        self._switcher(config, "index.md")  # 404.html, rendered before the pages: each pair's home
        self._env = env
        # kbgen's own form only writes an entry's id into it: one rendering serves a whole page
        own = Path(env.get_template(FEEDBACK_TEMPLATE).filename or "")
        self._own_feedback_form = own.is_relative_to(theme_dir())
        env.globals["kb_dead_end"] = pages.dead_end_view(self.center, self._url_for, self._contact_src())
        self._compiled_templates(env)
        return env

    def _compiled_templates(self, env) -> None:
        """With the build cache, Jinja keeps the theme's compiled templates there too (compiling
        them is part of every build's fixed cost), through kbgen's process-wide cache when the
        build runs through kbgen (a plain ``mkdocs build`` gets one of its own)."""
        folder = None
        if self._store is not None:
            import jinja2

            folder = self._store.folder_for(TEMPLATES_FOLDER, build_cache.digest(jinja2.__version__)[:16])
        if env.bytecode_cache is None and folder is not None:
            env.bytecode_cache = CompiledTemplates()
        if isinstance(env.bytecode_cache, CompiledTemplates):
            env.bytecode_cache.folder = folder  # None: this build keeps them in memory only

    def on_post_page(self, output, page, config):
        if not self.config.enabled:
            return
        src = page.file.src_uri
        entry = self._hits.get(src)
        if entry is not None:
            self._script_hashes |= set(entry["script_hashes"])
            del self._hits[src]
            html = entry["html"]
            if self._live_pages is not None:
                self._live_pages.place(
                    page.file.dest_uri, self._keys[src], page.file.abs_dest_path, lambda: zlib.decompress(html)
                )
                _QUIET_SKIPS.pages.add(src)
                output = ""  # in place (or being written by kbgen): MkDocs writes nothing
            else:
                output = zlib.decompress(html).decode("utf-8")
        else:
            # the template's inline scripts, never the writer's (content is left out)
            hashes = headers.inline_script_hashes(output.replace(page.content, "", 1) if page.content else output)
            self._script_hashes |= hashes
            if "kb-embed" in output:
                forms = embeds.feedback_forms(lambda id_: self._render_feedback(id_, page), self._own_feedback_form)
                output = embeds.render_markers(output, lambda kind, id_: self._render_embed(kind, id_, page, forms))
            record = self._records.pop(src, None)
            if record is not None:
                # each part compressed on its own, the entry not again (compressed bytes do not
                # shrink: a second pass over them cost 0.1 s of a FAQ-heavy cold build): a build
                # keeps every cached page's HTML from on_page_markdown (where it learns the page
                # is cached) to on_post_page, its other parts to on_page_content, and decompresses
                # the page's content only when something reads it (see _restore). Pickled here
                # (what the record holds may change later), compressed and written by the
                # store's writer thread (kbgen.cache)
                content = record.pop("content").encode("utf-8")
                parts = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), content, output.encode("utf-8")
                hashes = sorted(hashes)
                self._store.put_later(
                    self._keys[src],
                    lambda: {
                        "page": zlib.compress(parts[0], 1),
                        "content": zlib.compress(parts[1], 1),
                        "html": zlib.compress(parts[2], 1),
                        "script_hashes": hashes,
                    },
                    compress=False,
                    size=sum(map(len, parts)),
                )
        self._pages_done += 1
        total = self._page_total
        if total >= PROGRESS_THRESHOLD:
            step = max(total // 10, 1)
            if self._pages_done % step == 0 or self._pages_done == total:
                log.info(f"rendered {self._pages_done}/{total} pages")
        return output

    def on_post_template(self, output_content, template_name, config):
        if not self.config.enabled:
            return
        if template_name.endswith(".html"):  # 404.html
            self._script_hashes |= headers.inline_script_hashes(output_content)
        return output_content

    @event_priority(-50)  # after Material's search has written its static index
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        _stop_quieting_skips()
        try:
            self._post_build(config)
        finally:
            gc.unfreeze()  # see _keep_for_the_build

    def _post_build(self, config) -> None:
        if self.quick is not None:  # the pages it wrote; the whole build writes the rest
            self.quick.built = [self._files.get_file_from_path(src).dest_uri for src, _, _ in self._built_order]
            if self._store is not None:
                self._store.flush()
            return
        self._keep_preview_state()
        self._static_search(config)
        if self._store is not None and self._content_stamp is not None:
            stamp = self._content_stamp
            self._store.put_later(CONTENT_STAMP, lambda: stamp)
        if self._live_pages is not None:
            try:
                self._live_pages.finish()
            except OSError as exc:
                raise PluginError(f"cannot write the page {exc.filename}: {exc.strerror}") from None
            files = self._files
            self._live_pages.remember(
                config.site_dir, {files.get_file_from_path(src).dest_uri: key for src, key in self._keys.items()}
            )
        contact = self.center.contact
        chat_scripts = [c.script for c in contact.channels if c.script] if contact else []
        policy = headers.content_security_policy(
            self._script_hashes,
            script_origins=filter(None, map(headers.origin, chat_scripts)),
            embed_hosts=self.config.embed_hosts,
            web_fonts=bool(config.theme.get("font")),
            connect_origins=[self._origin(config)] if self.pair_content is not None and self._origin(config) else [],
        )
        headers.write(config.site_dir, headers.page_headers(policy))
        # every page kind declares what its pages add to search; the index has taken each
        # page's entries as it rendered (Indexing), this list is the whole to check them against
        docs, digests = self._search_documents()
        groups, definitions = self._search_vocabulary()
        started = time.perf_counter()
        indexing, self._indexing = self._indexing, None
        pages.feeds.write(
            self.layout, self.center, self._url_for, config.site_url or "/", config.site_name, config.site_dir
        )
        write_index, close = self._index_steps(indexing, docs, digests, groups, definitions, started)
        if self.index_later is None:
            write_index()
        else:  # the preview writes it once the pages are live (kbgen.build)
            self.index_later.append((write_index, close))
        upcoming = schedule.next_change_message(self.center, self.today)
        if upcoming:  # a scheduled fact change or notice needs a build on its day
            log.info(upcoming)

    def _search_documents(self) -> tuple[search.Documents, list[bytes] | None]:
        """The index's documents, each page's made only when read, and with the build cache
        their digests. A page from the cache has the digests it had when its key and the
        search context (the site key and the facts as shown: what else a document may read)
        were the same: a build where one page changed makes that page's documents alone, and
        the index reads only those it sends (kbgen.search.Indexing.finish)."""
        url, texts = self._document_url, self._texts
        plan = self.layout.search_plan()
        counts = [len(make(search.PageText())) for _, make in plan]  # (never depends on the text)
        docs = search.Documents(
            [
                (count, lambda src=src, make=make: search.collect(make(texts.get(src) or search.PageText()), url))
                for (src, make), count in zip(plan, counts, strict=True)
            ]
        )
        if self._store is None:
            return docs, None
        memo, context = self._search_digests, self._search_context()
        digests: list[bytes] = []
        for number, ((src, _), count) in enumerate(zip(plan, counts, strict=True)):
            key = self._keys.get(src)
            memo_key = build_cache.digest(key, context) if memo is not None and key and context else None
            known = memo.get(memo_key) if memo_key is not None else None
            if not isinstance(known, bytes) or len(known) != search.DIGEST * count:
                known = b"".join(search.digest(doc) for doc in docs.page(number))
                if memo_key is not None:
                    memo.put(memo_key, known)
            digests += (known[i : i + search.DIGEST] for i in range(0, len(known), search.DIGEST))
        if memo is not None:
            memo.save(later=True)
        return docs, digests

    def _index_steps(self, indexing, docs, digests, groups, definitions, started: float):
        """Writing the index, then pruning the cache; and what stops both when the build fails."""
        store, reused, built = self._store, self._reused, len(self._keys) - self._reused

        def write_index():  # then prune the cache: the index takes its entries too
            if store is not None:  # the cache's values are written while the build waits for the index
                store.start_writing()
            indexing.finish(docs, groups, definitions=definitions, digests=digests)
            kind = "hybrid" if indexing.semantic else "lexical"
            where = ", in a second process beside the rendering" if indexing.background else ""
            if indexing.reused:
                where += ", unchanged: from the build cache"
            elif indexing.analysed is not None:
                where += f", {indexing.analysed} text(s) analysed, the others' analysis from the build cache"
            if indexing.speculated:
                where += f", {indexing.speculated} document(s) of unchanged pages taken from the last build"
            waited = time.perf_counter() - started
            log.info(f"search index ({kind}{where}): {len(docs)} documents, {waited:.1f} s after the last page")
            if store is not None:  # once the cache's writer thread has written what this build put
                store.prune()
                log.debug(f"build cache: {reused} page(s) reused, {built} built")

        def close():  # the build failed
            try:
                indexing.close()
            finally:
                if store is not None:
                    store.flush()

        return write_index, close

    def _keep_preview_state(self) -> None:
        """What the next preview's quick step needs to know of this build (kbgen.quick)."""
        if self._store is not None and self._site_key is not None:
            self.preview_state = {
                "site_key": self._site_key,
                "today": self.today.isoformat(),
                "pages": quick.page_state(self._files),
            }

    def _static_search(self, config) -> None:
        """Material's static index with the cached pages' entries in their places, and each
        page's entries kept for the next build (see kbgen.themes.material)."""
        if self._static_entries is None:
            return
        index = theme.read_static_search(config.site_dir)
        cached = {src for src, _, hit in self._built_order if hit}
        if index is None:
            if cached:
                raise PluginError(f"{theme.STATIC_SEARCH_INDEX} is missing: build again with --no-cache")
            return
        built = [(src, url) for src, url, hit in self._built_order if not hit]
        groups = theme.split_static_search(index.get("docs", []), [url for _, url in built])
        if groups is None:  # never expected: entries not located on their pages
            if cached:
                raise PluginError(f"{theme.STATIC_SEARCH_INDEX}: unexpected entries; build again with --no-cache")
            return
        # each page's entries as their text in the index: a cached page's is written as it is
        of_built = {src: theme.entries_text(group) for (src, _), group in zip(built, groups, strict=True)}
        kept = self._static_entries
        docs: list[str] = []
        for src, _, hit in self._built_order:
            key = self._keys.get(src)
            if hit:
                entries = kept.get(key)
                if not isinstance(entries, str):  # (never expected: the value was checked in on_page_markdown)
                    raise PluginError(f"{STATIC_SEARCH_ENTRIES}: unreadable; build again with --no-cache")
            else:
                entries = of_built[src]
                if key is not None:
                    kept.put(key, entries)
            docs.append(entries)
        if cached:
            theme.write_static_search(config.site_dir, index, docs)
        kept.save(later=True)  # the parts that changed, written while the build waits for its index

    def on_build_error(self, error):
        gc.unfreeze()  # see _keep_for_the_build
        _stop_quieting_skips()
        try:
            live, self._live_pages = getattr(self, "_live_pages", None), None
            if live is not None:  # its writer done before the new site is removed
                try:
                    live.finish()
                except OSError:
                    pass
            self.close_indexing()
        finally:
            store = getattr(self, "_store", None)
            if store is not None:  # what it put is right for its keys: written, not left running
                store.flush()

    def close_indexing(self) -> None:
        """Stop the index's background process, if a build left one running."""
        indexing, early = getattr(self, "_indexing", None), getattr(self, "_early", None)
        self._indexing = self._early = None
        if early is not None:
            early.stop()
        if indexing is not None:
            indexing.close()

    def _switcher(self, config, src: str) -> None:
        """The header's switcher and the page's ``hreflang`` links (``extra.alternate``, see
        kbgen.pairs.Switcher): every pair, on this page or where it lands."""
        if self.pair_content is None:
            return
        config.extra["alternate"] = self._switcher_for(config, src)

    def _switcher_for(self, config, src: str):
        from .pairs import switcher

        return switcher(self.all_pairs, self.pair_content.pair, src, self.base_path, self._origin(config))

    @staticmethod
    def _origin(config) -> str:
        """``https://host`` of ``site_url`` ("" without one)."""
        parts = urlsplit(config.site_url or "")
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    def _only_one_pair(self, config) -> Site:
        """Several languages or markets are built by kbgen (one MkDocs build per pair)."""
        try:
            site = site_of(self.config, config.theme.get("language"))
        except MarketError as exc:
            raise PluginError(f"{config.config_file_path or 'mkdocs.yml'}: {exc}") from None
        if site.several:
            raise PluginError(
                f"this help center publishes {len(site.pairs)} market/language pairs "
                f"({', '.join(p.tag for p in site.pairs)}): build it with 'kbgen build' or 'kbgen serve'"
            )
        return site

    def _render_feedback(self, id_: str, page) -> str:
        """The votes under a FAQ answer (``id_``: the entry's anchor)."""
        return self._env.get_template(FEEDBACK_TEMPLATE).render(
            page=page,
            base_url=get_relative_url(".", page.url),
            feedback_url="/" + page.url + f"#{id_}",
            feedback_id=id_,
        )

    def _render_embed(self, kind: str, id_: str, page, feedback_forms) -> str | None:
        """The theme's own partial for a ``{{ contact:id }}`` or ``{{ flow:id }}``."""
        context = {"page": page, "base_url": get_relative_url(".", page.url)}
        if kind == "contact" and self.center.contact is not None:
            channel = self.center.contact.channel(id_)
            if channel is None:
                return None
            view = pages.channel_view(channel, subject=self._plain_title(page), m=self.messages)
            card = self._env.get_template("partials/kbgen/channel-card.html").render(
                **context, channel=view, compact=False
            )
            return f'<ul class="kb-channels kb-channels--embedded">{card}</ul>'
        if kind == "feedback":  # under a FAQ answer: votes for that entry
            return feedback_forms(id_)
        if kind == "flow":
            flow = self.center.flow(id_)
            if flow is None:
                return None
            view = pages.flow_view(flow, self.center.contact, self.resolver, self._url_for, self.messages)
            return self._env.get_template("partials/kbgen/flow.html").render(**context, flow=view)
        return None

    def _wording(self, option: str) -> str | None:
        """The project's own wording for ``option`` in this build's language (None: the catalog's)."""
        value = self.config[option]
        if isinstance(value, dict):
            value = value.get(self.messages.language)
        return value

    def _check_wordings(self, config) -> None:
        for option in ("home_heading", "home_title", "faq_heading"):
            value = self.config[option]
            texts = value.values() if isinstance(value, dict) else [value]
            if any(text is not None and not isinstance(text, str) for text in texts):
                line = option_line(config.config_file_path, option)
                raise PluginError(
                    f"{config.config_file_path or 'mkdocs.yml'}:{line}: {option}: expected a text, "
                    "or one text per language ({en: ..., de: ...})"
                )

    def _messages(self, config) -> i18n.Messages:
        """The build's language: MkDocs' ``theme.language`` (Material's option) for now; the
        markets/languages configuration will set it per published pair."""
        language = theme.language(config.theme) or i18n.DEFAULT_LANGUAGE
        declared_at = (config.config_file_path or "mkdocs.yml", option_line(config.config_file_path, "theme.language"))
        try:
            found = i18n.messages(language, project_dir(config))
        except i18n.CatalogError as exc:
            raise PluginError(f"{declared_at[0]}:{declared_at[1]}: theme.language: {exc}") from None
        for problem in check_language(language, project_dir(config), declared_at):  # --strict counts them
            log.warning(f"{problem.path}:{problem.line}: {problem.message}")
        return found

    def _brand(self, config) -> pages.brand.Brand:
        """Logo and social image from mkdocs.yml; a missing file is a ``path:line:`` error."""
        option, logo = "logo", self.config.logo
        if logo is None and config.theme.get("logo"):
            option, logo = "theme.logo", config.theme["logo"]
        try:
            brand = pages.brand.resolve(
                self.center,
                site_name=config.site_name,
                site_url=config.site_url,
                roots=[Path(config.docs_dir), *map(Path, config.theme.dirs)],
                logo=logo,
                logo_option=option,
                social_image=self.config.social_image,
            )
        except pages.images.ImageError as exc:  # kbgen's own default image: a broken installation
            raise PluginError(f"kbgen's default images are missing ({exc}): reinstall kbgen") from None
        errors = []
        for problem in brand.problems:
            line = option_line(config.config_file_path, problem.option)
            text = f"{config.config_file_path or 'mkdocs.yml'}:{line}: {problem.option}: {problem.message}"
            if problem.severity == "error":
                errors.append(text)
            else:
                log.warning(text)
        if errors:
            raise PluginError("\n".join(errors))
        return brand

    def _plain_title(self, page) -> str:
        """The page's title as text (MkDocs' own title from a heading is HTML)."""
        plain = self._plain.get(page.file.src_uri, {})
        return plain["title"] if "title" in plain else unescape(page.title or "")

    def _contact_src(self) -> str | None:
        if self.config.contact_page is not None:
            return self.config.contact_page
        category = self.center.category("contact")
        return category.index_src if category else None

    def _semantic(self) -> bool:
        """Whether this build writes page vectors (hybrid search); says once when it can't."""
        global _said_semantic_off
        wanted = self.config.search_semantic
        if wanted is False:
            return False
        if search.semantic_installed():  # loaded where the vectors are computed
            return True
        if wanted:
            raise PluginError(
                "search_semantic: true, but the semantic search model is not installed: "
                "pip install 'kbgen[semantic]' (or set search_semantic: false)"
            )
        if not _said_semantic_off:
            _said_semantic_off = True
            log.info(
                "semantic search is off (its model is not installed): search is lexical only. "
                "Turn it on with: pip install 'kbgen[semantic]'"
            )
        return False

    def _search_language(self, config) -> str:
        """The language the search index analyses: ``search_language``, else the theme's, else English.
        Asked once a build (before the content loads, for an early index process, and for the
        index): it says once why it falls back to English."""
        if self._language is None:
            self._language = self._language_of(config)
        return self._language

    def _language_of(self, config) -> str:
        code = self.config.search_language or config.theme.get("language") or "en"
        try:
            return search.languages.get(code).code
        except search.languages.UnsupportedLanguage as exc:
            option = "search_language" if self.config.search_language else "theme.language"
            if option == "theme.language":
                log.info(f"{exc}: search analyses the pages as English")
                return "en"
            line = option_line(config.config_file_path, option)
            raise PluginError(f"{config.config_file_path or 'mkdocs.yml'}:{line}: {option}: {exc}") from None

    def _url_for(self, src: str) -> str:
        file = self._files.get_file_from_path(src)
        return file.url if file is not None else src


# MkDocs logs "Page skipped" (info) for a page whose output is empty: one kbgen put in place itself
_MKDOCS_BUILD_LOG = logging.getLogger("mkdocs.commands.build")
_QUIET_SKIPS = live_pages.QuietSkips()


def _stop_quieting_skips() -> None:
    _MKDOCS_BUILD_LOG.removeFilter(_QUIET_SKIPS)
    _QUIET_SKIPS.pages.clear()


def _keep_for_the_build() -> None:
    """What is alive once the content is loaded (the modules, the configuration, the content
    model: 100,000 objects on a FAQ-heavy help center) lives to the end of the build: kept out
    of the collector's full passes (``gc.freeze``), which traversed it again and again (0.25 s
    of a warm FAQ-heavy build). ``on_post_build`` and ``on_build_error`` give it back."""
    gc.freeze()


def project_dir(config) -> str | None:
    """Where mkdocs.yml is: a project's own catalogs live in ``locales/`` beside it."""
    return os.path.dirname(os.path.abspath(config.config_file_path)) if config.config_file_path else None


def _site_base(config) -> str:
    """The site's path on its host ("/", "/help/"): search results link from there."""
    base = urlsplit(config.site_url or "/").path or "/"
    return base if base.endswith("/") else base + "/"


def content_parses(store: build_cache.Store) -> _Parses:
    """The content files' parses and stat records kept in ``store``, a build's namespace (each
    pair of a help center in several languages has its own: kbgen.build)."""
    return _Parses(store, CONTENT_FILES, BUNDLE_PARTS)


class _Parses(build_cache.Bundle):
    """The content files' parses (kbgen.content.loader.Memo) and their stat records, noting the
    source of each file parsed anew in :attr:`sources` (None once a parse without a source is put)."""

    def __init__(self, store, name: str, parts: int):
        super().__init__(store, name, parts)
        self.sources: set[str] | None = set()
        self._parsed = False  # a parse was put

    @property
    def changed(self) -> bool:
        """Whether a file was parsed anew, or a parse of the last build left unused (a file
        removed or changed); stat records alone do not count."""
        return self._parsed or any(key not in self._used for key in self._old if not key.startswith(Memo.RECORD))

    def put(self, key: str, value) -> None:
        if key.startswith(Memo.RECORD):  # a stat record: no parse
            super().put(key, value)
            return
        self._parsed = True
        model = value[0] if isinstance(value, tuple) and value else None
        src = getattr(model, "src", None)
        if self.sources is not None:
            if isinstance(src, str):
                self.sources.add(src)
            else:
                self.sources = None
        super().put(key, value)


class _Warned(logging.Handler):
    """Notes whether MkDocs warned while a page rendered (a link to a missing file, say)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _render_restored(page, config, files) -> None:
    """``Page.render`` for a page the build cache restores: what MkDocs' render makes of the
    empty Markdown such a page gets, without making a Markdown parser with every extension for
    it (measured: 0.1-0.15 s of a one-change build of 600 pages). on_page_content then
    restores its toc, anchors and title. Should MkDocs stop calling ``render``, the page is
    simply rendered from its empty Markdown, as before."""
    page.content = ""
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def _toc_tokens(toc) -> list[dict]:
    """A page's table of contents as the tokens ``get_toc`` makes it from (to store it)."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": _toc_tokens(item.children)} for item in toc
    ]


def _render_order(files: Files, layout: pages.Layout) -> Files:
    """``files`` in the order MkDocs should render them: the category pages first, then the
    other pages that add to search in index order, then the rest.

    A category page holds its FAQ entries, most of a help center's search documents (8,000
    of 8,613 on a FAQ-heavy one): rendered first, the index process analyses them while the
    articles render, instead of all of them after the last Markdown page (where a generated
    page would come). The index adds documents in its own order, holding those that come
    early: with the articles in index order too, each one frees the documents held behind
    it as it comes, instead of the last one freeing thousands at the end of the page loop
    (1.4 s of a 10,000-article build where one page changed, in files' order). Nothing
    depends on the order MkDocs renders in (the navigation is kbgen's own) but the order of
    the entries of Material's static search index and of a one-pair site's
    ``sitemap.xml``, neither of which means anything."""
    planned = {src: n for n, (src, _) in enumerate(layout.search_plan())}
    category = pages.kinds.CATEGORY
    last = len(planned)

    def rank(item: tuple[int, File]) -> tuple[int, int, int]:
        position, file = item
        first = 0 if layout.classify(file.src_uri)[0] is category else 1
        return first, planned.get(file.src_uri, last), position

    return Files([file for _, file in sorted(enumerate(files), key=rank)])


def _is_data_file(src: str) -> bool:
    name = posixpath.basename(src)
    if name in DATA_FILES or (src == name and name.startswith("synonyms.") and name.endswith(".yml")):
        return True  # synonyms.de.yml: another language's synonyms
    parts = src.split("/")
    if len(parts) == 2 and parts[0] == FLOWS_DIR and name.endswith(".yml"):
        return True
    return len(parts) >= 3 and FAQ_DIR in parts[1:-1] and name.endswith(".md")
