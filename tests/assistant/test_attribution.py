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


def test_an_appositive_title_and_how_the_speaker_was_found():
    text = "\"This is a disgrace,\" protester Claire Moreau shouted as the mayor left the building."
    (q,) = quotations(text)
    assert q.speaker.name == "Claire Moreau" and q.speaker.kind == "person" and q.speaker.role == "protester"
    assert q.how in ("named_subject", "appositive") and q.found_by == "parse"
    assert q.reason == "attribution after the quotation" and text[q.cue_start:q.cue_end].endswith("shouted")


def test_an_organisation_speaks_in_a_statement():
    text = "The developer, Vinci, said in a statement it \"acted within the law at every stage.\""
    (q,) = quotations(text)
    assert (q.speaker.name, q.speaker.kind, q.how) == ("Vinci", "institution", "organisation")


def test_an_official_who_asked_not_to_be_named_stays_unnamed():
    text = ("Mayor Anna Weber opened the bridge. \"We will reopen the road,\" an official who asked not to be named "
            "said.")
    (q,) = quotations(text)
    assert q.speaker is None and q.how == "unnamed" and q.reason == "the source is not named"
    assert speaker(text, text.index("\"We"), len(text)) is None


def test_reported_speech_is_the_speakers_statement():
    text = "Opposition leader Marc Dubois said his group would ask the regional court to review the costs."
    assert speaker(text, 0, len(text)) == "Marc Dubois"


def test_pattern_title_case_headline_where_the_parse_is_silent():
    # the parser reads "Ryabkov Affirms" as one proper noun: no verb of saying, no speaker
    from index.parsing import parse_article

    text = _seed("004")
    at = text.index("‘Results Are Immediately Needed’")
    parsed = [q for q in parse_article(text).quotations if q.start == at]
    assert parsed and parsed[0].speaker is None and parsed[0].how == "none"
    q = next(q for q in quotations(text) if q.start == at)
    assert q.speaker.name == "Sergey Ryabkov" and q.found_by == "pattern"
