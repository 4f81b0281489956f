"""Pages and feed items into the collection: new items only, the same page once, changed pages replaced
with the time of the update, and nothing lost or half-added when a fetch or the rebuild fails."""
from __future__ import annotations

from pathlib import Path

import pytest
from localweb import PAGES, Site, rss

from index.build import build_index
from index.place import collection_dir
from index.collect import collect, collect_feed, stored_pages, write_and_rebuild
from index.fetch import FetchPolicy
from index.store import read_snapshot

POLICY = FetchPolicy(timeout_s=1.0, total_s=5.0, max_bytes=512 * 1024)
GENEVA = "/news/globalwire-geneva-talks.html"


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def index_root(tmp_path, seeds_copy, fake_settings, fake_embedder):
    root = tmp_path / "idx"
    build_index([seeds_copy], root, fake_settings, fake_embedder)
    return root


def _add(report, root, settings, embedder):
    from index.store import read_manifest

    sources = [Path(p) for p in read_manifest(root)["sources"]]
    return write_and_rebuild(report.staged, collection_dir(root), lambda: build_index(sources, root, settings, embedder))


def test_feed_adds_new_items_only_and_reports_broken_ones(site, index_root, fake_settings, fake_embedder):
    site.page("/feed.xml", rss(site, [(site.url + GENEVA, "Geneva"), (None, "No link"),
                                      (site.url + "/missing", "Gone"),
                                      (site.url + "/news/harbour-post-housing.html?utm_source=rss", "Housing")]),
              "application/rss+xml")
    col = collection_dir(index_root)
    report = collect_feed(site.url + "/feed.xml", col, POLICY)
    assert sorted(s.status for s in report.staged) == ["added", "added"]
    assert len(report.failed) == 2 and "no link" in report.failed[0] and "HTTP 404" in report.failed[1]
    _add(report, index_root, fake_settings, fake_embedder)
    snap = read_snapshot(index_root)
    web = [a for a in snap.articles if a.url]
    assert len(snap.articles) == 7 and {a.outlet.value for a in web} == {"Global Wire", "The Harbour Post"}
    assert all(a.fetched_at and a.updated_at is None for a in web)
    texts = {a.id: a.text for a in snap.articles}
    assert all(texts[s.article_id][s.start:s.end] == s.text for s in snap.sentences)

    hits = len(site.hits)
    again = collect_feed(site.url + "/feed.xml", col, POLICY)
    assert again.staged == [] and len(again.known) == 2
    assert site.hits[hits:] == ["/feed.xml", "/missing"]  # known items are not fetched again


def test_same_page_never_twice_and_a_changed_page_replaces_it(site, index_root, fake_settings, fake_embedder):
    col = collection_dir(index_root)
    html = (PAGES / "globalwire-geneva-talks.html").read_text()
    url = site.page("/story", html)
    first = collect([url, url + "?utm_medium=social", url + "#comments"], col, POLICY)
    assert len(first.staged) == 1 and len(first.unchanged) == 2
    _add(first, index_root, fake_settings, fake_embedder)
    [(doc_id, (path, record))] = stored_pages(col).items()

    assert collect([url], col, POLICY).unchanged == [doc_id]  # fetched again, nothing changed

    site.page("/story", html.replace("seven hours", "eight hours"))  # a correction
    fixed = collect([url], col, POLICY)
    assert [(s.id, s.status) for s in fixed.staged] == [(doc_id, "updated")]
    _add(fixed, index_root, fake_settings, fake_embedder)
    article = next(a for a in read_snapshot(index_root).articles if a.id == doc_id)
    assert "eight hours" in article.text and "seven hours" not in article.text
    assert article.fetched_at == record.fetched_at and article.updated_at >= record.fetched_at
    assert len([p for p in col.iterdir() if not p.name.startswith(".")]) == 1


def test_a_failed_rebuild_leaves_collection_and_index_as_they_were(site, index_root, fake_settings, fake_embedder):
    col = collection_dir(index_root)
    url = site.page("/story", (PAGES / "globalwire-geneva-talks.html").read_text())
    _add(collect([url], col, POLICY), index_root, fake_settings, fake_embedder)
    before_files = {p.name: p.read_bytes() for p in col.iterdir()}
    before_ids = {a.id: a.sha256 for a in read_snapshot(index_root).articles}

    site.page("/story", (PAGES / "globalwire-geneva-talks.html").read_text().replace("Monday", "Tuesday"))
    report = collect([url, site.url + "/news/quarterly-review-glaciers.html"], col, POLICY)
    assert len(report.staged) == 2

    def crash():
        raise KeyboardInterrupt  # the operator's Ctrl-C halfway through the rebuild

    with pytest.raises(KeyboardInterrupt):
        write_and_rebuild(report.staged, col, crash)
    assert {p.name: p.read_bytes() for p in col.iterdir()} == before_files
    assert {a.id: a.sha256 for a in read_snapshot(index_root).articles} == before_ids


def test_failed_fetches_touch_nothing(site, index_root):
    col = collection_dir(index_root)
    report = collect([site.url + p for p in ("/missing", "/slow", "/huge", "/data.json", "/loop-a")]
                     + [site.url + "/news/paywall-shell.html"], col, POLICY)
    assert report.staged == [] and len(report.failed) == 6
    assert "no extractable main text" in report.failed[-1]
    assert not col.exists() or not any(col.iterdir())


def test_an_id_from_a_source_folder_is_not_overwritten(site, index_root):
    col = collection_dir(index_root)
    url = site.page("/story", (PAGES / "globalwire-geneva-talks.html").read_text())
    from index.web import page_id

    taken = {page_id(url)}  # the page names another site as canonical, so its id comes from where it was fetched
    report = collect([url], col, POLICY, taken=taken)
    assert report.staged == [] and "already indexed from a source folder" in report.failed[0]
