"""Follow-ups resolved right and standalone questions left alone, on eval/followups.jsonl."""
import json

from eval.followups import FOLLOWUPS, measure, summary, summary_line


def test_the_set_is_big_enough_and_a_third_is_from_unseen_articles():
    rows = [json.loads(line) for line in FOLLOWUPS.read_text().splitlines() if line.strip()]
    for kind in ("followup", "standalone"):
        xs = [r for r in rows if r["kind"] == kind]
        assert len(xs) >= 25
        assert sum(r["articles"] != "seeds" for r in xs) >= len(xs) / 3


def test_followups_resolved_and_standalone_left_alone():
    s = summary(measure())
    print("\n" + summary_line(s))
    assert s["followups_resolved"] >= 0.90
    assert s["standalone_left_alone"] >= 0.95


def test_seed_questions_are_followups_exactly_when_they_have_a_history(seeds_qa):
    from assistant.conversation import is_followup

    wrong = [q.id for q in seeds_qa.questions if is_followup(q.question) != bool(q.history)]
    assert not wrong


def test_a_possible_earlier_answer_keeps_its_tier_so_it_is_not_carried():
    from eval.followups import _turn
    from assistant.conversation import Conversation

    entry = {"question": "Where did Ryabkov give his interview?", "answer": "Moscow", "quote": "Moscow",
             "speaker": None, "abstained": False, "tier": "possible"}
    assert _turn(entry, Conversation()).tier == "possible"
    assert _turn({**entry, "tier": None}, Conversation()).tier == "answered"
    assert _turn({**entry, "abstained": True, "tier": None}, Conversation()).tier == "abstained"
