"""`newsdesk add` against a news site on 127.0.0.1 (the CLI may fetch any address)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from localweb import Site, rss

from index.build import build_index
from index.place import collection_dir
from index.store import read_snapshot

ROOT = Path(__file__).resolve().parents[2]


def newsdesk(*args):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)


@pytest.fixture
def site():
    with Site() as s:
        yield s


def test_add_urls_and_a_feed(tmp_path, seeds_copy, fake_settings, fake_embedder, site):
    idx = tmp_path / "idx"
    build_index([seeds_copy], idx, fake_settings, fake_embedder)
    out = newsdesk("add", site.url + "/news/globalwire-geneva-talks.html", site.url + "/missing",
                   site.url + "/data.json", "--index", str(idx), "--model", "fake-hash-64")
    assert out.returncode == 2, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("newsdesk: error:")]
    assert len(errors) == 2 and "HTTP 404" in errors[0] and "content type application/json" in errors[1]
    assert "Traceback" not in out.stderr and "[1/3] fetching" in out.stderr
    assert "added 127-0-0-1-globalwire-geneva-talks-" in out.stdout and "1 added, 0 updated, 2 failed" in out.stdout
    snap = read_snapshot(idx)
    assert len(snap.articles) == 6 and snap.manifest["sources"] == [str(seeds_copy)]

    site.page("/feed.xml", rss(site, [(site.url + "/news/globalwire-geneva-talks.html", "Geneva"),
                                      (site.url + "/news/gulf-tribune-desalination.html", "Oman"),
                                      (None, "Broken")]), "application/rss+xml")
    out = newsdesk("add", "--feed", site.url + "/feed.xml", "--index", str(idx), "--model", "fake-hash-64")
    assert out.returncode == 2 and "item 3 (Broken): no link" in out.stderr
    assert "1 added, 0 updated, 1 already in the collection, 1 failed" in out.stdout
    assert len(read_snapshot(idx).articles) == 7
    assert len(list(collection_dir(idx).glob("*.html"))) == 2


def test_add_without_urls_is_an_error(tmp_path):
    out = newsdesk("add", "--index", str(tmp_path / "i"))
    assert out.returncode == 2 and out.stderr.strip() == "newsdesk: error: give one or more URLs, or --feed FEED_URL"
    out = newsdesk("add", "file:///etc/passwd", "--index", str(tmp_path / "i"), "--model", "fake-hash-64")
    assert out.returncode == 2 and "only http:// and https:// URLs" in out.stderr
    assert not (tmp_path / "i").exists() or not any(collection_dir(tmp_path / "i").glob("*"))
