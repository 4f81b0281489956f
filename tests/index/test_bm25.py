import numpy as np
from rank_bm25 import BM25Okapi

from index.bm25 import SparseBM25, reference_bm25, tokenize
from index.splitting import make_chunks


def _seed_chunk_tokens(seed_prepared):
    tokens = []
    for article, sentences in seed_prepared.values():
        for c in make_chunks(article.id, article.text, sentences, 0, article.excluded, 600, 1):
            tokens.append(tokenize(c.text))
    return tokens


def test_sparse_scores_equal_rank_bm25_on_the_seeds(seed_prepared):
    tokens = _seed_chunk_tokens(seed_prepared)
    sparse = SparseBM25.build(tokens, 1.5, 0.75)
    ref = reference_bm25(tokens, 1.5, 0.75)
    for q in ["Who led the US delegation?", "INF Treaty signed December 8, 1987", "Ryabkov Ryabkov Bloomberg",
              "security guarantees NATO", "zzz unknown words"]:
        qt = tokenize(q)
        np.testing.assert_allclose(sparse.scores(qt), ref.get_scores(qt), rtol=1e-5, atol=1e-6)


def test_a_term_in_half_the_chunks_still_counts():
    docs = [["ryabkov", "said", "talks"], ["ryabkov", "geneva"], ["lavrov", "moscow"], ["blinken", "geneva"]]
    okapi = BM25Okapi(docs)
    assert okapi.get_scores(["ryabkov"])[0] <= 0.01 * okapi.get_scores(["lavrov"])[2]  # rank-bm25's trap
    ours = SparseBM25.build(docs).scores(["ryabkov"])
    assert ours[0] > 0.1 and ours[1] > 0.1 and ours[2] == 0 and ours[3] == 0


def test_term_in_every_chunk_and_tiny_corpora():
    one = SparseBM25.build([["inf", "treaty"]])
    assert one.scores(["inf"])[0] > 0
    two = SparseBM25.build([["inf", "treaty"], ["inf", "missile"]])
    s = two.scores(["inf", "missile"])
    assert s[1] > s[0] > 0


def test_tokenizer_normalises_and_drops_function_words():
    assert tokenize("Russia’s INF Treaty, the U.S. and NATO’s") == ["russia", "inf", "treaty", "u", "nato"]


def test_save_load_round_trip(tmp_path):
    bm = SparseBM25.build([["a1", "b2"], ["b2", "c3", "c3"]])
    bm.save(tmp_path)
    again = SparseBM25.load(tmp_path)
    np.testing.assert_array_equal(bm.scores(["c3", "b2"]), again.scores(["c3", "b2"]))


def test_extend_and_select_equal_a_fresh_build(seed_prepared):
    tokens = _seed_chunk_tokens(seed_prepared)
    grown = SparseBM25.build(tokens[:20], 1.2, 0.6).extend(tokens[20:])
    fresh = SparseBM25.build(tokens, 1.2, 0.6)
    keep = np.array([i for i in range(len(tokens)) if i % 3])
    kept = fresh.select(keep)
    sub = SparseBM25.build([tokens[i] for i in keep], 1.2, 0.6)
    assert grown.terms == fresh.terms and kept.n_docs == len(keep) and set(kept.terms) == set(sub.terms)
    for q in ["security guarantees NATO", "Ryabkov Geneva talks", "INF Treaty"]:
        qt = tokenize(q)
        np.testing.assert_allclose(grown.scores(qt), fresh.scores(qt), rtol=1e-6)
        np.testing.assert_allclose(kept.scores(qt), sub.scores(qt), rtol=1e-6)
        np.testing.assert_allclose(fresh.scores(qt), reference_bm25(tokens, 1.2, 0.6).get_scores(qt), rtol=1e-5, atol=1e-6)
