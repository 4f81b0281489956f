"""The Gradio chat: answers with numbered citations that open the cited passage in its article,
a Sources tab (upload, remove) and an Evaluation tab."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import gradio as gr

from assistant.conversation import Conversation
from assistant.settings import Fusion
from index.store_api import Filters

from .commands import Config
from .desk import Desk, UploadError
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


def _choices(answer) -> list[tuple[str, str]]:
    if answer is None:
        return []
    tag = " (nearest, not an answer)" if answer.abstained else ""
    return [(citation_label(c) + tag, str(c.number)) for c in answer.citations]


def build_app(desk: Desk) -> gr.Blocks:
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
                        k = gr.Slider(1, 20, value=desk.config.ask.top_k, step=1, label="Passages to retrieve")
                        fusion = gr.Radio([f.value for f in Fusion], value=desk.config.ask.fusion.value, label="Fusion")
                        weight = gr.Slider(0, 1, value=desk.config.ask.dense_weight, step=0.05, label="Dense weight (minmax)")
                        outlets = gr.Dropdown(desk.outlets(), multiselect=True, label="Outlets (none = all)")
                        since = gr.Textbox(label="Since (YYYY-MM-DD)")
                        until = gr.Textbox(label="Until (YYYY-MM-DD)")
                with gr.Column(scale=2):
                    panel = gr.HTML("<p><i>Click a citation to see the passage in its article.</i></p>",
                                    elem_id="nd-panel")
        with gr.Tab("Sources"):
            table = gr.Dataframe(value=desk.articles(), headers=ARTICLE_COLUMNS, interactive=False, elem_id="nd-sources")
            upload = gr.File(label="Add articles (.txt, .md, .html, .jsonl)", file_count="multiple",
                             file_types=[".txt", ".md", ".html", ".htm", ".jsonl"], elem_id="nd-upload")
            add = gr.Button("Add to the collection", elem_id="nd-add")
            src_msg = gr.Markdown(elem_id="nd-sources-msg")
            with gr.Row():
                rm_choice = gr.Dropdown(desk.removable(), label="Uploaded article to remove")
                rm_confirm = gr.Checkbox(label="Yes, remove it from the collection")
                rm = gr.Button("Remove", variant="stop")
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
                settings = desk.config.ask.with_(top_k=int(k_), fusion=fusion_, dense_weight=float(weight_))
                ans = desk.ask(question, conv, filters, settings)
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

        def add_files(files, progress=gr.Progress()):
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

        def remove(name, confirmed):
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
            from eval.runner import assistant_for, run as run_eval, summarize, write_predictions

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
            assistant = assistant_for(dataset, desk.assistant, desk.config.build)
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

        def refresh():  # every new page sees the collection as it is now, not as it was at start-up
            return desk.articles(), gr.update(choices=desk.removable()), gr.update(choices=desk.outlets())

        app.load(refresh, None, [table, rm_choice, outlets])
    return app


def serve(root: Path, config: Config, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None,
          assistant=None) -> int:
    """Load the index (or use this assistant, e.g. over a Milvus store) and serve the UI (blocking)."""
    desk = Desk(root, config, assistant)
    app = build_app(desk)
    auth = auth or os.environ.get("NEWSDESK_AUTH")
    credentials = tuple(auth.split(":", 1)) if auth else None
    if auth and (credentials is None or len(credentials) != 2):
        raise ValueError("--auth takes user:password")
    print(f"newsdesk: serving {root if assistant is None else desk.assistant.index.kind + ' store'} on http://{host}:{port}")
    app.queue(default_concurrency_limit=4).launch(server_name=host, server_port=port, auth=credentials,
                                                   css=CSS, max_file_size="10mb", show_error=False, quiet=True)
    return 0
