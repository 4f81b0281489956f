"""Runtime comparison for `newsdesk bench`: ONNX Runtime (int8) against the PyTorch path, in one run.

The machine these numbers come from is shared and loaded, so every comparison is interleaved: a torch
call, then the same call on the other runtime, question by question (and the raw torch encode before
and after the build it is compared with), so load hits both sides equally. Ratios are reported, not
absolute times. Builds and serving each run in their own process, so their peak RSS is their own.

Also: the distinct-text benchmark corpus (SQuAD train paragraphs, one article each) and the
search-only point (vectors drawn from real ones, no embedding) for search latency and memory at 100k+.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from assistant.settings import ReaderKind, ReaderSettings
from assistant.collection import Config
from index.settings import DEFAULT_RUNTIME, BuildSettings

FAST = DEFAULT_RUNTIME


def _rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that across exec, so a child
    started by a large parent would report the parent's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def squad_paragraphs() -> list[str]:
    """The distinct paragraphs of SQuAD train's train split (about 19k), in a fixed shuffled order."""
    from training.splits import SQUAD_TRAIN, load_articles, split

    root = Path(__file__).resolve().parent.parent
    path = SQUAD_TRAIN if SQUAD_TRAIN.is_file() else root / SQUAD_TRAIN
    seen, out = set(), []
    for a in split(load_articles(path), "train"):
        for p in a["paragraphs"]:
            if p["context"] not in seen:
                seen.add(p["context"])
                out.append(p["context"])
    random.Random(0).shuffle(out)
    return out


RECOMBINED_SENTENCES = 5  # sentences of a recombined article (about two chunks)


def _recombined(paras: list[str], seed: int):
    """Endless articles of RECOMBINED_SENTENCES sentences, each from another paragraph: every chunk text
    new, though each sentence recurs (beyond the ~35k chunks that SQuAD train's distinct paragraphs hold)."""
    sentences = [s for p in paras for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", p) if len(s) > 20]
    rng = random.Random(seed)
    while True:
        yield " ".join(sentences[k] for k in rng.sample(range(len(sentences)), RECOMBINED_SENTENCES))


def squad_corpus(n_chunks: int, folder: Path, prefix: str = "bench", n_articles: int | None = None,
                 growth: bool = False) -> int:
    """Articles of distinct SQuAD train paragraphs until they hold about n_chunks chunks (or n_articles
    articles); past the ~35k chunks of the distinct paragraphs, articles that recombine their sentences.
    Growth articles are recombined with another seed, so they never repeat a corpus text (at 100k the
    corpus holds every paragraph)."""
    from index.prepare import prepare
    from index.loading import RawDocument
    from index.splitting import make_chunks

    paras = squad_paragraphs()
    texts = _recombined(paras, 2) if growth else itertools.chain(paras, _recombined(paras, 1))
    settings = BuildSettings()
    folder.mkdir(parents=True, exist_ok=True)
    lines, chunks = [], 0
    for i, text in enumerate(texts):
        if (len(lines) >= n_articles) if n_articles else (chunks >= n_chunks):
            break
        doc_id = f"{prefix}-{i:06d}"
        article, sents = prepare(RawDocument(doc_id, text, ""), settings)
        chunks += len(make_chunks(doc_id, text, sents, 0, article.excluded, settings.chunk_chars, settings.chunk_overlap))
        kind = "paragraph" if i < len(paras) and not growth else "recombined"
        lines.append(json.dumps({"id": doc_id, "title": f"Bench {kind} {i}", "text": text}) + "\n")
    for part in range(0, len(lines), 2000):
        (folder / f"{prefix}-{part // 2000:03d}.jsonl").write_text("".join(lines[part:part + 2000]))
    return len(lines)


def _subprocess(*args: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-m", "eval.speed", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise RuntimeError(f"eval.speed {args[0]} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def build_in_process(corpus: Path, root: Path, runtime: str, torch_every: int = 0) -> dict:
    """Build (or grow) the index in its own process: seconds, texts embedded, and that process's peak RSS
    (which counts the torch model too when torch_every > 0 times the raw torch encode of every
    torch_every-th text beside it)."""
    # a build uses every core, as `newsdesk index build` does; serving measures one thread a call (the server's)
    return _subprocess("build", str(corpus), str(root), runtime, *([str(torch_every)] if torch_every else []),
                       env={"NEWSDESK_THREADS": str(os.cpu_count() or 1)})


def serve_in_process(root: Path, runtime: str, n_questions: int) -> dict:
    """Load the index and answer n questions in a fresh process: peak RSS, and whether torch was imported."""
    return _subprocess("serve", str(root), runtime, str(n_questions))


def _p50(xs: list[float]) -> float:
    return float(np.percentile(xs, 50)) * 1000 if xs else 0.0


def gold_reading(n: int | None = None) -> list[tuple[str, str, list[str]]]:
    """(question, gold paragraph, gold answers) of the Super Bowl benchmark: all 810, or a fixed sample of n."""
    from eval.datasets import BENCHMARK

    data = json.loads(BENCHMARK.read_text())["data"]
    items = [(q["question"], p["context"], [a["text"] for a in q["answers"]])
             for a in data for p in a["paragraphs"] for q in p["qas"]]
    return random.Random(2).sample(items, min(n, len(items))) if n else items


# all 810 gold paragraphs (about a minute): a 150 sample put int8's F1 at -0.75 where all 810 give +0.17
def compare(root: Path, questions: list[str], n_gold: int | None = None) -> dict:
    """Query embedding, reader and full answer: torch against onnx-int8, interleaved call by call."""
    from eval.metrics import f1
    from eval.runner import open_collection

    asst = {rt: open_collection(root, Config(build=BuildSettings(runtime=rt),
                                             reader=ReaderSettings(kind=ReaderKind.TRAINED, runtime=rt))).assistant
            for rt in ("torch", FAST)}
    idx = {rt: a.store for rt, a in asst.items()}
    lat: dict[str, dict[str, list[float]]] = {rt: {"embed": [], "answer": [], "reader": []} for rt in idx}
    cos = []
    for q in questions[:5]:  # warm-up: first calls allocate
        for rt in idx:
            asst[rt].ask(q)
    for q in questions:
        vecs = {}
        for rt in idx:
            t0 = time.perf_counter()
            vecs[rt] = idx[rt].embed_query(q)
            lat[rt]["embed"].append(time.perf_counter() - t0)
        cos.append(float(vecs["torch"] @ vecs[FAST]))
        for rt in idx:
            t0 = time.perf_counter()
            asst[rt].ask(q)
            lat[rt]["answer"].append(time.perf_counter() - t0)
    f1s: dict[str, list[float]] = {rt: [] for rt in idx}
    for q, context, golds in gold_reading(n_gold):
        for rt in idx:
            t0 = time.perf_counter()
            found = asst[rt].reader.score_windows(q, [context])
            lat[rt]["reader"].append(time.perf_counter() - t0)
            best = max(found, key=lambda r: r[2], default=None)
            f1s[rt].append(f1(context[best[0]:best[1]] if best else None, golds))
    p50 = {rt: {k: _p50(v) for k, v in lat[rt].items()} for rt in idx}
    return {
        "query_embed_speedup": round(p50["torch"]["embed"] / p50[FAST]["embed"], 2),
        "reader_speedup": round(p50["torch"]["reader"] / p50[FAST]["reader"], 2),
        "reader_f1_delta": round(100 * (np.mean(f1s[FAST]) - np.mean(f1s["torch"])), 2),
        "reader_f1_torch": round(100 * float(np.mean(f1s["torch"])), 2),
        "reader_f1_onnx_int8": round(100 * float(np.mean(f1s[FAST])), 2),
        "answer_vs_torch": round(p50[FAST]["answer"] / p50["torch"]["answer"], 3),
        "query_embed_p50_ms": round(p50[FAST]["embed"], 2), "query_embed_torch_p50_ms": round(p50["torch"]["embed"], 2),
        "reader_p50_ms": round(p50[FAST]["reader"], 2), "reader_torch_p50_ms": round(p50["torch"]["reader"], 2),
        "answer_p50_ms": round(p50[FAST]["answer"], 2), "answer_torch_p50_ms": round(p50["torch"]["answer"], 2),
        "query_cosine_mean": round(float(np.mean(cos)), 4), "query_cosine_min": round(float(np.min(cos)), 4),
        "compared_questions": len(questions), "compared_gold_questions": len(f1s["torch"]),
    }


def mixed_vectors(real: np.ndarray, n: int, seed: int = 0, block: int = 100_000):
    """n unit vectors drawn from real ones: a real vector plus half another and a little noise,
    renormalised (neighbourhoods like the model's, without embedding n texts). Yields blocks."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, block):
        m = min(block, n - start)
        v = real[rng.integers(len(real), size=m)] + 0.5 * real[rng.integers(len(real), size=m)]
        v += rng.normal(0, 0.02, v.shape).astype(np.float32)
        yield (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def search_only(n: int, real: np.ndarray, queries: np.ndarray, ef_values=(64, 128, 256, 512, 1024, 2048),
                hnsw: bool = True, m: int | None = None, ef_construction: int | None = None) -> dict:
    """Search latency (one thread, as served), recall@10 by id against exact search, and memory,
    for n vectors drawn from real ones: exact flat search and HNSW (M and efConstruction: the index's for
    n vectors, index.store.hnsw_graph, unless given)."""
    import faiss

    from index.newsindex import search_one
    from index.store import hnsw_graph

    dim = real.shape[1]
    rss0 = _current_rss_mb()
    flat = faiss.IndexFlatIP(dim)
    for v in mixed_vectors(real, n):
        flat.add(v)
    row: dict = {"vectors": n, "flat_mb": round(_current_rss_mb() - rss0, 1)}
    lat, truth = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids, _ = search_one(flat, q, 10)
        lat.append(time.perf_counter() - t0)
        truth.append(set(ids.tolist()))
    row["flat_p50_ms"] = round(_p50(lat), 2)
    if hnsw:
        rss1 = _current_rss_mb()
        m_default, ef_default = hnsw_graph(n)
        m, ef_construction = m or m_default, ef_construction or ef_default
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        row.update({"hnsw_m": m, "hnsw_ef_construction": ef_construction})
        t0 = time.perf_counter()
        for v in mixed_vectors(real, n):
            index.add(v)
        row["hnsw_build_s"] = round(time.perf_counter() - t0, 1)
        row["hnsw_mb"] = round(_current_rss_mb() - rss1, 1)
        for ef in ef_values:
            index.hnsw.efSearch = ef
            lat, rec = [], []
            for q, t in zip(queries, truth):
                t0 = time.perf_counter()
                ids, _ = search_one(index, q, 10)
                lat.append(time.perf_counter() - t0)
                rec.append(len(t & set(ids.tolist())) / 10)
            row[f"hnsw_ef{ef}_p50_ms"] = round(_p50(lat), 2)
            row[f"hnsw_ef{ef}_recall@10"] = round(float(np.mean(rec)), 4)
    row["peak_rss_mb"] = _rss_mb()
    return row


def search_only_main(sizes: list[int], out: Path, m: int | None = None, ef_construction: int | None = None
                     ) -> list[dict]:
    """The search-only points, each in its own process (its own peak RSS); rows in out/search-only.json."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        rows.append(_subprocess("search", str(n), str(out), str(m or 0), str(ef_construction or 0)))
        print(json.dumps(rows[-1]))
        (out / "search-only.json").write_text(json.dumps(rows, indent=2))
    return rows


def _real_vectors(out: Path, n_texts: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Real vectors to draw from (SQuAD train paragraphs, embedded once and cached under out) and real
    question vectors (the benchmark's questions). 3,000 paragraphs, not 1,000: drawn from 1,000, a
    million vectors crowd into too few neighbourhoods to say anything about real text."""
    from eval.datasets import bench_questions
    from index.embedding import load_embedder

    cache = out / "real-vectors.npz"
    if cache.is_file():
        data = np.load(cache)
        return data["real"], data["queries"]
    embedder = load_embedder(BuildSettings().model, 64, FAST)
    texts = squad_paragraphs()[:n_texts]
    real = embedder.encode(texts)
    queries = embedder.encode(bench_questions(200))
    np.savez(cache, real=real, queries=queries)
    return real, queries


def _main_search(n: int, out: Path, m: int = 0, ef_construction: int = 0) -> dict:
    real, queries = _real_vectors(out)
    # HNSW at every size (at 1M its build took 139 s on the idle machine)
    return search_only(n, real, queries, m=m or None, ef_construction=ef_construction or None)


class Interleaved:
    """The build's embedder, with the raw PyTorch encode of every `every`-th text of each block run
    right after it: the two runtimes see the same load and the same texts. The torch time is kept
    apart and taken out of the build's time."""

    def __init__(self, fast, reference, every: int = 4):
        self.fast, self.reference, self.every = fast, reference, every
        self.name, self.dim, self.runtime = fast.name, fast.dim, fast.runtime
        self.fast_s = self.reference_s = 0.0
        self.fast_n = self.reference_n = 0

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        t0 = time.perf_counter()
        vecs = self.fast.encode(texts)
        t1 = time.perf_counter()
        sample = texts[::self.every]
        self.reference.encode(sample)
        self.fast_s, self.reference_s = self.fast_s + t1 - t0, self.reference_s + time.perf_counter() - t1
        self.fast_n, self.reference_n = self.fast_n + len(texts), self.reference_n + len(sample)
        return vecs

    def encode_query(self, text: str) -> np.ndarray:
        return self.fast.encode_query(text)


def _main_build(corpus: str, root: str, runtime: str, torch_every: str = "") -> dict:
    from index.build import build_index
    from index.embedding import load_embedder

    settings = BuildSettings(runtime=runtime)
    embedder = load_embedder(settings.model, settings.embed_batch, runtime)
    interleave = int(torch_every or 0) > 0
    if interleave:
        embedder = Interleaved(embedder, load_embedder(settings.model, settings.embed_batch, "torch"), int(torch_every))
    report = build_index([Path(corpus)], Path(root), settings, embedder)
    build_s = report.seconds - (embedder.reference_s if interleave else 0.0)
    out = {"build_s": round(build_s, 2), "embedded": report.embedded, "chunks": report.chunks,
           "sentences": report.sentences, "build_peak_rss_mb": _rss_mb()}
    if interleave:
        out["raw_encode_texts_per_s"] = round(embedder.fast_n / embedder.fast_s, 2)
        out["raw_torch_encode_texts_per_s"] = round(embedder.reference_n / embedder.reference_s, 2)
        out["raw_torch_sample"] = embedder.reference_n
    return out


def _main_serve(root: str, runtime: str, n: int) -> dict:
    from eval.datasets import bench_questions
    from eval.runner import open_collection

    assistant = open_collection(Path(root), Config(build=BuildSettings(runtime=runtime),
                                                   reader=ReaderSettings(kind=ReaderKind.TRAINED, runtime=runtime))).assistant
    questions = bench_questions(n)
    for q in itertools.islice(itertools.cycle(questions), n):  # n answers, repeating the set past its size
        assistant.ask(q)
    return {"serve_peak_rss_mb": _rss_mb(), "torch_imported": "torch" in sys.modules, "runtime": runtime}


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    if cmd == "build":
        print(json.dumps(_main_build(*rest)))
    elif cmd == "search":
        print(json.dumps(_main_search(int(rest[0]), Path(rest[1]), *map(int, rest[2:4]))))
    elif cmd == "serve":
        print(json.dumps(_main_serve(rest[0], rest[1], int(rest[2]))))
    else:
        raise SystemExit(f"unknown command {cmd}")
