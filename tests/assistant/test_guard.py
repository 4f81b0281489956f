"""Answering never fails on what a user can type: any length, any Unicode, through Assistant.ask, the CLI
and the chat handler; a question in another script is told the collection is searched in English."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import Answer
from assistant.conversation import Conversation
from assistant.guard import (
    ENGLISH_ONLY,
    clean_text,
    is_foreign_script,
    with_language_note,
)

# a length anywhere in 0..100,000 (the ends and the reader's limits included) and any text to fill it
LENGTHS = st.one_of(st.sampled_from([0, 1, 849, 850, 851, 1000, 2000, 2001, 5000, 100_000]), st.integers(0, 100_000))
UNICODE = st.text(st.characters(), min_size=1, max_size=40)  # surrogates, controls, emoji, RTL, CJK ...
WORDY = st.sampled_from(["When was the INF Treaty signed? ", "Кто возглавлял делегацию России? ", "und ", "日本語 ", " "])


def _question(length: int, filler: str) -> str:
    return (filler * (length // max(len(filler), 1) + 1))[:length]


def test_language_helpers():
    assert is_foreign_script("Кто возглавлял российскую делегацию в Вене?")
    assert is_foreign_script("誰がウィーンで代表団を率いたか")
    assert not is_foreign_script("Who headed the delegation in Vienna?")
    assert not is_foreign_script("What did the deputy minister Рябков say?")  # mostly English
    assert clean_text("a\udcffb") == "a?b"
    a = Answer("Где?", "Где?", None, None, 0.0, True)
    assert with_language_note(a).note == ENGLISH_ONLY
    b = Answer("Где?", "Где?", "Geneva", "x", 0.9, False)
    assert with_language_note(b).note is None  # an answer found anyway is kept as it is


@pytest.mark.slow
def test_the_trained_reader_takes_any_question_length(seed_assistant):
    reader = seed_assistant.reader
    if not hasattr(reader, "fit_question"):
        pytest.fail("the trained reader is not shipped (models/reader)")
    for n in (849, 850, 900, 2000):
        q = _question(n, "When was the INF Treaty signed? ")
        assert reader.score_windows(q, ["The treaty was signed on December 8, 1987."])  # no tokenizer panic
    ans = seed_assistant.ask(_question(900, "When was the INF Treaty signed? "))
    assert ans.note and "reader took only the first" in ans.note


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=LENGTHS, filler=st.one_of(UNICODE, WORDY))
def test_assistant_ask_never_raises(seed_assistant, length, filler):
    conv = Conversation()
    ans = seed_assistant.ask(_question(length, filler), conv)
    assert isinstance(ans, Answer) and conv.turns[-1] is ans
    assert ans.abstained or ans.quote


@pytest.mark.slow
def test_a_russian_question_is_told_the_collection_is_english(seed_assistant):
    ans = seed_assistant.ask("Кто возглавлял российскую делегацию на переговорах в Вене?")
    assert ans.abstained and "searched in English" in ans.note
