"""The wheel carries everything: a plain install can create and build a help center."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def run(*args, cwd=None, env=None):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, ROOT)
    (built,) = out.glob("kbgen-*.whl")
    return built


def test_wheel_contains_theme_templates_assets_and_scaffold(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "kbgen/theme/kbgen/home.html",
        "kbgen/theme/kbgen/category.html",
        "kbgen/theme/kbgen/article.html",
        "kbgen/theme/partials/kbgen/breadcrumbs.html",
        "kbgen/theme/assets/kbgen/kb.css",
        "kbgen/theme/assets/kbgen/js/core.js",
        "kbgen/theme/assets/kbgen/js/material.js",
        "kbgen/theme/assets/kbgen/material.css",
        "kbgen/theme/assets/kbgen/logo.png",
        "kbgen/theme/assets/kbgen/social.png",
        "kbgen/livereload.js",
        "kbgen/scaffold/project/mkdocs.yml",
        "kbgen/scaffold/project/gitignore",
        "kbgen/scaffold/project/content/orders/_category.yml",
        "kbgen/scaffold/project/github/workflows/help-center.yml",
        "kbgen/scaffold/project/content/facts.yml",
        "kbgen/scaffold/project/content/flows/parcel-not-arrived.yml",
        "kbgen/i18n/locales/kbgen.pot",
        "kbgen/i18n/locales/en/LC_MESSAGES/kbgen.po",
        "kbgen/i18n/locales/de/LC_MESSAGES/kbgen.po",
    ):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "kbgen = kbgen.cli:main" in text and "kbgen = kbgen.plugin:KbgenPlugin" in text


def test_installed_wheel_creates_and_builds_a_project(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONPATH", None)
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, env=env)
    work = tmp_path / "elsewhere"  # not the source tree: nothing may come from it
    work.mkdir()
    run(bin_dir / "kbgen", "new", "helpdesk", cwd=work, env=env)
    assert (work / "helpdesk/.github/workflows/help-center.yml").is_file()
    run(bin_dir / "kbgen", "build", "--strict", cwd=work / "helpdesk", env=env)
    site = work / "helpdesk" / "site"
    assert "kb-card" in (site / "index.html").read_text()
    assert len(list((site / "assets/kbgen").glob("kb.*.css"))) == 1  # kb.css, fingerprinted
    # the widget modules from the wheel, bundled into one fingerprinted script
    (script,) = (site / "assets/kbgen").glob("kb.*.js")
    assert f'src="{script.relative_to(site).as_posix()}"' in (site / "index.html").read_text()
    # the default logo and social image, where the pages say search engines find them
    assert (site / "assets/kbgen/logo.png").is_file() and (site / "assets/kbgen/social.png").is_file()
    home = (site / "index.html").read_text()
    assert '<meta property="og:image" content="https://help.example.com/assets/kbgen/social.png">' in home
    assert (
        '"logo": {"@type": "ImageObject", "height": 256, "url": "https://help.example.com/assets/kbgen/logo.png"'
        in home
    )
    assert "kb-faq__item" in (site / "orders/index.html").read_text()
    # plain `mkdocs build` with the plugin gives the same pages
    run(bin_dir / "mkdocs", "build", "-q", "-d", "mkdocs-site", cwd=work / "helpdesk", env=env)
    assert (work / "helpdesk/mkdocs-site/orders/index.html").read_text() == (site / "orders/index.html").read_text()
    location = run(bin_dir / "python", "-c", "import kbgen; print(kbgen.__file__)", cwd=work, env=env)
    assert str(env_dir) in location.stdout
