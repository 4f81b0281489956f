"""Date expressions found with offsets and put on the calendar against the article's own date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.prepare import prepare
from index.dates import (
    ResolvedDate,
    answer_dates,
    dates_in,
    events_between,
    find_dates,
    parse_bound,
    parse_upper_bound,
)
from index.loading import load_folder
from index.model import Article, PubDate
from index.settings import BuildSettings

OWN = Path(__file__).resolve().parents[1] / "data" / "date_articles"


def article(text: str, iso: str | None) -> Article:
    """A test article dated iso ("2022-01-10", "--01-25" for a year-less date, None for undated)."""
    d = None
    if iso:
        y, m, dd = iso.rsplit("-", 2)
        y = y.strip("-")
        d = PubDate(iso=iso, precision="day" if y else "month-day", year=int(y) if y else None, month=int(m), day=int(dd))
    return Article(id="t", text=text, sha256="x", date=d)


def one(a: Article, text: str) -> ResolvedDate:
    hits = [r for r in find_dates(a) if text in r.text or r.text in text]
    assert hits, f"{text!r} not found in {[r.text for r in find_dates(a)]}"
    return hits[0]


def test_offsets_index_the_article_text(seed_prepared):
    arts = [a for a, _ in seed_prepared.values()]
    arts += [prepare(d, BuildSettings())[0] for d in load_folder([OWN]).documents]
    found = 0
    for a in arts:
        for r in find_dates(a):
            assert a.text[r.start:r.end] == r.text and r.article_id == a.id
            found += 1
    assert found >= 60


def test_relative_weekday_from_the_report_date(seed_prepared):
    a = seed_prepared["000_26fa5ce3f242af54"][0]  # Monday 10 January 2022
    r = one(a, "on Monday")
    assert (r.date_start, r.precision, r.label) == ("2022-01-10", "day", "Monday 10 January 2022")
    assert "report's own day" in r.reason and r.derived_from == "2022-01-10"


def test_partial_date_takes_the_nearest_year(seed_prepared):
    a = seed_prepared["004_b2e3140862302f81"][0]  # Jan. 6, 2022
    assert one(a, "Dec. 15").date_start == "2021-12-15"
    assert one(a, "Jan. 10").date_start == "2022-01-10"
    assert "year before" in one(a, "Dec. 15").reason


def test_year_less_article_never_gets_a_year(seed_prepared):
    a = seed_prepared["001_596bc3409c48ad04"][0]  # MOSCOW, January 25 (no year)
    jan15 = one(a, "January 15")
    assert jan15.date_start is None and (jan15.month, jan15.day) == (1, 15)
    assert "does not state its year" in jan15.reason and jan15.label == "15 January (year not stated)"
    assert one(a, "Friday’s").date_start is None
    assert one(a, "following day").label == "5 December (year not stated)"  # the day after "December 4"
    assert one(a, "December 8, 1987").date_start == "1987-12-08"  # the text states that year
    assert one(a, "In 1992").date_end == "1992-12-31"
    for r in find_dates(a):
        assert r.date_start is None or (r.derived_from is None or r.derived_from[:4].isdigit())


@pytest.mark.parametrize("text,iso,expect_start,expect_end", [
    ("They met on Thursday.", "2022-01-21", "2022-01-20", "2022-01-20"),  # Friday report: the day before
    ("They will meet on Thursday.", "2022-01-21", "2022-01-27", "2022-01-27"),  # looks ahead
    ("They met last Friday.", "2022-01-21", "2022-01-14", "2022-01-14"),  # "last": never the report's day
    ("They meet next Monday.", "2022-01-21", "2022-01-24", "2022-01-24"),
    ("It rained yesterday.", "2022-01-01", "2021-12-31", "2021-12-31"),  # across the year
    ("Talks resume next week.", "2022-01-06", "2022-01-10", "2022-01-16"),  # Monday to Sunday
    ("Sales fell last month.", "2022-03-15", "2022-02-01", "2022-02-28"),
    ("A deal is due early next year.", "2021-12-23", "2022-01-01", "2022-04-30"),
    ("It opened three days ago.", "2022-03-02", "2022-02-27", "2022-02-27"),
    ("It will be decided by the end of the month.", "2022-11-21", "2022-11-21", "2022-11-30"),
    ("The bank last changed its rate on Jan. 1.", "2021-09-09", "2021-01-01", "2021-01-01"),  # past tense
    ("The council meets on Jan. 1.", "2021-09-09", "2022-01-01", "2022-01-01"),  # nearest
])
def test_relative_rules(text, iso, expect_start, expect_end):
    rs = [r for r in find_dates(article(text, iso)) if r.role == "event"]
    assert len(rs) == 1, rs
    assert (rs[0].date_start, rs[0].date_end) == (expect_start, expect_end), rs[0].reason


@pytest.mark.parametrize("text,iso,expect", [
    # news puts what is scheduled in the present: a Thursday report's "meet on Tuesday" is next Tuesday
    ("Prosecutors meet on Tuesday to decide on an appeal.", "2022-01-20", "2022-01-25"),
    ("Talks resume on Monday.", "2022-01-20", "2022-01-24"),
    ("The unions are meeting on Friday.", "2022-01-19", "2022-01-21"),  # present progressive
    ("The vote is expected on Tuesday.", "2022-01-20", "2022-01-25"),
    ("The strike, which began on Monday, ends on Friday.", "2022-01-19", "2022-01-21"),
    ("The plant opens in March.", "2021-09-09", "2022-03-01"),  # the March after, not the nearest
    ("The plant opens next week.", "2022-01-20", "2022-01-24"),
    ("The vote is on Friday.", "2022-01-19", "2022-01-21"),
    ("The suspect is due in court on Monday.", "2022-01-19", "2022-01-24"),
    # the past keeps the past
    ("Talks resumed on Monday.", "2022-01-20", "2022-01-17"),
    ("The ministers were meeting on Friday.", "2022-01-19", "2022-01-14"),
    ("The court has ruled on Monday.", "2022-01-20", "2022-01-17"),  # present perfect
    ("The plant opened in March.", "2021-09-09", "2021-03-01"),
    # a verb of saying in the present ("says Monday") or a headline reports, it schedules nothing
    ("Lavrov says on Monday he is ready.", "2022-01-19", "2022-01-17"),
])
def test_the_tense_of_the_clause_from_the_parse(text, iso, expect):
    rs = [r for r in find_dates(article(text, iso)) if r.role == "event"]
    assert rs[-1].date_start == expect, rs[-1].reason


def test_the_clause_of_a_date_on_a_noun_is_not_the_verbs():
    # "talks ... on Jan. 10" is the talks' date: the past "told" does not push it back a year
    a = article("With respect to the talks in Geneva on Jan. 10, the minister told Bloomberg that Russia wants results.",
                "2022-01-06")
    assert one(a, "Jan. 10").date_start == "2022-01-10"
    # a conditional in reported speech looks ahead from the report
    b = article("He said on Monday that the talks would resume on Friday.", "2022-01-19")
    assert one(b, "on Friday").date_start == "2022-01-21" and "conditional" in one(b, "on Friday").reason
    assert one(b, "on Monday").date_start == "2022-01-17"


def test_year_less_day_shift_is_given_only_when_no_leap_year_could_change_it():
    assert one(article("He left yesterday.", "--01-25"), "yesterday").label == "24 January (year not stated)"
    r = one(article("He left yesterday.", "--03-01"), "yesterday")  # 28 or 29 February: unknown
    assert r.date_start is None and r.month is None


def test_undated_article_resolves_only_what_the_text_states():
    a = article("On Monday he recalled the treaty signed on December 8, 1987.", None)
    assert one(a, "On Monday").date_start is None and "no date" in one(a, "On Monday").reason
    assert one(a, "December 8, 1987").date_start == "1987-12-08"


def test_numbers_that_are_not_dates_are_left_alone():
    a = article("Missiles from 500 to 1,000 kilometers; the 9M729 missile; 2018 troops; Friday Harbor.", "2022-01-10")
    assert find_dates(a) == ()


def test_answer_dates_and_ranges(seed_prepared):
    a = seed_prepared["001_596bc3409c48ad04"][0]
    at = a.text.index("December 8, 1987")
    assert [r.text for r in answer_dates(a, at, at + 8, at - 50, at + 40)] == ["December 8, 1987"]
    assert [r.text for r in dates_in(a, at - 3, at + 1)] == ["December 8, 1987"]
    ev = events_between(a, date(1987, 1, 1), date(1988, 12, 31))
    assert [r.text for r in ev] == ["December 8, 1987", "June 1, 1988"]
    assert all(r.role == "event" for r in events_between(a, None, None) if r.resolved)


def test_bounds():
    assert parse_bound("1987") == date(1987, 1, 1) and parse_upper_bound("1988") == date(1988, 12, 31)
    assert parse_bound("2022-01-10") == date(2022, 1, 10) == parse_upper_bound("2022-01-10")
    assert parse_upper_bound("2022-02") == date(2022, 2, 28)
    for bad in ("garbage", "January 10"):  # no year: refused, never guessed
        with pytest.raises(ValueError):
            parse_bound(bad)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("abc 019,.-'\n") + ["Monday", "Dec. ", "January ", "yesterday", " last ", " next ",
                                                          "week", " on ", "1987", " in ", "the following day"]),
                max_size=40).map("".join),
       st.sampled_from(["2022-01-10", "--01-25", "--02-29", None]))
def test_fuzz_offsets_and_no_invented_year(text, iso):
    a = article(text, iso)
    for r in find_dates(a):
        assert a.text[r.start:r.end] == r.text
        if iso is None or iso.startswith("--"):  # no year in the base: only a year the text states
            assert r.date_start is None or r.derived_from is None or r.derived_from[:4].isdigit()
