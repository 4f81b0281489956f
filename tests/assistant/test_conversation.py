import pytest

from assistant.answer import Answer, Citation
from assistant.conversation import (
    Conversation,
    followup_kind,
    is_followup,
    open_references,
    resolve,
    rewrite,
)


def _turn(question, answer, abstained=False, speaker=None, query=None):
    cites = (Citation(1, "a", 0, 1, "x", speaker=speaker),) if answer else ()
    return Answer(question=question, query=query or question, answer=answer, quote=answer, confidence=0.9,
                  abstained=abstained, citations=cites, answer_citation=1 if answer else None)


def test_is_followup():
    assert is_followup("And when did it enter into force?")
    assert is_followup("Which publication did he talk to?")
    assert is_followup("What was her title?")
    assert is_followup("Where was he when he said it?")
    assert followup_kind("When?") == followup_kind("And NATO?") == "ellipsis"
    assert not is_followup("When was the INF Treaty signed?")
    assert not is_followup("Who led the US delegation at the INF consultations in Geneva?")
    assert not is_followup("What did Ryabkov say about his talks with Blinken?")  # "his" has its own name
    assert not is_followup("Is there a new offer from the operator?")
    assert not is_followup("And what did Lavrov tell RT about NATO's expansion eastward?")


def test_rewrite_carries_topic_and_person():
    conv = Conversation([_turn("Who led the American side at the INF consultations in Geneva?", "Andrea Thompson")])
    q = rewrite("What was her title?", conv)
    assert q.startswith("What was Andrea Thompson’s title?")
    assert "INF" in q and "Geneva" in q
    assert rewrite("When was the INF Treaty signed?", conv) == "When was the INF Treaty signed?"
    assert rewrite("And when did it enter into force?", None) == "And when did it enter into force?"


def test_an_abstained_or_possible_answer_is_not_carried():
    wrong = _turn("Where did Ryabkov give the interview?", "Moscow")
    object.__setattr__(wrong, "tier", "possible")
    q = rewrite("What did he say there?", Conversation([wrong]))
    assert "Moscow" not in q and "Ryabkov" in q
    abstained = _turn("Who headed the Russian delegation in Vienna?", None, abstained=True)
    q = rewrite("Which broadcaster did he speak to?", Conversation([abstained]))
    assert "Vienna" in q and "Russian speak" not in q


def test_elliptic_questions_swap_or_carry():
    conv = Conversation([_turn("When was MetEye-1 launched?", "2016")])
    r = resolve("And MetEye-2?", conv)
    assert r.kind == "swap" and r.query == "When was MetEye-2 launched?"
    conv = Conversation([_turn("Who is the union leader in the Rotterdam strike?", "Niek Stam", speaker="Stam")])
    r = resolve("Where did he talk to reporters?", conv)
    assert r.kind == "pronoun" and r.referent == "Niek Stam" and r.source == conv.turns[0].question
    assert "Rotterdam" in rewrite("When?", conv) and "Niek Stam" in rewrite("When?", conv)


def test_speaker_of_the_cited_sentence_is_the_person_when_the_answer_is_not_one():
    conv = Conversation([_turn("What did the Kremlin say about the talks?", "they were useful", speaker="Dmitry Peskov")])
    assert rewrite("When did he say it?", conv).startswith("When did Dmitry Peskov say it?")


@pytest.mark.parametrize("question", [
    "When did the court announce her ruling?",  # "her" cannot be the court
    "when did the court announce her ruling",  # whatever the capitalisation
    "What did the minister say about her?",  # "her" is not an argument of its own verb
    "What did the spokeswoman say about his plans?",  # gender
    "Who did he meet?",
    "When did that meeting take place?",
    "Who estimated that?",
    "What did he do there?",
    "How long did it take?",
    "Who signed?",  # an elided object
])
def test_followups_by_the_parse(question):
    assert is_followup(question)


@pytest.mark.parametrize("question", [
    "Why did the judge say he rejected the bail request?",  # "he" = the judge
    "why did the judge say he rejected the bail request",
    "When did NATO say its troops would leave?",
    "when did nato say its troops would leave",
    "When did the union say its members would strike?",
    "Who said he would resign?",
    "Why did lavrov say he was disappointed?",  # a lower-case name is still a name
    "What did the treaty ban and when did that treaty end?",
    "Who was in Geneva and what did he do there?",
    "What did Biden and Putin say they would do?",
    "What happened this year?",
    "Is it true that NATO will expand?",
    "Who signed the treaty?",
])
def test_standalone_by_the_parse(question):
    assert not is_followup(question)


def test_how_many_planes_did_they_send_is_not_about_the_planes():
    refs = open_references("How many planes did they each send?")
    assert [(r.word, r.kind) for r in refs] == [("they", "group")]
