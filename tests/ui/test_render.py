import re

from assistant.answer import Answer, Citation
from index.model import Article, Span
from ui.render import answer_markdown, article_html, display_date, esc, history_text


def _strip_tags(s):
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", s))


def test_article_html_is_built_from_offsets_and_escaped():
    text = "Title\n\nHe said <script>alert(1)</script> and <img src=x onerror=alert(2)>.\nBack to top"
    a = Article(id="a", text=text, sha256="x", excluded=(Span(text.index("Back"), len(text)),))
    start = text.index("He")
    out = article_html(a, start, text.index(".") + 1)
    assert "<script>" not in out and "<img" not in out and "&lt;script&gt;" in out
    body = re.search(r'<div class="nd-text">(.*)</div></div>$', out, re.S).group(1)
    assert _strip_tags(body) == text  # the panel text is the article, not re-typed
    assert 'id="nd-cited"' in out and "nd-boiler" in out


def test_answer_markdown_escapes_and_shows_citations():
    c = Citation(1, "a", 0, 5, "<b>x</b>", title="T", outlet="TASS", date="--01-25", speaker="Ryabkov")
    ans = Answer("q", "q (ctx)", "<b>x</b>", "<b>x</b> *y*", 0.8, False, (c,), 1, 0, 5)
    md = answer_markdown(ans)
    assert "<b>" not in md and "&lt;b&gt;" in md and "\\*y\\*" in md
    assert "\\[1\\] TASS · 25 January, year not stated · Ryabkov speaking — T" in md
    assert "searched for: q (ctx)" in md and "confidence 0.8" not in md and "High confidence" in md
    abst = answer_markdown(Answer("q", "q", None, None, 0.1, True, (c,)))
    assert "do not answer" in abst and "not an answer" in abst


def test_helpers():
    assert display_date("2022-01-10T23:10") == "10 January 2022, 23:10"
    assert esc("a_b") == "a\\_b"
    assert history_text("hi") == "hi"
    assert history_text([{"type": "text", "text": "hi"}, {"type": "text", "text": "there"}]) == "hi there"


def test_groups_and_quote_cards_escape_article_text():
    from assistant.answer import Answer
    from assistant.quotes import QuoteHit
    from assistant.sources import AnswerGroup, Support
    from ui.render import answer_markdown, quotes_html

    sup = Support("a", 4, 6, "17", 0, 20, "<b>17</b> [x] died", "AP", "2025-05-06", 0.5)
    sup2 = Support("b", 0, 2, "12", 0, 10, "12 *dead*", "Reuters", "2025-05-06", 0.4, copy_of=None)
    groups = (AnswerGroup("17", "number", "17", "the same number", 1, ("AP",), (sup,), (1,), True),
              AnswerGroup("12", "number", "12", "the same number", 1, ("Reuters",), (sup2,), (0,)))
    ans = Answer("q", "q", "17", "s", 0.8, False, groups=groups)
    md = answer_markdown(ans)
    assert "**Sources disagree**" in md and "&lt;b&gt;" in md and "\\*dead\\*" in md and "<b>" not in md
    hit = QuoteHit("a", 0, 9, "<i>x</i>", 0, 9, "<i>x</i>", "Sergey Ryabkov", "Deputy <Minister>", "person",
                   "attribution after the quotation", "TASS", "2022-01-10", "GENEVA", "T", 1.0)
    html_ = quotes_html([hit])
    assert "<i>" not in html_ and "&lt;i&gt;" in html_ and "Deputy &lt;Minister&gt;" in html_


def test_groups_count_the_sources_they_show_and_link_each_one():
    from assistant.sources import AnswerGroup, Support
    from ui.render import groups_markdown

    a1 = Support("a", 4, 6, "17", 0, 20, "the 17 died", "AP", "2025-05-06", 0.5)
    a2 = Support("a", 30, 32, "17", 26, 40, "again 17 dead", "AP", "2025-05-06", 0.4)  # the same article again
    b = Support("b", 0, 2, "17", 0, 10, "17 dead", "Reuters", "2025-05-06", 0.4)
    c = Support("c", 0, 2, "17", 0, 10, "17 dead", "Wire", "2025-05-06", 0.4, copy_of="b")
    ans = Answer("q", "q", "17", "s", 0.8, False, groups=(AnswerGroup("17", "number", "17", "same", 2, ("AP", "Reuters"),
                                                                     (a1, a2, b, c), main=True),))
    md = groups_markdown(ans, pos=3)
    assert "· 2 sources and 1 reprint" in md and "independent" not in md
    assert md.count("](#nd-src-3-0-") == 3 and "#nd-src-3-0-1" not in md  # one line an article
    assert "reprint of b, counted once" in md
