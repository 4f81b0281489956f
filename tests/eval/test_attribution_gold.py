from eval.attribution import GOLD, load_gold, measure, scores


def test_gold_covers_every_quoted_sentence_of_the_seeds(seed_prepared):
    from assistant.attribution import find_quotations

    gold = {(r["article"], r["start"], r["end"]) for r in load_gold(GOLD) if r["folder"] == "seeds"}
    for aid, (article, sentences) in seed_prepared.items():
        quotes = find_quotations(article.text)
        quoted = {(aid, s.start, s.end) for s in sentences if any(a < s.end and s.start < b for a, b in quotes)}
        assert quoted and quoted <= gold, aid


def test_attribution_precision_and_recall():
    result = measure()
    assert result["all"]["sentences"] >= 60
    assert result["all"]["precision"] >= 0.9, result
    assert result["all"]["recall"] >= 0.8, result
    assert result["heldout"]["precision"] >= 0.9, result


def test_scores_count_a_wrong_speaker_against_precision():
    s = scores(["Sergey Ryabkov", None, "the ministry"], ["Vladimir Putin", None, "Ministry"])
    assert s["predicted"] == 2 and s["correct"] == 1 and s["precision"] == 0.5 and s["recall"] == 0.5
