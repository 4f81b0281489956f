"""The chat's pure parts: user text shown as text, answers that read well, stored turns, Markdown export,
filters in plain words, examples by rule, the Evaluation tab's rows and plots."""
from __future__ import annotations

import re

import pytest

from assistant.answer import Answer, Citation, Tier
from ui import chat
from ui.filters import NONE_MATCH, FilterError, build_filters, parse_day
from ui.render import short_title


def _answer(**kw):
    c1 = Citation(1, "a", 0, 40, "“We will not accept it,” Ryabkov said.", title="T " * 60, outlet="TASS",
                  date="--01-25", dateline="MOSCOW", speaker="Ryabkov", url="https://example.org/a")
    c2 = Citation(2, "b", 5, 90, "First paragraph.\n\nSecond paragraph.", title="Other", outlet="RT", date="2022-01-21")
    base = dict(question="What did he say?", query="What did Ryabkov say? (talks)", answer="We will not accept it",
                quote="“We will not accept it,” Ryabkov said.", confidence=0.76, abstained=False,
                citations=(c1, c2), answer_citation=1, answer_start=1, answer_end=22)
    base.update(kw)
    return Answer(**base)


def test_what_the_user_typed_is_text():
    for typed in ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "**bold** _x_ [a](b) # h"):
        shown = chat.shown_question(typed)
        assert "<" not in shown and chat.unescape_shown(shown) == typed
    long = chat.shown_question("x" * 5000)
    assert "4,400 more characters not shown" in long


def test_answer_message_reads_well():
    md = chat.answer_message(_answer(), pos=3)
    assert "](#nd-cite-3-1)" in md and "](#nd-cite-3-2)" in md  # clickable markers
    assert "confidence 0." not in md and "High confidence" in md
    assert "““" not in md and "”\u201d" not in md  # the sentence's own quotation marks are not doubled
    assert "Understood as “What did Ryabkov say?” · carried over: talks" in md  # readable, the carried words labelled
    title = re.search(r"MOSCOW · Ryabkov speaking — (.*)", md).group(1)
    assert title.endswith("T…")  # cut after a whole word
    abst = chat.answer_message(_answer(abstained=True, answer=None, quote=None), 0, filters="outlet TASS")
    item = [line for line in abst.splitlines() if "#nd-cite-0-2" in line][0]
    assert "First paragraph. Second paragraph." in item  # paragraphs stay inside the list item
    assert "Filters are on (outlet TASS)" in abst


def test_possible_answer_is_marked():
    ans = _answer(confidence=0.4)
    object.__setattr__(ans, "tier", Tier.POSSIBLE)
    md = chat.answer_message(ans, 0)
    assert "Possible answer" in md and "Low confidence" in md and "Filters are on" not in md
    # a guess under filters says what they may leave out, as a refusal does
    assert "Filters are on (outlet TASS): a surer answer" in chat.answer_message(ans, 0, filters="outlet TASS")
    assert "Filters are on" not in chat.answer_message(_answer(), 0, filters="outlet TASS")  # a sure answer: no


def test_short_titles_end_on_a_word():
    t = short_title("Russian Diplomat Ryabkov Affirms, ‘Results Are Immediately Needed’ on Accord for Security Guarantees")
    assert t.endswith("Security…") and len(t) <= 91


def test_turns_round_trip_and_export():
    turns, _ = [], None
    ans = _answer()
    turns = [{"question": "<b>What</b> did he say?", "answer": ans.to_json(), "error": None, "filters": None},
             {"question": "broken", "answer": None, "error": "Something went wrong", "filters": None}]
    assert chat.answer_of(turns[0]) == ans
    assert len(chat.conversation_of(turns).turns) == 1
    assert chat.turns_of({"version": 99, "turns": turns}) == [] and chat.turns_of("garbage") == []
    md = chat.export_markdown(turns)
    assert "## Q1. <b>What</b> did he say?" in md and "**Answer:** We will not accept it [1]" in md  # verbatim
    assert "[1] TASS, 25 January, year not stated, MOSCOW, Ryabkov speaking: “" + "T " * 59 + "T”" in md
    assert "<https://example.org/a>" in md and "(`a`, characters 0–40)" in md
    assert "Something went wrong" in md
    one = chat.export_markdown(turns, only=0)
    assert "Q1." in one and "Q2." not in one


def test_dates_in_plain_words():
    assert parse_day("2022-01-10", "From") == "2022-01-10"
    assert parse_day("2022-02", "To", end=True) == "2022-02-28" and parse_day("2022", "From") == "2022-01-01"
    assert parse_day("10 January 2022", "From") == "2022-01-10"
    with pytest.raises(FilterError, match="ambiguous .*2022-01-10"):
        parse_day("10/01/2022", "From")
    with pytest.raises(FilterError, match="YYYY-MM-DD"):
        parse_day("25/01/2022", "From")
    with pytest.raises(FilterError, match="not a date on the calendar"):
        parse_day("2022-02-30", "From")


def test_filters(seed_prepared):
    articles = {i: a for i, (a, _) in seed_prepared.items()}
    with pytest.raises(FilterError, match="after"):
        build_filters([], "2022-02-01", "2022-01-01", True, articles)
    f, words = build_filters(["TASS"], "", "", True, articles)
    assert f.outlets == ("TASS",) and words == "outlet TASS"
    f, words = build_filters([], "2022-01-01", "2022-01-31", False, articles)
    assert f.since == "2022-01-01" and "left out" in words
    yearless = {i for i, a in articles.items() if a.date is None or a.date.year is None}
    assert yearless  # the seeds have TASS datelines without a year
    f, words = build_filters([], "2022-01-01", "2022-01-31", True, articles)
    assert yearless <= set(f.article_ids) and "kept" in words
    f, _ = build_filters([], "1990-01-01", "1990-01-31", True, {})
    assert f.article_ids == NONE_MATCH


def test_examples_are_chosen_by_rule(seeds_qa):
    from assistant.qtypes import question_type
    from ui.examples import KINDS, pick_examples

    ex = pick_examples(seeds_qa.questions)
    kinds = [e.kind for e in ex]
    assert kinds == [*KINDS, "follow-up"]
    seeds = {q.question: q for q in seeds_qa.questions}
    for e in ex:
        assert e.question in seeds  # never hand-written
        if e.kind != "follow-up":
            assert question_type(e.question) == e.kind
            first = next(q for q in seeds_qa.questions if q.answerable and not q.history and question_type(q.question) == e.kind)
            assert e.question == first.question
        else:
            assert e.history == seeds[e.question].history


def test_eval_rows_and_plots(tmp_path):
    from types import SimpleNamespace as NS

    from ui.evalview import TABLE_COLUMNS, plot, table_rows

    q = NS(id="x1", question="<img src=x onerror=alert(1)>?", answers=("Geneva",))
    right = NS(q=q, answer=_answer(answer="Geneva"), answerable=True, scores=lambda: {"em": 1.0, "f1": 1.0, "quote_hit": 1.0})
    declined = NS(q=NS(id="x2", question="Where?", answers=("Vienna",)), answer=_answer(abstained=True, answer=None),
                  answerable=True, scores=lambda: {"em": 0.0, "f1": 0.0, "quote_hit": 0.0})
    rows = table_rows([right, declined])
    assert len(rows[0]) == len(TABLE_COLUMNS) and rows[0][3] == "(declined)" and rows[0][4] == "wrongly declined"
    assert rows[1][1] == "<img src=x onerror=alert(1)>?" and rows[1][3] == "Geneva" and rows[1][4] == "right"
    block = {"answerable": 2, "em": 0.5, "quote_hit": 0.5, "abstention": {"wrongly_abstained": 0.5}}
    summary = {r: {f"hit@{k}": 0.5 for k in (1, 3, 5, 10)} for r in ("bm25", "dense", "fused")}
    summary["by_type"] = {"who": block, "where": block}
    paths = plot(summary, tmp_path)
    assert all(p.stat().st_size > 5000 for p in paths)


def test_a_long_question_is_stored_short_and_shown_with_its_length():
    class Desk:
        def ask(self, question, conv, *a):
            return _answer(question=question[:2000])

    from assistant.retrieval import Filters

    turns, _ = chat.respond(Desk(), "y" * 100_000, [], Filters())
    assert len(turns[0]["question"]) == chat.STORED_QUESTION_CHARS and turns[0]["typed"] == 100_000
    assert "99,400 more characters not shown" in chat.history(turns)[0]["content"]


def test_followups_read_as_questions_with_the_carried_words_labelled():
    first = _answer(question="How soon does Ryabkov want results?", query="How soon does Ryabkov want results?",
                    answer="within a few weeks")
    when = _answer(question="When?", query="When? (soon Ryabkov want results within a few weeks)")
    line = chat.understood(when, first)
    assert "(soon" not in line
    assert line == ("Understood as a follow-up to “How soon does Ryabkov want results?” · carried over: soon, Ryabkov, "
                    "want, results and the answer “within a few weeks”")
    swap = _answer(question="And Lavrov?", query="How soon does Lavrov want results?")
    assert chat.understood(swap, first) == ("Understood as “How soon does Lavrov want results?”, a follow-up to "
                                            "“How soon does Ryabkov want results?”")
    assert chat.understood(first) == ""  # asked as it stands
    turns = [{"question": a.question, "answer": a.to_json(), "error": None, "filters": None} for a in (first, when)]
    assert "a follow-up to “How soon does Ryabkov want results?”" in chat.history(turns)[3]["content"]


def test_a_changed_article_is_flagged_with_the_text_quoted_then():
    from index.model import Article

    from dataclasses import replace

    c1 = replace(_answer().citations[0], end=38)  # text[0:38] is the quoted sentence
    ans = _answer(citations=(c1, _answer().citations[1]))
    same = Article(id="a", text=c1.text + " More.", sha256="x")
    assert chat.changed_since(c1, {"a": same}) is None
    text = "“We will accept it,” Ryabkov said, the text now." + " " * 10
    changed = Article(id="a", text=text, sha256="y", updated_at="2024-05-28T09:30:00+00:00")
    assert chat.changed_since(c1, {"a": changed}) == "this article changed on 28 May 2024, 09:30 UTC since this answer"
    assert chat.changed_since(c1, {}) == "this article is no longer in the collection"
    md = chat.answer_message(ans, 0, articles={"a": changed, "b": Article(id="b", text="x" * 100, sha256="z")})
    assert "A cited article changed since this answer" in md and "28 May 2024, 09:30 UTC since this answer" in md
    assert "the text quoted then: “We will not accept it,” Ryabkov said." in md.replace("\\", "")
    turns = [{"question": "q", "answer": ans.to_json(), "error": None, "filters": None}]
    out = chat.export_markdown(turns, articles={"a": changed})
    assert "(this article changed on 28 May 2024, 09:30 UTC since this answer; the text quoted then follows)" in out
    assert "    > “We will not accept it,” Ryabkov said." in out


def test_export_names_the_byline_and_quotes_word_for_word():
    from index.model import Article, Field

    quote = "It’s a question not of months [or] weeks. It’s *a* question_of days."
    ans = _answer(quote=quote, answer="not of months [or] weeks")
    art = Article(id="a", text=ans.citations[0].text, sha256="x", author=Field("Anna Keller"))
    md = chat.export_markdown([{"question": "Months [or] weeks?", "answer": ans.to_json(), "error": None,
                                "filters": None}], articles={"a": art})
    assert "\\" not in md and "> “" + quote + "” [1]" in md and "**Answer:** not of months [or] weeks [1]" in md
    assert "[1] TASS, by Anna Keller, 25 January, year not stated, MOSCOW, Ryabkov speaking: “T T" in md
    assert "<https://example.org/a>" in md


def test_a_refusal_quotes_its_nearest_sentence_and_a_second_passage_of_one_article_says_so():
    ans = _answer(abstained=True, answer=None, quote=None)
    c2 = ans.citations[1]
    s = c2.text.index("Second")
    md = chat.answer_message(ans, 0, nearest={"2": [c2.start + s, c2.end]})
    item = [line for line in md.splitlines() if "#nd-cite-0-2" in line][0]
    assert item.endswith(": “Second paragraph.”")
    same = _answer(citations=(ans.citations[0], Citation(2, "a", 50, 60, "x", outlet="TASS")))
    assert "same article as \\[1\\], another passage" in chat.answer_message(same, 0)


def test_each_shape_reads_as_what_it_is_and_bold_is_for_what_the_page_stands_behind():
    from index.dates import ResolvedDate

    said = _answer(question="What did Ryabkov say about it?", shape="said", speaker="Sergey Ryabkov",
                   role="Russian Deputy Foreign Minister", answer="“We will not accept it,”")
    md = chat.answer_message(said, 0)
    assert md.startswith("**Sergey Ryabkov, Russian Deputy Foreign Minister:** “We will not accept it,” [")
    reported = _answer(question="What did Ryabkov say about it?", shape="said", speaker="Sergey Ryabkov", role=None,
                       answer="Russia would not accept it", quote="Ryabkov said Russia would not accept it.")
    assert "reported speech, not a direct quotation" in chat.answer_message(reported, 0)
    who = _answer(question="Who is Sergey Ryabkov?", shape="who", speaker="Sergey Ryabkov",
                  answer="Deputy Foreign Minister", quote="Deputy Foreign Minister Sergey Ryabkov said so.")
    assert chat.answer_message(who, 0).startswith("**Sergey Ryabkov — Deputy Foreign Minister** [")
    when = ResolvedDate("a", 3, 13, "January 15", "month_day", "day", None, None, "15 January", "15 January "
                        "(year not stated)", month=1, day=15)
    event = _answer(question="What happened on January 15?", shape="event", answer="held talks",
                    quote="On January 15, they held talks in Geneva.")
    md = chat.answer_message(event, 0, event_dates=(when,))
    assert md.startswith("**15 January (year not stated)** — On January 15, they **held talks** in Geneva. [")
    possible = _answer(tier=Tier.POSSIBLE, confidence=0.4)
    md = chat.answer_message(possible, 0)
    assert "**We will not accept it**" not in md and '<span class="nd-possible">We will not accept it</span>' in md
    assert "*Possible answer*" in md and "**Possible answer**" not in md


def test_an_answer_that_cannot_fit_is_shown_as_the_nearest_passage():
    ans = _answer(abstained=True, answer=None, quote=None, tier=Tier.ABSTAINED)
    turn = {"question": "Who is X?", "answer": ans.to_json(), "error": None, "filters": None,
            "withheld": {"answer": "Moscow", "tier": "possible", "reason": "“Moscow” is a place; it does not say who X is"}}
    md = chat.turn_message(turn, 0)
    assert md.startswith("**Not an answer:** the passage found does not fit the question: “Moscow” is a place")
    assert "not an answer" in md and "do not answer" not in md
    assert "**Not an answer:**" in chat.export_markdown([turn])


def test_sides_are_compared_by_name():
    from ui.fit import asked_sides, side_key

    assert side_key("U.S.") == side_key("US") == side_key("American") == side_key("Washington") == "us"
    assert side_key("Russia's") == side_key("Russian") == side_key("Moscow")
    assert side_key("Ukrainian") == side_key("Ukraine") and side_key("Vienna") != side_key("Geneva")
    assert asked_sides("Who led the Russian delegation at the talks?") == [("Russian", "delegation")]


def test_a_span_inside_a_quotation_is_shown_as_that_quotation_not_as_reported_speech():
    ans = _answer(question="What did Vidrecki say about governing?", shape="said", speaker="Tomas Vidrecki",
                  role="Orsolan Prime Minister", answer="borrowed votes",
                  quote='"I will not govern on borrowed votes," Vidrecki said.')
    md = chat.answer_message(ans, 0)
    assert md.startswith('**Tomas Vidrecki, Orsolan Prime Minister:** "I will not govern on **borrowed votes**," [')
    assert "reported speech" not in md


def test_the_other_side_needs_a_named_side_in_the_sentence():
    from ui.fit import _other_side

    text = "Andrea Thompson, who led the US delegation, said the talks failed."
    why = _other_side("Who led the Russian delegation?", text, 0, len(text), 0, len("Andrea Thompson"))
    assert why and "US delegation" in why
    assert _other_side("Who led the American delegation?", text, 0, len(text), 0, len("Andrea Thompson")) is None
    text = "A landslide buried part of the village, killing at least 23 people."
    at = text.index("23")
    assert _other_side("How many people were killed in the Nepal landslide?", text, 0, len(text), at, at + 2) is None
