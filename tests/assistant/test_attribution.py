"""The failures users reported, and the kinds of attribution a journalist relies on."""
from pathlib import Path

import pytest

from assistant.attribution import attribute, find_quotations, quotations, speaker

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(prefix + "*.txt")).read_text(encoding="utf-8")


def _at(text: str, needle: str):
    i = text.index(needle)
    return attribute(text, i, i + len(needle))


def test_a_person_quoted_inside_a_quote_is_not_the_speaker():
    text = _seed("002")
    s = _at(text, "This time, as President Putin has said, we want to see legally binding guarantees")
    assert s is not None and s.name == "Sergey Lavrov" and s.role == "Russian Foreign Minister"


def test_the_ministry_is_the_ministry_not_the_deputy_minister_named_before():
    text = _seed("001")
    s = _at(text, "The Russian side called for joint efforts")
    assert s.kind == "institution" and s.name == "Russian Foreign Ministry"


def test_a_passage_without_speech_has_no_speaker():
    text = _seed("001")
    assert _at(text, "The INF Treaty covered deployed and non-deployed ground-based") is None


def test_a_headline_attribution_and_the_role_of_the_first_full_mention():
    text = _seed("004")
    s = _at(text, "‘Results Are Immediately Needed’")
    assert s.name == "Sergey Ryabkov" and s.role == "Russian Deputy Foreign Minister"


def test_a_quoted_paragraph_continues_its_speaker_and_a_pronoun_takes_the_last_speaker():
    text = ("Energy Minister Ana Vidal spoke first. \"We will cut prices,\" she said.\n\n"
            "\"Nobody will pay more this winter.\"\n\nAnalyst Tom Reed disagreed.")
    q = quotations(text)
    assert [x.speaker.name for x in q] == ["Ana Vidal", "Ana Vidal"]
    assert q[1].reason == "continues the previous quotation" and q[0].reason == "attribution after the quotation"


def test_an_unnamed_source_is_nobody_not_the_person_it_quotes():
    text = "Chancellor Anna Weber spoke. \"As Chancellor Weber has said, we cannot pay,\" a diplomat told Reuters."
    assert speaker(text, text.index("\"As"), len(text)) is None


@pytest.mark.parametrize("text, who", [
    ("\"We are ready,\" said Maria Kask, the EU energy commissioner.", "Maria Kask"),
    ("Mayor Claire Fontaine called the plan \"a gift\" on Monday.", "Claire Fontaine"),
    ("\"It costs 30 million a day,\" according to economist Pieter Hals of ING.", "Pieter Hals"),
])
def test_inverted_called_and_according_to(text, who):
    assert speaker(text, 0, len(text)) == who


def test_apostrophes_are_not_quotation_marks():
    text = "Russia’s position and the U.S.' view didn't change. He said 'no' twice."
    spans = find_quotations(text)
    assert [text[a:b] for a, b in spans] == ["'no'"]


def test_a_speech_verb_inside_a_quote_never_becomes_a_speaker_for_a_later_pronoun():
    text = "Sergey Lavrov spoke to RT. “This time, as President Vladimir Putin has said, we want guarantees,” he said."
    q = quotations(text)
    assert len(q) == 1 and q[0].speaker.name == "Sergey Lavrov"
