"""Sources side by side, quote search and search in a real browser (Debian's chromium, Playwright),
against a server over the seeds plus our test articles (two outlets disagreeing, a wire story reprinted)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chatserver import shot, start_chat, stop

from index.build import build_index
from index.settings import BuildSettings

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def newsroom_server(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("newsroom")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    for folder in ("sources_articles", "quote_articles"):
        for f in (DATA / folder).iterdir():
            shutil.copy(f, corpus / f.name)
    build_index([corpus], base / "index", BuildSettings(), real_embedder)
    proc, url = start_chat(base / "index", base / "server.log")
    yield url
    stop(proc)


@pytest.fixture
def page(browser, newsroom_server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.goto(newsroom_server)
    pg.wait_for_selector("#nd-question textarea", timeout=60_000)
    yield pg
    ctx.close()


def test_chat_shows_disagreeing_sources_side_by_side(page):
    page.fill("#nd-question textarea", "How many people died when the ferry sank off Sulawesi?")
    page.click("#nd-ask")
    page.wait_for_function("() => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length >= 1",
                           timeout=120_000)
    bot = page.locator("#nd-chat [data-testid='bot']").first
    text = bot.inner_text()
    assert "Sources disagree" in text
    assert "AP" in text and "Reuters" in text and "reprint of s1_ferry_reuters, counted once" in text
    assert "disagrees with" in text and ("· 1 source" in text or "· 1 source and 1 reprint" in text)  # as listed
    shot(page, "newsroom-01-sources-disagree")


def test_chat_does_not_call_two_facts_a_disagreement(page):
    page.fill("#nd-question textarea", "When were Russia's draft treaties with the U.S. and NATO made public?")
    page.click("#nd-ask")
    page.wait_for_function("() => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length >= 1",
                           timeout=120_000)
    text = page.locator("#nd-chat [data-testid='bot']").first.inner_text()
    assert "Dec. 17" in text and "Dec. 15" in text
    assert "Sources disagree" not in text and "disagrees with" not in text
    shot(page, "newsroom-02-two-facts-no-conflict")


def test_quotes_tab_finds_a_quote_by_its_speaker(page):
    page.get_by_role("tab", name="Quotes").click()
    page.fill("#nd-quotes-q textarea", "What did Ryabkov say about preconditions?")
    page.click("#nd-quotes-go")
    page.wait_for_selector("#nd-quotes-results .nd-quote-card", timeout=60_000)
    card = page.locator("#nd-quotes-results .nd-quote-card").first
    who = card.locator(".nd-who").inner_text()
    assert who.startswith("Sergey Ryabkov, Deputy Foreign Minister · EIRNS")
    assert "precondition" in card.locator("mark.nd-quote").inner_text()
    shot(page, "newsroom-03-quote-by-speaker")
    page.fill("#nd-quotes-q textarea", "Who said the ship was clearly overloaded?")
    page.click("#nd-quotes-go")
    page.wait_for_function("() => document.querySelector('#nd-quotes-results').innerText.includes('Rudi Hartono')",
                           timeout=60_000)
    assert "Police chief" in page.locator("#nd-quotes-results .nd-who").first.inner_text()
    shot(page, "newsroom-04-who-said")


def test_search_tab_lists_passages_highlighted_and_sorts_by_date(page):
    page.get_by_role("tab", name="Search").click()
    page.fill("#nd-search-q textarea", "INF Treaty")
    page.click("#nd-search-go")
    page.wait_for_selector("#nd-search-results .nd-search-hit", timeout=60_000)
    hits = page.locator("#nd-search-results .nd-search-hit")
    assert hits.count() >= 2
    assert hits.first.locator("mark.nd-hit").count() >= 1 and hits.first.locator("b.nd-term").count() >= 1
    shot(page, "newsroom-05-search-relevance")
    by_relevance = hits.first.locator(".nd-who").inner_text()
    page.get_by_label("date").check()
    page.wait_for_function("first => document.querySelector('#nd-search-results .nd-who').innerText !== first",
                           arg=by_relevance, timeout=60_000)
    heads = page.locator("#nd-search-results .nd-who").all_inner_texts()
    order = [next(i for i, h in enumerate(heads) if d in h) for d in
             ("21 January 2022", "10 January 2022", "year not stated")]
    assert order == sorted(order), heads  # newest first, the year-less TASS report last
    shot(page, "newsroom-06-search-by-date")
    page.fill("#nd-search-q textarea", "ferry Sulawesi")
    page.click("#nd-search-go")
    page.wait_for_function("() => document.querySelector('#nd-search-results').innerText.includes('also reprinted')",
                           timeout=60_000)
