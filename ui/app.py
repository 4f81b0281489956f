"""The Gradio chat: answers with numbered citations that open the cited passage in its article,
a Sources tab (upload, remove) and an Evaluation tab."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import gradio as gr

from assistant.conversation import Conversation
from assistant.retrieval import Filters
from index.fetch import FetchPolicy
from index.settings import Settings

from .desk import Desk, UploadError
from .roles import Access, access_from
from .render import answer_markdown, article_html, citation_label, history_text

log = logging.getLogger(__name__)
BENCHMARK = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "squad-v1.1-dev-super-bowl-50.json"
EXAMPLES = [
    "When was the INF Treaty signed?",
    "Who led the US delegation at the INF consultations in Geneva?",
    "How did Gavrilov describe the results of the talks with the West?",
    "When were Russia's draft treaties with the U.S. and NATO made public?",
]
CSS = """
.nd-article { max-height: 640px; overflow-y: auto; padding: 0 8px; }
.nd-text { white-space: pre-wrap; line-height: 1.5; }
.nd-boiler { color: #9a9a9a; }
mark.nd-cited { background: #ffe066; padding: 1px 0; }
.nd-meta { color: #555; font-size: 0.9em; }
"""
SCROLL_JS = "() => { setTimeout(() => { const m = document.getElementById('nd-cited'); if (m) m.scrollIntoView({block: 'center'}); }, 150); }"
ARTICLE_COLUMNS = ["id", "title", "outlet", "date", "dateline", "chunks", "origin"]
NOT_EDITOR = "**Not allowed:** only editors can change the collection."


def _choices(answer) -> list[tuple[str, str]]:
    if answer is None:
        return []
    tag = " (nearest, not an answer)" if answer.abstained else ""
    return [(citation_label(c) + tag, str(c.number)) for c in answer.citations]


def build_app(desk: Desk, access: Access = Access()) -> gr.Blocks:
    def may_edit(request: gr.Request | None) -> bool:  # checked on the server for every change
        return access.can_edit(getattr(request, "username", None))

    with gr.Blocks(title="newsdesk") as app:
        conv_state = gr.State(None)
        answers_state = gr.State([])
        shown = gr.State(None)  # index into answers_state of the answer whose citations are listed
        gr.Markdown("## newsdesk\nAnswers quoted word for word from the articles, with numbered citations. "
                    "Click a citation to read it in its article.")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="nd-chat", sanitize_html=True)
                    with gr.Row():
                        box = gr.Textbox(placeholder="Ask about the articles…", show_label=False, scale=8,
                                         elem_id="nd-question", max_length=100_000)
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nd-ask")
                    cites = gr.Radio(label="Citations — click one to open it in its article", choices=[],
                                     elem_id="nd-citations")
                    gr.Examples(EXAMPLES, inputs=box, label="Example questions")
                    new = gr.Button("New conversation", elem_id="nd-new")
                    with gr.Accordion("Settings", open=False):
                        k = gr.Slider(1, 20, value=desk.settings.top_k, step=1, label="Passages to retrieve")
                        fusion = gr.Radio(["minmax", "rrf"], value=desk.settings.fusion, label="Fusion")
                        weight = gr.Slider(0, 1, value=desk.settings.dense_weight, step=0.05, label="Dense weight (minmax)")
                        outlets = gr.Dropdown(desk.outlets(), multiselect=True, label="Outlets (none = all)")
                        since = gr.Textbox(label="Since (YYYY-MM-DD)")
                        until = gr.Textbox(label="Until (YYYY-MM-DD)")
                with gr.Column(scale=2):
                    panel = gr.HTML("<p><i>Click a citation to see the passage in its article.</i></p>",
                                    elem_id="nd-panel")
        with gr.Tab("Sources"):
            table = gr.Dataframe(value=desk.articles(), headers=ARTICLE_COLUMNS, interactive=False, elem_id="nd-sources")
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
                    rm_choice = gr.Dropdown(desk.removable(), label="Uploaded article to remove", elem_id="nd-rm-choice")
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
                plot_hits = gr.Image(label="hit@k", type="filepath")
                plot_types = gr.Image(label="by question type", type="filepath")
            ev_table = gr.Dataframe(headers=["id", "question", "expected", "got", "EM", "quote hit", "abstained"],
                                    interactive=False, elem_id="nd-eval-table")
            downloads = gr.File(label="Predictions and report", file_count="multiple")

        def respond(message, history, conv, answers, k_, fusion_, weight_, outlets_, since_, until_):
            history = list(history or [])
            question = history_text(message).strip()
            if conv is None:
                conv = Conversation()
                for turn in history:  # a client that sends history without a session: replay its questions
                    if turn.get("role") == "user":
                        desk.ask(history_text(turn.get("content")), conv)
            try:
                filters = Filters(outlets=tuple(outlets_ or ()), since=since_ or None, until=until_ or None)
                ans = desk.ask(question, conv, filters, int(k_), fusion_, float(weight_))
                text = answer_markdown(ans)
            except ValueError as e:
                ans, text = None, f"*{e}*"
            answers = list(answers) + [ans]
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
            pos = len(answers) - 1
            return history, "", conv, answers, gr.update(choices=_choices(ans), value=None), pos

        chat_inputs = [box, chatbot, conv_state, answers_state, k, fusion, weight, outlets, since, until]
        chat_outputs = [chatbot, box, conv_state, answers_state, cites, shown]
        ask.click(respond, chat_inputs, chat_outputs, api_name="ask")
        box.submit(respond, chat_inputs, chat_outputs, api_visibility="private")

        def open_citation(choice, answers, pos):
            if not choice or pos is None or answers[pos] is None:
                return gr.update()
            c = next(c for c in answers[pos].citations if str(c.number) == str(choice))
            article = desk.assistant.index.articles.get(c.article_id)
            if article is None:
                return "<p>That article is no longer in the collection.</p>"
            return article_html(article, c.start, c.end)

        cites.change(open_citation, [cites, answers_state, shown], panel).then(None, js=SCROLL_JS)

        def pick_message(evt: gr.SelectData, answers):
            pos = evt.index // 2 if isinstance(evt.index, int) else evt.index[0] // 2
            if not (0 <= pos < len(answers)):
                return gr.update(), gr.update()
            return gr.update(choices=_choices(answers[pos]), value=None), pos

        chatbot.select(pick_message, [answers_state], [cites, shown])

        def reset():
            return [], Conversation(), [], gr.update(choices=[], value=None), None, \
                "<p><i>Click a citation to see the passage in its article.</i></p>"

        new.click(reset, None, [chatbot, conv_state, answers_state, cites, shown, panel])

        def add_files(files, request: gr.Request, progress=gr.Progress()):
            if not may_edit(request):
                return NOT_EDITOR, desk.articles(), gr.update(), gr.update(), None
            progress(0.1, desc="indexing")
            try:
                msg = desk.add_files([Path(f if isinstance(f, str) else f.name) for f in (files or [])])
            except UploadError as e:
                msg = f"**Not added:** {e}"
            except Exception as e:  # a damaged upload must never take the page down
                log.exception("upload failed")
                msg = f"**Not added:** {type(e).__name__}: {e}"
            return msg, desk.articles(), gr.update(choices=desk.removable()), gr.update(choices=desk.outlets()), None

        add.click(add_files, [upload], [src_msg, table, rm_choice, outlets, upload])

        def add_web(urls, feed, request: gr.Request, progress=gr.Progress()):
            if not may_edit(request):
                return NOT_EDITOR, desk.articles(), gr.update(), gr.update(), gr.update(), gr.update()
            progress(0.1, desc="fetching")
            try:
                msg = desk.add_web((urls or "").splitlines(), [feed or ""])
            except UploadError as e:
                return f"**Not added:** {e}", desk.articles(), gr.update(), gr.update(), gr.update(), gr.update()
            except Exception as e:  # a failed rebuild was rolled back; the page stays up
                log.exception("fetch failed")
                msg = f"**Not added:** {type(e).__name__}: {e}"
            return (msg, desk.articles(), gr.update(choices=desk.removable()), gr.update(choices=desk.outlets()),
                    "", "")

        fetch.click(add_web, [urls_box, feed_box], [src_msg, table, rm_choice, outlets, urls_box, feed_box])

        def remove(name, confirmed, request: gr.Request):
            if not may_edit(request):
                return NOT_EDITOR, desk.articles(), gr.update()
            if not name:
                return "Choose an uploaded article first.", desk.articles(), gr.update()
            if not confirmed:
                return "Tick the confirmation box to remove it.", desk.articles(), gr.update()
            try:
                msg = desk.remove(name)
            except UploadError as e:
                msg = f"**Not removed:** {e}"
            return msg, desk.articles(), gr.update(choices=desk.removable(), value=None)

        rm.click(remove, [rm_choice, rm_confirm], [src_msg, table, rm_choice])

        def evaluate(which, file, n, progress=gr.Progress()):
            from eval.datasets import DatasetError, load_dataset
            from eval.report import metrics_table, write_report
            from eval.runner import cached_index, run as run_eval, summarize, write_predictions
            from assistant.pipeline import Assistant
            from index.newsindex import NewsIndex

            try:
                if which == "Uploaded file":
                    if not file:
                        raise DatasetError("upload a JSONL Q&A file or a SQuAD JSON file first")
                    dataset = load_dataset(Path(file if isinstance(file, str) else file.name))
                else:
                    dataset = load_dataset("seeds" if which.startswith("Seeds") else BENCHMARK)
            except (DatasetError, OSError) as e:
                return f"**Cannot run:** {e}", None, None, [], None
            assistant = desk.assistant
            if dataset.documents:
                progress(0.02, desc="indexing the benchmark's paragraphs")
                root = cached_index(dataset, desk.settings, assistant.index.embedder, Path(".newsdesk/cache"))
                assistant = Assistant(NewsIndex(root, desk.settings, assistant.index.embedder), desk.settings,
                                      reader=assistant.reader)
            rows = run_eval(dataset, assistant, limit=int(n) or None, progress=False,
                            on_progress=lambda i, total: progress(i / total, desc=f"question {i} of {total}"))
            summary = summarize(rows)
            out = Path(tempfile.mkdtemp(prefix="newsdesk-eval-"))
            files = write_report(summary, rows, out, dataset.name, f"UI evaluation of {dataset.name}")
            write_predictions(rows, out / "predictions.jsonl")
            table_rows = []
            for r in sorted(rows, key=lambda r: (r.scores()["em"] if r.answerable else float(r.answer.abstained), r.q.id)):
                s = r.scores()
                table_rows.append([r.q.id, r.q.question, " / ".join(r.q.answers) or "(abstain)",
                                   "(abstained)" if r.answer.abstained else (r.answer.answer or r.answer.quote or ""),
                                   s["em"], s["quote_hit"], r.answer.abstained])
            return (metrics_table(summary), str(out / "hit_at_k.png"), str(out / "by_type.png"), table_rows,
                    [str(out / "predictions.jsonl"), str(files[0]), str(files[1])])

        run.click(evaluate, [ds, ev_file, limit], [ev_metrics, plot_hits, plot_types, ev_table, downloads])

        def refresh(request: gr.Request):  # every new page sees the collection as it is now, and its role
            user = getattr(request, "username", None)
            role = access.role(user)
            who = f"Signed in as **{user}** ({role})." if user else f"You are {'an' if role == 'editor' else 'a'} {role}."
            note = (f"{who} Editors can add and remove articles." if role == "editor" else
                    f"{access.describe()}." if access.read_only or not access.users else
                    f"{who} Only editors can add or remove articles.")
            return (desk.articles(), gr.update(choices=desk.removable()), gr.update(choices=desk.outlets()),
                    gr.update(visible=role == "editor"), note)

        app.load(refresh, None, [table, rm_choice, outlets, editor, role_note])
    return app


def serve(root: Path, settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: list[str] | str | None = None,
          read_only: bool = False, allow_private_urls: bool = False) -> int:
    """Load the index and serve the UI (blocking)."""
    access = access_from([auth] if isinstance(auth, str) else auth, os.environ.get("NEWSDESK_AUTH"), read_only, host)
    desk = Desk(root, settings, fetch_policy=FetchPolicy(allow_private=allow_private_urls))
    app = build_app(desk, access)
    print(f"newsdesk: serving {root} on http://{host}:{port} ({access.describe()})")
    app.queue(default_concurrency_limit=4).launch(server_name=host, server_port=port,
                                                   auth=access.check_password if access.users else None,
                                                   css=CSS, max_file_size="10mb", show_error=False, quiet=True)
    return 0
