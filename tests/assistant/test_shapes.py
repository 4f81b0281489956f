"""Answer shapes: the router reads what a question asks for; said and who-is questions are answered in their
own shape, verbatim with offsets; metadata lines are never the story; an act only announced is a
possible answer at most."""
import pytest

from assistant.answer import Tier
from assistant.shapes import Shape, asked_act, in_metadata, route, speaker_match, speaks_in


@pytest.mark.parametrize("question, shape", [
    ("What did the mayor say about the budget?", Shape.SAID),
    ("How did the union describe the offer?", Shape.SAID),
    ("What was the minister's reaction to the vote?", Shape.SAID),
    ("Who said the bridge would close?", Shape.SAID),
    ("Who is Kofi Mensah?", Shape.WHO),
    ("Who chairs the inquiry?", Shape.WHO),
    ("Who is the Prime Minister?", Shape.WHO),
    ("What happened in Leeds on Sunday?", Shape.EVENT),
    ("What did the council do on Monday?", Shape.EVENT),
    ("Why did the airline cancel the flights?", Shape.WHY),
    ("How does the new scanner find tumours?", Shape.WHY),
    ("When will the bridge reopen?", Shape.WHEN),
    ("On which day did the strike start?", Shape.WHEN),
    ("What time does the match start?", Shape.WHEN),
    ("What time did she swim in the final?", Shape.FACT),
    ("How many people were evacuated?", Shape.FACT),
    ("Where is the plant?", Shape.FACT),
])
def test_the_router_reads_the_shape_a_question_asks_for(question, shape):
    assert route(question).shape is shape


def test_the_router_keeps_the_speaker_and_the_topic():
    r = route("What did Kofi Mensah say about the new toll?")
    assert (r.who, r.topic) == ("Kofi Mensah", "the new toll")
    assert route("Who is Kofi Mensah?").describe and not route("Who is the Prime Minister?").describe
    assert not route("Who is Ghana's Finance Minister?").describe  # a post: the question asks for its holder


def test_a_speaker_is_matched_by_name_or_by_post():
    assert speaker_match("Ryabkov", "Sergey Ryabkov", None) == 1.0
    assert speaker_match("the coast guard spokesman", "Nikos Manolis", "coast guard spokesman") == 1.0
    assert speaker_match("the port's boss", "Ana Ruiz", "chief executive of the port") >= 0.6
    assert speaker_match("the mayor", "Ana Ruiz", "chief executive") == 0.0
    # a proper noun the question gives must be there: another company's chief executive is not the one
    assert speaker_match("Veltra's chief executive", "Ana Ruiz", "chief executive of Forthgate", "Forthgate said") == 0.0
    assert speaks_in("President Putin “said the result is needed immediately,” he said.", "President Putin")
    assert not speaks_in("Blinken said Ryabkov was wrong.", "Ryabkov")


def test_the_dateline_up_to_its_outlet_is_not_the_story():
    from index.prepare import prepare
    from index.loading import RawDocument
    from index.settings import BuildSettings

    text = ("Bridge to reopen two years late\n\nLocal September 12, 2023, 19:05\n\nFENMORE, Vermont, Sept 12 "
            "(Green Mountain Wire) - The Hartwell Street bridge will reopen, Northline Civil said.")
    article, _ = prepare(RawDocument(id="a", text=text, source="a.txt"), BuildSettings())
    lead = text.index("FENMORE")
    end = text.index(".", text.index("reopen,")) + 1
    for word in ("FENMORE", "Vermont", "Sept 12", "Green"):
        at = text.index(word, lead)
        assert in_metadata(article, at, at + len(word), lead, end), word
    at = text.index("Northline Civil")
    assert not in_metadata(article, at, at + len("Northline Civil"), lead, end)


def test_a_metadata_line_is_not_the_story(seed_prepared):
    article = next(a for a, _ in seed_prepared.values() if a.date and a.date.start is not None)
    d = article.date
    line_start = article.text.rfind("\n", 0, d.start) + 1
    line_end = article.text.find("\n", d.end)
    assert in_metadata(article, d.start, d.end, line_start, line_end)
    body = article.text.find(". ", line_end + 200) + 2  # a sentence well inside the story
    assert not in_metadata(article, body, body + 10, body, body + 60)


def test_an_act_asked_as_done_is_read_from_the_question():
    assert asked_act("When did Russia sign the treaty?") == ("sign", "past")
    assert asked_act("When did Washington say it would leave the treaty?") is None  # a statement, not the act
    assert asked_act("When will the talks resume?") is None


@pytest.mark.slow
def test_said_answers_quote_the_speaker_verbatim(seed_assistant):
    ans = seed_assistant.ask("What did Ryabkov say about NATO?")
    assert ans.shape == "said" and not ans.abstained
    c = ans.citations[0]
    article = seed_assistant.store.articles[c.article_id]
    assert article.text[c.start:c.end] == c.text and ans.quote in article.text
    assert ans.answer in ans.quote and "Ryabkov" in (ans.speaker or "") + ans.quote


@pytest.mark.slow
def test_who_is_gives_the_description_the_article_gives(seed_assistant):
    ans = seed_assistant.ask("Who is Sergey Ryabkov?")
    assert ans.shape == "who" and ans.tier is not Tier.ABSTAINED
    assert "Deputy Foreign Minister" in ans.answer and "Ryabkov" not in ans.answer
    article = seed_assistant.store.articles[ans.citations[0].article_id]
    assert article.text[ans.answer_start:ans.answer_end] == ans.answer


@pytest.mark.slow
def test_a_metadata_line_is_never_the_answer(seed_assistant):
    ans = seed_assistant.ask("Where did Russian and US diplomats meet in January 2022?")
    assert ans.answer != "23:10" and "23:10" not in (ans.answer or "")
