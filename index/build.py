"""Build (or incrementally rebuild) an index: the one build path, whatever runs it and wherever it lands.

    build_index(paths, place, settings, embedder, engine=...)

- an engine (index/engines.py: this process, or Ray) loads the documents and turns the new ones into
  articles, sentences, chunks and vectors;
- a writer persists the result: the FAISS + BM25 folder (FolderWriter, below) or Milvus
  (index/milvus_store.MilvusWriter).
The steps between (which articles are unchanged and keep their vectors, near-duplicate signatures, the
manifest) are written once, here. Unchanged articles keep their place; new and changed ones are
appended in id order, so rebuilding over a changed folder costs time for the changes only and the
result equals a fresh build.
"""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Protocol

import numpy as np
from filelock import FileLock, Timeout

from .bm25 import SparseBM25, tokenize
from .duplicates import METHOD as DUPLICATE_METHOD
from .duplicates import NUM_PERM, near_duplicates, signatures
from .embedding import Embedder, embedder_runtime
from .engines import Engine, Kept, LocalEngine, Processed
from .errors import BuildError, UsageError
from .loading import RawDocument
from .model import Chunk
from .place import Place, adopt_legacy_articles, as_place
from .prepare import article_hash
from .settings import BuildSettings
from .store import (
    FORMAT_VERSION,
    IndexUnreadable,
    Snapshot,
    make_faiss,
    read_manifest,
    read_snapshot,
    write_snapshot,
)

log = logging.getLogger(__name__)

__all__ = ["BuildError", "BuildReport", "build_index", "is_current", "get_engine"]


@dataclass
class BuildReport:
    articles: int = 0
    sentences: int = 0
    chunks: int = 0
    embedded: int = 0  # texts embedded in this build
    reused: int = 0  # vectors taken from the previous index
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # one line each, for the person who asked for the build
    seconds: float = 0.0
    version: str = ""
    faiss_kind: str = ""
    where: str = ""


class Writer(Protocol):
    """Persists a build: the folder or Milvus. Each keeps the previous index's parts its own way."""

    kind: str

    def locked(self, timeout: float) -> contextlib.AbstractContextManager: ...

    def previous(self, settings: BuildSettings, model: str) -> Any | None:
        """The live index when it was built with this model and settings (its vectors can be reused)."""

    def indexed(self, previous: Any) -> list[tuple[str, str, str]]:
        """(id, sha256, source) of every article of the previous index, in index order."""

    def keep(self, previous: Any, keep_ids: set[str]) -> Kept: ...

    def write(self, manifest: dict, previous: Any, kept: Kept, new: Processed, signatures: np.ndarray,
              near: dict, appending: bool, settings: BuildSettings, progress: bool) -> tuple[str, str]:
        """Write the whole new version and make it live atomically; (version name, dense index kind)."""

    def live_manifest(self) -> dict | None:
        """The live manifest with each article's sha256 under "articles", or None when there is no index."""

    def readable(self, manifest: dict) -> bool:
        """Whether this newsdesk reads the index format the manifest names (else: rebuild)."""


def get_engine(name: str, workers: int = 2) -> Engine:
    if name == "local":
        return LocalEngine()
    if name == "ray":
        from .ray_build import RayEngine

        return RayEngine(workers)
    raise UsageError(f"unknown build engine {name!r}: use local or ray")


def writer_for(place: Place) -> Writer:
    if place.milvus:
        from .milvus_store import MilvusWriter

        return MilvusWriter(place.milvus)
    return FolderWriter(Path(place.root))


def _inputs(paths: list[Path], place: Place) -> list[Path]:
    """The source folders, then the collection's own articles (never twice)."""
    own = place.articles_dir
    sources = [Path(p) for p in paths if Path(p).resolve() != own.resolve()]
    return sources + ([own] if own.is_dir() else [])


def is_current(paths: list[Path], where: Path | Place, settings: BuildSettings) -> bool:
    """True when the live index already holds exactly these articles, built with this model and settings
    (checked from the files and the manifest alone, without loading the model)."""
    from .loading import load_folder

    place = as_place(where)
    writer = writer_for(place)
    try:
        manifest = writer.live_manifest()
    except IndexUnreadable:
        return False
    if not manifest or not writer.readable(manifest) or manifest.get("model", {}).get("name") != settings.model \
            or manifest.get("settings") != settings.manifest_settings():
        return False
    if adopt_needed(place, manifest):
        return False
    loaded = load_folder(_inputs(paths, place))
    return {d.id: article_hash(d) for d in loaded.documents} == manifest.get("articles")


def adopt_needed(place: Place, manifest: dict) -> bool:
    """True when this index holds articles still kept in the old shared folder beside it."""
    from .loading import load_folder

    legacy = Path(place.root).parent / "articles"
    if place.milvus is not None or place.articles_dir.exists() or not legacy.is_dir():
        return False
    return bool({d.id for d in load_folder([legacy]).documents} & set(manifest.get("articles", {})))


def build_index(paths: list[Path], where: Path | Place, settings: BuildSettings, embedder: Embedder,
                progress: bool = False, lock_timeout: float = 0.0, engine: Engine | None = None) -> BuildReport:
    """Build the index for the articles under paths (and the collection's own articles) at `where` (an
    index folder or a Place), reusing what the live index holds."""
    t0 = time.perf_counter()
    place = as_place(where)
    engine = engine or LocalEngine()
    writer = writer_for(place)
    try:
        with writer.locked(lock_timeout):
            report = _build_locked(paths, place, writer, settings, embedder, progress, engine)
    finally:
        engine.stop()  # a Ray the engine started does not outlive the build
    report.seconds = time.perf_counter() - t0
    report.where = place.shown()
    return report


def _build_locked(paths: list[Path], place: Place, writer: Writer, settings: BuildSettings, embedder: Embedder,
                  progress: bool, engine: Engine) -> BuildReport:
    report = BuildReport()
    previous = writer.previous(settings, embedder.name)
    indexed = writer.indexed(previous) if previous is not None else []
    notice = adopt_legacy_articles(place, [src for _, _, src in indexed])
    if notice:
        report.notices.append(notice)
    loaded = engine.load(_inputs(paths, place))
    report.skipped = loaded.skipped
    if not loaded.documents:
        raise BuildError(f"nothing to index in {', '.join(map(str, paths))}: no readable .txt, .md, .html or .jsonl articles")
    docs: dict[str, RawDocument] = {d.id: d for d in loaded.documents}
    hashes = {i: article_hash(d) for i, d in docs.items()}
    keep_ids = {i for i, sha, _ in indexed if hashes.get(i) == sha}
    report.removed = sorted({i for i, _, _ in indexed} - set(docs))
    appending = previous is not None and len(keep_ids) == len(indexed)
    kept = writer.keep(previous, keep_ids) if previous is not None else \
        Kept([], [], [], np.zeros((0, NUM_PERM), np.uint32))
    # a kept article read from a moved file (its collection folder) records where it is read from now
    kept.articles = [a if a.source == docs[a.id].source else replace(a, source=docs[a.id].source)
                     for a in kept.articles]

    new = engine.process([docs[i] for i in sorted(set(docs) - keep_ids)], len(kept.sentences), settings,
                         embedder, progress)
    articles = kept.articles + new.articles
    if not kept.chunks and not new.chunks:
        raise BuildError("nothing to index: the articles hold no sentences outside boilerplate")
    report.embedded = len(new.chunks) + len(new.sentences)
    report.reused = len(kept.chunks) + len(kept.sentences)
    sigs = np.concatenate([kept.signatures, signatures(new.articles)])
    runtimes = {embedder_runtime(embedder)}
    if previous is not None and report.reused:  # every runtime whose vectors the index holds
        runtimes |= set((writer.live_manifest() or {}).get("model", {}).get("runtimes", []))
    manifest = {
        "model": {"name": embedder.name, "dim": embedder.dim, "runtime": embedder_runtime(embedder),
                  "runtimes": sorted(runtimes)},
        "settings": settings.manifest_settings(),
        "counts": {"articles": len(articles), "sentences": len(kept.sentences) + len(new.sentences),
                   "chunks": len(kept.chunks) + len(new.chunks)},
        "sources": [str(p) for p in paths if Path(p).resolve() != place.articles_dir.resolve()],
        "engine": engine.name,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    near = near_duplicates(articles, sigs)  # a reprint counts once when comparing sources
    version, kind = writer.write(manifest, previous, kept, new, sigs, near, appending, settings, progress)
    report.articles, report.sentences, report.chunks = (manifest["counts"][k] for k in ("articles", "sentences", "chunks"))
    report.version, report.faiss_kind = version, kind
    return report


# --- the folder ------------------------------------------------------------------------------------

class FolderWriter:
    """The FAISS + BM25 folder (index/store.py). When the previous index is only appended to, its FAISS and
    BM25 indexes are extended in place, so growth costs time for the new articles only; a removal or a
    change rebuilds them from the stored vectors."""

    kind = "folder"

    def __init__(self, root: Path):
        self.root = Path(root)

    @contextlib.contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.root / ".lock"), timeout=timeout):
                yield
        except Timeout:
            raise BuildError(f"another build of {self.root} is running; try again when it has finished") from None

    def live_manifest(self) -> dict | None:
        try:
            return read_manifest(self.root)
        except IndexUnreadable:
            return None

    def readable(self, manifest: dict) -> bool:
        return manifest.get("format_version") == FORMAT_VERSION

    def previous(self, settings: BuildSettings, model: str) -> Snapshot | None:
        try:
            snap = read_snapshot(self.root, expect_model=model, writable=True)
        except IndexUnreadable:
            return None
        return snap if snap.manifest.get("settings") == settings.manifest_settings() else None

    def indexed(self, previous: Snapshot) -> list[tuple[str, str, str]]:
        return [(a.id, a.sha256, a.source) for a in previous.articles]

    def keep(self, previous: Snapshot, keep_ids: set[str]) -> Kept:
        new_sid = np.full(len(previous.sentences), -1, np.int64)
        s_rows = [i for i, s in enumerate(previous.sentences) if s.article_id in keep_ids]
        new_sid[s_rows] = np.arange(len(s_rows))
        c_rows = [i for i, c in enumerate(previous.chunks) if c.article_id in keep_ids]
        a_rows = [i for i, a in enumerate(previous.articles) if a.id in keep_ids]
        articles = [previous.articles[i] for i in a_rows]
        same_method = (previous.manifest.get("near_duplicates") or {}).get("method") == DUPLICATE_METHOD
        sigs = previous.article_signatures[a_rows] if same_method else signatures(articles)
        chunks = [Chunk(c.article_id, c.start, c.end, c.text, tuple(int(new_sid[j]) for j in c.sentences))
                  for c in (previous.chunks[i] for i in c_rows)]
        return Kept(articles, [previous.sentences[i] for i in s_rows], chunks, sigs,
                    (np.array(s_rows, np.int64), np.array(c_rows, np.int64)), [previous.parses[i] for i in a_rows])

    def write(self, manifest: dict, previous: Snapshot | None, kept: Kept, new: Processed, signatures: np.ndarray,
              near: dict, appending: bool, settings: BuildSettings, progress: bool) -> tuple[str, str]:
        s_rows, c_rows = kept.vectors if kept.vectors is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        n_chunks = len(kept.chunks) + len(new.chunks)
        new_tokens = (tokenize(c.text) for c in new.chunks)  # one chunk's tokens at a time: lists of all held GBs
        if appending and (n_chunks <= settings.exact_search_max) == (previous.manifest["faiss"]["chunks"] == "flat"):
            chunk_index, kind = previous.chunk_index, previous.manifest["faiss"]["chunks"]
            if len(new.chunk_vecs):
                chunk_index.add(new.chunk_vecs)
            bm25 = previous.bm25.extend(new_tokens)
        else:
            chunk_vecs = new.chunk_vecs
            if len(c_rows):
                chunk_vecs = np.concatenate([previous.chunk_index.reconstruct_batch(c_rows), chunk_vecs])
            chunk_index, kind = make_faiss(chunk_vecs, settings.exact_search_max)
            del chunk_vecs
            bm25 = (previous.bm25.select(c_rows) if previous is not None
                    else SparseBM25.build([], settings.bm25_k1, settings.bm25_b)).extend(new_tokens)
        sent_vecs = np.asarray(new.sent_vecs, np.float16)
        if len(s_rows):
            everything = len(s_rows) == len(previous.sentences)  # appending: no gathered copy
            old = previous.sentence_vectors if everything else previous.sentence_vectors[s_rows]
            sent_vecs = np.concatenate([old, sent_vecs])
        articles = kept.articles + new.articles
        full = dict(manifest, faiss={"chunks": kind}, articles={a.id: a.sha256 for a in articles},
                    near_duplicates=near)
        full["counts"] = dict(manifest["counts"], bm25_terms=len(bm25.vocab))
        parses = kept.parses + (new.parses or [None] * len(new.articles))
        snap = Snapshot(full, articles, kept.sentences + new.sentences, kept.chunks + new.chunks, chunk_index,
                        sent_vecs, bm25, signatures, parses)
        return write_snapshot(self.root, snap).name, kind
