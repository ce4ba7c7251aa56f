"""The content policy: script, event handlers, javascript:/data: URLs and unlisted iframes in content."""

from __future__ import annotations

from conftest import CATEGORY_FILES, MINIMAL_CONFIG

HOSTILE_BODY = """\
---
title: Hostile
---
Fine text with `<script>in code</script>` and an example:

```html
<script>also fine: a code block</script>
```

<!-- <script>a comment is not HTML</script> -->
<script>steal()</script>
<img src="https://shop.example/x.png" onerror="steal()">
<a href="javascript:steal()">click</a>
[click](JavaScript:steal())
<a href="data:text/html;base64,PHNjcmlwdD4=">open</a>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="a data image is fine">
<iframe src="https://evil.example/frame"></iframe>
<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>
<object data="x.swf"></object>
"""

EXPECTED = [
    "content/returns/hostile.md:11: warning: <script> in content: scripts in pages do not run on the help center "
    "(its Content-Security-Policy blocks them); remove it",
    "content/returns/hostile.md:12: warning: event handler attribute 'onerror' in <img>",
    "content/returns/hostile.md:13: warning: 'javascript:' URL in <a href>",
    "content/returns/hostile.md:14: warning: 'javascript:' URL in a link",
    "content/returns/hostile.md:15: warning: 'data:' URL in <a href>",
    "content/returns/hostile.md:17: warning: <iframe> from 'evil.example' is not allowed: embed only https:// "
    "pages of hosts listed in embed_hosts in mkdocs.yml",
    "content/returns/hostile.md:19: warning: <object> in content is not allowed (plugins); remove it",
]


def test_check_warns_at_the_line_of_each_problem(make_site, invoke):
    project = make_site({**CATEGORY_FILES, "content/returns/hostile.md": HOSTILE_BODY})
    result = invoke("check", cwd=project)
    assert result.exit_code == 0, result.output  # warnings: the CSP blocks them anyway
    for expected in EXPECTED:
        assert expected in result.output, expected
    lines = [line for line in result.output.splitlines() if line.startswith("content/returns/hostile.md")]
    # code, comments, data: images and (below) listed hosts are fine
    assert len(lines) == len(EXPECTED) + 1, "\n".join(lines)  # + the youtube iframe, not listed yet
    assert invoke("check", "--strict", cwd=project).exit_code == 1
    assert invoke("build", "--strict", cwd=project).exit_code == 1
    assert not (project / "site").exists()


def test_embed_hosts_in_mkdocs_yml_allow_those_iframes(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      embed_hosts: [www.youtube-nocookie.com]\n")
    files = {
        **CATEGORY_FILES,
        "content/returns/video.md": (
            "---\ntitle: Video\n---\n"
            '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="How to return"></iframe>\n'
            '<iframe src="http://www.youtube-nocookie.com/embed/abc" title="not https"></iframe>\n'
        ),
    }
    project = make_site(files, config)
    result = invoke("check", cwd=project)
    problems = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert problems == [
        "content/returns/video.md:5: warning: <iframe> from 'www.youtube-nocookie.com' is not allowed: embed only "
        "https:// pages of hosts listed in embed_hosts in mkdocs.yml (now: www.youtube-nocookie.com)"
    ]


def test_flows_and_notices_are_checked_too(make_site, invoke):
    files = {
        **CATEGORY_FILES,
        "content/notices/outage.md": "---\ntitle: Outage\nseverity: info\nstart: 2026-11-20\n---\n"
        "Text.\n\n<svg onload=steal()></svg>\n",
        "content/flows/lost.yml": (
            "title: Lost\nstart: ask\nsteps:\n  - id: ask\n    question: Lost?\n"
            "    help: '<script>steal()</script>'\n    answers:\n"
            "      - {label: 'Yes', next: done}\n      - {label: 'No', next: done}\n"
            "results:\n  - id: done\n    title: Done\n    text: Done.\n    links: ['javascript:steal()']\n"
        ),
    }
    result = invoke("check", cwd=make_site(files))
    assert "content/notices/outage.md:8: warning: event handler attribute 'onload' in <svg>" in result.output
    assert "content/flows/lost.yml:6: warning: <script> in content" in result.output
    assert "content/flows/lost.yml:14: warning: 'javascript:' URL in a link" in result.output


def test_the_sample_help_center_follows_the_policy(invoke):
    from conftest import ROOT

    result = invoke("check", "--strict", cwd=ROOT)
    assert result.exit_code == 0, result.output
