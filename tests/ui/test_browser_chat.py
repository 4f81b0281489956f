"""Issue 16 in a real browser: the chat a new user meets (no hangs, typed text shown as text, follow-ups,
a page that reads well, a conversation that survives a reload). Screenshots: test-artifacts/16-*.png."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_browser import ask, page, shot  # noqa: F401  (fixtures shared with the first browser tests)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
BOT = "#nd-chat [data-testid='bot']"
USER = "#nd-chat [data-testid='user']"


def _bots(page) -> int:
    return page.locator(BOT).count()


def _wait_bots(page, n: int) -> None:
    page.wait_for_function("n => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length === n", arg=n,
                           timeout=60_000)


EXPAND_CHAT = """() => {
  const c = document.querySelector('#nd-chat');
  for (const e of [c, ...c.querySelectorAll('*')]) {
    const s = getComputedStyle(e);
    if (e === c || s.overflowY === 'auto' || s.overflowY === 'scroll') {
      e.style.height = 'auto'; e.style.maxHeight = 'none'; e.style.overflowY = 'visible';
    }
  }
}"""


def shot_at(page, i: int, name: str) -> None:
    """A screenshot of the whole conversation (the chat's scroll box opened up), the i-th answer in it."""
    page.evaluate(EXPAND_CHAT)
    page.wait_for_timeout(300)
    assert page.locator(BOT).nth(i).is_visible()
    shot(page, name)


def _fill(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id} input, #{elem_id} textarea").first.fill(text)


# 1. Never hang, never a traceback
def test_long_and_foreign_questions_get_answers_and_the_chat_goes_on(page):
    text = ask(page, "When was the INF Treaty signed? " * 30, 1)  # 960 characters: past the reader's window
    assert "December 8, 1987" in text and "reader took only the first" in text
    text = ask(page, "When was the INF Treaty signed? " * 160, 2)  # 5,120 characters
    assert "cut to its first 2,000 characters" in text
    assert "more characters not shown" in page.locator(USER).nth(1).inner_text()
    shot_at(page, 1, "16-1a-5000-character-question")
    text = ask(page, "Кто возглавлял российскую делегацию на переговорах в Вене?", 3)
    assert "searched in English" in text
    shot_at(page, 2, "16-1b-russian-question")
    text = ask(page, "When was the INF Treaty signed?", 4)  # the same tab still answers
    assert "December 8, 1987" in text
    assert page.locator(".toast-body").count() == 0  # no red "Error" toast
    shot(page, "16-1-long-and-russian-questions")


# 2. What the user typed is shown as text
def test_typed_markup_is_shown_as_text_and_never_run(page):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    typed = "<img src=x onerror=alert(1)> and <script>alert(2)</script> what did Pavel Testov say?"
    ask(page, typed, 1)
    assert page.locator(USER).first.inner_text().strip() == typed
    page.wait_for_timeout(1000)
    assert not [u for u in requests if u.split("?")[0].rstrip("/").endswith("/x")]
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.dialogs == [] and page.evaluate("window.__pwned") is None
    shot(page, "16-2-typed-markup-as-text")
    page.reload()  # the stored history shows it as text too
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    _wait_bots(page, 1)
    assert page.locator(USER).first.inner_text().strip() == typed
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0 and page.dialogs == []


# 3. Follow-ups that follow
def test_followups_are_resolved_and_shown(page):
    ask(page, "Who said that the United States and Russia could restore agreements on intermediate and "
              "shorter-range missiles in Europe?", 1)
    text = ask(page, "Where was he when he said it?", 2)
    assert "none to search" not in text and "Understood as “Where was" in text
    assert "a follow-up to “Who said that" in text and "restore" in text.split("carried over:")[1]
    shot_at(page, 1, "16-3a-where-was-he-when-he-said-it")
    text = ask(page, "When was the INF Treaty signed?", 3)  # names its own subject: left alone
    assert "Understood as" not in text and "December 8, 1987" in text
    text = ask(page, "And when did it enter into force?", 4)
    assert "June 1, 1988" in text and "Understood as a follow-up to “When was the INF Treaty signed?”" in text
    assert "carried over: INF, Treaty, signed" in text
    shot(page, "16-3-follow-ups")


# 4. A page that reads well
def test_answer_markers_open_the_citation_with_its_header_in_view(page):
    text = ask(page, "When was the INF Treaty signed?", 1)
    assert "confidence 0." not in text and "confidence" in text.lower()
    assert "““" not in text and "””" not in text
    page.locator(f"{BOT} a[href='#nd-cite-0-1']").first.click()
    mark = page.locator("#nd-cited")
    mark.wait_for(timeout=30_000)
    assert "December 8, 1987" in mark.inner_text()
    assert page.locator("#nd-citations input[type=radio]:checked").count() == 1
    head = page.locator("#nd-panel .nd-head")
    assert "TASS" in head.inner_text() and "25 January, year not stated" in head.inner_text()
    page.evaluate("document.querySelector('#nd-panel .nd-article').scrollTop = 100000")
    page.wait_for_timeout(300)
    panel_box = page.locator("#nd-panel .nd-article").bounding_box()
    head_box = head.bounding_box()
    assert abs(head_box["y"] - panel_box["y"]) < 4  # the header stays at the top while the text scrolls
    shot(page, "16-4a-marker-opens-citation-header-in-view")


def test_citation_links_the_original_and_titles_end_on_a_word(page):
    ask(page, "How much of a pay rise did the harbour pilots in Antwerp get?", 1)
    label = page.locator("#nd-citations label").first.inner_text()
    assert "Harbour Daily" in label and label.rstrip().endswith("port authority was…")  # cut after a whole word
    page.locator("#nd-citations label").first.click()
    link = page.locator("#nd-panel a[href='https://example.org/antwerp-pilots']")
    link.wait_for(timeout=30_000)
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert "Jan Peeters" in page.locator("#nd-panel .nd-head").inner_text()  # the speaker is named
    shot(page, "16-4b-citation-with-link-and-speaker")


def test_filters_in_plain_words(page):
    assert page.locator("#nd-filters").is_visible()  # not hidden among the technical settings
    _fill(page, "nd-since", "10/01/2022")
    text = ask(page, "Who is Russia's Foreign Minister?", 1)
    assert "ambiguous" in text and "YYYY-MM-DD" in text
    shot_at(page, 0, "16-4c1-ambiguous-date")
    _fill(page, "nd-since", "2022-02-01")
    _fill(page, "nd-until", "2022-01-01")
    text = ask(page, "Who is Russia's Foreign Minister?", 2)
    assert "is after" in text
    _fill(page, "nd-since", "2022-01-01")
    _fill(page, "nd-until", "2022-12-31")
    page.locator("#nd-yearless input[type=checkbox]").uncheck()
    text = ask(page, "When was the INF Treaty signed?", 3)  # stated only in an article without a year
    assert "Filters are on" in text and "without a stated year left out" in text
    shot_at(page, 2, "16-4c2-unsure-answer-says-filters-are-on")
    page.locator("#nd-yearless input[type=checkbox]").check()
    text = ask(page, "When was the INF Treaty signed?", 4)
    assert "December 8, 1987" in text
    shot(page, "16-4c-filters")


def test_sources_tab_reads_well_and_remove_confirmation_resets(page, tmp_path):
    page.get_by_role("tab", name="Sources").click()
    table = page.locator("#nd-sources")
    table.wait_for()
    text = table.inner_text()
    assert "25 January, year not stated" in text and "--01-25" not in text
    assert page.evaluate("(() => { const t = document.querySelector('#nd-sources table');"
                         " return t.scrollWidth <= t.parentElement.clientWidth + 2; })()")
    f = tmp_path / "to-remove.txt"
    f.write_text("Short note\n\nRIGA, May 4. A short note about nothing in particular, written for a test.\n")
    page.set_input_files("#nd-upload input[type=file]", str(f))
    page.wait_for_timeout(1500)
    page.click("#nd-add")
    page.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('added')", timeout=120_000)
    page.locator("#nd-rm-choice input").click()
    page.locator("ul[role=listbox] li", has_text="to-remove.txt").first.click()
    page.locator("#nd-rm-confirm input[type=checkbox]").check()
    page.click("#nd-rm")
    page.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('removed')", timeout=120_000)
    assert not page.locator("#nd-rm-confirm input[type=checkbox]").is_checked()
    shot(page, "16-4d-sources")


def test_evaluation_tab_shows_answers_and_labelled_plots(page, tmp_path):
    f = tmp_path / "mine.jsonl"
    rows = [{"id": "u1", "question": "<img src=x onerror=alert(3)> When was the INF Treaty signed?",
             "answers": ["December 8, 1987"], "sources": ["001_596bc3409c48ad04"], "answerable": True, "history": []},
            {"id": "u2", "question": "Who won the 2018 FIFA World Cup?", "answers": [], "sources": [],
             "answerable": False, "history": []}]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    page.get_by_role("tab", name="Evaluation").click()
    page.get_by_label("Uploaded file").check()
    page.set_input_files("#nd-eval-set ~ div input[type=file], input[type=file][accept*='.jsonl']", str(f))
    page.wait_for_timeout(1500)
    page.click("#nd-eval-run")
    page.wait_for_function("() => document.querySelector('#nd-eval-metrics').innerText.includes('exact match')",
                           timeout=180_000)
    table = page.locator("#nd-eval-table").inner_text()
    assert "system's answer" in table and "expected answer" in table
    assert "<img src=x onerror=alert(3)> When was the INF Treaty signed?" in table
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0 and page.dialogs == []
    page.locator("#nd-plot-types img").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    shot(page, "16-4e-evaluation")


def test_examples_come_from_the_seed_set_and_are_answered(page):
    seeds = {json.loads(line)["question"]: json.loads(line) for line in (ROOT / "eval" / "seeds_qa.jsonl").open()}
    buttons = page.locator("#nd-examples button")
    labels = [buttons.nth(i).inner_text() for i in range(buttons.count())]
    assert len(labels) == 5 and labels[-1].startswith("Follow-up:")
    assert all(label in seeds for label in labels[:4])
    verified = [("nd-verified" in (buttons.nth(i).get_attribute("class") or "")) for i in range(5)]
    for i in range(4):
        buttons.nth(i).click()
        _wait_bots(page, i + 1)
        got = page.locator(BOT).nth(i).inner_text()
        if verified[i]:  # picked because the assistant answers it right: it must still be answered right
            assert any(a in got for a in seeds[labels[i]]["answers"]), (labels[i], got)
        else:
            print(f"\nexample without a right answer in this collection (abstention is the lead's work): {labels[i]}")
    assert sum(verified) >= 3
    buttons.nth(4).click()
    _wait_bots(page, 6)
    follow = next(q for q in seeds.values() if q["history"] and q["question"] in labels[-1])
    if verified[4]:
        assert any(a in page.locator(BOT).nth(5).inner_text() for a in follow["answers"])
    shot(page, "16-4f-examples")


# 5. The conversation survives a reload, and exports as Markdown
def test_conversation_survives_reload_and_new_tab_and_exports(page):
    ask(page, "When was the INF Treaty signed?", 1)
    ask(page, "And when did it enter into force?", 2)
    page.reload()
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    _wait_bots(page, 2)
    assert "June 1, 1988" in page.locator(BOT).nth(1).inner_text()
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_selector("#nd-question textarea", timeout=60_000)
    _wait_bots(other, 2)
    text = ask(other, "Who is Russia's Foreign Minister?", 3)  # and it goes on from there
    assert "Understood as" not in text
    other.close()
    with page.expect_download(timeout=30_000) as dl:  # one click, one Markdown file
        page.click("#nd-export-all")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename == "newsdesk-conversation.md"
    assert "## Q1. When was the INF Treaty signed?" in md and "**Answer:** December 8, 1987 [1]" in md
    assert "[1] TASS, 25 January, year not stated, MOSCOW" in md and "characters" in md
    shot(page, "16-5-restored-and-exported")
    page.click("#nd-new")
    page.wait_for_timeout(500)
    page.reload()
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.wait_for_timeout(2000)
    assert _bots(page) == 0
