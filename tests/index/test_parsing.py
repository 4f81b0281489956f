"""The dependency parse of articles and questions: quotations with speakers, tense, storage, loading."""
from __future__ import annotations

import json
import threading

import pytest

from index import parsing
from index.model import Sentence
from index.parsing import (
    ArticleParse,
    ParserModelError,
    article_parse,
    cached_parse,
    clause_tense,
    parse_article,
    parse_question,
    reading,
    remember,
)


def _quote(text: str, needle: str):
    parse = parse_article(text)
    i = text.index(needle)
    hits = [q for q in parse.quotations if q.start <= i < q.end]
    assert hits, [(text[q.start:q.end], q.speaker) for q in parse.quotations]
    return hits[0]


def test_an_appositive_title_names_the_protester():
    text = "\"This is a disgrace,\" protester Claire Moreau shouted as the mayor left the building."
    q = _quote(text, "This is a disgrace")
    assert (q.speaker, q.speaker_kind, q.verb, q.kind) == ("Claire Moreau", "person", "shout", "direct")
    assert q.how in ("named_subject", "appositive") and q.role == "protester"
    assert text[q.speaker_start:q.speaker_end] == "Claire Moreau" and text[q.role_start:q.role_end] == "protester"
    assert text[q.start:q.end] == "\"This is a disgrace,\""


def test_an_organisation_in_apposition_speaks():
    text = "The developer, Vinci, said in a statement it \"acted within the law at every stage.\""
    q = _quote(text, "acted within")
    assert (q.speaker, q.speaker_kind, q.how, q.verb) == ("Vinci", "organisation", "organisation", "say")
    assert q.role == "developer"


def test_a_person_in_apposition_to_a_description():
    text = "The shadow health secretary, Tom Aldridge, said the fall was \"a drop in the ocean\"."
    q = _quote(text, "a drop")
    assert (q.speaker, q.speaker_kind, q.how, q.role) == ("Tom Aldridge", "person", "appositive",
                                                          "shadow health secretary")


@pytest.mark.parametrize("text", [
    "Mayor Anna Weber spoke first. \"We will reopen the road,\" an official who asked not to be named said.",
    "\"As Chancellor Weber has said, we cannot pay,\" a German diplomat told Reuters.",
    "Officials said \"the bridge will reopen on Friday.\"",
    "Mayor Anna Weber spoke. \"We are working on it,\" her spokesman said.",  # not the mayor herself
])
def test_an_unnamed_source_stays_nobody(text):
    q = _quote(text, "\"")
    assert q.speaker is None and q.how == "unnamed"


def test_split_quotations_and_pronouns_have_one_speaker():
    text = ("Energy Minister Ana Vidal spoke first. \"We will cut prices,\" she said. \"Nobody will pay more.\"\n\n"
            "\"Not this winter.\"\n\nAnalyst Tom Reed disagreed.")
    qs = [q for q in parse_article(text).quotations if q.kind == "direct"]
    assert [q.speaker for q in qs] == ["Ana Vidal"] * 3
    assert [q.how for q in qs] == ["pronoun_resolved"] * 3 and [q.link for q in qs] == ["parse", "continues", "continues"]
    assert qs[0].role == "Energy Minister"


def test_according_to_and_reported_speech():
    text = ("Economy Minister Sanne de Wit spoke on Monday. \"It costs 30 million a day,\" according to economist "
            "Pieter Hals of ING. Sanne de Wit said that the government would not intervene.")
    q = _quote(text, "It costs")
    assert (q.speaker, q.how, q.role) == ("Pieter Hals", "according_to", "economist")
    reported = [q for q in parse_article(text).quotations if q.kind == "reported"]
    assert reported and reported[0].speaker == "Sanne de Wit"
    assert text[reported[0].start:reported[0].end] == "that the government would not intervene"


def test_the_ministry_is_the_last_ministry_named_and_it_is_the_last_organisation():
    text = ("The Russian Foreign Ministry published a statement. \"The talks were useful,\" the ministry said.\n\n"
            "The port operators' association VNO rejected the offer. \"It is too much,\" it said.")
    assert _quote(text, "The talks").speaker == "Russian Foreign Ministry"
    q = _quote(text, "It is too much")
    assert (q.speaker, q.how) == ("VNO", "pronoun_resolved")


def test_a_speaker_named_inside_a_quotation_is_not_the_speaker():
    text = "Sergey Lavrov spoke to RT. “This time, as President Vladimir Putin has said, we want guarantees,” he said."
    q = _quote(text, "This time")
    assert q.speaker == "Sergey Lavrov" and q.how == "pronoun_resolved"


def test_sentences_given_by_the_index_keep_offsets():
    text = "Header line\n\n\"We are ready,\" said Maria Kask, the EU energy commissioner."
    s = text.index("\"We")
    parse = parse_article(text, [Sentence("a", s, len(text), text[s:])])
    q = parse.quotations[0]
    assert text[q.speaker_start:q.speaker_end] == "Maria Kask" and q.role == "the EU energy commissioner"
    assert text[q.cue_start:q.cue_end].startswith("said")


@pytest.mark.parametrize("text,needle,label,read", [
    ("Prosecutors meet on Tuesday to decide on an appeal.", "Tuesday", "present", "present"),
    ("The unions are meeting on Friday.", "Friday", "present_progressive", "present"),
    ("They will meet on Thursday.", "Thursday", "future", "future"),
    ("He said the talks would resume on Friday.", "Friday", "conditional", "future"),
    ("The talks are to resume on Friday.", "Friday", "future", "future"),
    ("The vote is due to take place on Friday.", "Friday", "future", "future"),
    ("They met on Thursday.", "Thursday", "past", "past"),
    ("The court has ruled on Monday.", "Monday", "present_perfect", "past"),
    ("The ministers were meeting on Friday.", "Friday", "past_progressive", "past"),
])
def test_clause_tense(text, needle, label, read):
    parse = parse_article(text)
    i = text.index(needle)
    assert clause_tense(parse, i, i + len(needle)) == label
    assert reading(label) == read
    assert parsing.tense_at(text, i, i + len(needle)) == label


def test_json_round_trip_is_plain_data():
    text = "\"We will cut prices,\" Energy Minister Ana Vidal said on Monday. Talks resume on Friday."
    parse = parse_article(text)
    data = json.loads(json.dumps(parse.to_json()))
    assert ArticleParse.from_json(data) == parse
    assert data["version"] == parsing.PARSE_VERSION and data["text_sha256"] == parsing.text_sha256(text)


def test_a_stored_parse_is_used_and_a_stale_one_refused():
    text = "\"Stored,\" said Nobody Special of Nowhere. This sentence is only here for the test."
    parse = parse_article(text)
    stored = ArticleParse.from_json(parse.to_json())
    assert remember(text, stored) and cached_parse(text) is stored and article_parse(text) is stored
    assert not remember(text + " changed", stored)
    assert not remember(text, ArticleParse(stored.text_sha256, "another model 1.0", stored.quotations))


def test_question_parse():
    p = parse_question("when did the court announce her ruling")
    words = [t.text for t in p.tokens]
    her = words.index("her")
    assert p.tokens[her].tag == "PRP$" and p.feature(her, "Gender") == "Fem"
    court = words.index("court")
    assert p.tokens[court].known_noun and not parse_question("why did lavrov say it").tokens[2].known_noun


def test_the_pipeline_loads_once_across_threads():
    got = []
    threads = [threading.Thread(target=lambda: got.append(parsing.pipeline())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(n) for n in got}) == 1
    assert "ner" in got[0].pipe_names and "senter" not in got[0].pipe_names


def test_a_missing_model_is_one_clear_error(monkeypatch):
    from index.embedding import ModelError

    monkeypatch.setenv("NEWSDESK_SPACY_MODEL", "no_such_spacy_model")
    monkeypatch.setattr(parsing, "_nlp", None)
    with pytest.raises(ParserModelError) as e:
        parsing.pipeline()
    assert isinstance(e.value, ModelError) and "no_such_spacy_model" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("text,needle,speaker,kind", [
    ("Smith, 45, said the decision was \"unfair\".", "unfair", "Smith", "person"),  # an age: a person
    ("Acme Corp said on Tuesday it would cut 500 jobs. \"This was a difficult decision,\" the company said.",
     "difficult", "Acme Corp", "organisation"),  # "the company": the organisation just named
    ("\"He was known to us,\" police said.", "known", "police", "organisation"),
    ("Angela Merkel met Emmanuel Macron in Berlin. \"It was a good meeting,\" she said.", "good meeting",
     "Angela Merkel", "person"),  # the subject before the object
])
def test_common_news_attributions(text, needle, speaker, kind):
    q = _quote(text, needle)
    assert (q.speaker, q.speaker_kind) == (speaker, kind)


def test_loading_the_parser_does_not_load_torch():
    import subprocess
    import sys

    code = ("import sys; from index import parsing; parsing.parse_question('Who said it?'); "
            "assert 'torch' not in sys.modules, 'thinc imported torch'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]


def test_a_registered_source_of_stored_parses_is_read_before_parsing(monkeypatch):
    text = "\"From the store,\" said Stored Person of Somewhere. A second sentence for the test."
    stored = parse_article(text).to_json()
    asked = []

    def lookup(sha: str):
        asked.append(sha)
        return stored if sha == stored["text_sha256"] else None

    parsing.add_source(lookup)
    try:
        monkeypatch.setattr(parsing, "parse_article", lambda *a, **k: pytest.fail("parsed although stored"))
        got = article_parse(text)
        assert got == ArticleParse.from_json(stored) and asked == [stored["text_sha256"]]
    finally:
        parsing.remove_source(lookup)
