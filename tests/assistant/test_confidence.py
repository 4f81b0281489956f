"""The trained reader's windows, the cross-passage ranker, the confidence features and the three tiers."""
import numpy as np
import pytest

from assistant.answer import AnswerCandidate
from assistant.calibration import Calibration
from assistant.pipeline import features, tier_of
from assistant.calibration import Logistic
from assistant.readers.span import type_features
from assistant.settings import AskSettings
from eval.experiments.calibrate import fit_logistic, thresholds


def test_score_windows_finds_the_answer_and_distinct_spans(seed_assistant):
    reader = seed_assistant.reader
    ctx = ["The treaty was signed in Washington on December 8, 1987, by Reagan and Gorbachev.",
           "Officials met in Geneva. Nothing was agreed."]
    spans = reader.score_windows("When was the treaty signed?", ctx)
    best = max((s for s in spans if s[5] == 0), key=lambda s: s[2])
    assert ctx[0][best[0]:best[1]] == "December 8, 1987"
    for k in (0, 1):
        mine = sorted((s[0], s[1]) for s in spans if s[5] == k)
        assert 1 <= len(mine) <= 3
        assert all(a[1] <= b[0] for a, b in zip(mine, mine[1:]))  # non-overlapping readings
    assert all(s[2] <= 0 and s[3] <= 0 for s in spans)  # log-probabilities


def test_a_long_question_never_breaks_the_windows(seed_assistant):
    q = "What did the officials say about the INF Treaty? " * 80
    assert seed_assistant.reader.score_windows(q, ["The INF Treaty was signed on December 8, 1987."])


def test_candidates_come_from_several_passages_ranked_by_the_fitted_ranker(seed_assistant):
    t = seed_assistant.trace("When was the INF Treaty signed?", settings=seed_assistant.settings.with_(abstain=False))
    read = {c.sentence_id for c in t.candidates}
    assert len(read) > 1 and t.candidates[0].score == max(c.score for c in t.candidates)
    assert {"span_logp", "null_gap", "retrieval", "type_bad", "type_bad_date"} <= set(t.candidates[0].features)


def test_passages_are_read_under_their_headline_and_spans_stay_in_the_article(seed_assistant, monkeypatch):
    from assistant.readers.span import headline

    a = seed_assistant
    q = "Who heads the Russian delegation?"
    r = a.retriever.retrieve(q, k=10)
    deeper = [p for p in r.passages if headline(a.store.articles[p.article_id], p.text)][:3]
    assert deeper  # passages past each report's first chunk, which do not start with its headline
    seen, read = [], []
    real = a.reader.score_windows

    def spy(qq, ctx, *x, **kw):
        found = real(qq, ctx, *x, **kw)
        seen.extend(ctx)
        read.extend(ctx[k][cs:ce].rstrip(" ,;:") for cs, ce, *_, k in found)
        return found

    monkeypatch.setattr(a.reader, "score_windows", spy)
    cands = a.reader.read(q, q, deeper, a.store, r.qvec)
    titles = [a.store.articles[p.article_id].title.value for p in deeper]
    assert [c.split("\n", 1) for c in seen] == [[t, p.text] for t, p in zip(titles, deeper)]
    assert cands
    for c in cands:  # offsets point at the span the reader read, in the passage, never in the added headline
        assert any(p.article_id == c.article_id and p.start <= c.start < c.end <= p.end for p in deeper)
        assert any(text.startswith(a.store.articles[c.article_id].text[c.start:c.end]) for text in read)
    first = next(p for p in r.passages if not headline(a.store.articles[p.article_id], p.text))
    assert first.text.lstrip().startswith(a.store.articles[first.article_id].title.value)


def test_type_features_mark_a_span_of_the_wrong_kind_by_kind():
    s = "Talks in Geneva on January 10 ended after three rounds."
    place, date, count = (s.index(x) for x in ("Geneva", "January 10", "three"))
    assert type_features("date", s, date, date + 10) == \
        {"type_bad": 0.0, "type_bad_date": 0.0, "type_bad_number": 0.0, "type_bad_name": 0.0}
    assert type_features("date", s, place, place + 6)["type_bad_date"] == 1.0
    wrong_number = type_features("number", s, place, place + 6)
    assert wrong_number["type_bad_number"] == 1.0 and wrong_number["type_bad_date"] == 0.0
    assert type_features("place", s, count, count + 5)["type_bad_name"] == 1.0
    assert type_features(None, s, count, count + 5)["type_bad"] == 0.0



def _cand(sid, start, score):
    return AnswerCandidate("a", start, start + 4, sid, 0, 40, score, 0.1, {"null_gap": 0.5})


def test_margin_and_support_read_the_other_candidates(seed_assistant):
    store = seed_assistant.store
    art = next(iter(store.articles.values()))
    retrieval = seed_assistant.trace("INF Treaty").retrieval
    same = [AnswerCandidate(art.id, 0, 10, s, 0, 10, sc, 0.0, {}) for s, sc in ((0, 0.9), (1, 0.5))]
    other = AnswerCandidate(art.id, 20, 30, 2, 20, 30, 0.3, 0.0, {})
    f = features(tuple(same + [other]), retrieval, store, "When?")
    assert f["margin"] == pytest.approx(0.9 - 0.3) and f["support"] == pytest.approx(2 / 3)
    alone = features((same[0], other), retrieval, store, "When?")
    assert alone["support"] == pytest.approx(1 / 3)


def test_three_tiers_follow_the_two_thresholds():
    cal = Calibration(Logistic(("reader",), (1.0,), 0.0), answer_at=0.8, possible_at=0.4)
    s = AskSettings()
    assert [tier_of(c, cal, s) for c in (0.9, 0.8, 0.5, 0.4, 0.1)] == \
        ["answered", "answered", "possible", "possible", "abstained"]
    assert tier_of(0.3, None, s) == "abstained" and tier_of(0.9, None, s) == "answered"


def test_thresholds_meet_the_stated_objective():
    rng = np.random.default_rng(0)
    n = 600
    kinds = ["answerable"] * 300 + ["on-topic"] * 200 + ["off-topic"] * 100
    y = np.array([float(k == "answerable" and rng.random() < 0.7) for k in kinds])
    p = np.clip(0.25 + 0.6 * y + rng.normal(0, 0.15, n), 0, 1)
    answer_at, possible_at = thresholds(p, y, kinds)
    assert possible_at <= answer_at
    assert y[p >= answer_at].mean() >= 0.9
    band = (p >= possible_at) & (p < answer_at)
    assert not band.any() or y[band].mean() >= 0.5
    on = np.array([k == "on-topic" for k in kinds])
    assert (p[on] >= possible_at).mean() <= 0.3


def test_a_small_dip_under_the_answer_threshold_does_not_end_the_possible_tier():
    # answers at 0.9+ all right; just under, two wrong; lower down, a band that is mostly right
    p = np.array([0.95] * 20 + [0.8] * 3 + [0.6] * 10 + [0.1] * 10)
    y = np.array([1.0] * 20 + [0.0] * 3 + [1.0] * 8 + [0.0] * 2 + [0.0] * 10)
    kinds = ["answerable"] * 33 + ["on-topic"] * 10
    answer_at, possible_at = thresholds(p, y, kinds)
    assert answer_at == 0.95 and possible_at == 0.6


def test_the_ranker_fit_caps_the_type_weights():
    from eval.experiments.calibrate import TYPE_WEIGHT_CAP

    rng = np.random.default_rng(1)
    x = np.column_stack([rng.normal(size=400), rng.random(400) < 0.2])  # the second feature says nothing here
    y = (x[:, 0] + rng.normal(0, 0.5, 400) > 0).astype(float)
    free, _ = fit_logistic(x, y)
    capped, _ = fit_logistic(x, y, upper=np.array([np.inf, TYPE_WEIGHT_CAP]))
    assert free[1] > TYPE_WEIGHT_CAP and capped[1] == TYPE_WEIGHT_CAP and capped[0] > 1


def test_fit_logistic_separates_a_separable_feature():
    x = np.array([[0.0], [0.1], [0.9], [1.0]] * 20)
    y = np.array([0, 0, 1, 1] * 20, float)
    w, b = fit_logistic(x, y)
    model = Logistic(("x",), (float(w[0]),), float(b))
    assert model({"x": 1.0}) > 0.8 > 0.2 > model({"x": 0.0})
