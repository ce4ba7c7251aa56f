"""What kbgen knows about Material for MkDocs, all in ``kbgen.themes.material``: where kbgen's
templates go in the search path, Material's icons, its page meta. Real MkDocs configs, no build."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config import load_config

from kbgen.resources import theme_dir
from kbgen.themes import material

CATEGORY = {
    "content/returns/_category.yml": "title: Returns\nicon: material/keyboard-return\n",
    "content/returns/a.md": "---\ntitle: A\n---\nText.\n",
}


def _with_custom_dir(project: Path):
    """The project's config with ``custom_dir: overrides``, kbgen's templates added."""
    custom = project / "custom.yml"
    custom.write_text(
        (project / "mkdocs.yml")
        .read_text()
        .replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    config = load_config(str(custom))
    material.add_templates(config.theme, str(theme_dir()))
    return config


def test_kbgen_templates_go_before_material_and_after_the_users_custom_dir(make_site):
    project = make_site({**CATEGORY, "overrides/main.html": '{% extends "base.html" %}\n'})
    config = load_config(str(project / "mkdocs.yml"))
    material.add_templates(config.theme, str(theme_dir()))
    assert config.theme.dirs[0] == str(theme_dir())
    assert config.theme.dirs[1].endswith("/material/templates")
    config = _with_custom_dir(project)
    assert config.theme.dirs[0] == str(project / "overrides")
    assert config.theme.dirs[1] == str(theme_dir())


def test_icons_are_looked_up_in_materials_icon_folders(make_site):
    config = load_config(str(make_site(CATEGORY) / "mkdocs.yml"))
    known = material.known_icon(config.theme.dirs)
    assert known("material/keyboard-return") and known("fontawesome/solid/truck")
    assert not known("material/no-such-icon") and not known("keyboard-return")


def test_an_unknown_category_icon_is_an_error_that_names_materials_icons(make_site, invoke):
    project = make_site({**CATEGORY, "content/returns/_category.yml": "title: Returns\nicon: material/nope\n"})
    result = invoke("check", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/returns/_category.yml:2: unknown icon 'material/nope': "
        "use a Material icon name such as 'material/truck-delivery-outline'"
    ]


def test_page_meta_keeps_what_the_writer_set():
    meta = {"hide": ["toc"]}
    material.page_meta(meta, hide=("navigation", "toc"), searchable=False)
    assert meta == {"hide": ["toc"], "search": {"exclude": True}}
    meta = {}
    material.page_meta(meta, hide=(), searchable=True)
    assert meta == {}


def test_every_channel_type_has_a_material_icon(make_site):
    from kbgen.content.contactfile import TYPES

    config = load_config(str(make_site(CATEGORY) / "mkdocs.yml"))
    known = material.known_icon(config.theme.dirs)
    assert set(material.CHANNEL_ICONS) == set(TYPES)
    assert all(known(icon) for icon in material.CHANNEL_ICONS.values())
    icons = material.template_globals()
    assert icons["kb_channel_icon"]("phone") == ".icons/material/phone-outline.svg"
    assert icons["kb_icon"]("material/keyboard-return") == ".icons/material/keyboard-return.svg"


def test_templates_reach_icons_only_through_the_theme_module():
    """No kbgen template names Material's .icons/ folder or an icon set itself."""
    for template in (theme_dir()).rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert ".icons/" not in text and "material/" not in text, template


def test_kbgen_replaces_real_material_templates():
    """Each Material template kbgen overrides exists in Material (an upgrade renaming one shows here)."""
    import material as materials_package

    materials_templates = Path(materials_package.__file__).parent / "templates"
    for name in material.OVERRIDES:
        assert (materials_templates / name).is_file(), name
        assert (theme_dir() / name).is_file(), name


def test_search_forms_point_at_materials_static_index(sample_site):
    assert (sample_site / material.STATIC_SEARCH_INDEX).is_file()
    for url in ["", "returns/return-policy/", "search/"]:
        page_url = "https://help.example.com/" + url
        html = (sample_site / url / "index.html").read_text(encoding="utf-8")
        found = re.findall(r'data-kb-static-index="([^"]+)"', html)
        assert found, url
        for target in found:
            assert urljoin(page_url, target) == "https://help.example.com/" + material.STATIC_SEARCH_INDEX


def test_the_static_index_written_from_each_pages_entry_text_is_materials_bytes(tmp_path):
    """A warm build writes Material's index from each page's entries kept as their JSON text:
    the bytes Material's own ``json.dumps`` gives (non-ASCII text, pages without entries), and
    an index of another shape written as a whole."""
    import json

    config = {
        "lang": ["en"],
        "separator": "[\\s\\-]+",
        "pipeline": ["stopWordFilter"],
        "fields": {"title": {"boost": 1000.0}},
    }
    pages = [
        [{"location": "a/", "title": "Café <b>", "text": "Prix: 5 €"}, {"location": "a/#x", "title": "X", "text": ""}],
        [],
        [{"location": "b/", "title": "B", "text": '"quoted" \\ back', "tags": ["t"], "boost": 2}],
    ]
    docs = [entry for page in pages for entry in page]
    texts = [material.entries_text(page) for page in pages]
    (tmp_path / material.STATIC_SEARCH_INDEX).parent.mkdir(parents=True)
    for index in ({"config": config, "docs": []}, {"docs": [], "config": config, "extra": 1}):
        material.write_static_search(str(tmp_path), index, texts)
        written = (tmp_path / material.STATIC_SEARCH_INDEX).read_bytes()
        expected = json.dumps({**index, "docs": docs}, separators=(",", ":"), default=str).encode("utf-8")
        assert written == expected


def test_the_theme_lists_the_files_mkdocs_copies_without_walking_hidden_folders(make_site):
    """Material's 14,000 icons sit in a hidden folder MkDocs never copies from: listed without
    it, the theme gives MkDocs the same files to copy (a writer's custom folder with its own
    hidden folder too), and its templates still load."""
    from mkdocs.structure.files import Files

    from kbgen.theme_listing import VisibleTemplates, list_visible

    project = make_site(
        {
            **CATEGORY,
            "overrides/assets/extra.css": "body { color: black; }\n",
            "overrides/.drafts/notes.css": "body { color: red; }\n",
            "overrides/main.html": '{% extends "base.html" %}\n',
        }
    )
    config = _with_custom_dir(project)
    plain, listed = config.theme.get_env(), config.theme.get_env()
    list_visible(listed)
    assert isinstance(listed.loader, VisibleTemplates)
    copied = []
    for env in (plain, listed):
        files = Files([])
        files.add_files_from_theme(env, config)
        copied.append([(f.src_uri, f.abs_src_path) for f in files])
    assert copied[0] == copied[1]
    assert ("assets/extra.css", str(project / "overrides/assets/extra.css")) in copied[1]
    assert any(name.startswith(".icons/") for name in plain.list_templates())
    assert not any("/." in "/" + name for name in listed.list_templates())
    assert listed.get_template("main.html").filename == str(project / "overrides/main.html")
    assert listed.loader.get_source(listed, ".icons/material/home.svg")[0].startswith("<svg")
