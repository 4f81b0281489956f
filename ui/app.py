"""The Gradio chat: answers with numbered citations that open the cited passage in its article,
a Sources tab (upload, remove) and an Evaluation tab."""
from __future__ import annotations

import hashlib
import html
import logging
import os
import tempfile
from pathlib import Path

import gradio as gr

from assistant.collection import Collection, UploadError
from assistant.settings import Fusion

from . import chat
from .evalview import TABLE_COLUMNS, table_rows
from .evalview import plot as plot_eval
from .examples import pick_examples
from .filters import FilterError, build_filters
from .newsroom_tabs import CSS as NEWSROOM_CSS
from .newsroom_tabs import add_tabs
from .render import (
    article_html,
    citation_label,
    display_date,
    history_text,
    short_title,
    timeline_choice,
    timeline_html,
)
from .roles import Access, access_from

log = logging.getLogger(__name__)
CSS = """
.nd-article { max-height: 640px; overflow-y: auto; padding: 0 8px; position: relative; }
.nd-head { position: sticky; top: 0; background: var(--background-fill-primary, #fff); padding: 4px 0 6px;
           border-bottom: 1px solid #ddd; z-index: 1; }
.nd-head h3 { margin: 4px 0; }
.nd-text { white-space: pre-wrap; line-height: 1.5; }
.nd-boiler { color: #9a9a9a; }
mark.nd-cited { background: #ffe066; padding: 1px 0; }
.nd-meta { color: #555; font-size: 0.9em; margin: 0; }
.nd-hidden { display: none !important; }
#nd-sources table { table-layout: auto; }
.nd-which { margin: 2px 0 0; font-size: 0.85em; color: #555; }
.nd-changed { margin: 4px 0 0; padding: 4px 8px; border-left: 3px solid #d9822b; background: #fff6e8; font-size: 0.9em; }
details.nd-how { display: inline; font-size: 0.85em; color: #666; }
details.nd-how summary { display: inline; cursor: pointer; text-decoration: underline dotted; list-style: none; }
details.nd-how summary::-webkit-details-marker { display: none; }
details.nd-how:not([open])::details-content { display: none; }  /* closed, it takes no line of its own */
details.nd-how[open] { display: block; margin: 2px 0 6px 12px; }
.nd-tl-how { color: #555; font-size: 0.9em; }
.nd-possible { border-bottom: 1px dashed #b58900; }  /* a possible answer: marked, never bold */
"""
SCROLL_JS = "() => { setTimeout(() => { const m = document.getElementById('nd-cited'); if (m) m.scrollIntoView({block: 'center'}); }, 150); }"
# after an answer: the panel's own scroll brings the highlight in view; the page and the chat stay where they are
PANEL_SCROLL_JS = """() => { setTimeout(() => { const m = document.querySelector('#nd-panel #nd-cited');
  const box = m && m.closest('.nd-article'); if (!box) return;
  box.scrollTop += m.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3; }, 150); }"""
# A click on a [n] marker in an answer asks the server to open that citation (answer position and number), a
# click on a source under "What each source says" that source ("src-" answer position, group, support).
# A new answer (or a restored conversation) is scrolled to where the newest answer starts, never to its end.
HEAD = """<script>
document.addEventListener('click', (ev) => {
  const a = ev.target && ev.target.closest ? ev.target.closest('a[href^="#nd-cite-"], a[href^="#nd-src-"]') : null;
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const box = document.querySelector('#nd-cite-req textarea, #nd-cite-req input');
  const go = document.querySelector('#nd-cite-go');
  if (!box || !go) return;
  const href = a.getAttribute('href');
  box.value = (href.startsWith('#nd-src-') ? href.slice(4) : href.slice('#nd-cite-'.length)) + '|' + Date.now();
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(() => go.click(), 80);
}, true);
(() => {
  let seen = 0, queued = false;
  const scroller = (el, stop) => {
    for (let e = el.parentElement; e && e !== stop; e = e.parentElement)
      if (/(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight) return e;
    return null;
  };
  const toNewest = () => {
    const chat = document.getElementById('nd-chat');
    const bots = chat ? chat.querySelectorAll("[data-testid='bot']") : [];
    if (!bots.length) return;
    const bot = bots[bots.length - 1], box = scroller(bot, chat.parentElement);
    if (!box) return;
    const users = chat.querySelectorAll("[data-testid='user']"), user = users[users.length - 1];
    const top = box.getBoundingClientRect().top;
    let target = bot.getBoundingClientRect().top;
    if (user) { const u = user.getBoundingClientRect().top; if (u < target && target - u < box.clientHeight / 3) target = u; }
    box.scrollTop += target - top - 40;  // below the box's own buttons
  };
  const check = () => {
    queued = false;
    const chat = document.getElementById('nd-chat');
    const n = chat ? chat.querySelectorAll("[data-testid='bot']").length : 0;
    if (n > seen) for (const ms of [0, 120, 400, 900]) setTimeout(toNewest, ms);
    seen = n;
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(check); } })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""
SOURCE_COLUMNS = ["title", "outlet", "date", "dateline", "chunks", "origin", "id"]
PANEL_EMPTY = "<p><i>Click a citation, or a [n] marker in an answer, to see the passage in its article.</i></p>"
STORAGE_KEY = "newsdesk-conversation"
NOT_EDITOR = "**Not allowed:** only editors can change the collection."


def _choices(answer) -> list[tuple[str, str]]:
    if answer is None:
        return []
    tag = " (nearest, not an answer)" if answer.abstained else ""
    return [(citation_label(c) + tag, str(c.number)) for c in answer.citations]


def _source_rows(collection: Collection) -> list[list]:
    """The Sources table: readable dates, the title first, the id last."""
    return [[title or aid, outlet, display_date(iso or None), dateline, chunks, origin, aid]
            for aid, title, outlet, iso, dateline, chunks, origin in collection.article_rows()]


def web_summary(report, rebuilt: str | None) -> str:
    """What a fetch did, one line a page: added, changed, unchanged, not added."""
    lines = [f"{s.status} {s.id}" for s in report.staged] + [f"not added: {f}" for f in report.failed]
    if rebuilt:
        lines.append("index now holds " + rebuilt)
    return f"{report.summary()}\n\n" + "\n".join(f"- {line}" for line in lines)


def _examples(collection: Collection):
    """The examples by rule from the seed set, when the seed articles are in this collection."""
    from eval.datasets import load_dataset

    try:
        known = set(collection.assistant.index.articles)
        questions = [q for q in load_dataset("seeds").questions if set(q.sources) & known]
        return pick_examples(questions, collection.assistant) if questions else []
    except Exception:  # examples are a help, never a reason not to start
        log.exception("no example questions")
        return []


_EXPORTS = Path(tempfile.gettempdir()) / "newsdesk-exports"


def _export_file(text: str, name: str) -> str:
    """The Markdown written once per content (a folder named by its hash), so a download keeps its name."""
    folder = _EXPORTS / hashlib.sha256(text.encode()).hexdigest()[:20]
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return str(path)


def build_app(collection: Collection, access: Access = Access(), storage_secret: str | None = None) -> gr.Blocks:
    examples = _examples(collection)

    def may_edit(request: gr.Request | None) -> bool:  # checked on the server for every change
        return access.can_edit(getattr(request, "username", None))

    with gr.Blocks(title="newsdesk") as app:
        stored = gr.BrowserState(chat.empty(), storage_key=STORAGE_KEY, secret=storage_secret)
        shown = gr.State(None)  # position of the answer whose citations are listed
        gr.Markdown("## newsdesk\nAnswers quoted word for word from the articles, with numbered citations. "
                    "Click a citation or a [n] marker to read the passage in its article.")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="nd-chat", sanitize_html=True,
                                         buttons=["copy", "copy_all"], autoscroll=False)  # HEAD scrolls it
                    with gr.Row():
                        box = gr.Textbox(placeholder="Ask about the articles…", show_label=False, scale=8,
                                         elem_id="nd-question", max_length=100_000)
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nd-ask")
                    with gr.Row(elem_id="nd-filters"):
                        outlets = gr.Dropdown(collection.outlets(), multiselect=True, label="Outlet (none = all)",
                                              elem_id="nd-outlets", scale=2)
                        since = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="e.g. 2022-01-01", elem_id="nd-since",
                                           scale=1)
                        until = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="e.g. 2022-01-31", elem_id="nd-until",
                                           scale=1)
                        yearless = gr.Checkbox(True, label="Keep articles whose year is not stated", elem_id="nd-yearless",
                                               scale=1)
                    cites = gr.Radio(label="Citations — click one to open it in its article", choices=[],
                                     elem_id="nd-citations")
                    if examples:
                        gr.Markdown("**Example questions** (from the seed question set: who, when, where, how many, "
                                    "and a follow-up)")
                        with gr.Row(elem_id="nd-examples"):
                            example_buttons = [(gr.Button(ex.label, size="sm", elem_classes=["nd-example"] +
                                                          (["nd-verified"] if ex.verified else [])), ex)
                                               for ex in examples]
                    else:
                        example_buttons = []
                    with gr.Row():
                        new = gr.Button("New conversation", elem_id="nd-new")
                        # one click downloads the file: it is written after every answer
                        export_one = gr.DownloadButton("Export this answer (Markdown)", elem_id="nd-export-one",
                                                       interactive=False)
                        export_all = gr.DownloadButton("Export the conversation (Markdown)", elem_id="nd-export-all",
                                                       interactive=False)
                    with gr.Accordion("Events the articles report (dates stated in the text)", open=False):
                        with gr.Row():
                            ev_since = gr.Textbox(label="Events from (YYYY[-MM[-DD]])", elem_id="nd-ev-since")
                            ev_until = gr.Textbox(label="Events to (YYYY[-MM[-DD]])", elem_id="nd-ev-until")
                    with gr.Accordion("Technical settings (retrieval)", open=False):
                        k = gr.Slider(1, 20, value=collection.config.ask.top_k, step=1, label="Passages to retrieve")
                        fusion = gr.Radio([f.value for f in Fusion], value=collection.config.ask.fusion.value, label="Fusion")
                        weight = gr.Slider(0, 1, value=collection.config.ask.dense_weight, step=0.05, label="Dense weight (minmax)")
                    cite_req = gr.Textbox(elem_id="nd-cite-req", elem_classes=["nd-hidden"], show_label=False)
                    cite_go = gr.Button("open", elem_id="nd-cite-go", elem_classes=["nd-hidden"])
                with gr.Column(scale=2):
                    panel = gr.HTML(PANEL_EMPTY, elem_id="nd-panel")
        with gr.Tab("Timeline"):  # dated statements about a query, in calendar order (assistant/timeline.py)
            with gr.Row():
                tl_query = gr.Textbox(placeholder="What the timeline is about, e.g. INF Treaty", show_label=False,
                                      scale=8, elem_id="nd-tl-query", max_length=2_000)
                tl_go = gr.Button("Build timeline", variant="primary", scale=1, elem_id="nd-tl-go")
            with gr.Row():
                with gr.Column(scale=3):
                    tl_view = gr.HTML("<p><i>Dated statements and events about a query, earliest first; dates are "
                                      "derived from each article's own date.</i></p>", elem_id="nd-timeline")
                    tl_cites = gr.Radio(label="Citations — click one to open it in its article", choices=[],
                                        elem_id="nd-tl-citations")
                with gr.Column(scale=2):
                    tl_panel = gr.HTML("<p><i>Click a citation to see the sentence in its article.</i></p>",
                                       elem_id="nd-tl-panel")
            tl_state = gr.State(None)

            def make_timeline(q):
                from assistant.timeline import build_timeline

                tl = build_timeline(collection.assistant, history_text(q).strip())
                choices = [(timeline_choice(n, e), str(n)) for n, e in enumerate(tl.entries(), 1)]
                return timeline_html(tl), gr.update(choices=choices, value=None), tl

            def open_entry(choice, tl):
                if not choice or tl is None:
                    return gr.update()
                e = tl.entries()[int(choice) - 1]
                article = collection.assistant.index.articles.get(e.article_id)
                if article is None:
                    return "<p>That article is no longer in the collection.</p>"
                return article_html(article, e.sentence_start, e.sentence_end)

            tl_go.click(make_timeline, [tl_query], [tl_view, tl_cites, tl_state], api_name="timeline")
            tl_query.submit(make_timeline, [tl_query], [tl_view, tl_cites, tl_state], api_visibility="private")
            tl_cites.change(open_entry, [tl_cites, tl_state], tl_panel).then(
                None, js=SCROLL_JS.replace("document.getElementById('nd-cited')",
                                           "document.querySelector('#nd-tl-panel #nd-cited')"))
        add_tabs(collection)  # Search, Quotes
        with gr.Tab("Sources"):
            table = gr.Dataframe(value=_source_rows(collection), headers=SOURCE_COLUMNS, interactive=False, elem_id="nd-sources",
                                 wrap=True, column_widths=["34%", "9%", "17%", "12%", "6%", "9%", "13%"])
            role_note = gr.Markdown(elem_id="nd-role")
            with gr.Column(visible=access.can_edit(None), elem_id="nd-editor") as editor:
                upload = gr.File(label="Add articles (.txt, .md, .html, .jsonl)", file_count="multiple",
                                 file_types=[".txt", ".md", ".html", ".htm", ".jsonl"], elem_id="nd-upload")
                add = gr.Button("Add to the collection", elem_id="nd-add")
                with gr.Row():
                    urls_box = gr.Textbox(label="Web pages to fetch (one URL a line)", lines=2, scale=3,
                                          placeholder="https://…", elem_id="nd-urls", max_length=20_000)
                    feed_box = gr.Textbox(label="RSS or Atom feed (adds its new items)", scale=2,
                                          placeholder="https://…/feed.xml", elem_id="nd-feed", max_length=2_000)
                fetch = gr.Button("Fetch and add", elem_id="nd-fetch")
                with gr.Row():
                    rm_choice = gr.Dropdown(collection.removable(), label="Uploaded article to remove", elem_id="nd-rm-choice")
                    rm_confirm = gr.Checkbox(label="Yes, remove it from the collection", elem_id="nd-rm-confirm")
                    rm = gr.Button("Remove", variant="stop", elem_id="nd-rm")
            src_msg = gr.Markdown(elem_id="nd-sources-msg")
        with gr.Tab("Evaluation"):
            with gr.Row():
                ds = gr.Radio(["Seeds Q&A set", "Super Bowl benchmark", "Uploaded file"], value="Seeds Q&A set",
                              label="Evaluation set", elem_id="nd-eval-set")
                ev_file = gr.File(label="JSONL or SQuAD JSON", file_types=[".jsonl", ".json"])
                limit = gr.Number(value=20, precision=0, label="Questions (0 = all)", elem_id="nd-eval-limit")
            run = gr.Button("Run evaluation", variant="primary", elem_id="nd-eval-run")
            ev_metrics = gr.Markdown(elem_id="nd-eval-metrics")
            with gr.Row():
                # the plots carry their own titles; a component label would cover them
                plot_hits = gr.Image(label="Retrieval: hit@k", show_label=False, type="filepath", elem_id="nd-plot-hits")
                plot_types = gr.Image(label="By question type", show_label=False, type="filepath", elem_id="nd-plot-types")
            ev_table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=False, elem_id="nd-eval-table", wrap=True,
                                    column_widths=["6%", "31%", "19%", "22%", "12%", "10%"])
            downloads = gr.File(label="Predictions and report", file_count="multiple")

        def _filters(outlets_, since_, until_, yearless_, ev_since_=None, ev_until_=None):
            return build_filters(outlets_, since_, until_, bool(yearless_), collection.assistant.store.articles,
                                 ev_since_, ev_until_)

        def _after(turns, pos):
            ans = chat.answer_of(turns[pos]) if turns and pos is not None and 0 <= pos < len(turns) else None
            return gr.update(choices=_choices(ans), value=None)

        def _ask(question, stored_, k_, fusion_, weight_, outlets_, since_, until_, yearless_, ev_since_=None,
                 ev_until_=None):
            turns = chat.turns_of(stored_)
            try:
                filters, described = _filters(outlets_, since_, until_, yearless_, ev_since_, ev_until_)
            except (FilterError, ValueError) as e:
                q = question if isinstance(question, str) else ""
                return turns + [{"question": q[:chat.STORED_QUESTION_CHARS], "typed": len(q), "answer": None,
                                 "error": str(e), "filters": None}]
            settings = collection.config.ask.with_(top_k=int(k_), fusion=fusion_, dense_weight=float(weight_))
            turns, _ = chat.respond(collection, question, turns, filters, described, settings)
            return turns

        def respond(message, stored_, k_, fusion_, weight_, outlets_, since_, until_, yearless_, ev_since_=None,
                    ev_until_=None):
            turns = _ask(history_text(message), stored_, k_, fusion_, weight_, outlets_, since_, until_, yearless_,
                         ev_since_, ev_until_)
            pos = len(turns) - 1
            return (chat.history(turns, collection.articles), "", {"version": chat.VERSION, "turns": turns},
                    _after(turns, pos), pos)

        def follow_newest(stored_, pos):
            """After an answer (or a reload): the panel opens the newest answer's cited passage, its citation
            checked in the list, and the export files are written for one click."""
            turns = chat.turns_of(stored_)
            ans = chat.answer_of(turns[pos]) if turns and pos is not None and 0 <= pos < len(turns) else None
            if ans is None or not ans.citations:
                note = f"<p><i>Answer {pos + 1} has no citation to open.</i></p>" if turns and pos is not None else ""
                return (note + PANEL_EMPTY if turns else PANEL_EMPTY), gr.update(value=None), *_exports(turns, pos)
            number = ans.citations[0].number if ans.abstained else (ans.answer_citation or ans.citations[0].number)
            return _panel(turns, pos, number), gr.update(value=str(number)), *_exports(turns, pos)

        chat_inputs = [box, stored, k, fusion, weight, outlets, since, until, yearless, ev_since, ev_until]
        chat_outputs = [chatbot, box, stored, cites, shown]
        newest_outputs = [panel, cites, export_one, export_all]
        for event in (ask.click(respond, chat_inputs, chat_outputs, api_name="ask"),
                      box.submit(respond, chat_inputs, chat_outputs, api_visibility="private")):
            event.then(follow_newest, [stored, shown], newest_outputs, api_visibility="private").then(
                None, js=PANEL_SCROLL_JS)

        for button, ex in example_buttons:
            def ask_example(stored_, k_, fusion_, weight_, outlets_, since_, until_, yearless_, ev_since_, ev_until_,
                            ex=ex):
                out = None
                for q in (*ex.history, ex.question):
                    out = respond(q, stored_, k_, fusion_, weight_, outlets_, since_, until_, yearless_, ev_since_,
                                  ev_until_)
                    stored_ = out[2]
                return out

            button.click(ask_example, chat_inputs[1:], chat_outputs, api_visibility="private").then(
                follow_newest, [stored, shown], newest_outputs, api_visibility="private").then(None, js=PANEL_SCROLL_JS)

        def _panel(turns, pos, number, support: tuple[int, int] | None = None):
            """The article of citation number (or of a source under "What each source says": support is
            (group, support)) of the answer at pos, under a line saying which answer and citation it is."""
            ans = chat.answer_of(turns[pos]) if turns and pos is not None and 0 <= pos < len(turns) else None
            if ans is None:
                return PANEL_EMPTY
            question = html.escape(short_title(turns[pos]["question"], 80))
            if support is not None:
                try:
                    g = ans.groups[support[0]]
                    sup = g.supports[support[1]]
                except (IndexError, TypeError):
                    return PANEL_EMPTY
                article = collection.assistant.index.articles.get(sup.article_id)
                if article is None:
                    return "<p>That article is no longer in the collection.</p>"
                which = (f'<p class="nd-which">Answer {pos + 1} (“{question}”) · a source for '
                         f'“{html.escape(short_title(g.value, 60))}”</p>')
                if article.text[sup.sentence_start:sup.sentence_end] != sup.sentence:
                    return article_html(article, note=which + _changed_note(article, sup.sentence))
                return article_html(article, sup.sentence_start, sup.sentence_end, note=which)
            c = next((c for c in ans.citations if str(c.number) == str(number)), None)
            if c is None:
                return PANEL_EMPTY
            article = collection.assistant.index.articles.get(c.article_id)
            if article is None:
                return "<p>That article is no longer in the collection.</p>"
            kind = "nearest passage, not an answer" if ans.abstained else "citation"
            which = f'<p class="nd-which">Answer {pos + 1} (“{question}”) · {kind} [{c.number}]</p>'
            if article.text[c.start:c.end] != c.text:  # changed since the answer: never highlight other words
                return article_html(article, speaker=c.speaker, note=which + _changed_note(article, c.text))
            start, end = c.start, c.end
            near = (turns[pos].get("nearest") or {}).get(str(c.number)) if ans.abstained else None
            if near and c.start <= near[0] < near[1] <= c.end:  # a refusal: the sentence that came nearest
                start, end = near
            return article_html(article, start, end, speaker=c.speaker, note=which)

        def _changed_note(article, quoted_text: str) -> str:
            when = f" on {html.escape(display_date(article.updated_at[:16]))} UTC" if article.updated_at else ""
            return (f'<div class="nd-changed">⚠️ This article changed{when} since this answer. The text quoted '
                    f'then: <q>{html.escape(quoted_text)}</q></div>')

        def open_citation(choice, stored_, pos):
            if not choice:
                return gr.update()
            return _panel(chat.turns_of(stored_), pos, choice)

        # .input, not .change: the list is also set by the server (after an answer), which opens the panel itself
        cites.input(open_citation, [cites, stored, shown], panel).then(None, js=SCROLL_JS)

        def open_marker(request, stored_):
            """A [n] marker ("pos-n") or a source under "What each source says" ("src-pos-group-support")."""
            parts = str(request).split("|")[0].split("-")
            try:
                if parts[0] == "src":
                    pos, group, support = (int(x) for x in parts[1:4])
                else:
                    pos, number = (int(x) for x in parts[:2])
            except ValueError:
                return gr.update(), gr.update(), gr.update()
            turns = chat.turns_of(stored_)
            ans = chat.answer_of(turns[pos]) if 0 <= pos < len(turns) else None
            if parts[0] == "src":
                return _panel(turns, pos, None, (group, support)), gr.update(choices=_choices(ans), value=None), pos
            return _panel(turns, pos, number), gr.update(choices=_choices(ans), value=str(number)), pos

        cite_go.click(open_marker, [cite_req, stored], [panel, cites, shown],
                      api_visibility="private").then(None, js=SCROLL_JS)

        def pick_message(evt: gr.SelectData, stored_):
            pos = evt.index // 2 if isinstance(evt.index, int) else evt.index[0] // 2
            turns = chat.turns_of(stored_)
            if not (0 <= pos < len(turns)):
                return gr.update(), gr.update(), gr.update()
            return _after(turns, pos), pos, _exports(turns, pos)[0]

        chatbot.select(pick_message, [stored], [cites, shown, export_one])

        def reset():
            return [], chat.empty(), gr.update(choices=[], value=None), None, PANEL_EMPTY, *_exports([], None)

        new.click(reset, None, [chatbot, stored, cites, shown, panel, export_one, export_all])

        def _exports(turns, pos):
            """The two export buttons, each holding its Markdown file (the answer at pos, the conversation)."""
            if not turns:
                return gr.update(value=None, interactive=False), gr.update(value=None, interactive=False)
            only = pos if pos is not None and 0 <= pos < len(turns) else len(turns) - 1
            one = _export_file(chat.export_markdown(turns, only, collection.articles), f"newsdesk-answer-{only + 1}.md")
            whole = _export_file(chat.export_markdown(turns, None, collection.articles), "newsdesk-conversation.md")
            return gr.update(value=one, interactive=True), gr.update(value=whole, interactive=True)

        def add_files(files, request: gr.Request, progress=gr.Progress()):
            if not may_edit(request):
                return NOT_EDITOR, _source_rows(collection), gr.update(), gr.update(), None
            progress(0.1, desc="indexing")
            try:
                msg = collection.add_files([Path(f if isinstance(f, str) else f.name) for f in (files or [])])
            except UploadError as e:
                msg = f"**Not added:** {e}"
            except Exception as e:  # a damaged upload must never take the page down
                log.exception("upload failed")
                msg = f"**Not added:** {type(e).__name__}: {e}"
            return msg, _source_rows(collection), gr.update(choices=collection.removable()), gr.update(choices=collection.outlets()), None

        add.click(add_files, [upload], [src_msg, table, rm_choice, outlets, upload])

        def add_web(urls, feed, request: gr.Request, progress=gr.Progress()):
            if not may_edit(request):
                return NOT_EDITOR, _source_rows(collection), gr.update(), gr.update(), gr.update(), gr.update()
            progress(0.1, desc="fetching")
            try:
                msg = web_summary(*collection.add_web((urls or "").splitlines(), [feed or ""]))
            except UploadError as e:
                return f"**Not added:** {e}", _source_rows(collection), gr.update(), gr.update(), gr.update(), gr.update()
            except Exception as e:  # a failed rebuild was rolled back; the page stays up
                log.exception("fetch failed")
                msg = f"**Not added:** {type(e).__name__}: {e}"
            return (msg, _source_rows(collection), gr.update(choices=collection.removable()), gr.update(choices=collection.outlets()),
                    "", "")

        fetch.click(add_web, [urls_box, feed_box], [src_msg, table, rm_choice, outlets, urls_box, feed_box])

        def remove(name, confirmed, request: gr.Request):
            if not may_edit(request):
                return NOT_EDITOR, _source_rows(collection), gr.update()
            if not name:
                return "Choose an uploaded article first.", _source_rows(collection), gr.update(), gr.update()
            if not confirmed:
                return "Tick the confirmation box to remove it.", _source_rows(collection), gr.update(), gr.update()
            try:
                msg = collection.remove(name)
            except UploadError as e:
                msg = f"**Not removed:** {e}"
            # the confirmation is for one removal only
            return msg, _source_rows(collection), gr.update(choices=collection.removable(), value=None), False

        rm.click(remove, [rm_choice, rm_confirm], [src_msg, table, rm_choice, rm_confirm])

        def evaluate(which, file, n, progress=gr.Progress()):
            from eval.datasets import BENCHMARK, DatasetError, load_dataset
            from eval.report import metrics_table, write_report
            from eval.runner import assistant_for, summarize, write_predictions
            from eval.runner import run as run_eval

            try:
                if which == "Uploaded file":
                    if not file:
                        raise DatasetError("upload a JSONL Q&A file or a SQuAD JSON file first")
                    dataset = load_dataset(Path(file if isinstance(file, str) else file.name))
                else:
                    dataset = load_dataset("seeds" if which.startswith("Seeds") else BENCHMARK)
            except (DatasetError, OSError) as e:
                return f"**Cannot run:** {e}", None, None, [], None
            if dataset.documents:
                progress(0.02, desc="indexing the benchmark's paragraphs")
            assistant = assistant_for(dataset, collection.assistant, collection.config.build)
            rows = run_eval(dataset, assistant, limit=int(n or 0) or None, progress=False,
                            on_progress=lambda i, total: progress(i / total, desc=f"question {i} of {total}"))
            summary = summarize(rows)
            out = Path(tempfile.mkdtemp(prefix="newsdesk-eval-"))
            files = write_report(summary, rows, out, dataset.name, f"UI evaluation of {dataset.name}")
            write_predictions(rows, out / "predictions.jsonl")
            hits, types = plot_eval(summary, out)
            return (metrics_table(summary), str(hits), str(types), table_rows(rows),
                    [str(out / "predictions.jsonl"), str(files[0]), str(files[1])])

        run.click(evaluate, [ds, ev_file, limit], [ev_metrics, plot_hits, plot_types, ev_table, downloads])

        def restore(stored_, request: gr.Request):
            """A reload or a new tab: the stored conversation, the collection as it is now, and the user's role."""
            turns = chat.turns_of(stored_)
            pos = len(turns) - 1 if turns else None
            user = getattr(request, "username", None)
            role = access.role(user)
            who = f"Signed in as **{user}** ({role})." if user else f"You are {'an' if role == 'editor' else 'a'} {role}."
            note = (f"{who} Editors can add and remove articles." if role == "editor" else
                    f"{access.describe()}." if access.read_only or not access.users else
                    f"{who} Only editors can add or remove articles.")
            return (chat.history(turns, collection.articles), _after(turns, pos), pos, _source_rows(collection),
                    gr.update(choices=collection.removable()), gr.update(choices=collection.outlets()),
                    gr.update(visible=role == "editor"), note)

        app.load(restore, [stored], [chatbot, cites, shown, table, rm_choice, outlets, editor, role_note]).then(
            follow_newest, [stored, shown], newest_outputs, api_visibility="private").then(None, js=PANEL_SCROLL_JS)
    return app


def serving_threads() -> int:
    """Set the threads one model call may use and return how many answers run at once: every call on
    one thread (unless $NEWSDESK_THREADS says otherwise) and as many answers at once as cores
    ($NEWSDESK_CONCURRENCY), so two answers on two cores run side by side instead of each spinning on
    both. ONNX Runtime and torch inference are thread-safe; the pipeline keeps no per-question state."""
    threads = int(os.environ.setdefault("NEWSDESK_THREADS", "1"))  # read by index/runtime.py as models load
    return int(os.environ.get("NEWSDESK_CONCURRENCY", max(2, (os.cpu_count() or 1) // threads)))


def serve(collection: Collection, host: str = "127.0.0.1", port: int = 7860, auth: list[str] | str | None = None,
          read_only: bool = False) -> int:
    """Serve the UI over this collection (loaded first), blocking."""
    concurrency = serving_threads()
    access = access_from([auth] if isinstance(auth, str) else auth, os.environ.get("NEWSDESK_AUTH"), read_only, host)
    collection.warm_up()
    # a stable secret per collection, so that a conversation stored in the browser survives a server restart
    where = collection.place.shown()
    secret = os.environ.get("NEWSDESK_STORAGE_SECRET") or \
        hashlib.sha256(str(Path(collection.place.root).resolve()).encode()).hexdigest()[:32]
    app = build_app(collection, access, storage_secret=secret)
    print(f"newsdesk: serving {where} on http://{host}:{port} ({access.describe()})")
    app.queue(default_concurrency_limit=concurrency).launch(
        server_name=host, server_port=port, auth=access.check_password if access.users else None,
        css=CSS + NEWSROOM_CSS, head=HEAD, max_file_size="10mb", show_error=False, quiet=True)
    return 0
