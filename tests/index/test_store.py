import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.build import BuildError, build_index
from index.embedding import FakeEmbedder
from index.store import IndexUnreadable, current_version, read_snapshot


def _build(articles, root, settings, embedder=None):
    return build_index([articles], root, settings, embedder or FakeEmbedder())


def test_manifest_round_trip(seeds_copy, tmp_path, fake_settings):
    root = tmp_path / "idx"
    report = _build(seeds_copy, root, fake_settings)
    snap = read_snapshot(root, expect_model="fake-hash-64")
    m = snap.manifest
    assert m["format_version"] == store.FORMAT_VERSION
    assert m["model"] == {"name": "fake-hash-64", "dim": 64, "runtime": "fake", "runtimes": ["fake"]}
    assert m["settings"] == fake_settings.manifest_settings()
    assert m["counts"] == {"articles": 5, "sentences": report.sentences, "chunks": report.chunks,
                           "bm25_terms": len(snap.bm25.vocab)}
    assert set(m["articles"]) == {p.stem for p in seeds_copy.iterdir()}
    assert all(len(h) == 64 for h in m["files"].values())
    for c in snap.chunks:
        assert snap.articles[[a.id for a in snap.articles].index(c.article_id)].text[c.start:c.end] == c.text


@pytest.mark.parametrize("damage, phrase", [
    ("model", "was built with model"),
    ("format", "format version"),
    ("edit", "does not match its manifest hash"),
    ("missing", "is missing"),
    ("truncate_faiss", "does not match its manifest hash"),
    ("manifest_json", "not valid JSON"),
])
def test_damaged_index_is_refused_with_one_sentence(seeds_copy, tmp_path, fake_settings, damage, phrase):
    root = tmp_path / "idx"
    _build(seeds_copy, root, fake_settings)
    version = current_version(root)
    expect = None
    if damage == "model":
        expect = "sentence-transformers/all-MiniLM-L6-v2"
    elif damage == "format":
        m = json.loads((version / "manifest.json").read_text())
        m["format_version"] = 99
        (version / "manifest.json").write_text(json.dumps(m))
    elif damage == "edit":
        p = version / "chunks.jsonl"
        p.write_text(p.read_text().replace("0", "1", 1))
    elif damage == "missing":
        (version / "bm25_tf.npy").unlink()
    elif damage == "truncate_faiss":
        p = version / "chunks.faiss"
        p.write_bytes(p.read_bytes()[:100])
    elif damage == "manifest_json":
        (version / "manifest.json").write_text("{not json")
    with pytest.raises(IndexUnreadable) as e:
        read_snapshot(root, expect_model=expect)
    assert phrase in str(e.value) and "\n" not in str(e.value)


def test_failed_build_leaves_the_previous_index_live(seeds_copy, tmp_path, fake_settings, monkeypatch):
    root = tmp_path / "idx"
    _build(seeds_copy, root, fake_settings)
    before = current_version(root)
    (seeds_copy / "new.txt").write_text("A new article about talks in Vienna.\n")

    def boom(*a, **k):
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing

    monkeypatch.setattr(store.SparseBM25, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        _build(seeds_copy, root, fake_settings)
    assert current_version(root) == before
    assert len(read_snapshot(root).articles) == 5


def test_killed_build_leaves_the_previous_index_live(seeds_copy, tmp_path):
    root = tmp_path / "idx"
    code = f"""
import os, signal, sys
from pathlib import Path
from index import store
from index.build import build_index
from index.embedding import FakeEmbedder
from index.settings import BuildSettings
real = store.SparseBM25.save
def save_then_die(self, folder):
    real(self, folder)
    if os.environ.get("DIE"):
        os.kill(os.getpid(), signal.SIGKILL)
store.SparseBM25.save = save_then_die
build_index([Path({str(seeds_copy)!r})], Path({str(root)!r}), BuildSettings(model="fake-hash-64"), FakeEmbedder())
"""
    cwd = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=cwd)
    before = current_version(root)
    (seeds_copy / "new.txt").write_text("A new article about talks in Vienna.\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env={**__import__("os").environ, "DIE": "1"})
    assert proc.returncode == -9
    assert current_version(root) == before
    assert len(read_snapshot(root).articles) == 5
    _build(seeds_copy, root, __import__("index.settings").settings.BuildSettings(model="fake-hash-64"))
    assert len(read_snapshot(root).articles) == 6
    assert not [p for p in root.iterdir() if p.name.startswith("tmp-")]  # the debris is cleaned up


def _by_key(snap):
    """Chunk and sentence vectors keyed by (article, start, end): an index's content, whatever its order."""
    chunks = dict(zip(((c.article_id, c.start, c.end, c.text) for c in snap.chunks),
                      snap.chunk_index.reconstruct_n(0, len(snap.chunks)).tolist()))
    sents = dict(zip(((s.article_id, s.start, s.end) for s in snap.sentences), np.asarray(snap.sentence_vectors).tolist()))
    return chunks, sents


def test_appending_articles_extends_the_index_and_equals_a_fresh_build(seeds_copy, tmp_path, fake_settings):
    inc = tmp_path / "inc"
    before = _build(seeds_copy, inc, fake_settings)
    (seeds_copy / "zz_new.md").write_text("Vienna talks\n\nThe OSCE met in Vienna on Thursday.\n")
    report = _build(seeds_copy, inc, fake_settings)
    assert report.removed == [] and report.reused == before.embedded  # only the new article is embedded
    assert report.embedded == (report.chunks - before.chunks) + (report.sentences - before.sentences) > 0
    fresh = tmp_path / "fresh"
    _build(seeds_copy, fresh, fake_settings)
    a, b = read_snapshot(inc), read_snapshot(fresh)
    assert a.manifest["files"] == b.manifest["files"]  # byte-identical files


def test_removing_and_changing_articles_rebuilds_the_same_content(seeds_copy, tmp_path, fake_settings):
    inc = tmp_path / "inc"
    _build(seeds_copy, inc, fake_settings)
    (seeds_copy / "000_26fa5ce3f242af54.txt").unlink()
    p = seeds_copy / "003_70ff3accb9f1b79d.txt"
    p.write_text(p.read_text().replace("not very", "hardly"))
    (seeds_copy / "zz_new.md").write_text("Vienna talks\n\nThe OSCE met in Vienna on Thursday.\n")
    report = _build(seeds_copy, inc, fake_settings)
    assert report.removed == ["000_26fa5ce3f242af54"] and report.reused > 0
    fresh = tmp_path / "fresh"
    _build(seeds_copy, fresh, fake_settings)
    a, b = read_snapshot(inc), read_snapshot(fresh)
    assert sorted(x.id for x in a.articles) == sorted(x.id for x in b.articles)
    assert [x.id for x in a.articles][-2:] == ["003_70ff3accb9f1b79d", "zz_new"]  # kept ones keep their place
    assert _by_key(a) == _by_key(b)
    for c in a.chunks:  # renumbered sentence ids still point inside their chunk
        assert all(c.start <= a.sentences[i].start and a.sentences[i].end <= c.end for i in c.sentences)
    qt = ["vienna", "security", "guarantees"]
    score_a = {(c.article_id, c.start): v for c, v in zip(a.chunks, a.bm25.scores(qt))}
    score_b = {(c.article_id, c.start): v for c, v in zip(b.chunks, b.bm25.scores(qt))}
    assert score_a.keys() == score_b.keys()
    np.testing.assert_allclose([score_a[k] for k in score_b], list(score_b.values()), rtol=1e-6)


def test_two_builds_at_once_one_fails_clearly(seeds_copy, tmp_path, fake_settings):
    root = tmp_path / "idx"
    started, release = threading.Event(), threading.Event()

    class SlowEmbedder(FakeEmbedder):
        def encode(self, texts, progress=False):
            started.set()
            release.wait(10)
            return super().encode(texts)

    t = threading.Thread(target=_build, args=(seeds_copy, root, fake_settings, SlowEmbedder()))
    t.start()
    started.wait(10)
    with pytest.raises(BuildError, match="another build"):
        _build(seeds_copy, root, fake_settings)
    release.set()
    t.join()
    assert len(read_snapshot(root).articles) == 5


def test_nothing_to_index(tmp_path, fake_settings):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "empty.txt").write_text("")
    with pytest.raises(BuildError, match="nothing to index"):
        _build(tmp_path / "a", tmp_path / "idx", fake_settings)


def test_is_current_tracks_articles_model_and_settings(seeds_copy, tmp_path, fake_settings):
    from index.build import is_current

    root = tmp_path / "idx"
    assert not is_current([seeds_copy], root, fake_settings)
    _build(seeds_copy, root, fake_settings)
    assert is_current([seeds_copy], root, fake_settings)
    assert not is_current([seeds_copy], root, fake_settings.with_(chunk_chars=300))
    assert not is_current([seeds_copy], root, fake_settings.with_(model="other-model"))
    (seeds_copy / "new.txt").write_text("A new article.\n")
    assert not is_current([seeds_copy], root, fake_settings)


def test_hnsw_above_the_threshold_grows_in_place_and_searches(seeds_copy, tmp_path, fake_settings):
    settings = fake_settings.with_(exact_search_max=10)
    root = tmp_path / "idx"
    first = _build(seeds_copy, root, settings)
    assert first.faiss_kind == "hnsw" and read_snapshot(root).manifest["faiss"] == {"chunks": "hnsw"}
    (seeds_copy / "zz_new.md").write_text("Vienna talks\n\nThe OSCE met in Vienna on Thursday.\n")
    grown = _build(seeds_copy, root, settings)
    assert grown.faiss_kind == "hnsw" and grown.embedded == (grown.chunks - first.chunks) + (grown.sentences - first.sentences)
    snap = read_snapshot(root)
    new = next(i for i, c in enumerate(snap.chunks) if c.article_id == "zz_new")
    query = FakeEmbedder().encode([snap.chunks[new].text])
    _, ids = snap.chunk_index.search(query, 3)
    assert ids[0][0] == new  # the appended chunk is found through the graph
    (seeds_copy / "zz_new.md").unlink()
    shrunk = _build(seeds_copy, root, settings)
    assert shrunk.faiss_kind == "hnsw" and shrunk.removed == ["zz_new"] and shrunk.chunks == first.chunks


def test_the_hnsw_graph_grows_denser_for_a_million_vectors():
    from index.store import DENSE_GRAPH_MIN, hnsw_graph, make_faiss

    assert hnsw_graph(100_000) == (32, 80) and hnsw_graph(DENSE_GRAPH_MIN) == (48, 200)
    vecs = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
    index, kind = make_faiss(vecs, exact_max=100)
    assert kind == "hnsw" and index.hnsw.efConstruction == 80 and index.ntotal == 300


def test_parses_are_stored_at_build_and_read_back_instead_of_parsing(tmp_path, seeds_copy, fake_settings, monkeypatch):
    """Format 4: each article's dependency parse is written by the one writer (parses.jsonl) and answering
    reads it from the open index; nothing is parsed again, and a growth keeps the stored parses."""
    from index import parsing
    from index.embedding import FakeEmbedder
    from index.newsindex import NewsIndex

    build_index([seeds_copy], tmp_path / "idx", fake_settings, FakeEmbedder())
    snap = read_snapshot(tmp_path / "idx")
    assert len(snap.parses) == len(snap.articles) and all(p and p["quotations"] for p in snap.parses[:2])
    index = NewsIndex(tmp_path / "idx", FakeEmbedder())
    parsing._cache.clear()
    monkeypatch.setattr(parsing, "_run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed again")))
    for a in index.articles.values():
        parse = parsing.article_parse(a.text)
        assert parse.text_sha256 == parsing.text_sha256(a.text)
    (seeds_copy / "extra.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia met.\n")
    monkeypatch.undo()
    report = build_index([seeds_copy], tmp_path / "idx", fake_settings, FakeEmbedder())
    assert report.embedded and read_snapshot(tmp_path / "idx").parses[:5] == snap.parses[:5]
