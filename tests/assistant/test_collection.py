"""The one place that opens a collection: each index owns its articles, side by side in one folder, and
the same page can go into two indexes; an older layout's shared articles folder is adopted once."""
from __future__ import annotations

import shutil

import pytest
from localweb import PAGES, Site

from assistant.collection import Collection, Config, UploadError
from assistant.readers import RuleReader
from assistant.settings import ReaderKind, ReaderSettings
from index.build import build_index, is_current
from index.embedding import FakeEmbedder
from index.fetch import FetchPolicy
from index.place import Place
from index.store import read_snapshot

LOCAL = FetchPolicy(timeout_s=2.0, total_s=10.0, allow_private=True)


def _collection(root, settings, **kw) -> Collection:
    return Collection(Place(root), Config(build=settings, reader=ReaderSettings(kind=ReaderKind.RULES)),
                      embedder=FakeEmbedder(), **kw)


def test_two_collections_in_one_folder_stay_apart(tmp_path, seeds_copy, fake_settings):
    parent = tmp_path / "P"
    build_index([seeds_copy], parent / "a", fake_settings, FakeEmbedder())
    a = _collection(parent / "a", fake_settings)
    up = tmp_path / "upload"
    up.mkdir()
    (up / "arctic.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks in Tromso.\n")
    assert "added arctic" in a.add_files([up / "arctic.txt"])

    report = build_index([seeds_copy], parent / "c", fake_settings, FakeEmbedder())
    assert report.articles == 5  # the seeds only: a's upload is a's
    assert "arctic" in a.articles and len(a.articles) == 6
    assert "arctic" not in {x.id for x in read_snapshot(parent / "c").articles}
    c = _collection(parent / "c", fake_settings)
    assert c.removable() == [] and a.removable() == ["arctic.txt"]
    with pytest.raises(UploadError):
        c.remove("arctic.txt")
    assert "arctic" in a.articles  # nothing c did reached a


def test_the_same_url_builds_a_second_index(tmp_path, seeds_copy, fake_settings):
    parent = tmp_path / "P"
    with Site() as site:
        url = site.page("/story", (PAGES / "globalwire-geneva-talks.html").read_text())
        a = _collection(parent / "a", fake_settings, fetch_policy=LOCAL)
        report, rebuilt = a.add_web([url])
        assert [s.status for s in report.staged] == ["added"] and rebuilt
        b = _collection(parent / "b", fake_settings, fetch_policy=LOCAL)
        report, rebuilt = b.add_web([url])
        assert [s.status for s in report.staged] == ["added"] and rebuilt  # new to b, not "unchanged"
        again, rebuilt = b.add_web([url])
        assert again.unchanged and not again.staged and rebuilt is None
    ids_a = {x.id for x in read_snapshot(parent / "a").articles}
    ids_b = {x.id for x in read_snapshot(parent / "b").articles}
    assert ids_a == ids_b and len(ids_b) == 1
    assert sorted(p.name for p in (parent / "a" / "articles").iterdir()) == \
        sorted(p.name for p in (parent / "b" / "articles").iterdir())


def test_an_older_shared_articles_folder_is_adopted_once(tmp_path, seeds_copy, fake_settings):
    """Before, uploads lived in P/articles beside every index: an index takes its own copies, once."""
    parent = tmp_path / "P"
    legacy = parent / "articles"
    legacy.mkdir(parents=True)
    (legacy / "arctic.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks.\n")
    build_index([seeds_copy, legacy], parent / "old", fake_settings, FakeEmbedder())  # how an old build read it
    assert not is_current([seeds_copy], parent / "old", fake_settings)  # its own articles are still outside it
    report = build_index([seeds_copy], parent / "old", fake_settings, FakeEmbedder())
    assert len(report.notices) == 1 and "arctic" not in report.notices[0] and "1 own article" in report.notices[0]
    assert (parent / "old" / "articles" / "arctic.txt").is_file() and (legacy / "arctic.txt").is_file()
    assert report.embedded == 0 and report.articles == 6  # nothing lost, nothing embedded again
    held = {x.id: x for x in read_snapshot(parent / "old").articles}
    assert held["arctic"].source == str(parent / "old" / "articles" / "arctic.txt")
    again = build_index([seeds_copy], parent / "old", fake_settings, FakeEmbedder())
    assert again.notices == [] and is_current([seeds_copy], parent / "old", fake_settings)
    fresh = build_index([seeds_copy], parent / "new", fake_settings, FakeEmbedder())
    assert fresh.articles == 5 and fresh.notices == []  # a new neighbour never takes them


def test_a_collection_is_cheap_until_used_and_answers_after_warm_up(tmp_path, seeds_copy, fake_settings):
    root = tmp_path / "idx"
    build_index([seeds_copy], root, fake_settings, FakeEmbedder())
    c = Collection(Place(root), Config(build=fake_settings), embedder=FakeEmbedder(), reader=RuleReader())
    assert c._assistant is None
    c.warm_up()
    assert c.store.kind == "folder" and len(c.articles) == 5
    hits = c.search("INF Treaty")
    assert hits and all(c.articles[h.article_id].text[h.start:h.end] == h.text for h in hits)
    speaker, topic, quotes = c.quotes("What did Ryabkov say about NATO?")
    assert speaker and "Ryabkov" in speaker and topic
    with pytest.raises(UploadError):
        c.add_files([])


def test_a_moved_index_folder_keeps_its_articles(tmp_path, seeds_copy, fake_settings):
    a = _collection(tmp_path / "a", fake_settings)
    build_index([seeds_copy], tmp_path / "a", fake_settings, FakeEmbedder())
    up = tmp_path / "up"
    up.mkdir()
    (up / "arctic.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks.\n")
    a.add_files([up / "arctic.txt"])
    shutil.move(str(tmp_path / "a"), str(tmp_path / "moved"))
    report = build_index([seeds_copy], tmp_path / "moved", fake_settings, FakeEmbedder())
    assert report.articles == 6 and report.embedded == 0


def test_quotes_and_search_on_milvus_equal_the_folder(tmp_path, seeds_copy, fake_settings):
    """`quotes` and `search` once opened the folder index whatever store they were given."""
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from index.milvus_store import MilvusConfig

    folder = Place(tmp_path / "idx")
    milvus = Place(tmp_path / "idx", MilvusConfig(str(tmp_path / "m.db")))
    for place in (folder, milvus):
        build_index([seeds_copy], place, fake_settings, FakeEmbedder())
    a, b = (Collection(p, Config(build=fake_settings), embedder=FakeEmbedder(), reader=RuleReader())
            for p in (folder, milvus))
    assert b.store.kind == "milvus"
    for question in ("What did Ryabkov say about NATO?", "Who said the talks were difficult?", "security guarantees"):
        assert a.quotes(question) == b.quotes(question)
    assert len(b.quotes("What did Ryabkov say about NATO?")[2]) >= 2
    assert a.quotes("Geneva", speaker="Ryabkov")[2] == b.quotes("Geneva", speaker="Ryabkov")[2]
    for query in ("Geneva", "INF Treaty", "NATO expansion"):
        hits_a, hits_b = a.search(query), b.search(query)
        assert hits_a and [(h.article_id, h.start, h.end) for h in hits_a] == [(h.article_id, h.start, h.end) for h in hits_b]
