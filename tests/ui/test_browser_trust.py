"""Issue 29 in a real browser: a chat page a journalist can trust at a glance (items 1, 4, 5, 6, 7, 8, 10, 11).
Screenshots: test-artifacts/29-*.png."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from chatserver import launch_chromium, shot, start_chat, stop  # noqa: F401
from localweb import PAGES, Site
from test_browser import ask, page  # noqa: F401  (fixtures shared with the first browser tests)
from test_browser_chat import EXPAND_CHAT

from index.build import build_index
from index.settings import BuildSettings

pytestmark = pytest.mark.browser
BOT = "#nd-chat [data-testid='bot']"

# the newest bot message and the box that scrolls the conversation, in viewport pixels
NEWEST_IN_BOX = """() => {
  const bots = document.querySelectorAll("#nd-chat [data-testid='bot']");
  const bot = bots[bots.length - 1];
  let box = bot.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
  const b = bot.getBoundingClientRect(), w = box.getBoundingClientRect();
  return {top: b.top, height: b.height, boxTop: w.top, boxBottom: w.bottom, boxHeight: w.height,
          viewport: window.innerHeight};
}"""


# 1. The start of the newest answer stays in view
LONG_SOURCES = ("What did Ryabkov say Russia cannot focus on alone?",
                "Which news agency reported Ryabkov's interview with Mezhdunarodnaya Zhizn?",
                "What did President Putin say about the result of the talks?", "Who is Russia's Foreign Minister?")


def whole(page, name: str) -> None:
    """A screenshot with the conversation's scroll box opened up, so every answer is in it."""
    page.evaluate(EXPAND_CHAT)
    page.wait_for_timeout(300)
    shot(page, name)


def test_29_1_the_start_of_the_newest_answer_is_in_view(page):
    ask(page, "When was the INF Treaty signed?", 1)
    n = 1
    for q in LONG_SOURCES:  # the first answer with a sources section taller than the conversation box
        n += 1
        text = ask(page, q, n)
        page.wait_for_timeout(1200)  # any scrolling after the answer has happened
        at = page.evaluate(NEWEST_IN_BOX)
        if ("What each source says" in text or "Sources disagree" in text) and at["height"] > at["boxHeight"]:
            break
    else:
        pytest.fail("no answer with a long sources section to test with")
    assert at["boxTop"] - 2 <= at["top"] <= at["boxTop"] + at["boxHeight"] / 3, at  # its start, near the top
    assert 0 <= at["top"] <= at["viewport"] - 100, at
    first = page.locator(BOT).last.locator("p").first  # its first line: the answer, or "Possible answer"
    assert first.is_visible() and first.bounding_box()["y"] + first.bounding_box()["height"] < at["boxBottom"]
    shot(page, "29-1-newest-answer-start-in-view")
    page.reload()  # a restored conversation opens at the start of its newest answer too
    page.wait_for_function("n => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length === n", arg=n,
                           timeout=60_000)
    page.wait_for_timeout(1200)
    at = page.evaluate(NEWEST_IN_BOX)
    assert at["boxTop"] - 2 <= at["top"] <= at["boxTop"] + at["boxHeight"] / 3, at


# 4. Counts that match what is shown
def test_29_4_source_counts_match_the_sources_shown(page):
    ask(page, "Who is Russia's Deputy Foreign Minister?", 1)
    groups = page.evaluate("""() => {
      const bots = document.querySelectorAll("#nd-chat [data-testid='bot']");
      const bot = bots[bots.length - 1];
      return [...bot.querySelectorAll('li')].filter(li => li.querySelector(':scope > ul a[href^="#nd-src-"]'))
        .map(li => ({head: (li.querySelector(':scope > p') || li).innerText.split('\\n')[0],
                     links: [...li.querySelectorAll(':scope > ul a[href^="#nd-src-"]')].map(a => a.getAttribute('href'))}));
    }""")
    assert groups, "every source behind an answer is shown with a link that opens it"
    for g in groups:
        n = int(re.search(r"(\d+) sources?\b", g["head"]).group(1))
        assert n == len(g["links"]), g  # the count is the number of sources shown under it
    assert max(int(re.search(r"(\d+) sources?\b", g["head"]).group(1)) for g in groups) >= 2
    text = page.locator(BOT).last.inner_text()
    cites = re.findall(r"^\[(\d+)\] (.*)$", text, re.M)
    if len(cites) > 1:  # a second citation of the same article says so instead of counting as another source
        assert "same article as [1]" in cites[1][1], cites
    page.wait_for_function("() => (document.querySelector('#nd-panel') || {}).innerText"
                           " && document.querySelector('#nd-panel').innerText.includes('Answer 1')", timeout=30_000)
    link = page.locator(BOT).last.locator("a[href^='#nd-src-']", has_text="EIRNS").first
    link.click()
    page.wait_for_function("() => document.querySelector('#nd-panel .nd-head').innerText.includes('EIRNS')",
                           timeout=30_000)
    assert "a source for" in page.locator("#nd-panel .nd-head").inner_text()
    assert "Ryabkov" in page.locator("#nd-panel #nd-cited").inner_text()
    page.wait_for_timeout(500)
    whole(page, "29-4-source-counts-match-what-is-shown")


# 5. "Understood as" reads as a question, carried words labelled
def test_29_5_a_followup_is_understood_in_readable_words(page):
    ask(page, "How soon does Ryabkov want results?", 1)
    text = ask(page, "When?", 2)
    assert "(soon Ryabkov want results" not in text
    assert "Understood as a follow-up to “How soon does Ryabkov want results?”" in text, text
    assert re.search(r"carried over: [^\n]*Ryabkov", text), text
    ask(page, "When was the INF Treaty signed?", 3)
    text = ask(page, "And when did it enter into force?", 4)
    assert "(INF Treaty signed)" not in text and "follow-up to “When was the INF Treaty signed?”" in text
    assert re.search(r"carried over: INF, Treaty, signed", text), text
    whole(page, "29-5-followup-understood-readably")


# 6. The article panel follows the newest answer
def test_29_6_the_article_panel_follows_the_newest_answer(page):
    ask(page, "When was the INF Treaty signed?", 1)
    page.locator("#nd-citations label").first.click()
    page.locator("#nd-panel #nd-cited").wait_for(timeout=30_000)
    assert "Russian diplomat calls on NATO" in page.locator("#nd-panel h3").inner_text()
    ask(page, "Who headed the Russian delegation at the arms control talks in Vienna?", 2)
    page.wait_for_function("() => (document.querySelector('#nd-panel h3') || {}).innerText"
                           " && document.querySelector('#nd-panel h3').innerText.includes('not very inspiring')",
                           timeout=30_000)
    head = page.locator("#nd-panel .nd-head").inner_text()
    assert "Answer 2" in head and "[1]" in head, head  # which answer and citation the panel shows
    assert "Gavrilov" in page.locator("#nd-panel #nd-cited").inner_text()
    assert page.locator("#nd-citations input[type=radio]:checked").count() == 1
    page.wait_for_timeout(500)
    shot(page, "29-6-panel-follows-newest-answer")


# 7. Dates in plain words, the derivation on demand
def test_29_7_dates_lead_in_plain_words_with_the_derivation_on_demand(page):
    text = ask(page, "When did Ryabkov say Russia and the US cannot discuss only the INF Treaty?", 1)
    assert "Monday 10 January 2022, the day of the report" in text, text
    assert "derived:" not in text and "from 10 January 2022" not in text  # not on the page until asked for
    how = page.locator(BOT).last.locator("details summary").first
    how.click()
    assert "the report's own day, a Monday" in page.locator(BOT).last.locator("details").first.inner_text()
    whole(page, "29-7a-answer-date-plain")
    page.get_by_role("tab", name="Timeline").click()
    page.fill("#nd-tl-query textarea", "INF Treaty")
    page.click("#nd-tl-go")
    page.wait_for_selector("#nd-timeline li.nd-tl-entry", timeout=60_000)
    view = page.locator("#nd-timeline").inner_text()
    assert "derived:" not in view and "as the text states it" in view, view
    assert page.locator("#nd-timeline li.nd-tl-entry details").count() == page.locator("#nd-timeline li.nd-tl-entry").count()
    page.locator("#nd-timeline li.nd-tl-entry details summary").first.click()
    assert "full date" in page.locator("#nd-timeline li.nd-tl-entry details").first.inner_text()
    shot(page, "29-7b-timeline-dates-plain")


# 8. A refusal highlights the sentence that came nearest
def test_29_8_a_refusal_highlights_the_nearest_sentence(page):
    text = ask(page, "How many troops did Russia mass near Ukraine?", 1)
    assert "do not answer" in text
    page.locator("#nd-citations label").first.click()
    page.locator("#nd-panel #nd-cited").wait_for(timeout=30_000)
    marked = "".join(page.locator("#nd-panel mark.nd-cited").all_inner_texts())
    assert "\n" not in marked.strip() and 20 < len(marked) < 400, marked  # one sentence, not a chunk
    assert marked.strip()[:60] in re.sub(r"\s+", " ", text)  # the chat quotes the same sentence
    page.wait_for_timeout(500)
    whole(page, "29-8-refusal-nearest-sentence")


# 10 and 11: a collection with a fetched page (byline, URL), then a correction of it
SOHAR = "How many people will the Sohar desalination plant supply?"


@pytest.fixture(scope="module")
def site():
    with Site() as s:
        yield s


@pytest.fixture(scope="module")
def web_server(tmp_path_factory, real_embedder, seeds_dir, site):
    from assistant.collection import Collection, Config
    from index.fetch import FetchPolicy
    from index.place import Place

    base = tmp_path_factory.mktemp("trust")
    corpus = base / "corpus"
    shutil.copytree(seeds_dir, corpus)
    build_index([corpus], base / "index", BuildSettings(), real_embedder)
    Collection(Place(base / "index"), Config(), embedder=real_embedder,
               fetch_policy=FetchPolicy(allow_private=True)).add_web([site.url + "/news/gulf-tribune-desalination.html"])
    proc, url = start_chat(base / "index", base / "server.log", "--allow-private-urls")
    yield {"url": url, "base": base}
    stop(proc)


@pytest.fixture
def wpage(browser, web_server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.goto(web_server["url"])
    pg.wait_for_selector("#nd-question textarea", timeout=60_000)
    yield pg
    ctx.close()


def _download(page, button: str) -> str:
    with page.expect_download(timeout=30_000) as dl:
        page.locator(f"{button}").click()
    d = dl.value
    assert d.suggested_filename.endswith(".md"), d.suggested_filename
    return Path(d.path()).read_text(encoding="utf-8")


def test_29_10_export_downloads_markdown_with_verbatim_quotes_and_full_citations(wpage):
    page = wpage
    text = ask(page, "Is it a question of months or weeks, according to Gavrilov?", 1)
    assert "[or]" in text
    text = ask(page, SOHAR, 2)
    assert "400,000" in text
    md = _download(page, "#nd-export-all")
    assert "\\[" not in md and "\\]" not in md, md
    assert "It’s a question not of months [or] weeks." in md  # the quote word for word
    line = next(ln for ln in md.splitlines() if "Gulf Tribune" in ln)
    assert "Rania Haddad" in line and "27 May 2024" in line, line  # outlet, byline, date
    assert re.search(r"<http://127\.0\.0\.1:\d+/news/gulf-tribune-desalination\.html>", line), line  # its URL
    assert "desalination" in line.lower()  # the title
    one = _download(page, "#nd-export-one")  # the newest answer alone
    assert "400,000" in one and "months [or] weeks" not in one
    assert page.locator("#nd-export-text").count() == 0  # no Markdown box: the file is the export
    whole(page, "29-10-export-downloads-markdown")
    view = page.context.new_page()  # the downloaded file itself, as text
    view.set_content(f"<pre style='white-space: pre-wrap; font-size: 14px; margin: 16px'>{html.escape(md)}</pre>")
    shot(view, "29-10b-exported-file")
    view.close()


def test_29_11_a_corrected_article_is_flagged_and_the_quote_kept(wpage, site):
    page = wpage
    text = ask(page, SOHAR, 1)
    assert "400,000" in text
    original = (PAGES / "gulf-tribune-desalination.html").read_text(encoding="utf-8")
    assert "400,000" in original
    corrected = original.replace("400,000", "450,000")
    site.page("/news/gulf-tribune-desalination.html", corrected)
    try:
        page.get_by_role("tab", name="Sources").click()
        page.fill("#nd-urls textarea", site.url + "/news/gulf-tribune-desalination.html")
        page.click("#nd-fetch")
        page.wait_for_function("() => /updated|changed/.test(document.querySelector('#nd-sources-msg').innerText)",
                               timeout=180_000)
    finally:
        site.page("/news/gulf-tribune-desalination.html", original)
    page.reload()  # the stored conversation, checked against the collection as it is now
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length === 1",
                           timeout=60_000)
    page.wait_for_timeout(1000)
    text = page.locator(BOT).last.inner_text()
    assert re.search(r"this article changed on \d+ \w+ \d{4}, \d\d:\d\d UTC since this answer", text), text
    assert "400,000" in text  # the text that was quoted
    page.locator("#nd-citations label").first.click()
    page.wait_for_function("() => (document.querySelector('#nd-panel') || {}).innerText"
                           " && document.querySelector('#nd-panel').innerText.includes('changed on')", timeout=30_000)
    panel = page.locator("#nd-panel").inner_text()
    assert "since this answer" in panel and "400,000" in panel and "450,000" in panel
    assert "450,000" not in "".join(page.locator("#nd-panel mark.nd-cited").all_inner_texts())  # no stale highlight
    page.wait_for_timeout(500)
    whole(page, "29-11-corrected-article-flagged")
