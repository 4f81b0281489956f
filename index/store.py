"""The on-disk index: a folder of versions, each a plain-file snapshot with a manifest.

    DIR/CURRENT           name of the live version, replaced atomically (os.replace)
    DIR/v-<stamp>/        manifest.json, articles/sentences/chunks .jsonl, chunks.faiss,
                          sentence_vectors.npy (float16, memory-mapped), bm25_*.json/.npy,
                          article_minhash.npy (uint32, each article's near-duplicate signature)
Sentence vectors are only ever looked up by id (a chunk's best sentence, an answer's sentence), so
they are a plain array, half-size and memory-mapped, rather than a second search index.
A build writes a new version folder and only then points CURRENT at it, so a crash, Ctrl-C or
SIGKILL midway leaves the previous index live. Loading checks the format version, the model and
the sha256 of every file, and refuses a mismatch with one sentence. Never pickle.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import orjson

from .bm25 import SparseBM25
from .errors import NewsdeskError
from .model import Article, Chunk, Sentence

# 3: article_minhash.npy, so that growing an index signs only its new articles; 4: parses.jsonl, each
# article's dependency parse (quotations with speakers, verbs with tense), read one at a time
FORMAT_VERSION = 4
_JSONL = ("articles.jsonl", "sentences.jsonl", "chunks.jsonl")
_FAISS = ("chunks.faiss",)
_VECTORS = "sentence_vectors.npy"
_SIGNATURES = "article_minhash.npy"
_PARSES, _PARSE_OFFSETS = "parses.jsonl", "parse_offsets.npy"
# efSearch 512: recall@10 by id 0.999 at 100k vectors (1.34 ms a query) and, with the denser graph
# below, 0.986 at 1M (1.69 ms); `newsdesk bench --search-only`, eval/results/search-only.json
HNSW_EF_SEARCH = 512
# The graph by size: M 32 / efConstruction 80 reaches 0.999 at 100k but tops out at 0.94 at 1M even at
# efSearch 2048; M 48 / efConstruction 200 reaches 0.986 there at efSearch 512 (its build took 443 s
# against 139 s, +126 MB), so the denser graph from DENSE_GRAPH_MIN vectors on.
DENSE_GRAPH_MIN = 500_000


def hnsw_graph(n: int) -> tuple[int, int]:
    """HNSW's M and efConstruction for an index of n vectors."""
    return (48, 200) if n >= DENSE_GRAPH_MIN else (32, 80)


class IndexUnreadable(NewsdeskError):
    """The index is missing, damaged or built differently than asked; the message is one sentence."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_faiss(vectors: np.ndarray, exact_max: int) -> tuple[faiss.Index, str]:
    """Exact inner-product search up to exact_max vectors, HNSW above (recall checked by the benchmark)."""
    dim = vectors.shape[1]
    if len(vectors) <= exact_max:
        index, kind = faiss.IndexFlatIP(dim), "flat"
    else:
        m, ef_construction = hnsw_graph(len(vectors))
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        kind = "hnsw"
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, kind


def _read_faiss(path: Path, writable: bool = False) -> faiss.Index:
    try:
        index = faiss.read_index(str(path)) if writable else \
            faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


# orjson: the snapshot's JSONL is most of what growing an index reads and rewrites (five times json's speed)
def _write_jsonl(path: Path, rows) -> None:
    """One JSON value a line, UTF-8; a row may be a dataclass (orjson writes its fields, as asdict would)."""
    with open(path, "wb") as f:
        f.writelines(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in rows)


def _read_jsonl(path: Path) -> list:
    with open(path, "rb") as f:
        return [orjson.loads(line) for line in f if line.strip()]


@dataclass
class Snapshot:
    """Everything an index version holds, in memory."""

    manifest: dict
    articles: list[Article]
    sentences: list[Sentence]
    chunks: list[Chunk]
    chunk_index: faiss.Index
    sentence_vectors: np.ndarray  # float16, one unit vector per sentence
    bm25: SparseBM25
    article_signatures: np.ndarray  # uint32, one MinHash row per article (index/duplicates.signatures)
    parses: "Sequence[dict | None]" = ()  # each article's stored parse (StoredParses when read back)


class StoredParses(Sequence):
    """The parses of a version's articles, one JSON line each, read on demand by byte offset (a parse is
    bigger than its article's metadata, and answering needs a few at a time). The file stays open, so an
    index that is serving keeps reading its own version after a rebuild has replaced it (as FAISS's
    memory map does)."""

    def __init__(self, folder: Path, offsets: np.ndarray):
        self.offsets = offsets
        self._fd = os.open(folder / _PARSES, os.O_RDONLY)

    def __del__(self):
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return orjson.loads(os.pread(self._fd, b - a, a))


def write_snapshot(root: Path, snap: Snapshot) -> Path:
    """Write a new version under root and make it live atomically; older versions are removed."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    tmp = root / f"tmp-{stamp}"
    tmp.mkdir()
    _write_jsonl(tmp / "articles.jsonl", snap.articles)  # Article.to_json's fields, without its copy
    _write_jsonl(tmp / "sentences.jsonl", ([s.article_id, s.start, s.end] for s in snap.sentences))
    _write_jsonl(tmp / "chunks.jsonl", ([c.article_id, c.start, c.end, list(c.sentences)] for c in snap.chunks))
    faiss.write_index(snap.chunk_index, str(tmp / "chunks.faiss"))
    np.save(tmp / _VECTORS, np.asarray(snap.sentence_vectors, np.float16))
    np.save(tmp / _SIGNATURES, np.asarray(snap.article_signatures, np.uint32))
    parses = list(snap.parses) if len(snap.parses) else [None] * len(snap.articles)
    lines = [orjson.dumps(p, option=orjson.OPT_APPEND_NEWLINE) for p in parses]
    with open(tmp / _PARSES, "wb") as f:
        f.writelines(lines)
    np.save(tmp / _PARSE_OFFSETS, np.concatenate([[0], np.cumsum([len(x) for x in lines])]).astype(np.int64))
    snap.bm25.save(tmp)
    names = list(_JSONL) + list(_FAISS) + [_VECTORS, _SIGNATURES, _PARSES, _PARSE_OFFSETS] + list(SparseBM25.FILES)
    manifest = dict(snap.manifest, format_version=FORMAT_VERSION, files={n: sha256_file(tmp / n) for n in names})
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    for name in names + ["manifest.json"]:
        with open(tmp / name, "rb") as f:
            os.fsync(f.fileno())
    version = root / f"v-{stamp}"
    os.rename(tmp, version)
    pointer = root / f"CURRENT.{stamp}"
    pointer.write_text(version.name)
    os.replace(pointer, root / "CURRENT")
    for old in root.iterdir():
        if old.is_dir() and old.name != version.name and (old.name.startswith("v-") or old.name.startswith("tmp-")):
            shutil.rmtree(old, ignore_errors=True)
    snap.manifest = manifest
    return version


def current_version(root: Path) -> Path:
    pointer = root / "CURRENT"
    if not pointer.is_file():
        raise IndexUnreadable(f"no index at {root}: build one with 'newsdesk index build'")
    version = root / pointer.read_text().strip()
    if not (version / "manifest.json").is_file():
        raise IndexUnreadable(f"the index at {root} is damaged: its live version {version.name} has no manifest; rebuild it")
    return version


def read_manifest(root: Path) -> dict:
    version = current_version(root)
    try:
        return json.loads((version / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError):
        raise IndexUnreadable(f"the index at {root} is damaged: its manifest is not valid JSON; rebuild it") from None


def read_snapshot(root: Path, expect_model: str | None = None, writable: bool = False) -> Snapshot:
    """Load and verify the live version; raise IndexUnreadable with one clear sentence on any mismatch.
    writable: load FAISS into memory (so a build can add to it) instead of memory-mapping it."""
    manifest = read_manifest(root)
    version = current_version(root)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnreadable(f"the index at {root} has format version {manifest.get('format_version')}, "
                          f"this newsdesk reads version {FORMAT_VERSION}; rebuild it")
    model = manifest.get("model", {}).get("name")
    if expect_model and model != expect_model:
        raise IndexUnreadable(f"the index at {root} was built with model {model!r}, not {expect_model!r}; "
                          "rebuild it or pass --model")
    for name, digest in manifest.get("files", {}).items():
        path = version / name
        if not path.is_file():
            raise IndexUnreadable(f"the index at {root} is damaged: {name} is missing; rebuild it")
        if sha256_file(path) != digest:
            raise IndexUnreadable(f"the index at {root} is damaged: {name} does not match its manifest hash; rebuild it")
    if set(manifest.get("files", {})) != set(_JSONL) | set(_FAISS) | {_VECTORS, _SIGNATURES, _PARSES, _PARSE_OFFSETS} \
            | set(SparseBM25.FILES):
        raise IndexUnreadable(f"the index at {root} is damaged: its manifest does not list the expected files; rebuild it")
    try:
        articles = [Article.from_json(d) for d in _read_jsonl(version / "articles.jsonl")]
        by_id = {a.id: a for a in articles}
        sentences = [Sentence(aid, s, e, by_id[aid].text[s:e]) for aid, s, e in _read_jsonl(version / "sentences.jsonl")]
        chunks = [Chunk(aid, s, e, by_id[aid].text[s:e], tuple(ids)) for aid, s, e, ids in _read_jsonl(version / "chunks.jsonl")]
        chunk_index = _read_faiss(version / "chunks.faiss", writable)
        sentence_vectors = np.load(version / _VECTORS, mmap_mode="r", allow_pickle=False)
        signatures = np.load(version / _SIGNATURES, allow_pickle=False)
        parses = StoredParses(version, np.load(version / _PARSE_OFFSETS, allow_pickle=False))
        bm25 = SparseBM25.load(version)
    except (KeyError, ValueError, TypeError, RuntimeError, OSError) as e:
        raise IndexUnreadable(f"the index at {root} is damaged ({type(e).__name__}); rebuild it") from None
    counts = manifest.get("counts", {})
    if (len(articles), len(sentences), len(chunks)) != (counts.get("articles"), counts.get("sentences"), counts.get("chunks")) \
            or chunk_index.ntotal != len(chunks) or sentence_vectors.shape[0] != len(sentences) \
            or bm25.n_docs != len(chunks) or signatures.shape[0] != len(articles) or len(parses) != len(articles):
        raise IndexUnreadable(f"the index at {root} is damaged: its files disagree with the manifest counts; rebuild it")
    return Snapshot(manifest, articles, sentences, chunks, chunk_index, sentence_vectors, bm25, signatures, parses)
