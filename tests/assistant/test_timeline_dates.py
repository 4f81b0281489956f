"""Resolved dates in answers, event-date filters and the timeline, on the seed index with the real model."""
from __future__ import annotations

import json

import pytest

from assistant.retrieval import Filters
from assistant.timeline import build_timeline, day_offset
from index.dates import events_between, parse_bound, parse_upper_bound

pytestmark = pytest.mark.slow


def test_answer_from_a_relative_date_shows_its_calendar_date(seed_assistant):
    ans = seed_assistant.ask("When did Ryabkov say Russia and the US cannot discuss only the INF Treaty?")
    assert not ans.abstained and ans.answer and "Monday" in ans.answer
    (d,) = ans.resolved_dates
    a = seed_assistant.index.articles[d.article_id]
    assert a.text[d.start:d.end] == d.text == "on Monday"
    assert (d.date_start, d.label, d.derived_from) == ("2022-01-10", "Monday 10 January 2022", "2022-01-10")
    out = json.loads(json.dumps(ans.to_json()))  # the JSON carries it
    assert out["resolved_dates"][0]["date_start"] == "2022-01-10"


def test_answer_in_a_year_less_article_keeps_the_year_unknown(seed_assistant):
    ans = seed_assistant.ask("When did Donald Trump say Washington would withdraw from the INF Treaty?")
    assert ans.answer and "October 20" in ans.answer
    (d,) = ans.resolved_dates
    assert d.date_start is None and (d.month, d.day) == (10, 20) and "does not state its year" in d.reason


def test_event_filter_keeps_only_passages_stating_an_event_in_range(seed_assistant):
    f = Filters(event_since="1987", event_until="1988")
    r = seed_assistant.retriever.retrieve("treaty", f, k=10)
    assert r.passages
    lo, hi = parse_bound("1987"), parse_upper_bound("1988")
    for p in r.passages:
        assert events_between(seed_assistant.index.articles[p.article_id], lo, hi, p.start, p.end)
    ans = seed_assistant.ask("When was the INF Treaty signed?", filters=f)
    assert ans.answer == "December 8, 1987"
    none = seed_assistant.retriever.retrieve("treaty", Filters(event_since="2030-01-01"), k=10)
    assert none.passages == []
    with pytest.raises(ValueError):
        seed_assistant.retriever.retrieve("treaty", Filters(event_since="soon"), k=10)


def test_inf_treaty_timeline(seed_assistant):
    tl = build_timeline(seed_assistant, "INF Treaty")
    texts = [e.date.text for e in tl.dated]
    years = [e.date.date_start[:4] for e in tl.dated]
    assert years == sorted(years)  # calendar order
    for needle in ("December 8, 1987", "June 1, 1988", "In 1992"):
        assert needle in texts
    assert texts.index("December 8, 1987") < texts.index("June 1, 1988") < texts.index("In 1992")
    undated = {e.date.text: e for e in tl.undated}
    for needle in ("October 20", "December 4", "January 15", "February 2"):
        assert needle in undated and undated[needle].date.date_start is None  # year left unknown
    assert [e.date.text for e in tl.undated].index("October 20") < [e.date.text for e in tl.undated].index("February 2")
    for e in tl.entries():
        a = seed_assistant.index.articles[e.article_id]
        assert a.text[e.sentence_start:e.sentence_end] == e.sentence
        assert e.sentence_start <= e.date.start < e.date.end <= e.sentence_end and e.date.role == "event"
    assert len({(e.article_id, e.date.start) for e in tl.entries()}) == len(tl.entries())
    assert json.loads(json.dumps(tl.to_json()))["query"] == "INF Treaty"


def test_timeline_edge_cases(seed_assistant):
    assert build_timeline(seed_assistant, "   ").note
    assert build_timeline(seed_assistant, "INF", Filters(outlets=("Nobody",))).note
    assert day_offset(10, 20, 1, 25) < day_offset(12, 4, 1, 25) < 0 < day_offset(2, 2, 1, 25)
