"""The Ray build (Ray Data stages, an embedding actor pool on a local 2-CPU Ray) equals the
single-process build on the seeds: same articles, sentences, chunks and offsets, vectors within
float tolerance (int8: the runtime's stated cosine tolerance, as activations are scaled per batch and
the actors batch differently), into either store."""
from pathlib import Path

import numpy as np
import pytest

from index.runtime import INT8_MIN_COSINE

ray = pytest.importorskip("ray")

from index.build import get_engine  # noqa: E402
from index.engines import LocalEngine  # noqa: E402
from index.settings import BuildSettings  # noqa: E402

pytestmark = pytest.mark.slow


def assert_same_vectors(a: np.ndarray, b: np.ndarray, runtime: str, atol: float = 1e-4) -> None:
    a, b = a.astype(np.float32), b.astype(np.float32)
    if runtime == "onnx-int8":
        assert ((a * b).sum(1) >= INT8_MIN_COSINE).all()
    else:
        assert np.abs(a - b).max() < atol  # batched differently: float noise only


@pytest.fixture(scope="module")
def both(seeds_dir, real_embedder):
    """The seeds through the local engine and through Ray (which it starts and shuts down itself)."""
    settings = BuildSettings()
    local, remote = LocalEngine(), get_engine("ray", workers=2)
    loaded, ray_loaded = local.load([seeds_dir]), remote.load([seeds_dir])
    docs = sorted(loaded.documents, key=lambda d: d.id)
    out = (loaded, ray_loaded, local.process(docs, 7, settings, real_embedder, False),
           remote.process(sorted(ray_loaded.documents, key=lambda d: d.id), 7, settings, real_embedder, False))
    assert not ray.is_initialized()  # the engine shuts down the Ray it started: no workers left behind
    return out


def test_ray_loads_the_same_documents(both):
    loaded, ray_loaded, _, _ = both
    assert ray_loaded.documents == loaded.documents and ray_loaded.skipped == loaded.skipped


def test_ray_build_equals_the_single_process_build(both):
    _, _, local, remote = both
    assert remote.articles == local.articles
    assert remote.sentences == local.sentences
    assert remote.chunks == local.chunks  # offsets and sentence ids (numbered from 7 here) alike
    assert min(s for c in remote.chunks for s in c.sentences) == 7
    assert remote.chunk_vecs.dtype == np.float32 and remote.chunk_vecs.shape == local.chunk_vecs.shape
    runtime = BuildSettings().runtime
    assert_same_vectors(remote.chunk_vecs, local.chunk_vecs, runtime)
    assert_same_vectors(remote.sent_vecs, local.sent_vecs, runtime, atol=2e-3)
    for a in remote.articles:
        for c in (c for c in remote.chunks if c.article_id == a.id):
            assert a.text[c.start:c.end] == c.text


def test_ray_engine_writes_to_the_milvus_store(tmp_path, seeds_dir, real_embedder):
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from index.build import build_index
    from index.milvus_store import MilvusConfig, MilvusStore
    from index.place import Place
    from index.newsindex import NewsIndex

    settings = BuildSettings()
    config = MilvusConfig(str(tmp_path / "m.db"))
    report = build_index([seeds_dir], Place(Path(config.uri).parent, config), settings, real_embedder, engine=get_engine("ray", workers=2))
    assert not ray.is_initialized()
    build_index([seeds_dir], tmp_path / "index", settings, real_embedder)
    store, folder = MilvusStore(config, real_embedder), NewsIndex(tmp_path / "index", real_embedder)
    assert store.manifest["engine"] == "ray" and report.chunks == len(folder.chunks)
    assert list(store.chunks) == list(folder.chunks) and list(store.sentences) == list(folder.sentences)
    ids = np.arange(len(folder.chunks))
    assert_same_vectors(store.chunk_vectors(ids), folder.chunk_vectors(ids), settings.runtime)
    store.close()


def test_ray_engine_writes_to_the_folder_store(tmp_path, seeds_copy, real_embedder):
    """The folder build with engine=Ray equals the single-process folder build, also when rebuilding."""
    from index.build import build_index
    from index.newsindex import NewsIndex

    settings = BuildSettings()
    a = build_index([seeds_copy], tmp_path / "local", settings, real_embedder)
    b = build_index([seeds_copy], tmp_path / "ray", settings, real_embedder, engine=get_engine("ray", workers=2))
    assert (a.chunks, a.sentences, a.embedded) == (b.chunks, b.sentences, b.embedded)
    sorted(seeds_copy.iterdir())[2].unlink()  # a removal: the rest is reused, nothing embedded
    c = build_index([seeds_copy], tmp_path / "ray", settings, real_embedder, engine=get_engine("ray", workers=2))
    assert c.embedded == 0 and c.removed and not ray.is_initialized()
    build_index([seeds_copy], tmp_path / "local", settings, real_embedder)
    x, y = NewsIndex(tmp_path / "local", real_embedder), NewsIndex(tmp_path / "ray", real_embedder)
    assert list(x.chunks) == list(y.chunks) and x.articles == y.articles
    ids = np.arange(len(x.chunks))
    assert_same_vectors(x.chunk_vectors(ids), y.chunk_vectors(ids), settings.runtime)


def test_ray_start_tries_once_more_when_its_node_misses_the_deadline(monkeypatch):
    from index import ray_build

    calls = []

    def init(**kw):
        calls.append(kw)
        if len(calls) == 1:  # what Ray raises when the raylet is late on a loaded machine
            raise Exception("The current node timed out during startup.")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", init)
    monkeypatch.setattr(ray, "shutdown", lambda: None)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert ray_build.start_ray() is True and len(calls) == 2


def test_every_engine_and_writer_builds_a_collection_with_a_page_a_feed_item_and_an_upload(tmp_path, seeds_copy):
    """A fetched page, a feed item and an upload in the collection's own folder: the Ray loader once
    handed a page's metadata back as a dict (asdict() then failed); every engine and writer agree now."""
    import shutil

    from localweb import PAGES, Site, rss

    from assistant.collection import Collection, Config
    from assistant.readers import RuleReader
    from index.build import build_index
    from index.embedding import FakeEmbedder
    from index.fetch import FetchPolicy
    from index.newsindex import NewsIndex
    from index.place import Place

    settings = BuildSettings(model="fake-hash-64")
    local = Place(tmp_path / "local")
    build_index([seeds_copy], local, settings, FakeEmbedder())
    c = Collection(local, Config(build=settings), embedder=FakeEmbedder(), reader=RuleReader(),
                   fetch_policy=FetchPolicy(timeout_s=2.0, total_s=10.0, allow_private=True))
    with Site() as site:
        page = site.page("/story", (PAGES / "globalwire-geneva-talks.html").read_text())
        item = site.page("/item", (PAGES / "gulf-tribune-desalination.html").read_text())
        site.page("/feed.xml", rss(site, [(item, "Oman")]), "application/rss+xml")
        report, _ = c.add_web([page], [site.url + "/feed.xml"])
    assert len(report.staged) == 2
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "arctic.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia met.\n")
    c.add_files([tmp_path / "up" / "arctic.txt"])
    want = NewsIndex(local.root, FakeEmbedder())
    assert len(want.articles) == 8 and any(a.fetched_at for a in want.articles.values())

    ray_folder = Place(tmp_path / "ray")
    shutil.copytree(local.articles_dir, ray_folder.articles_dir)
    build_index([seeds_copy], ray_folder, settings, FakeEmbedder(), engine=get_engine("ray", workers=2))
    got = NewsIndex(ray_folder.root, FakeEmbedder())
    assert sorted(got.articles) == sorted(want.articles)
    assert all(got.articles[i].sha256 == a.sha256 and got.articles[i].author == a.author
               for i, a in want.articles.items())

    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from index.milvus_store import MilvusConfig, MilvusStore

    for name, engine in (("local", None), ("ray", get_engine("ray", workers=2))):
        config = MilvusConfig(str(tmp_path / "m.db"), name=name)
        milvus = Place(tmp_path / "m", config)
        shutil.copytree(local.articles_dir, milvus.articles_dir)
        build_index([seeds_copy], milvus, settings, FakeEmbedder(), engine=engine, lock_timeout=5)
        store = MilvusStore(config, FakeEmbedder())
        assert sorted(store.articles) == sorted(want.articles)
        assert list(store.chunks) == list(got.chunks)
