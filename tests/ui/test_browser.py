"""The chat in a real browser: Debian's chromium driven by Playwright against the real server."""
from __future__ import annotations

import pytest
from chatserver import shot  # noqa: F401  (the browser tests share it)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(server["url"])
    pg.wait_for_selector("#nd-question textarea", timeout=60_000)
    yield pg
    ctx.close()


def ask(page, question: str, n: int) -> str:
    """Ask and wait for the n-th bot message; returns its text."""
    page.fill("#nd-question textarea", question)
    page.click("#nd-ask")
    page.wait_for_function(
        "n => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length >= n", arg=n, timeout=90_000)
    return page.locator("#nd-chat [data-testid='bot']").nth(n - 1).inner_text()


def test_ask_and_open_citation(page):
    text = ask(page, "When was the INF Treaty signed?", 1)
    assert "December 8, 1987" in text and "[1]" in text
    assert page.locator("#nd-chat [data-testid='bot'] strong").first.inner_text() == "December 8, 1987"
    shot(page, "01-answer")
    page.locator("#nd-citations label").first.click()
    mark = page.locator("#nd-cited")
    mark.wait_for(timeout=30_000)
    assert "December 8, 1987" in mark.inner_text()
    assert "Russian diplomat calls on NATO" in page.locator("#nd-panel h3").inner_text()
    page.wait_for_timeout(500)
    assert mark.is_visible()
    box = mark.bounding_box()
    assert box and 0 <= box["y"] <= 1000  # scrolled into view
    shot(page, "02-citation-panel")


def test_follow_up_question(page):
    ask(page, "When was the INF Treaty signed?", 1)
    text = ask(page, "And when did it enter into force?", 2)
    assert "June 1, 1988" in text and "Understood as a follow-up to “When was the INF Treaty signed?”" in text
    shot(page, "03-follow-up")


def test_unanswerable_question_abstains(page):
    text = ask(page, "Who won the 2018 FIFA World Cup?", 1)
    assert "do not answer" in text and "not an answer" in text
    shot(page, "04-abstention")


def test_script_payload_renders_as_text(page):
    text = ask(page, "What did Pavel Testov say the parcel contained?", 1)
    page.locator("#nd-citations label").first.click()
    page.locator("#nd-panel .nd-article").wait_for(timeout=30_000)
    panel = page.locator("#nd-panel").inner_text()
    assert "<script>window.__pwned = 1; alert('xss')</script>" in panel and "onerror" in panel
    assert "onerror" in text or "script" in text or "Testov" in text
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("[...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length") == 0
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    shot(page, "05-script-payload-as-text")


def test_upload_an_article_and_ask_about_it(page, server, tmp_path):
    f = tmp_path / "arctic-talks.txt"
    f.write_text("Arctic talks open\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks on Arctic fishing "
                 "quotas in Tromso on Wednesday, Norwegian negotiator Ingrid Halvorsen said.\n")
    page.get_by_role("tab", name="Sources").click()
    page.set_input_files("#nd-upload input[type=file]", str(f))
    page.wait_for_timeout(1500)
    page.click("#nd-add")
    page.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('added')", timeout=120_000)
    assert "arctic-talks" in page.locator("#nd-sources").inner_text()
    shot(page, "06-upload")
    assert (server["base"] / "index" / "articles" / "arctic-talks.txt").is_file()  # the index's own articles
    page.get_by_role("tab", name="Chat").click()
    text = ask(page, "Where did Norway and Russia open talks on Arctic fishing quotas?", 1)
    assert "Tromso" in text and "OSLO" in text
    shot(page, "07-answer-from-upload")


def test_damaged_upload_changes_nothing(page, tmp_path):
    f = tmp_path / "broken.txt"
    f.write_bytes(b"\x00\xff\x00binary")
    page.get_by_role("tab", name="Sources").click()
    # the page's load event (fresh table, role note) has finished, so nothing changes under the test
    page.wait_for_function("() => /You are|Signed in as/.test((document.querySelector('#nd-role') || {}).innerText || '')",
                           timeout=60_000)
    before = page.locator("#nd-sources").inner_text()
    page.set_input_files("#nd-upload input[type=file]", str(f))
    page.wait_for_timeout(1500)
    page.click("#nd-add")
    page.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('Not added')", timeout=60_000)
    assert "broken.txt" in page.locator("#nd-sources-msg").inner_text()
    assert page.locator("#nd-sources").inner_text() == before


def test_run_a_small_evaluation(page):
    page.get_by_role("tab", name="Evaluation").click()
    page.fill("#nd-eval-limit input", "4")
    page.click("#nd-eval-run")
    page.wait_for_function("() => document.querySelector('#nd-eval-metrics').innerText.includes('exact match')",
                           timeout=180_000)
    assert "fused" in page.locator("#nd-eval-metrics").inner_text()
    assert page.locator("#nd-eval-table").inner_text().count("s00") >= 4
    shot(page, "08-evaluation")
