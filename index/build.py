"""Build (or incrementally rebuild) an index from folders of articles.

prepare() is the pure path from a raw document to an Article with its sentences and chunks.
build_index() embeds only what the live index does not already hold (same article hash, same
model and build settings), so rebuilding over a changed folder costs time for the changes only,
and the result equals a fresh build.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from . import cleaning, metadata, splitting, web
from .bm25 import SparseBM25, tokenize
from .duplicates import METHOD as DUPLICATE_METHOD
from .duplicates import NUM_PERM, near_duplicates, signatures
from .embedding import Embedder, embedder_runtime
from .engines import embed_texts
from .loading import RawDocument, load_folder
from .model import Article, Chunk, Sentence
from .settings import BuildSettings
from .store import IndexUnreadable, Snapshot, make_faiss, read_snapshot, write_snapshot

log = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """The build cannot go ahead (nothing to index, another build running); one sentence."""


@dataclass
class BuildReport:
    articles: int = 0
    sentences: int = 0
    chunks: int = 0
    embedded: int = 0  # texts embedded in this build
    reused: int = 0  # vectors taken from the previous index
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    version: str = ""
    faiss_kind: str = ""


def article_hash(doc: RawDocument) -> str:
    fields = [doc.title, doc.date, doc.outlet, doc.url]
    if doc.page is not None:  # a web page: its metadata and fetch record are part of the article
        fields.append(asdict(doc.page) | {"text": None})
    meta = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((doc.text + "\x00" + meta).encode("utf-8")).hexdigest()


def prepare(doc: RawDocument, settings: BuildSettings) -> tuple[Article, list[Sentence]]:
    """Clean, read metadata and split one document. The text is kept exactly as read."""
    excluded = cleaning.find_boilerplate(doc.text)
    lines = cleaning.content_lines(doc.text, excluded)
    if doc.page is not None:
        meta = web.page_metadata(doc.text, lines, doc.page)
        fetch = doc.page.fetch
        meta.update(fetched_at=fetch.fetched_at if fetch else None, updated_at=fetch.updated_at if fetch else None)
    else:
        meta = metadata.extract(doc.text, lines, doc.title, doc.date, doc.outlet)
    article = Article(id=doc.id, text=doc.text, sha256=article_hash(doc), source=doc.source, url=doc.url,
                      excluded=excluded, **meta)
    sentences = splitting.make_sentences(doc.id, doc.text, lines, max_chars=2 * settings.chunk_chars)
    return article, sentences


def _previous(root: Path, settings: BuildSettings, model: str) -> Snapshot | None:
    try:
        snap = read_snapshot(root, expect_model=model, writable=True)
    except IndexUnreadable:
        return None
    if snap.manifest.get("settings") != settings.manifest_settings():
        return None
    return snap


@dataclass
class _Kept:
    """What a build takes from the previous index: its articles that are unchanged, in their order."""

    articles: list[Article]
    sentences: list[Sentence]
    chunks: list[Chunk]
    sentence_rows: np.ndarray  # rows of the previous sentence vectors, in the order of `sentences`
    chunk_rows: np.ndarray
    signatures: np.ndarray  # the kept articles' near-duplicate signatures, in their order


def _keep(previous: Snapshot | None, keep_ids: set[str]) -> _Kept:
    """The previous index's parts for the articles in keep_ids, with sentence ids renumbered
    (nothing when there is no previous index)."""
    kept = _Kept([], [], [], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, NUM_PERM), np.uint32))
    if previous is None:
        return kept
    new_sid = np.full(len(previous.sentences), -1, np.int64)
    s_rows = [i for i, s in enumerate(previous.sentences) if s.article_id in keep_ids]
    new_sid[s_rows] = np.arange(len(s_rows))
    c_rows = [i for i, c in enumerate(previous.chunks) if c.article_id in keep_ids]
    a_rows = [i for i, a in enumerate(previous.articles) if a.id in keep_ids]
    kept.articles = [previous.articles[i] for i in a_rows]
    same_method = (previous.manifest.get("near_duplicates") or {}).get("method") == DUPLICATE_METHOD
    kept.signatures = previous.article_signatures[a_rows] if same_method else signatures(kept.articles)
    kept.sentences = [previous.sentences[i] for i in s_rows]
    kept.chunks = [Chunk(c.article_id, c.start, c.end, c.text, tuple(int(new_sid[j]) for j in c.sentences))
                   for c in (previous.chunks[i] for i in c_rows)]
    kept.sentence_rows, kept.chunk_rows = np.array(s_rows, np.int64), np.array(c_rows, np.int64)
    return kept


def collection_dir(root: Path) -> Path:
    """The collection's own articles folder beside the index: uploads live here, and every build of
    this index includes it, so no rebuild drops an article a user added."""
    return Path(root).parent / "articles"


def is_current(paths: list[Path], root: Path, settings: BuildSettings) -> bool:
    """True when the live index already holds exactly these articles, built with this model and settings
    (checked from the files and the manifest alone, without loading the model)."""
    try:
        manifest = read_snapshot(root).manifest
    except IndexUnreadable:
        return False
    if manifest.get("model", {}).get("name") != settings.model or manifest.get("settings") != settings.manifest_settings():
        return False
    collection = collection_dir(root)
    sources = [p for p in paths if Path(p).resolve() != collection.resolve()]
    loaded = load_folder(sources + ([collection] if collection.is_dir() else []))
    return {d.id: article_hash(d) for d in loaded.documents} == manifest.get("articles")


def build_index(paths: list[Path], root: Path, settings: BuildSettings, embedder: Embedder,
                progress: bool = False, lock_timeout: float = 0.0, engine=None) -> BuildReport:
    """Build the index for the articles under paths (and the collection folder) into root,
    reusing what the live index has. engine (index.engines, e.g. Ray) loads and processes the
    new articles instead of this process."""
    t0 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(root / ".lock"), timeout=lock_timeout):
            report = _build_locked(paths, root, settings, embedder, progress, engine)
    except Timeout:
        raise BuildError(f"another build of {root} is running; try again when it has finished") from None
    finally:
        getattr(engine, "stop", lambda: None)()  # a Ray the engine started does not outlive the build
    report.seconds = time.perf_counter() - t0
    return report


def _build_locked(paths: list[Path], root: Path, settings: BuildSettings, embedder: Embedder,
                  progress: bool, engine=None) -> BuildReport:
    """Articles keep their place in the index; new and changed ones are appended in id order. When the
    previous index is only appended to, its FAISS and BM25 indexes are extended in place, so growth
    costs time for the new articles only; a removal or a change rebuilds them from stored vectors."""
    report = BuildReport()
    collection = collection_dir(root)
    sources = [p for p in paths if Path(p).resolve() != collection.resolve()]
    loaded = (engine.load if engine else load_folder)(sources + ([collection] if collection.is_dir() else []))
    report.skipped = loaded.skipped
    if not loaded.documents:
        raise BuildError(f"nothing to index in {', '.join(map(str, paths))}: no readable .txt, .md, .html or .jsonl articles")
    docs = {d.id: d for d in loaded.documents}
    hashes = {i: article_hash(d) for i, d in docs.items()}
    previous = _previous(root, settings, embedder.name)
    old = previous.articles if previous else []
    keep_ids = {a.id for a in old if hashes.get(a.id) == a.sha256}
    report.removed = sorted({a.id for a in old} - set(docs))
    appending = previous is not None and len(keep_ids) == len(old)
    kept = _keep(previous, keep_ids)

    articles, sentences, chunks = list(kept.articles), list(kept.sentences), list(kept.chunks)
    first_new_sentence, first_new_chunk = len(sentences), len(chunks)
    done = engine.process([docs[i] for i in sorted(set(docs) - keep_ids)], len(sentences), settings, embedder,
                          progress) if engine else None
    if done is not None:
        articles, sentences, chunks = articles + done.articles, sentences + done.sentences, chunks + done.chunks
    for doc_id in sorted(set(docs) - keep_ids) if done is None else ():
        article, sents = prepare(docs[doc_id], settings)
        chunks += splitting.make_chunks(article.id, article.text, sents, len(sentences), article.excluded,
                                        settings.chunk_chars, settings.chunk_overlap)
        sentences += sents
        articles.append(article)
    if not chunks:
        raise BuildError("nothing to index: the articles hold no sentences outside boilerplate")

    new_chunks, new_sentences = chunks[first_new_chunk:], sentences[first_new_sentence:]
    report.embedded = len(new_chunks) + len(new_sentences)
    report.reused = len(kept.chunks) + len(kept.sentences)
    chunk_vecs = done.chunk_vecs if done is not None else embed_texts([c.text for c in new_chunks], embedder, progress, "chunks")
    new_tokens = (tokenize(c.text) for c in new_chunks)  # one chunk's tokens at a time: lists of all held GBs
    if appending and (len(chunks) <= settings.exact_search_max) == (previous.manifest["faiss"]["chunks"] == "flat"):
        chunk_index, kind = previous.chunk_index, previous.manifest["faiss"]["chunks"]
        if len(chunk_vecs):
            chunk_index.add(chunk_vecs)
        bm25 = previous.bm25.extend(new_tokens)
    else:
        if len(kept.chunk_rows):
            chunk_vecs = np.concatenate([previous.chunk_index.reconstruct_batch(kept.chunk_rows), chunk_vecs])
        chunk_index, kind = make_faiss(chunk_vecs, settings.exact_search_max)
        del chunk_vecs
        bm25 = (previous.bm25.select(kept.chunk_rows) if previous else SparseBM25.build([], settings.bm25_k1, settings.bm25_b)
                ).extend(new_tokens)
    # sentences after FAISS is built and the chunk vectors are freed: the two never peak together
    sent_vecs = done.sent_vecs if done is not None else embed_texts([s.text for s in new_sentences], embedder, progress, "sentences", np.float16)
    if len(kept.sentence_rows):
        everything = len(kept.sentence_rows) == len(previous.sentences)  # appending: no gathered copy
        old = previous.sentence_vectors if everything else previous.sentence_vectors[kept.sentence_rows]
        sent_vecs = np.concatenate([old, sent_vecs])
    article_signatures = np.concatenate([kept.signatures, signatures(articles[len(kept.articles):])])
    manifest = {
        "model": {"name": embedder.name, "dim": embedder.dim, "runtime": embedder_runtime(embedder),
                  # every runtime whose vectors the index holds (an incremental build may add another)
                  "runtimes": sorted({embedder_runtime(embedder), *((previous.manifest["model"].get("runtimes", [])
                                      if previous and report.reused else []))})},
        "settings": settings.manifest_settings(),
        "counts": {"articles": len(articles), "sentences": len(sentences), "chunks": len(chunks),
                   "bm25_terms": len(bm25.vocab)},
        "faiss": {"chunks": kind},
        "articles": {a.id: a.sha256 for a in articles},
        "near_duplicates": near_duplicates(articles, article_signatures),  # a reprint counts once when comparing
        "sources": [str(p) for p in sources],
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    snap = Snapshot(manifest, articles, sentences, chunks, chunk_index, sent_vecs, bm25, article_signatures)
    version = write_snapshot(root, snap)
    report.articles, report.sentences, report.chunks = len(articles), len(sentences), len(chunks)
    report.version, report.faiss_kind = version.name, kind
    return report
