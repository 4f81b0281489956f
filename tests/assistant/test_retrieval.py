import numpy as np
import pytest

from types import SimpleNamespace

from assistant.retrieval import Filters, article_agreement, fuse, minmax, ranks


def test_minmax():
    np.testing.assert_allclose(minmax(np.array([2.0, 4.0, 3.0])), [0, 1, 0.5])
    np.testing.assert_allclose(minmax(np.array([3.0, 3.0])), [1, 1])
    np.testing.assert_allclose(minmax(np.array([0.0, 0.0])), [0, 0])


def test_ranks_break_ties_explicitly():
    scores = np.array([1.0, 1.0, 2.0, 1.0])
    tiebreak = np.array([0.1, 0.3, 0.0, 0.3])
    assert ranks(scores, tiebreak).tolist() == [4, 2, 1, 3]  # 1 and 3 tie twice: position decides


def test_rrf_and_minmax_fusion():
    dense = np.array([0.9, 0.5, 0.1])
    bm25 = np.array([0.0, 10.0, 5.0])
    rrf = fuse(dense, bm25, "rrf", 0.5, 60)
    # ranks: dense (1,2,3), bm25 (3,1,2) -> 1/61+1/63, 1/62+1/61, 1/63+1/62, scaled by 61/2
    expect = np.array([1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62]) * 61 / 2
    np.testing.assert_allclose(rrf, expect, rtol=1e-6)
    mm = fuse(dense, bm25, "minmax", 0.5, 60)
    np.testing.assert_allclose(mm, [0.5, 0.5 * 0.5 + 0.5, 0.25], rtol=1e-6)
    with pytest.raises(ValueError):
        fuse(dense, bm25, "nope", 0.5, 60)


def test_filters(seed_prepared):
    arts = {aid: a for aid, (a, _) in seed_prepared.items()}
    tass = Filters(outlets=("tass",))
    assert {a for a in arts if tass.allows(arts[a])} == {"000_26fa5ce3f242af54", "001_596bc3409c48ad04"}
    jan = Filters(since="2022-01-01", until="2022-01-31")
    # the 2019 TASS report has no year: it cannot be placed in a range, so it is left out
    assert {a for a in arts if jan.allows(arts[a])} == {"000_26fa5ce3f242af54", "003_70ff3accb9f1b79d", "004_b2e3140862302f81"}
    assert Filters(article_ids=("002_82730997460d64a4",)).allows(arts["002_82730997460d64a4"])
    with pytest.raises(ValueError):
        Filters(since="not a date").allows(arts["000_26fa5ce3f242af54"])


def test_retrieval_respects_filters_and_offsets(seed_assistant):
    r = seed_assistant.retriever.retrieve("Ryabkov security guarantees", Filters(outlets=("EIRNS",)), k=5)
    assert r.passages and {p.article_id for p in r.passages} <= {"002_82730997460d64a4", "004_b2e3140862302f81"}
    for p in r.passages:
        assert seed_assistant.index.articles[p.article_id].text[p.start:p.end] == p.text
    assert [p.rank for p in r.passages] == list(range(1, len(r.passages) + 1))

    # with article evidence on: ordered by the fused score plus the article's agreement; each passage keeps
    # its own fused score
    from assistant.retrieval import Retriever

    w = 0.4
    lifted = Retriever(seed_assistant.store, seed_assistant.settings.with_(article_weight=w))
    for r in (lifted.retrieve("Ryabkov security guarantees", Filters(outlets=("EIRNS",)), k=5),
              lifted.retrieve("Who is Russia's Deputy Foreign Minister?", k=5)):
        agree = dict(zip(r.chunk_ids.tolist(), article_agreement(seed_assistant.store, r.chunk_ids, r.fused)))
        fused = dict(zip(r.chunk_ids.tolist(), r.fused))
        assert all(p.score == pytest.approx(fused[p.chunk_id]) for p in r.passages)
        order = [fused[p.chunk_id] + w * agree[p.chunk_id] for p in r.passages]
        assert all(a >= b - 1e-6 for a, b in zip(order, order[1:]))


def test_an_article_whose_chunks_agree_lifts_its_passages():
    # chunk 0 of article A scores best alone; B's two chunks agree: B's second-best chunk passes A's
    store = SimpleNamespace(chunks=[SimpleNamespace(article_id=a) for a in ("A", "B", "B", "C")])
    ids = np.array([0, 1, 2, 3])
    fused = np.array([0.9, 0.85, 0.8, 0.1], np.float32)
    agree = article_agreement(store, ids, fused)
    np.testing.assert_allclose(agree, [(0.9 - 0.1) / 1.55, 1.0, 1.0, 0.0], rtol=1e-5)
    assert np.argsort(-(fused + 0.4 * agree)).tolist() == [1, 2, 0, 3]
    assert np.argsort(-fused).tolist() == [0, 1, 2, 3]


def test_retrieval_finds_the_article_for_a_named_entity(seed_assistant):
    top = seed_assistant.retriever.retrieve("Andrea Thompson Under Secretary", k=3).passages[0]
    assert top.article_id == "001_596bc3409c48ad04"
