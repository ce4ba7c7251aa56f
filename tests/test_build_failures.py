"""Builds that fail for outside reasons: killed builds, full disks, unwritable folders.

One clean line (what failed, which path, the previous site kept) and exit 1, never a
traceback; a later build removes what killed builds left, never a running build's folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import CATEGORY_FILES

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def kbgen(*args, cwd, env=None, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kbgen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or ENV,
        preexec_fn=preexec_fn,
        timeout=300,
    )


def snapshot(site: Path) -> dict:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def assert_one_clean_line(result, *parts: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0] == result.stderr.strip().splitlines()[-1]
    assert errors[0].endswith("; the previous site was left as it was"), errors[0]
    for part in parts:
        assert part in errors[0], errors[0]


def age(path: Path, seconds: float = 3600) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


KILL_DURING_INDEXING = textwrap.dedent(
    """
    import os, signal, sys
    import kbgen.search.index as index
    def killed(*args, **kwargs):  # before a shard's commit: Whoosh's temporary folder exists now
        os.kill(os.getpid(), signal.SIGKILL)
    index._lengths_once = killed
    from kbgen.cli import main
    sys.argv = ["kbgen", "build", "--no-cache"]  # with the cache the index may be reused, not written
    main()
    """
)


def test_a_killed_build_leaves_nothing_in_the_system_temp_folder_and_the_next_build_cleans_up(make_site, tmp_path):
    project = make_site(CATEGORY_FILES)
    assert kbgen("build", cwd=project).returncode == 0
    before = snapshot(project / "site")
    private_tmp = tmp_path / "system-tmp"
    private_tmp.mkdir()
    killed = subprocess.run(
        [sys.executable, "-c", KILL_DURING_INDEXING],
        cwd=project,
        env={**ENV, "TMPDIR": str(private_tmp)},
        capture_output=True,
        timeout=300,
    )
    assert killed.returncode == -9
    assert list(private_tmp.iterdir()) == []  # the index's temporary files live in the build's folder
    leftovers = list(project.glob(".site.building-*"))
    assert len(leftovers) == 1 and list(leftovers[0].glob("_kbgen/search/tmp-*"))
    assert snapshot(project / "site") == before

    age(leftovers[0])
    assert kbgen("build", cwd=project).returncode == 0
    assert list(project.glob(".site.building-*")) == []


def test_a_running_builds_folder_and_other_folders_are_never_removed(make_site):
    project = make_site(CATEGORY_FILES)
    running = project / ".site.building-running"
    fresh = project / ".site.building-fresh"  # just created by a build that has not locked it yet
    other = project / ".other.building-abc"
    for folder in (running, fresh, other):
        folder.mkdir()
        (folder / "index.html").write_text("in use")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\ntime.sleep(120)\n",
            str(running),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        age(running)
        age(other)
        assert kbgen("build", cwd=project).returncode == 0
        assert (running / "index.html").read_text() == "in use"
        assert (fresh / "index.html").read_text() == "in use"
        assert (other / "index.html").read_text() == "in use"
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_an_output_folder_that_cannot_be_created_is_one_clean_line(make_site):
    project = make_site(CATEGORY_FILES)
    (project / "a-file").write_text("not a folder")
    result = kbgen("build", "-d", project / "a-file/site", cwd=project)
    assert_one_clean_line(result, "Error: cannot create the build folder: ", "a-file")
    assert (project / "a-file").read_text() == "not a folder"


def test_file_too_large_while_writing_keeps_the_previous_site(make_site):
    """A real write failure: RLIMIT_FSIZE makes the kernel refuse big writes (EFBIG),
    as a full disk refuses them with ENOSPC."""
    import resource
    import signal

    project = make_site(CATEGORY_FILES)
    assert kbgen("build", cwd=project).returncode == 0
    before = snapshot(project / "site")
    (project / "content/returns/new.md").write_text("---\ntitle: New\n---\nNew page.\n")

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024, 512 * 1024))

    result = kbgen("build", cwd=project, preexec_fn=limit_file_size)
    assert_one_clean_line(result, "Error: cannot write the site: ", ".site.building-", "File too large")
    assert snapshot(project / "site") == before
    assert list(project.glob(".site.building-*")) == []


FULL_DISK = textwrap.dedent(
    """
    import json, os, subprocess, sys
    disk, project = sys.argv[1], sys.argv[2]
    def sh(*cmd):
        return subprocess.run(cmd, capture_output=True, text=True)
    mount = sh("mount", "-t", "tmpfs", "-o", "size=" + sys.argv[3], "tmpfs", disk)
    if mount.returncode:
        print(json.dumps({"skip": mount.stderr.strip()})); sys.exit()
    kb = [sys.executable, "-m", "kbgen", "build", "-d", disk + "/site"]
    first = subprocess.run(kb, cwd=project, capture_output=True, text=True)
    files = lambda: sorted(os.path.relpath(os.path.join(d, f), disk) for d, _, fs in os.walk(disk) for f in fs)
    before = files()
    open(os.path.join(project, "content/returns/new.md"), "w").write("---\\ntitle: New\\n---\\nNew.\\n")
    full = subprocess.run(kb, cwd=project, capture_output=True, text=True)
    sh("mount", "-o", "remount,ro", disk)
    readonly = subprocess.run(kb, cwd=project, capture_output=True, text=True)
    print(json.dumps({
        "first": first.returncode, "before": before, "after_full": files(),
        "full": [full.returncode, full.stderr], "readonly": [readonly.returncode, readonly.stderr],
    }))
    """
)


def test_disk_full_and_read_only_output_on_a_real_small_filesystem(make_site, tmp_path):
    """ENOSPC and EROFS for real: a tiny tmpfs in a private mount namespace (skipped
    where the machine does not allow mounting)."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) to mount a small private filesystem")
    project = make_site(CATEGORY_FILES)
    disk = tmp_path / "disk"
    disk.mkdir()
    # room for one site, not for the old one and a new one side by side
    probe = kbgen("build", "-d", tmp_path / "probe", cwd=project)
    assert probe.returncode == 0
    size = sum(p.stat().st_size for p in (tmp_path / "probe").rglob("*") if p.is_file())
    run = subprocess.run(
        [
            "unshare",
            "-m",
            "--propagation",
            "private",
            sys.executable,
            "-c",
            FULL_DISK,
            disk,
            project,
            f"{size * 3 // 2}",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    if run.returncode != 0 and "Operation not permitted" in run.stderr:
        pytest.skip(f"cannot unshare a mount namespace here: {run.stderr.strip()[:200]}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    if "skip" in report:
        pytest.skip(f"cannot mount a tmpfs here: {report['skip']}")
    assert report["first"] == 0
    assert report["after_full"] == report["before"]  # the previous site, and nothing else
    for (code, stderr), reason in ((report["full"], "No space left on device"), (report["readonly"], "Read-only")):
        result = subprocess.CompletedProcess([], code, "", stderr)
        assert_one_clean_line(result, reason)


def test_an_installation_missing_its_default_images_is_one_clean_error(make_site, monkeypatch):
    """A kbgen whose theme folder lost its default logo (a broken installation) says so and
    how to fix it, and leaves the site alone; never a traceback."""
    from kbgen.build import BuildFailed, build
    from kbgen.pages import brand

    project = make_site(CATEGORY_FILES)
    monkeypatch.setattr(brand, "DEFAULT_LOGO", "assets/kbgen/no-such-logo.png")
    with pytest.raises(BuildFailed) as failed:
        build(project / "mkdocs.yml", project / "site")
    said = "\n".join(failed.value.errors)
    assert "kbgen's default images are missing" in said and "reinstall kbgen" in said
    assert "Traceback" not in said
    assert not (project / "site").exists()
