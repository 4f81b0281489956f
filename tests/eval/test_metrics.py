import pytest

from eval import metrics as M


def test_normalization_follows_squad():
    assert M.normalize("The  Denver Broncos!") == "denver broncos"
    assert M.normalize("an Apple, a day") == "apple day"
    assert M.normalize("“Dec. 17”") == "dec 17"


def test_exact_match_and_f1():
    assert M.exact_match("the Denver Broncos", ["Denver Broncos", "Broncos"]) == 1.0
    assert M.exact_match("Denver", ["Denver Broncos"]) == 0.0
    assert M.exact_match(None, ["x"]) == 0.0
    # pred "denver broncos team" vs gold "denver broncos": p = 2/3, r = 1 -> f1 = 0.8
    assert M.f1("Denver Broncos team", ["Denver Broncos"]) == pytest.approx(0.8)
    # max over golds
    assert M.f1("Carolina", ["Denver Broncos", "Carolina Panthers"]) == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert M.f1("nothing", ["Denver"]) == 0.0


def test_quote_hit_is_token_aligned():
    assert M.quote_hit("It was signed on December 8, 1987.", ["December 8, 1987"]) == 1.0
    assert M.quote_hit("It covered 1,000 km.", ["1,000 km", "x"]) == 1.0
    assert M.quote_hit("the catalogue", ["cat"]) == 0.0
    assert M.quote_hit(None, ["x"]) == 0.0


def test_hit_at_k_and_mrr():
    ranked = ["a", "b", "c", "d"]
    assert [M.hit_at(ranked, {"c"}, k) for k in (1, 2, 3)] == [0.0, 0.0, 1.0]
    assert M.reciprocal_rank(ranked, {"c", "d"}) == pytest.approx(1 / 3)
    assert M.reciprocal_rank(ranked, {"z"}) == 0.0


def test_abstention_counting():
    out = M.abstention([True, True, False, False, False], [False, True, True, True, False])
    assert out == {"unanswerable": 3, "abstained_on_unanswerable": pytest.approx(2 / 3),
                   "answerable": 2, "wrongly_abstained": 0.5}


def test_percentile_and_calibration_bins():
    assert M.percentile([5, 1, 3, 2, 4], 50) == 3
    bins = M.calibration_bins([0.1, 0.15, 0.9], [False, True, True])
    assert bins[0]["n"] == 2 and bins[0]["accuracy"] == 0.5 and bins[-1]["accuracy"] == 1.0
