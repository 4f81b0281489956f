"""Milvus as a Store (index.store_api): the whole index lives in the engine, a client holds nothing.

Per index name N and build version v, five collections:

* `N_v{v}_chunks`: one row a chunk, primary key = chunk id (its place in the index), the chunk text
  with a sparse field filled by Milvus's own BM25 function (standard tokenizer, lowercase, our stop
  words, our k1 and b), the dense vector, the offsets and sentence ids the assistant cites from, and
  scalar fields the filters run on: article id, outlet (lower-cased), `date_key` (yyyymmdd; 0 when
  the year is unknown or there is no date) and `month_day` (mmdd of a year-less dateline, kept as such).
* `N_v{v}_sentences`: offsets, text and vector (rounded through float16, as the folder stores them,
  so both stores give the same dense scores).
* `N_v{v}_articles`: each article's JSON in parts of at most TEXT_PART_CHARS characters (a VARCHAR
  holds at most 65,535 bytes; articles are longer) with its sha256 on part 0.
* `N_v{v}_terms`: the BM25 document frequency of every token (our tokenizer), written at build
  time: Milvus does not expose its doc freqs, and the reader's idf needs them.
* `N_meta`: one row, the manifest, naming the live version. A build writes a whole new version and
  then switches the manifest, so a crash leaves the old version live (as the folder's CURRENT does).

Searches run in the engine with the filters as a boolean expression in each request; Milvus Lite
returns BM25 scores negated (a distance), a server returns them positive: a BM25 score is never
negative, so its absolute value is taken.
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from . import parsing
from .bm25 import STOPWORDS, tokenize
from .duplicates import NUM_PERM
from .embedding import Embedder, load_embedder
from .engines import Kept
from .model import Article, Chunk, Sentence
from .settings import BuildSettings
from .store import IndexUnreadable
from .store_api import Filters

log = logging.getLogger(__name__)

URI_ENV, TOKEN_ENV, COLLECTION_ENV = "NEWSDESK_MILVUS_URI", "NEWSDESK_MILVUS_TOKEN", "NEWSDESK_MILVUS_COLLECTION"
DEFAULT_NAME = "newsdesk"
FORMAT = 2  # 2: each article's near-duplicate signature and link on its row
TEXT_PART_CHARS = 16_000  # 4 bytes a character at most: a part always fits a 65,535-byte VARCHAR
MAX_TERM_CHARS = 256  # longer tokens get no document frequency (the idf of an unknown token)
INSERT_BATCH = 512
CONNECT_TIMEOUT_S = float(os.environ.get("NEWSDESK_MILVUS_CONNECT_TIMEOUT", "60"))
QUERY_BATCH = 1000  # ids per query request (an expression of a few kB)
# Milvus's own analyzer reproducing index.bm25.tokenize: \w+ words, lower-cased, without our stop words.
# ({"type": "english"} is refused by Milvus Lite: "unknown tokenizer type".)
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase", {"type": "stop", "stop_words": sorted(STOPWORDS)}]}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")


class MilvusStoreError(IndexUnreadable):
    """The Milvus index cannot be reached, is missing, or was built otherwise; one sentence."""


def _pymilvus():
    # gRPC's C core prints keepalive chatter with Milvus Lite's in-process server ("too_many_pings")
    # straight to stderr; real failures still reach us as exceptions from pymilvus.
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    try:
        import pymilvus
    except ImportError:
        raise MilvusStoreError("the Milvus store needs the scale extra: pip install -e '.[scale]'") from None
    return pymilvus


@dataclass(frozen=True)
class MilvusConfig:
    """Where the index lives: a Milvus Lite file (`path.db`) or a server URI, with an optional token."""

    uri: str
    token: str = ""
    name: str = DEFAULT_NAME

    @staticmethod
    def resolve(uri: str | None = None, token: str | None = None, name: str | None = None,
                default_uri: str | Path = ".newsdesk/milvus.db") -> "MilvusConfig":
        """Command-line values first, then $NEWSDESK_MILVUS_URI / _TOKEN / _COLLECTION, then the default Lite file."""
        name = name or os.environ.get(COLLECTION_ENV) or DEFAULT_NAME
        if not _NAME.match(name):
            raise MilvusStoreError(f"invalid Milvus index name {name!r}: letters, digits and underscores, not starting with a digit")
        return MilvusConfig(uri or os.environ.get(URI_ENV) or str(default_uri),
                            token if token is not None else os.environ.get(TOKEN_ENV, ""), name)

    @property
    def is_lite(self) -> bool:
        return not re.match(r"^[a-z]+://", self.uri)

    def shown(self) -> str:
        """The URI without any credentials in it (the token is never shown)."""
        return re.sub(r"//[^/@]*@", "//***@", self.uri)

    def connect(self):
        """The process's one client for this URI and token: Milvus Lite starts a server when a client
        connects and stops it when that client closes, and reconnecting right after a close failed
        ("Fail connecting to server") on this loaded machine, so clients are kept open until exit."""
        key = (self.uri, self.token)
        if key not in _CLIENTS:
            _CLIENTS[key] = self._open()
        return _CLIENTS[key]

    def _open(self):
        pymilvus = _pymilvus()
        if self.is_lite:
            Path(self.uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
            # Milvus Lite serves pymilvus in this process; its gRPC server logs an ERROR for every
            # call it does not implement and pymilvus then falls back from (create_collection)
            logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        try:
            # pymilvus waits 10 s for the channel; Milvus Lite starts its in-process server on connect,
            # which took longer than that on this loaded 2-core machine
            return pymilvus.MilvusClient(uri=self.uri, token=self.token, timeout=CONNECT_TIMEOUT_S)
        except Exception as e:  # grpc and pymilvus raise many kinds for an unreachable server
            raise MilvusStoreError(f"cannot connect to Milvus at {self.shown()}: {str(e).splitlines()[0][:200]}") from None


_CLIENTS: dict[tuple[str, str], Any] = {}


def collection_names(name: str, version: int) -> dict[str, str]:
    return {part: f"{name}_v{version}_{part}" for part in ("chunks", "sentences", "articles", "terms")}


def meta_name(name: str) -> str:
    return f"{name}_meta"


def read_manifest(client, name: str) -> dict | None:
    """The live manifest of index `name`, or None when there is none."""
    if not client.has_collection(meta_name(name)):
        return None
    client.load_collection(meta_name(name))  # a reopened collection starts released
    rows = client.query(meta_name(name), ids=["manifest"], output_fields=["value"])
    return json.loads(rows[0]["value"]) if rows else None


# --- filters ---------------------------------------------------------------------------------------

def _literal(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def date_key(article: Article) -> tuple[int, int]:
    """(yyyymmdd or 0 when the year is unknown or there is no date, mmdd or 0)."""
    d = article.date
    if d is None:
        return 0, 0
    return ((d.year * 10000 + d.month * 100 + d.day) if d.year else 0), d.month * 100 + d.day


def filter_expr(filters: Filters) -> str:
    """The Milvus boolean expression for these filters ("" when none); same meaning as Filters.allows."""
    parts = []
    if filters.article_ids:
        parts.append(f"article_id in {_literal(filters.article_ids)}")
    if filters.outlets:
        parts.append(f"outlet in {_literal(sorted({o.lower() for o in filters.outlets}))}")
    if filters.since or filters.until:
        lo, hi = filters.bounds()
        parts.append("date_key > 0")  # an unknown year cannot be placed in a range
        if lo:
            parts.append(f"date_key >= {lo[0] * 10000 + lo[1] * 100 + lo[2]}")
        if hi:
            parts.append(f"date_key <= {hi[0] * 10000 + hi[1] * 100 + hi[2]}")
    return " and ".join(parts)


def _ids_expr(ids: Iterable[int]) -> str:
    return f"id in [{', '.join(str(int(i)) for i in ids)}]"


# --- lazy accessors --------------------------------------------------------------------------------

class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class _Rows(Sequence):
    """Sentences or chunks by id, fetched from the engine on demand through a small cache."""

    def __init__(self, client, collection: str, n: int, fields: list[str], make, cache: int):
        self.client, self.collection, self.n, self.fields, self.make = client, collection, n, fields, make
        self.cache = _LRU(cache)

    def __len__(self) -> int:
        return self.n

    def remember(self, row: dict) -> None:
        self.cache.put(int(row["id"]), self.make(row))

    def fetch(self, ids: Iterable[int]) -> None:
        """One request for every id not cached yet."""
        missing = sorted({int(i) for i in ids} - set(self.cache))
        for at in range(0, len(missing), QUERY_BATCH):
            for row in self.client.query(self.collection, filter=_ids_expr(missing[at:at + QUERY_BATCH]),
                                         output_fields=self.fields):
                self.remember(row)

    def __getitem__(self, i):
        if isinstance(i, slice):
            ids = list(range(self.n))[i]
            self.fetch(ids)
            return [self.cache[j] for j in ids]
        i = int(i)
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        if i not in self.cache:
            self.fetch([i])
        if i not in self.cache:
            raise MilvusStoreError(f"row {i} of {self.collection} is missing: rebuild the index")
        self.cache.move_to_end(i)
        return self.cache[i]

    def __iter__(self) -> Iterator:
        for at in range(0, self.n, QUERY_BATCH):
            ids = range(at, min(self.n, at + QUERY_BATCH))
            rows = {int(r["id"]): r for r in self.client.query(self.collection, filter=f"id >= {at} and id < {ids.stop}",
                                                               output_fields=self.fields)}
            for j in ids:
                yield self.make(rows[j])


def _chunk(row: dict) -> Chunk:
    return Chunk(row["article_id"], int(row["start_char"]), int(row["end_char"]), row["text"],
                 tuple(int(s) for s in row["sentences"]))


def _sentence(row: dict) -> Sentence:
    return Sentence(row["article_id"], int(row["start_char"]), int(row["end_char"]), row["text"])


CHUNK_FIELDS = ["id", "article_id", "start_char", "end_char", "text", "sentences"]
SENTENCE_FIELDS = ["id", "article_id", "start_char", "end_char", "text"]


class _Articles(Mapping):
    """Articles by id, reassembled from their parts on demand through a small cache."""

    def __init__(self, client, collection: str, n: int, cache: int):
        self.client, self.collection, self.n = client, collection, n
        self.cache = _LRU(cache)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, article_id: str) -> Article:
        if article_id in self.cache:
            self.cache.move_to_end(article_id)
            return self.cache[article_id]
        rows = self.client.query(self.collection, filter=f"article_id == {json.dumps(article_id, ensure_ascii=False)}",
                                 output_fields=["part", "body"])
        if not rows:
            raise KeyError(article_id)
        body = json.loads("".join(r["body"] for r in sorted(rows, key=lambda r: r["part"])))
        article = Article.from_json(body)
        if body.get("parse"):  # the stored parse: answering reads it instead of parsing the article again
            parsing.remember(article.text, parsing.ArticleParse.from_json(body["parse"]))
        self.cache.put(article_id, article)
        return article

    def __contains__(self, article_id) -> bool:
        if article_id in self.cache:
            return True
        return bool(self.client.query(self.collection, filter=f"article_id == {json.dumps(article_id, ensure_ascii=False)} and part == 0",
                                      output_fields=["article_id"]))

    def hashes(self) -> dict[str, str]:
        """Every article id with its sha256, in index order."""
        rows = _query_range(self.client, self.collection, "position", self.n, ["article_id", "sha256", "position"], "part == 0")
        return {r["article_id"]: r["sha256"] for r in sorted(rows, key=lambda r: r["position"])}

    def __iter__(self) -> Iterator[str]:
        return iter(self.hashes())


def _query_range(client, collection: str, key: str, n: int, fields: list[str], extra: str = "",
                 batch: int = QUERY_BATCH) -> list[dict]:
    """Every row whose integer `key` is in [0, n), a batch of keys a request (a single query
    returns at most 16,384 rows; ranges need no server-side iterator state)."""
    out: list[dict] = []
    for at in range(0, n, batch):
        expr = f"{key} >= {at} and {key} < {at + batch}" + (f" and {extra}" if extra else "")
        out.extend(client.query(collection, filter=expr, output_fields=fields))
    return out


# --- the store -------------------------------------------------------------------------------------

class MilvusStore:
    """A newsdesk index held by Milvus (Lite file or server), read through the Store interface."""

    kind = "milvus"

    def __init__(self, config: MilvusConfig, embedder: Embedder | None = None, embed_batch: int = 64,
                 cache: int = 4096):
        self.config = config
        self.client = config.connect()
        manifest = read_manifest(self.client, config.name)
        if manifest is None:
            raise MilvusStoreError(f"no newsdesk index {config.name!r} in Milvus at {config.shown()}; "
                                   f"build one with: newsdesk index build --store milvus")
        if manifest.get("format") != FORMAT:
            raise MilvusStoreError(f"index {config.name!r} has format {manifest.get('format')}, this newsdesk reads {FORMAT}: rebuild it")
        if embedder is not None and embedder.name != manifest["model"]["name"]:
            raise MilvusStoreError(f"index {config.name!r} was built with {manifest['model']['name']}, not {embedder.name}")
        self.manifest = manifest
        self.names = collection_names(config.name, manifest["version"])
        for c in self.names.values():
            self.client.load_collection(c)
        self.embedder = embedder or load_embedder(manifest["model"]["name"], embed_batch)
        counts = manifest["counts"]
        self.articles = _Articles(self.client, self.names["articles"], counts["articles"], 256)
        self.sentences = _Rows(self.client, self.names["sentences"], counts["sentences"], SENTENCE_FIELDS, _sentence, cache)
        self.chunks = _Rows(self.client, self.names["chunks"], counts["chunks"], CHUNK_FIELDS, _chunk, cache)
        self._df = _LRU(cache)
        self._copies: dict[str, str] | None = None

    @property
    def copies(self) -> dict[str, str]:
        """copy id -> original id: the near-duplicate reprints of the index (index/duplicates.py)."""
        if self._copies is None:
            rows = _query_range(self.client, self.names["articles"], "position", len(self.articles),
                                ["article_id", "copy_of"], 'part == 0 and copy_of != ""')
            self._copies = {r["article_id"]: r["copy_of"] for r in rows}
        return self._copies

    def parse_json(self, article_id: str) -> dict | None:
        """The stored parse of an article (its JSON), or None."""
        rows = self.client.query(self.names["articles"], filter=f"article_id == {json.dumps(article_id, ensure_ascii=False)}",
                                 output_fields=["part", "body"])
        body = json.loads("".join(r["body"] for r in sorted(rows, key=lambda r: r["part"]))) if rows else {}
        return body.get("parse")

    def signatures(self, article_ids: list[str]) -> np.ndarray:
        """The near-duplicate signatures of these articles, in this order."""
        rows = _query_range(self.client, self.names["articles"], "position", len(self.articles),
                            ["article_id", "minhash"], "part == 0")
        by_id = {r["article_id"]: np.frombuffer(bytes.fromhex(r["minhash"]), ">u4").astype(np.uint32) for r in rows}
        return np.array([by_id[i] for i in article_ids], np.uint32).reshape(len(article_ids), NUM_PERM)

    def close(self) -> None:
        """Nothing to release: the client is shared by the process (MilvusConfig.connect)."""

    # --- Store ---
    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.encode_query(text)

    def _search(self, data, field: str, k: int, expr: str, params: dict) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.chunks), 16_384)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        hits = self.client.search(self.names["chunks"], data=[data], anns_field=field, limit=k, filter=expr,
                                  output_fields=CHUNK_FIELDS, search_params=params)[0]
        for h in hits:
            self.chunks.remember(h["entity"] | {"id": h["id"]})  # the retriever reads these chunks next
        ids = np.array([int(h["id"]) for h in hits], np.int64)
        scores = np.array([h["distance"] for h in hits], np.float32)
        return ids, scores

    def dense_search(self, qvec: np.ndarray, k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        ids, scores = self._search(np.asarray(qvec, np.float32).tolist(), "dense", k, filter_expr(filters),
                                   {"metric_type": "IP"})
        order = np.lexsort((ids, -scores))  # the engine's order of ties is its own: ties by id, as the folder
        return ids[order], scores[order]

    def bm25_search(self, tokens: list[str], k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        if not tokens:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids, scores = self._search(" ".join(tokens), "sparse", k, filter_expr(filters), {"metric_type": "BM25"})
        scores = np.abs(scores)  # Lite: -score; a server: score
        keep = scores > 0
        ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return ids[order], scores[order]

    def bm25_scores(self, tokens: list[str], ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, np.int64)
        out = np.zeros(len(ids), np.float32)
        if not tokens or len(ids) == 0:
            return out
        found, scores = self._search(" ".join(tokens), "sparse", len(ids), _ids_expr(ids), {"metric_type": "BM25"})
        by_id = dict(zip(found.tolist(), np.abs(scores).tolist()))
        return np.array([by_id.get(int(i), 0.0) for i in ids], np.float32)

    def engine_hybrid(self, qvec: np.ndarray, tokens: list[str], k: int, filters: Filters = Filters(),
                      ranker: str = "rrf", dense_weight: float = 0.6, rrf_k: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """Milvus's own hybrid search (RRF or weighted ranker) over dense and BM25: an option measured
        against the assistant's fusion (eval/compare_stores.py --engine-hybrid), not what answers use.
        The filter goes in each request: Milvus Lite ignores hybrid_search(filter=...)."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

        expr = filter_expr(filters) or None
        limit = min(max(k, 1) * 8, len(self.chunks), 16_384)
        reqs = [AnnSearchRequest(data=[np.asarray(qvec, np.float32).tolist()], anns_field="dense",
                                 param={"metric_type": "IP"}, limit=limit, expr=expr)]
        if tokens:
            reqs.append(AnnSearchRequest(data=[" ".join(tokens)], anns_field="sparse", param={"metric_type": "BM25"},
                                         limit=limit, expr=expr))
        rank = RRFRanker(rrf_k) if ranker == "rrf" else WeightedRanker(*([dense_weight, 1 - dense_weight][:len(reqs)]))
        hits = self.client.hybrid_search(self.names["chunks"], reqs, rank, limit=min(k, limit),
                                         output_fields=CHUNK_FIELDS)[0]
        for h in hits:
            self.chunks.remember(h["entity"] | {"id": h["id"]})
        return (np.array([int(h["id"]) for h in hits], np.int64), np.array([h["distance"] for h in hits], np.float32))

    def _vectors(self, part: str, ids, field: str) -> np.ndarray:
        ids = np.asarray(ids, np.int64)
        out = np.zeros((len(ids), self.manifest["model"]["dim"]), np.float32)
        if len(ids) == 0:
            return out
        where: dict[int, list[int]] = {}
        for j, i in enumerate(ids.tolist()):
            where.setdefault(i, []).append(j)
        unique = sorted(where)
        fields = ["id", field] + (SENTENCE_FIELDS[1:] if part == "sentences" else [])
        for at in range(0, len(unique), QUERY_BATCH):
            for row in self.client.query(self.names[part], filter=_ids_expr(unique[at:at + QUERY_BATCH]), output_fields=fields):
                out[where[int(row["id"])]] = np.asarray(row[field], np.float32)
                if part == "sentences":  # the reader reads these sentences next
                    self.sentences.remember(row)
        return out

    def chunk_vectors(self, ids: np.ndarray) -> np.ndarray:
        return self._vectors("chunks", ids, "dense")

    def sentence_vectors(self, ids) -> np.ndarray:
        return self._vectors("sentences", ids, "vector")

    def doc_freq(self, token: str) -> int:
        if token not in self._df:
            rows = self.client.query(self.names["terms"], ids=[token[:MAX_TERM_CHARS]], output_fields=["df"]) \
                if len(token) <= MAX_TERM_CHARS else []
            self._df.put(token, int(rows[0]["df"]) if rows else 0)
        return self._df[token]

    @property
    def n_docs(self) -> int:
        return int(self.manifest["counts"]["chunks"])


# --- writing ---------------------------------------------------------------------------------------

def _schemas(dim: int, settings: BuildSettings, n_chunks: int):
    """(schema, index params) per collection."""
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    def base():
        return MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)

    def params(*specs):
        ip = MilvusClient.prepare_index_params()
        for field, kind, metric, extra in specs:
            ip.add_index(field, index_type=kind, metric_type=metric, params=extra)
        return ip

    c = base()
    c.add_field("id", DataType.INT64, is_primary=True)
    c.add_field("article_id", DataType.VARCHAR, max_length=1024)
    c.add_field("start_char", DataType.INT64)
    c.add_field("end_char", DataType.INT64)
    c.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params=ANALYZER)
    c.add_field("sentences", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4096)
    c.add_field("outlet", DataType.VARCHAR, max_length=512)
    c.add_field("date_key", DataType.INT64)
    c.add_field("month_day", DataType.INT64)
    c.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    c.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    c.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                            output_field_names=["sparse"]))
    # exact below the folder's HNSW threshold, so both stores rank the same; HNSW above, as the folder
    dense_index = ("FLAT", {}) if n_chunks <= settings.exact_search_max else ("HNSW", {"M": 32, "efConstruction": 200})
    chunks = (c, params(("dense", dense_index[0], "IP", dense_index[1]),
                        ("sparse", "SPARSE_INVERTED_INDEX", "BM25", {"bm25_k1": settings.bm25_k1, "bm25_b": settings.bm25_b})))

    s = base()
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("article_id", DataType.VARCHAR, max_length=1024)
    s.add_field("start_char", DataType.INT64)
    s.add_field("end_char", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=65_535)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    sentences = (s, params(("vector", "FLAT", "IP", {})))

    def keyed(key_type, **key_kw):
        sc = base()
        sc.add_field("key", key_type, is_primary=True, **key_kw)
        return sc

    a = keyed(DataType.VARCHAR, max_length=1100)
    a.add_field("article_id", DataType.VARCHAR, max_length=1024)
    a.add_field("part", DataType.INT64)
    a.add_field("position", DataType.INT64)  # the article's place in the index (part 0)
    a.add_field("sha256", DataType.VARCHAR, max_length=64)
    a.add_field("body", DataType.VARCHAR, max_length=65_535)
    a.add_field("minhash", DataType.VARCHAR, max_length=NUM_PERM * 8)  # hex uint32s (part 0; index/duplicates)
    a.add_field("copy_of", DataType.VARCHAR, max_length=1024)  # the original of a near-duplicate reprint, or ""
    a.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus requires a vector field in every collection
    articles = (a, params(("v", "FLAT", "L2", {})))

    t = keyed(DataType.VARCHAR, max_length=MAX_TERM_CHARS * 4)
    t.add_field("df", DataType.INT64)
    t.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    terms = (t, params(("v", "FLAT", "L2", {})))
    return {"chunks": chunks, "sentences": sentences, "articles": articles, "terms": terms}, dense_index[0]


def _meta_schema():
    from pymilvus import DataType, MilvusClient

    m = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    m.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
    m.add_field("value", DataType.VARCHAR, max_length=65_535)
    m.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    ip = MilvusClient.prepare_index_params()
    ip.add_index("v", index_type="FLAT", metric_type="L2")
    return m, ip


_ZERO2 = [0.0, 0.0]


def _article_rows(articles: list[Article], signatures: np.ndarray, copies: dict[str, str],
                  parses: list[dict | None]) -> Iterator[dict]:
    for position, a in enumerate(articles):
        stored = a.to_json()
        stored["parse"] = parses[position] if position < len(parses) else None  # read back by _Articles
        body = json.dumps(stored, ensure_ascii=False)
        for part, at in enumerate(range(0, len(body), TEXT_PART_CHARS)):
            first = part == 0
            yield {"key": f"{a.id}#{part}", "article_id": a.id, "part": part, "position": position,
                   "sha256": a.sha256 if first else "", "body": body[at:at + TEXT_PART_CHARS],
                   "minhash": np.asarray(signatures[position], ">u4").tobytes().hex() if first else "",
                   "copy_of": copies.get(a.id, "") if first else "", "v": _ZERO2}


def _chunk_rows(chunks: list[Chunk], vectors: np.ndarray, articles: dict[str, Article]) -> Iterator[dict]:
    for i, (c, v) in enumerate(zip(chunks, vectors)):
        a = articles[c.article_id]
        key, md = date_key(a)
        yield {"id": i, "article_id": c.article_id, "start_char": c.start, "end_char": c.end, "text": c.text,
               "sentences": list(c.sentences), "outlet": (a.outlet.value if a.outlet else "").lower(),
               "date_key": key, "month_day": md, "dense": v.tolist()}


def _sentence_rows(sentences: list[Sentence], vectors: np.ndarray) -> Iterator[dict]:
    for i, (s, v) in enumerate(zip(sentences, vectors)):
        yield {"id": i, "article_id": s.article_id, "start_char": s.start, "end_char": s.end, "text": s.text,
               "vector": v.astype(np.float32).tolist()}


def doc_freqs(chunks: Iterable[Chunk]) -> Counter:
    """How many chunks hold each token (index.bm25.tokenize): the statistics SparseBM25 keeps."""
    df: Counter = Counter()
    for c in chunks:
        df.update(set(tokenize(c.text)))
    return df


def write_version(config: MilvusConfig, manifest: dict, articles: list[Article], sentences: list[Sentence],
                  chunks: list[Chunk], chunk_vecs: np.ndarray, sent_vecs: np.ndarray, settings: BuildSettings,
                  progress: bool = False, signatures: np.ndarray | None = None, copies: dict[str, str] | None = None,
                  parses: list[dict | None] | None = None) -> int:
    """Write a whole index as a new version, switch the manifest to it, drop the old one; the version."""
    from tqdm import tqdm

    client = config.connect()
    previous = read_manifest(client, config.name)
    version = (previous["version"] + 1) if previous else 1
    names = collection_names(config.name, version)
    schemas, dense_kind = _schemas(int(chunk_vecs.shape[1]), settings, len(chunks))
    for part, name in names.items():
        if client.has_collection(name):  # left by a build that crashed before switching
            client.drop_collection(name)
        schema, index_params = schemas[part]
        client.create_collection(name, schema=schema, index_params=index_params)
    by_id = {a.id: a for a in articles}
    df = doc_freqs(chunks)
    sent_vecs = np.asarray(sent_vecs).astype(np.float16)  # the folder's precision: same dense scores
    with tqdm(total=len(chunks) + len(sentences), desc="writing to Milvus", unit=" rows",
              disable=not progress) as bar:
        if signatures is None:
            signatures = np.zeros((len(articles), NUM_PERM), np.uint32)
        for part, rows in (("articles", _article_rows(articles, signatures, copies or {}, parses or [])),
                           ("chunks", _chunk_rows(chunks, chunk_vecs, by_id)),
                           ("sentences", _sentence_rows(sentences, sent_vecs)),
                           ("terms", ({"key": t, "df": n, "v": _ZERO2} for t, n in df.items() if len(t) <= MAX_TERM_CHARS))):
            buf: list[dict] = []
            for row in rows:
                buf.append(row)
                if len(buf) >= INSERT_BATCH:
                    client.insert(names[part], buf)
                    bar.update(len(buf) if part in ("chunks", "sentences") else 0)
                    buf = []
            if buf:
                client.insert(names[part], buf)
                bar.update(len(buf) if part in ("chunks", "sentences") else 0)
    for name in names.values():
        client.flush(name)
    manifest = dict(manifest, format=FORMAT, kind="milvus", version=version, name=config.name,
                    dense_index=dense_kind, analyzer=ANALYZER, bm25_terms=len(df),
                    built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    body = json.dumps(manifest, ensure_ascii=False)
    if len(body.encode()) > 65_535:
        raise MilvusStoreError("the manifest is too large for one Milvus row (too many source paths)")
    if not client.has_collection(meta_name(config.name)):
        schema, index_params = _meta_schema()
        client.create_collection(meta_name(config.name), schema=schema, index_params=index_params)
    client.upsert(meta_name(config.name), [{"key": "manifest", "value": body, "v": _ZERO2}])
    client.flush(meta_name(config.name))
    if previous:
        for name in collection_names(config.name, previous["version"]).values():
            if client.has_collection(name):
                client.drop_collection(name)
    return version


def drop_index(config: MilvusConfig) -> bool:
    """Remove index `name` and all its collections; False when there was none."""
    client = config.connect()
    found = False
    prefix = f"{config.name}_v"
    for name in client.list_collections():
        if name == meta_name(config.name) or (name.startswith(prefix) and name[len(prefix):].split("_", 1)[0].isdigit()):
            client.drop_collection(name)
            found = True
    return found


# --- building: the Milvus writer of the one build (index/build.py) ------------------------------

class _NoEmbedder:
    """A build reads the previous index without loading a second model."""

    def __init__(self, name: str, dim: int):
        self.name, self.dim = name, dim


class MilvusWriter:
    """Writes a build into Milvus as a whole new version (write_version); unchanged articles keep their
    place and their vectors, read back from the engine rather than embedded again."""

    kind = "milvus"

    def __init__(self, config: MilvusConfig):
        self.config = config

    @contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        from filelock import FileLock, Timeout

        from .errors import BuildError

        if not self.config.is_lite:  # a server serialises its own writes; the manifest switch is one upsert
            yield
            return
        try:
            with FileLock(str(Path(self.config.uri).expanduser()) + ".lock", timeout=timeout):
                yield
        except Timeout:
            raise BuildError(f"another build of {self.config.uri} is running; try again when it has finished") from None

    def live_manifest(self) -> dict | None:
        manifest = read_manifest(self.config.connect(), self.config.name)
        if not manifest or manifest.get("format") != FORMAT:
            return manifest
        store = MilvusStore(self.config, embedder=_NoEmbedder(manifest["model"]["name"], manifest["model"]["dim"]))
        return dict(manifest, articles=store.articles.hashes())

    def readable(self, manifest: dict) -> bool:
        return manifest.get("format") == FORMAT

    def previous(self, settings: BuildSettings, model: str) -> "MilvusStore | None":
        manifest = read_manifest(self.config.connect(), self.config.name)
        if not manifest or manifest.get("format") != FORMAT or manifest["model"]["name"] != model \
                or manifest.get("settings") != settings.manifest_settings():
            return None
        return MilvusStore(self.config, embedder=_NoEmbedder(manifest["model"]["name"], manifest["model"]["dim"]))

    def indexed(self, previous: "MilvusStore") -> list[tuple[str, str, str]]:
        return [(i, sha, "") for i, sha in previous.articles.hashes().items()]

    def keep(self, previous: "MilvusStore", keep_ids: set[str]):
        dim = previous.manifest["model"]["dim"]
        order = [i for i in previous.articles.hashes() if i in keep_ids]
        articles = [previous.articles[i] for i in order]
        sigs = previous.signatures(order)
        s_rows = _kept_rows(previous, "sentences", keep_ids, SENTENCE_FIELDS + ["vector"])
        new_sid = {int(r["id"]): j for j, r in enumerate(s_rows)}
        sentences = [Sentence(r["article_id"], int(r["start_char"]), int(r["end_char"]), r["text"]) for r in s_rows]
        sent_vecs = np.array([r["vector"] for r in s_rows], np.float32).reshape(len(s_rows), dim).astype(np.float16)
        c_rows = _kept_rows(previous, "chunks", keep_ids, CHUNK_FIELDS + ["dense"])
        chunks = [Chunk(r["article_id"], int(r["start_char"]), int(r["end_char"]), r["text"],
                        tuple(new_sid[int(s)] for s in r["sentences"])) for r in c_rows]
        chunk_vecs = np.array([r["dense"] for r in c_rows], np.float32).reshape(len(c_rows), dim)
        return Kept(articles, sentences, chunks, sigs, (chunk_vecs, sent_vecs), [previous.parse_json(i) for i in order])

    def write(self, manifest: dict, previous, kept, new, signatures: np.ndarray, near: dict, appending: bool,
              settings: BuildSettings, progress: bool) -> tuple[str, str]:
        dim = manifest["model"]["dim"]
        chunk_vecs, sent_vecs = kept.vectors if kept.vectors is not None else \
            (np.zeros((0, dim), np.float32), np.zeros((0, dim), np.float16))
        # the near-duplicate links and signatures live in the engine, on each article's row, not in the
        # manifest row (which holds at most 64 kB)
        copies = near.get("copies", {})
        manifest = dict(manifest, near_duplicates={k: near[k] for k in ("method", "threshold")})
        version = write_version(self.config, manifest, kept.articles + new.articles, kept.sentences + new.sentences,
                                kept.chunks + new.chunks, np.concatenate([chunk_vecs, new.chunk_vecs]),
                                np.concatenate([sent_vecs, np.asarray(new.sent_vecs, np.float16)]), settings,
                                progress, signatures=signatures, copies=copies,
                                parses=kept.parses + (new.parses or [None] * len(new.articles)))
        return f"{self.config.name} v{version}", read_manifest(self.config.connect(), self.config.name)["dense_index"]


def _kept_rows(store: MilvusStore, part: str, keep: set[str], fields: list[str]) -> list[dict]:
    rows = _query_range(store.client, store.names[part], "id", len(getattr(store, part)), fields)
    return sorted((r for r in rows if r["article_id"] in keep), key=lambda r: r["id"])
