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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from . import cleaning, metadata, splitting
from .bm25 import SparseBM25, tokenize
from .embedding import Embedder
from .loading import RawDocument, load_folder
from .model import Article, Chunk, Sentence
from .settings import Settings
from .store import IndexError_, Snapshot, make_faiss, read_snapshot, write_snapshot

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
    meta = json.dumps([doc.title, doc.date, doc.outlet, doc.url], ensure_ascii=False)
    return hashlib.sha256((doc.text + "\x00" + meta).encode("utf-8")).hexdigest()


def prepare(doc: RawDocument, settings: Settings) -> tuple[Article, list[Sentence]]:
    """Clean, read metadata and split one document. The text is kept exactly as read."""
    excluded = cleaning.find_boilerplate(doc.text)
    lines = cleaning.content_lines(doc.text, excluded)
    meta = metadata.extract(doc.text, lines, doc.title, doc.date, doc.outlet)
    article = Article(id=doc.id, text=doc.text, sha256=article_hash(doc), source=doc.source, url=doc.url,
                      excluded=excluded, **meta)
    sentences = splitting.make_sentences(doc.id, doc.text, lines, max_chars=2 * settings.chunk_chars)
    return article, sentences


def _previous(root: Path, settings: Settings, model: str) -> Snapshot | None:
    try:
        snap = read_snapshot(root, expect_model=model)
    except IndexError_:
        return None
    if snap.manifest.get("settings") != settings.build_settings():
        return None
    return snap


def _vectors_by_key(snap: Snapshot | None, which: str) -> dict[tuple, np.ndarray]:
    """(article sha, start, end) -> vector for every chunk or sentence of the previous index."""
    if snap is None:
        return {}
    sha = {a.id: a.sha256 for a in snap.articles}
    items = snap.chunks if which == "chunks" else snap.sentences
    index = snap.chunk_index if which == "chunks" else snap.sentence_index
    if not items:
        return {}
    vecs = index.reconstruct_n(0, len(items))
    return {(sha[it.article_id], it.start, it.end): vecs[i] for i, it in enumerate(items)}


def _embed(texts_keys: list[tuple[str, tuple]], known: dict[tuple, np.ndarray], embedder: Embedder,
           progress: bool, report: BuildReport) -> np.ndarray:
    out = np.zeros((len(texts_keys), embedder.dim), np.float32)
    todo = [i for i, (_, key) in enumerate(texts_keys) if key not in known]
    for i, (_, key) in enumerate(texts_keys):
        if key in known:
            out[i] = known[key]
    if todo:
        out[todo] = embedder.encode([texts_keys[i][0] for i in todo], progress=progress)
    report.embedded += len(todo)
    report.reused += len(texts_keys) - len(todo)
    return out


def collection_dir(root: Path) -> Path:
    """The collection's own articles folder beside the index: uploads live here, and every build of
    this index includes it, so no rebuild drops an article a user added."""
    return Path(root).parent / "articles"


def is_current(paths: list[Path], root: Path, settings: Settings) -> bool:
    """True when the live index already holds exactly these articles, built with this model and settings
    (checked from the files and the manifest alone, without loading the model)."""
    try:
        manifest = read_snapshot(root).manifest
    except IndexError_:
        return False
    if manifest.get("model", {}).get("name") != settings.model or manifest.get("settings") != settings.build_settings():
        return False
    collection = collection_dir(root)
    sources = [p for p in paths if Path(p).resolve() != collection.resolve()]
    loaded = load_folder(sources + ([collection] if collection.is_dir() else []))
    return {d.id: article_hash(d) for d in loaded.documents} == manifest.get("articles")


def build_index(paths: list[Path], root: Path, settings: Settings, embedder: Embedder,
                progress: bool = False, lock_timeout: float = 0.0) -> BuildReport:
    """Build the index for the articles under paths (and the collection folder) into root,
    reusing what the live index has."""
    t0 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(root / ".lock"), timeout=lock_timeout):
            report = _build_locked(paths, root, settings, embedder, progress)
    except Timeout:
        raise BuildError(f"another build of {root} is running; try again when it has finished") from None
    report.seconds = time.perf_counter() - t0
    return report


def _build_locked(paths: list[Path], root: Path, settings: Settings, embedder: Embedder,
                  progress: bool) -> BuildReport:
    report = BuildReport()
    collection = collection_dir(root)
    sources = [p for p in paths if Path(p).resolve() != collection.resolve()]
    loaded = load_folder(sources + ([collection] if collection.is_dir() else []))
    report.skipped = loaded.skipped
    if not loaded.documents:
        raise BuildError(f"nothing to index in {', '.join(map(str, paths))}: no readable .txt, .md, .html or .jsonl articles")
    prepared = sorted((prepare(d, settings) for d in loaded.documents), key=lambda p: p[0].id)
    articles = [a for a, _ in prepared]
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    for article, sents in prepared:
        chunks += splitting.make_chunks(article.id, article.text, sents, len(sentences), article.excluded,
                                        settings.chunk_chars, settings.chunk_overlap)
        sentences += sents
    if not chunks:
        raise BuildError("nothing to index: the articles hold no sentences outside boilerplate")

    previous = _previous(root, settings, embedder.name)
    if previous is not None:
        report.removed = sorted({a.id for a in previous.articles} - {a.id for a in articles})
    sha = {a.id: a.sha256 for a in articles}
    chunk_vecs = _embed([(c.text, (sha[c.article_id], c.start, c.end)) for c in chunks],
                        _vectors_by_key(previous, "chunks"), embedder, progress, report)
    sent_vecs = _embed([(s.text, (sha[s.article_id], s.start, s.end)) for s in sentences],
                       _vectors_by_key(previous, "sentences"), embedder, progress, report)
    chunk_index, kind = make_faiss(chunk_vecs, settings.exact_search_max)
    sentence_index, sentence_kind = make_faiss(sent_vecs, settings.exact_search_max)
    bm25 = SparseBM25.build([tokenize(c.text) for c in chunks], settings.bm25_k1, settings.bm25_b)
    manifest = {
        "model": {"name": embedder.name, "dim": embedder.dim},
        "settings": settings.build_settings(),
        "counts": {"articles": len(articles), "sentences": len(sentences), "chunks": len(chunks),
                   "bm25_terms": len(bm25.vocab)},
        "faiss": {"chunks": kind, "sentences": sentence_kind},
        "articles": {a.id: a.sha256 for a in articles},
        "sources": [str(p) for p in sources],
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    snap = Snapshot(manifest, articles, sentences, chunks, chunk_index, sentence_index, bm25)
    version = write_snapshot(root, snap)
    report.articles, report.sentences, report.chunks = len(articles), len(sentences), len(chunks)
    report.version, report.faiss_kind = version.name, kind
    return report

