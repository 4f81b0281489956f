"""Resolved dates and the timeline as the user sees them: render functions and the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.timeline import Timeline, TimelineEntry
from index.dates import ResolvedDate
from ui.render import answer_markdown, answer_text, timeline_html, timeline_text

ROOT = Path(__file__).resolve().parents[2]


def newsdesk(*args):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ), timeout=300)

MONDAY = ResolvedDate("a", 10, 19, "on Monday", "weekday", "day", "2022-01-10", "2022-01-10",
                      "the report's own day, a Monday", "Monday 10 January 2022", "2022-01-10")


def test_answer_shows_the_resolved_date_beside_the_span():
    c = Citation(1, "a", 0, 30, "He said on Monday <b>", outlet="TASS", date="2022-01-10")
    ans = Answer("q", "q", "on Monday", "He said on Monday <b>", 0.8, False, (c,), 1, 10, 19, resolved_dates=(MONDAY,))
    text = answer_text(ans)
    assert "Date: “on Monday” → Monday 10 January 2022 (derived: the report's own day, a Monday; from 10 January 2022)" in text
    assert text.index("Answer:") < text.index("Date:") < text.index("Quote:")
    md = answer_markdown(ans)
    assert "→ Monday 10 January 2022" in md and "<b>" not in md


def test_timeline_renders_escaped_with_the_expression_marked():
    d = ResolvedDate("a", 6, 16, "October 20", "month_day", "day", None, None, "no year", "20 October (year not stated)",
                     "--01-25", 10, 20)
    e = TimelineEntry(d, "a", 0, 30, "<i>On October 20 it was said", "TASS", "--01-25", "<script>x</script>", 0.9)
    tl = Timeline("INF <b>", (), (e,))
    h = timeline_html(tl)
    assert "<script>" not in h and "<i>" not in h and "INF &lt;b&gt;" in h
    assert '<mark class="nd-date">October 20</mark>' in h and "Year not stated" in h
    t = timeline_text(tl)
    assert "20 October (year not stated)" in t and "a [0:30]" in t


@pytest.mark.slow
def test_cli_ask_timeline_and_eval_dates(tmp_path, seed_index_dir):
    idx = str(seed_index_dir)
    ask = newsdesk("ask", "When did Ryabkov say Russia and the US cannot discuss only the INF Treaty?", "--index", idx)
    assert ask.returncode == 0 and "→ Monday 10 January 2022" in ask.stdout, ask.stdout
    js = json.loads(newsdesk("ask", "When did Ryabkov say Russia and the US cannot discuss only the INF Treaty?",
                             "--index", idx, "--json").stdout)
    assert js["resolved_dates"][0]["label"] == "Monday 10 January 2022"
    tl = newsdesk("timeline", "INF Treaty", "--index", idx)
    assert tl.returncode == 0 and tl.stdout.index("December 8, 1987") < tl.stdout.index("In 1992") \
        < tl.stdout.index("Year not stated")
    tj = json.loads(newsdesk("timeline", "INF Treaty", "--index", idx, "--json").stdout)
    assert tj["dated"][0]["date"]["date_start"] == "1987-12-08"
    ev = newsdesk("ask", "When was the treaty signed?", "--index", idx, "--events-since", "1987", "--events-until", "1988")
    assert "December 8, 1987" in ev.stdout
    bad = newsdesk("timeline", "INF", "--index", idx, "--events-since", "whenever")
    assert bad.returncode == 2 and bad.stderr.startswith("newsdesk: error:") and len(bad.stderr.splitlines()) == 1
    e = newsdesk("eval", "dates", "--index", idx)
    assert e.returncode == 0 and "invented years: 0" in e.stdout and "| date answers (seed Q&A) |" in e.stdout


def test_dates_lead_in_plain_words_with_the_derivation_on_demand():
    from dataclasses import replace

    from ui.render import date_line_html, date_plain

    assert date_plain(MONDAY) == "Monday 10 January 2022, the day of the report"
    full = replace(MONDAY, kind="full", reason="a full date: the text states day, month and year", derived_from=None)
    assert date_plain(full) == "Monday 10 January 2022, as the text states it"
    ahead = replace(MONDAY, reason="the first Monday after the report (the clause looks ahead: will)")
    assert date_plain(ahead) == "Monday 10 January 2022, most likely the Monday after the report"
    year = replace(MONDAY, kind="month_day", reason="month and day in the text, year not: the year before the report's, "
                   "the latest before the report, as the clause speaks of the past")
    assert date_plain(year).endswith("the year is not stated: most likely the year before the report's")
    assert date_plain(replace(MONDAY, kind="ago", reason="3 day(s) before the report's date")).endswith(", 3 days before the report")
    unknown = ResolvedDate("a", 0, 5, "Jan 15", "month_day", "day", None, None, "no year", "15 January (year not stated)")
    assert date_plain(unknown) == "15 January (year not stated)"
    h = date_line_html(MONDAY)
    lead, details = h.split("<details", 1)
    assert "derived" not in lead and "the day of the report" in lead
    assert "derived: the report&#x27;s own day, a Monday; counted from 10 January 2022" in details
    d = ResolvedDate("a", 6, 16, "October 20", "month_day", "day", None, None, "no year", "20 October (year not stated)",
                     "--01-25", 10, 20)
    tl = timeline_html(Timeline("INF", (TimelineEntry(replace(MONDAY, start=3, end=12), "a", 0, 30, "He on Monday said",
                                                      "TASS", "2022-01-10", "T", 0.9),), (TimelineEntry(d, "a", 0, 30, "x", "TASS", None, "T", 0.5),)))
    assert "derived:" not in tl.split("<details")[0] and "the day of the report" in tl and tl.count("<details") == 2
