from assistant.answer import Answer
from assistant.conversation import Conversation, is_followup, rewrite


def _turn(question, answer):
    return Answer(question=question, query=question, answer=answer, quote=answer, confidence=0.9, abstained=False)


def test_is_followup():
    assert is_followup("And when did it enter into force?")
    assert is_followup("Which publication did he talk to?")
    assert is_followup("What was her title?")
    assert not is_followup("When was the INF Treaty signed?")
    assert not is_followup("Who led the US delegation at the INF consultations in Geneva?")


def test_rewrite_carries_topic_and_person():
    conv = Conversation([_turn("Who led the American side at the INF consultations in Geneva?", "Andrea Thompson")])
    q = rewrite("What was her title?", conv)
    assert q.startswith("What was Andrea Thompson title?") or "Andrea Thompson" in q
    assert "INF" in q and "Geneva" in q
    assert rewrite("When was the INF Treaty signed?", conv) == "When was the INF Treaty signed?"
    assert rewrite("And when did it enter into force?", None) == "And when did it enter into force?"
