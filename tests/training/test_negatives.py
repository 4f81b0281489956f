"""Near-miss unanswerable questions (training/negatives.py) and their place in the reader's training windows."""
import json
import random
from collections import Counter

import pytest

from training import negatives as N
from training.config import TrainConfig

# One article: the answer paragraph, and other paragraphs that give the swaps their same-type items.
PARA = ("The treaty was signed by President John Adams in Paris in 1783. It ended the war after eight years "
        "of fighting, and the first ships sailed home in March with 120 soldiers.")
OTHERS = [("In 1801 President Thomas Jefferson sent envoys to Madrid; Jefferson said the talks went well in "
           "October. About 450 sailors waited in Lisbon."),
          "Madrid and Lisbon were ports of call. In 1812 a second war began."]
ARTICLE = "\n".join([PARA] + OTHERS)
ANSWER = "1783"
AT = PARA.index(ANSWER)


def _pool():
    return N.article_pool([PARA] + OTHERS)


def _candidates(question):
    return {c.kind: c for c in N.candidates(question, ARTICLE, _pool(), random.Random(0))}


def test_the_simple_typing():
    types = {(m.text, m.type) for m in N.mentions(PARA, ARTICLE)}
    assert {("John Adams", "PERSON"), ("Paris", "NAME"), ("1783", "YEAR"), ("March", "MONTH"),
            ("120", "NUMBER")} <= types
    assert not any(m.text in ("The", "It") for m in N.mentions(PARA, ARTICLE))  # sentence starts are not names
    pool = _pool()
    assert "Thomas Jefferson" in pool.of("PERSON") and {"Madrid", "Lisbon"} <= set(pool.of("NAME"))
    assert "1801" in pool.of("YEAR") and "October" in pool.of("MONTH") and "450" in pool.of("NUMBER")
    # not a person: a possessive inside ("Saint Catherine's Monastery"), a place word
    assert not N._is_person("Catherine's Monastery", "the Saint Catherine's Monastery said")
    assert N._is_person("Catherine Parr", "Queen Catherine Parr said so")
    # a capitalised word the article writes in lower case too is a common noun, not a name
    assert not [m for m in N.mentions("Which Treaty ended it?", "the treaty ended it") if m.type == "NAME"]


@pytest.mark.parametrize("question,kind,removed,inserted", [
    ("Who signed the treaty in Paris in 1783?", "swap_name", "Paris", None),
    ("When did President John Adams sign the treaty?", "swap_actor", "John Adams", "Thomas Jefferson"),
    ("Where was the treaty signed in 1783?", "swap_year", "1783", None),
    ("What sailed home in March?", "swap_month", "March", "October"),
    ("When did the 120 soldiers sail home?", "swap_number", "120", "450"),
    ("When did John Adams sign the treaty?", "negation", "did", "didn't"),
    ("What ended the war after eight years?", "before_after", "after", "before"),
    ("When did the first ships sail home?", "first_last", "first", "last"),
])
def test_each_kind_changes_the_question_and_passes_its_check(question, kind, removed, inserted):
    c = _candidates(question)[kind]
    assert c.question != question and c.original_question == question and c.removed == removed
    assert inserted is None or c.inserted == inserted
    assert c.inserted in c.question and c.removed not in c.question.replace(c.inserted, "")
    assert N.check(c, PARA, AT, ANSWER) is None
    assert c in N.near_misses(question, PARA, AT, ANSWER, ARTICLE, _pool(), random.Random(0))


def test_a_swap_is_typed_and_from_the_same_article():
    for seed in range(20):
        q = "Where in Paris was the treaty signed in 1783 by 120 men?"
        c = {x.kind: x for x in N.candidates(q, ARTICLE, _pool(), random.Random(seed))}
        assert c["swap_year"].inserted in ("1801", "1812")  # a year for a year, never a number or a name
        assert c["swap_number"].inserted == "450"  # same shape: three digits
        assert c["swap_name"].inserted in ("Madrid", "Lisbon", "Jefferson")  # one word for one word: not John Adams


def test_the_checks_reject_what_leaves_the_answer_fitting():
    para = ("The treaty was signed in Paris in 1783, and a copy was signed in Madrid in 1801. "
            "After the signing, the first ships sailed home.")
    at = para.index("1783")
    swap_in_para = N.NearMiss("Where was the treaty signed in 1801?", "swap_year",
                              "Where was the treaty signed in 1783?", "1783", "1801")
    assert N.check(swap_in_para, para, at, "1783") == "swapped-in item in the paragraph"
    name_in_para = N.NearMiss("When was the treaty signed in Madrid?", "swap_name",
                              "When was the treaty signed in Paris?", "Paris", "Madrid")
    assert N.check(name_in_para, para, para.index("1783"), "1783") == "swapped-in item in the paragraph"
    # a person's surname alone in the paragraph is enough: "Jefferson" may be Thomas Jefferson
    actor = N.NearMiss("When did Thomas Jefferson sign?", "swap_actor", "When did John Adams sign?",
                       "John Adams", "Thomas Jefferson")
    assert N.check(actor, "Jefferson signed in 1783.", 18, "1783") == "swapped-in item in the paragraph"
    after = N.NearMiss("What happened after the signing?", "before_after", "What happened before the signing?",
                       "before", "after")
    assert N.check(after, para, para.index("the first"), "the first ships") == "swapped-in word in the paragraph"
    negated_para = "The treaty was not signed by Spain; France signed it in 1783."
    neg = N.make_negation("Who signed the treaty in 1783?") or N.make_negation("When was the treaty signed?")
    assert neg.question == "When wasn't the treaty signed?"
    assert N.check(neg, negated_para, negated_para.index("1783"), "1783") == "negation in the answer's sentence"
    already = N.make_negation("Why did Spain not sign?")
    assert N.check(already, PARA, AT, ANSWER) == "question already negated"
    yes_no = N.make_negation("Was the treaty signed in 1783?")
    assert yes_no.question == "Wasn't the treaty signed in 1783?"
    assert N.check(yes_no, PARA, AT, ANSWER) == "yes/no question"  # its answer would stay the same
    same = N.NearMiss("When was it signed?", "swap_year", "When  was it signed?", "1783", "1783")
    assert N.check(same, PARA, AT, ANSWER) == "question unchanged"
    # the rejections are counted by kind and reason
    rejected = Counter()
    kept = N.near_misses("Where was the treaty signed in 1783?", para, at, "1783",
                         para + "\nIn 1801 nothing happened.", N.article_pool([para, "In 1801 nothing happened."]),
                         random.Random(0), rejected=rejected)
    assert not any(k.kind == "swap_year" for k in kept)
    assert rejected[("swap_year", "swapped-in item in the paragraph")] == 1


def test_no_near_miss_where_none_fits():
    assert N.make_antonym("How long did the war last?", "first_last") is None  # the verb "last"
    assert N.make_antonym("Who is the college named after?", "before_after") is None
    assert N.make_antonym("What is the First Amendment?", "first_last") is None
    assert N.make_antonym("What are the first names of its founders?", "first_last") is None
    assert N.candidates("Which one?", "nothing here", N.article_pool(["nothing here"]), random.Random(0)) == []


def test_picking_spreads_the_kinds():
    made, rng = Counter(), random.Random(0)
    options = [N.NearMiss("q1", "negation", "q", "did", "didn't"), N.NearMiss("q2", "swap_year", "q", "1", "2")]
    for _ in range(10):
        N.pick(options, made, rng)
    assert made == {"negation": 5, "swap_year": 5}


def test_the_spacy_typing_when_given_a_pipeline():
    class Ent:
        def __init__(self, text, start, label):
            self.text, self.start_char, self.end_char, self.label_ = text, start, start + len(text), label

    class Doc:
        def __init__(self, text):
            self.ents = [Ent(n, text.index(n), lab) for n, lab in (("Adams", "PERSON"), ("Paris", "GPE"))
                         if n in text]

    got = {(m.text, m.type) for m in N.mentions("Did Adams sign in Paris in 1783?", ARTICLE, nlp=Doc)}
    assert got == {("Adams", "PERSON"), ("Paris", "NAME"), ("1783", "YEAR")}
    name, nlp = N.load_typing("simple")
    assert (name, nlp) == ("simple", None)


# ---------------------------------------------------------------- in the training windows

def _squad(path, titles=("A", "B")):
    """Two articles, each paragraph with a question whose near misses are easy to make."""
    arts = []
    for t, title in enumerate(titles):
        paras = []
        for i in range(4):
            year, other = 1900 + 10 * t + i, 1950 + 10 * t + i
            ctx = (f"Paragraph {i} of {title}: the envoy met officials in Geneva in {year}, and talks went on "
                   f"for weeks. Later, in {other}, a second round took place far away in another city.")
            q = f"When did the envoy meet officials in Geneva in paragraph {i}?"
            paras.append({"context": ctx, "qas": [{"id": f"{title}{i}", "question": q, "answers": [
                {"text": str(year), "answer_start": ctx.index(str(year))}]}]})
        arts.append({"title": title, "paragraphs": paras})
    data = {"version": "1.1", "data": arts}
    path.write_text(json.dumps(data))
    return data


def test_near_misses_are_labelled_no_answer_on_the_original_window(tmp_path):
    from training.reader import make_windows

    data = _squad(tmp_path / "d.json")
    cfg = TrainConfig(data=str(tmp_path / "d.json"), window_chars=80, neg_ratio=0.5, near_miss_ratio=0.4)
    stats = {}
    ws = make_windows(data["data"], cfg, random.Random(0), stats=stats)
    near = [w for w in ws if w.kind in N.KINDS]
    pos = {w.key: w for w in ws if w.kind == "answer"}
    assert near and abs(len(near) / len(ws) - 0.4) < 0.1
    assert sum(stats["near_miss_kinds"].values()) == len(near)
    for w in near:
        assert w.answer_start is None and w.answer_end is None
        original = pos[w.key]
        assert w.context == original.context and w.question != original.question  # next to the plausible span
        assert "1" in original.context[original.answer_start:original.answer_end]


def test_near_misses_leave_the_other_windows_unchanged(tmp_path):
    """The positives and hard negatives (and so the questions a run trained on, training/reader.trained_on)
    are the same at any near-miss ratio."""
    from training.reader import make_windows

    data = _squad(tmp_path / "d.json")
    base = {"data": str(tmp_path / "d.json"), "window_chars": 80, "neg_ratio": 0.5, "max_examples": 6}
    without = make_windows(data["data"], TrainConfig(**base), random.Random(3), frozenset({"0.1.0"}))
    with_nm = make_windows(data["data"], TrainConfig(**base, near_miss_ratio=0.3), random.Random(3),
                           frozenset({"0.1.0"}))
    assert set(without) == {w for w in with_nm if w.kind not in N.KINDS}
    assert {w.key for w in with_nm if w.kind in N.KINDS} <= {w.key for w in without if w.kind == "answer"}


def test_held_out_titles_never_appear_in_training_windows(tmp_path):
    from training.reader import make_windows, train_articles
    from training.splits import TEST_TITLES, VALIDATION_TITLES

    _squad(tmp_path / "d.json", titles=("Train", VALIDATION_TITLES[0], TEST_TITLES[0]))
    cfg = TrainConfig(data=str(tmp_path / "d.json"), window_chars=400, neg_ratio=0.5, near_miss_ratio=0.4)
    arts = train_articles(tmp_path / "d.json")
    ws = make_windows(arts, cfg, random.Random(0))
    assert any(w.kind in N.KINDS for w in ws)
    for w in ws:
        assert "of Train:" in w.context
        assert not any(t in w.context or t in w.question for t in VALIDATION_TITLES[:1] + TEST_TITLES[:1])
    every = json.loads((tmp_path / "d.json").read_text())["data"]
    with pytest.raises(ValueError, match="never trained on"):
        make_windows(every, cfg, random.Random(0))


def test_the_held_out_file_is_made_from_the_articles_given_and_keeps_the_originals(tmp_path):
    from training.splits import VALIDATION_TITLES

    data = _squad(tmp_path / "d.json", titles=VALIDATION_TITLES[:2])
    rows, originals, counts = N.held_out_near_misses(data["data"])
    assert rows and len(rows) == len(originals) == sum(counts["made"].values())
    by_id = {o["id"]: o for o in originals}
    for r in rows:
        assert r["is_impossible"] is True and r["answers"] == [] and r["made_by"] in N.KINDS
        o = by_id[r["original_id"]]
        assert r["context"] == o["context"] and r["original_question"] == o["question"] != r["question"]
        assert r["original_answer"] in r["context"] and r["title"] in VALIDATION_TITLES
    squad = N.squad2(data["data"], rows, originals)
    qas = [qa for a in squad["data"] for p in a["paragraphs"] for qa in p["qas"]]
    assert len(qas) == 2 * len(rows) and sum(qa["is_impossible"] for qa in qas) == len(rows)
