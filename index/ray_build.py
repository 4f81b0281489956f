"""The build as Ray Data stages: load -> clean -> split -> chunk -> embed (an actor pool).

Locally Ray starts on this machine's cores (`ray.init(num_cpus=...)`, no dashboard); with
RAY_ADDRESS set it joins that cluster unchanged (the workers need newsdesk and the model installed,
e.g. through the cluster's image or `runtime_env`). Each embedding actor loads the model once and
encodes batches of texts; the driver only gathers the results, in the documents' id order, so the
index equals the single-process build's (the same articles, chunks and offsets; vectors within
float tolerance, since texts are batched differently).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .embedding import Embedder
from .engines import Processed, shift
from .environment import OFFLINE_ENV
from .errors import BuildError, MissingPath
from .loading import LoadResult, RawDocument, _iter_files, _read_file, first_of_each_id
from .model import Article, Chunk, Sentence
from .prepare import parse_json, split_article
from .settings import BuildSettings

log = logging.getLogger(__name__)

# Ray reads these at import and at start: no usage reporting, no auth token written under $HOME.
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
MODEL_ENV = OFFLINE_ENV
EMBED_BATCH = 64


def _ray():
    for k, v in RAY_ENV.items():
        os.environ.setdefault(k, v)
    try:
        import ray
    except ImportError:
        raise BuildError("--engine ray needs the scale extra: pip install -e '.[scale]'") from None
    return ray


def start_ray(num_cpus: int = 2, object_store_mb: int = 256) -> bool:
    """Start Ray here, or join RAY_ADDRESS; True when this call started it (and should shut it down)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    env = {"env_vars": {**MODEL_ENV, **RAY_ENV}}
    for attempt in (1, 2):  # a loaded machine can miss Ray's start-up deadline once
        try:
            if os.environ.get("RAY_ADDRESS"):
                ray.init(runtime_env=env, log_to_driver=False)
            else:
                ray.init(num_cpus=num_cpus, include_dashboard=False, object_store_memory=object_store_mb * 1024 * 1024,
                         runtime_env=env, log_to_driver=False)
            break
        except Exception as e:  # noqa: BLE001  Ray raises a bare Exception when its node misses the deadline
            ray.shutdown()
            if attempt == 2:
                where = os.environ.get("RAY_ADDRESS") or "this machine"
                raise BuildError(f"Ray did not start on {where}: {str(e).splitlines()[0][:200]}") from None
            log.warning("Ray did not start (%s); trying once more", e)
    return True


# --- stages: plain functions on rows (dicts of JSON-able values) ----------------------------------

def read_file(row: dict) -> list[dict]:
    """Load stage: one file -> its documents (a .jsonl gives many) and the reasons for what was skipped."""
    result = LoadResult()
    _read_file(Path(row["path"]), result)
    out = [{"order": row["order"], "n": n, "doc": json.dumps(d.to_json()), "skip": ""} for n, d in enumerate(result.documents)]
    out += [{"order": row["order"], "n": -1, "doc": "", "skip": json.dumps(s)} for s in result.skipped]
    return out


def prepare_row(row: dict, settings: dict) -> dict:
    """Clean, split and chunk stage: a document -> its article, sentences and chunks (sentence ids local)."""
    article, sents, chunks = split_article(RawDocument.from_json(json.loads(row["doc"])), BuildSettings(**settings))
    return {"pos": row["pos"], "article": json.dumps(article.to_json()), "parse": json.dumps(parse_json(article, sents)),
            "sentences": json.dumps([[s.start, s.end] for s in sents]),
            "chunks": json.dumps([[c.start, c.end, list(c.sentences)] for c in chunks])}


def texts_of(row: dict) -> list[dict]:
    """The texts to embed: every chunk (kind 0) and sentence (kind 1) of an article, by offsets."""
    text = json.loads(row["article"])["text"]
    out = [{"pos": row["pos"], "kind": 0, "i": i, "text": text[s:e]} for i, (s, e, _) in enumerate(json.loads(row["chunks"]))]
    out += [{"pos": row["pos"], "kind": 1, "i": i, "text": text[s:e]} for i, (s, e) in enumerate(json.loads(row["sentences"]))]
    return out


class EmbedActor:
    """Embed stage: one model load per worker, then batches of texts."""

    def __init__(self, model: str, runtime: str, batch_size: int = EMBED_BATCH, threads: int = 1):
        from .embedding import load_embedder

        os.environ["NEWSDESK_THREADS"] = str(threads)  # ONNX Runtime and torch (index/runtime.py) read it
        # the build's runtime, not the default: an index records one runtime for all its vectors
        self.embedder = load_embedder(model, batch_size, runtime)

    def __call__(self, batch: dict) -> dict:
        vecs = self.embedder.encode(list(batch["text"]))
        return {"pos": batch["pos"], "kind": batch["kind"], "i": batch["i"], "vector": vecs}


class RayEngine:
    """Load, clean, split, chunk and embed as Ray Data stages, embedding in a pool of `workers` actors."""

    name = "ray"

    def __init__(self, workers: int = 2):
        self.workers = workers
        self._owned = False  # Ray was started by this engine: load() leaves it up for process(), which stops it

    def _start(self) -> None:
        if not _ray().is_initialized():
            self._owned = start_ray(self.workers)

    def stop(self) -> None:
        if self._owned:
            _ray().shutdown()
        self._owned = False

    def _context(self, progress: bool):
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = progress
        ctx.print_on_execution_start = False
        return ctx

    def load(self, paths: list[Path]) -> LoadResult:
        ray = _ray()
        result = LoadResult()
        files = []
        for root in paths:
            if not root.exists():
                raise MissingPath(f"no such file or folder: {root}")
            files += _iter_files(root, result)
        if not files:
            return result
        self._start()
        try:
            self._context(False)
            rows = (ray.data.from_items([{"order": i, "path": str(p)} for i, p in enumerate(files)])
                    .flat_map(read_file).take_all())
        except BaseException:
            self.stop()
            raise
        docs = []
        for r in sorted(rows, key=lambda r: (r["order"], r["n"])):  # file order, as load_folder: the first id wins
            if r["skip"]:
                result.skipped.append(tuple(json.loads(r["skip"])))
            else:
                docs.append(RawDocument.from_json(json.loads(r["doc"])))
        result.documents = first_of_each_id(docs, result)
        return result

    def process(self, docs: list[RawDocument], first_sentence: int, settings: BuildSettings,
                embedder: Embedder | None, progress: bool) -> Processed:
        ray = _ray()
        from ray.data import ActorPoolStrategy

        if not docs:
            self.stop()
            return Processed([], [], [], np.zeros((0, embedder.dim if embedder else 0), np.float32),
                             np.zeros((0, embedder.dim if embedder else 0), np.float16))
        self._start()
        try:
            self._context(progress)
            prepared_ds = (ray.data.from_items([{"pos": i, "doc": json.dumps(d.to_json())} for i, d in enumerate(docs)])
                           .map(prepare_row, fn_kwargs={"settings": asdict(settings)})
                           .materialize())
            # materialized before the actors start: the pool holds every CPU it is given, and a
            # streaming flat_map behind it would wait for one forever on a small machine
            texts_ds = prepared_ds.flat_map(texts_of).materialize()
            vectors_ds = (texts_ds.map_batches(EmbedActor,
                                               fn_constructor_kwargs={"model": settings.model, "runtime": settings.runtime},
                                       compute=ActorPoolStrategy(size=self.workers), batch_size=EMBED_BATCH,
                                       batch_format="numpy"))
            prepared = sorted(prepared_ds.take_all(), key=lambda r: r["pos"])
            vectors = vectors_ds.take_all()
        finally:
            self.stop()
        articles, sentences, chunks, c_base, s_base, parses = [], [], [], [], [], []
        for row in prepared:
            parses.append(json.loads(row["parse"]))
            article = Article.from_json(json.loads(row["article"]))
            s_base.append(len(sentences))
            c_base.append(len(chunks))
            local = [Sentence(article.id, s, e, article.text[s:e]) for s, e in json.loads(row["sentences"])]
            chunks += shift([Chunk(article.id, s, e, article.text[s:e], tuple(m)) for s, e, m in json.loads(row["chunks"])],
                            first_sentence + len(sentences))
            sentences += local
            articles.append(article)
        dim = len(vectors[0]["vector"]) if vectors else 0
        chunk_vecs = np.zeros((len(chunks), dim), np.float32)
        sent_vecs = np.zeros((len(sentences), dim), np.float16)
        for v in vectors:
            if v["kind"] == 0:
                chunk_vecs[c_base[v["pos"]] + v["i"]] = v["vector"]
            else:
                sent_vecs[s_base[v["pos"]] + v["i"]] = v["vector"]
        return Processed(articles, sentences, chunks, chunk_vecs, sent_vecs, parses)
