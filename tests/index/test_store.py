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
from index.store import IndexError_, current_version, read_snapshot


def _build(articles, root, settings, embedder=None):
    return build_index([articles], root, settings, embedder or FakeEmbedder())


def test_manifest_round_trip(seeds_copy, tmp_path, fake_settings):
    root = tmp_path / "idx"
    report = _build(seeds_copy, root, fake_settings)
    snap = read_snapshot(root, expect_model="fake-hash-64")
    m = snap.manifest
    assert m["format_version"] == store.FORMAT_VERSION
    assert m["model"] == {"name": "fake-hash-64", "dim": 64}
    assert m["settings"] == fake_settings.build_settings()
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
        (version / "bm25_data.npy").unlink()
    elif damage == "truncate_faiss":
        p = version / "chunks.faiss"
        p.write_bytes(p.read_bytes()[:100])
    elif damage == "manifest_json":
        (version / "manifest.json").write_text("{not json")
    with pytest.raises(IndexError_) as e:
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
from index.settings import Settings
real = store.SparseBM25.save
def save_then_die(self, folder):
    real(self, folder)
    if os.environ.get("DIE"):
        os.kill(os.getpid(), signal.SIGKILL)
store.SparseBM25.save = save_then_die
build_index([Path({str(seeds_copy)!r})], Path({str(root)!r}), Settings(model="fake-hash-64"), FakeEmbedder())
"""
    cwd = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=cwd)
    before = current_version(root)
    (seeds_copy / "new.txt").write_text("A new article about talks in Vienna.\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env={**__import__("os").environ, "DIE": "1"})
    assert proc.returncode == -9
    assert current_version(root) == before
    assert len(read_snapshot(root).articles) == 5
    _build(seeds_copy, root, __import__("index.settings").settings.Settings(model="fake-hash-64"))
    assert len(read_snapshot(root).articles) == 6
    assert not [p for p in root.iterdir() if p.name.startswith("tmp-")]  # the debris is cleaned up


def test_incremental_rebuild_equals_fresh_build(seeds_copy, tmp_path, fake_settings):
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
    assert a.manifest["files"] == b.manifest["files"]  # byte-identical files
    assert a.articles == b.articles and a.chunks == b.chunks and a.sentences == b.sentences
    np.testing.assert_array_equal(a.chunk_index.reconstruct_n(0, len(a.chunks)),
                                  b.chunk_index.reconstruct_n(0, len(b.chunks)))


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
