"""A small size of the scale benchmark runs in the suite to keep the code honest (the big sizes do not)."""
import json

from eval.bench import run, table
from eval.speed import squad_corpus


def test_corpus_is_distinct_paragraphs_and_hits_the_size(tmp_path):
    n = squad_corpus(120, tmp_path)
    texts = [json.loads(line)["text"] for line in (tmp_path / "bench-000.jsonl").read_text().splitlines()]
    assert n == len(texts) > 0 and len(set(texts)) == n  # no text reused
    m = squad_corpus(0, tmp_path / "grow", prefix="growth", n_articles=30, growth=True)
    grown = [json.loads(line)["text"] for line in (tmp_path / "grow" / "growth-000.jsonl").read_text().splitlines()]
    assert m == 30 and not set(grown) & set(texts)  # growth never repeats the corpus


def test_small_bench_end_to_end(tmp_path):
    rows = run([150], tmp_path, n_questions=25, n_gold=20)
    r = rows[0]
    assert r["chunks"] >= 150 and r["faiss"] == "flat" and r["recall@10"] == 1.0
    assert 0 < r["build_vs_raw"] <= 1.5 and r["peak_rss_mb"] > 0 and r["index_mb"] > 0
    assert r["grow_embedded"] > 0 and r["questions"] == 25 and r["compared_gold_questions"] == 20
    for stage in ("bm25", "dense", "fused", "answer"):
        assert 0 < r[f"{stage}_p50_ms"] <= r[f"{stage}_p95_ms"]
    assert "| 150" in table(rows) or f"| {r['chunks']}" in table(rows)
    assert (tmp_path / "bench.json").is_file()


def test_past_the_distinct_paragraphs_articles_recombine_their_sentences(monkeypatch, tmp_path):
    import eval.speed as speed

    paras = ["Alpha one was here all day. Alpha two was there all night. Alpha three went on and on.",
             "Beta one came late to the party. Beta two left early in the day. Beta three stayed put at home.",
             "Gamma one sang loud in the choir. Gamma two sang low in the hall. Gamma three was quiet at last."]
    monkeypatch.setattr(speed, "squad_paragraphs", lambda: paras)
    monkeypatch.setattr(speed, "RECOMBINED_SENTENCES", 3)
    n = squad_corpus(12, tmp_path)
    texts = [json.loads(line)["text"] for line in (tmp_path / "bench-000.jsonl").read_text().splitlines()]
    assert n == len(texts) > 3 and texts[:3] == paras  # the distinct paragraphs first, then recombined
    sentences = {s for p in paras for s in p.replace(". ", ".|").split("|")}
    for t in texts[3:]:
        parts = t.replace(". ", ".|").split("|")
        assert len(parts) == 3 and set(parts) <= sentences and len({p.split()[0] for p in parts}) > 1
    grown = squad_corpus(0, tmp_path / "g", prefix="growth", n_articles=5, growth=True)
    assert grown == 5


def test_search_only_takes_the_graph_settings_and_finds_the_exact_neighbours_of_a_small_set():
    import numpy as np

    from eval.speed import search_only

    rng = np.random.default_rng(0)
    real = rng.normal(size=(50, 16)).astype(np.float32)
    real /= np.linalg.norm(real, axis=1, keepdims=True)
    row = search_only(500, real, real[:20], ef_values=(64,), m=8, ef_construction=40)
    assert row["hnsw_m"] == 8 and row["hnsw_ef_construction"] == 40 and row["vectors"] == 500
    assert row["hnsw_ef64_recall@10"] >= 0.9 and row["flat_p50_ms"] > 0
