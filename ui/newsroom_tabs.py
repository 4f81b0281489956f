"""The Search and Quotes tabs of the Gradio app (built inside app.build_app's Blocks)."""
from __future__ import annotations

import logging

import gradio as gr

from index.store_api import Filters

from .render import quotes_html, search_html

log = logging.getLogger(__name__)
CSS = """
.nd-card { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin: 8px 0; background: #fff; }
.nd-card blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid #e0b000; }
.nd-who { font-weight: 600; }
mark.nd-quote, mark.nd-hit { background: #ffe066; padding: 1px 0; }
b.nd-term { text-decoration: underline; }
.nd-copies, .nd-empty { color: #666; font-size: 0.9em; }
.nd-passage { white-space: pre-wrap; line-height: 1.5; margin-top: 4px; }
blockquote.nd-sentence { margin: 6px 0; padding-left: 10px; border-left: 3px solid #e0b000; line-height: 1.5; }
mark.nd-ctx { background: #fff3b0; }
.nd-kind { color: #555; font-size: 0.85em; font-style: italic; }
.nd-count { font-weight: 600; margin: 4px 0 8px; }
details.nd-tech, details.nd-ctx { font-size: 0.85em; color: #666; margin-top: 2px; }
details.nd-tech summary, details.nd-ctx summary { cursor: pointer; text-decoration: underline dotted; }
"""


def _filters(outlets, since, until) -> Filters:
    return Filters(outlets=tuple(outlets or ()), since=(since or "").strip() or None, until=(until or "").strip() or None)


def filter_row(collection) -> tuple:
    """The outlet and publication-date filters a tab's query takes: (outlets, since, until)."""
    with gr.Row():
        return (gr.Dropdown(collection.outlets(), multiselect=True, label="Outlets (none = all)"),
                gr.Textbox(label="Since (YYYY-MM-DD)"), gr.Textbox(label="Until (YYYY-MM-DD)"))


def add_tabs(collection) -> None:
    """Search (the list of matching passages) and Quotes (who said what)."""
    with gr.Tab("Search"):
        with gr.Row():
            s_query = gr.Textbox(placeholder="Search the articles…", show_label=False, scale=6, elem_id="nd-search-q")
            s_sort = gr.Radio(["relevance", "date"], value="relevance", label="Sort by", scale=2, elem_id="nd-search-sort")
            s_go = gr.Button("Search", variant="primary", scale=1, elem_id="nd-search-go")
        s_outlets, s_since, s_until = filter_row(collection)
        s_out = gr.HTML(elem_id="nd-search-results")

        def run_search(query, sort, outlets, since, until):
            try:
                hits = collection.search(query or "", _filters(outlets, since, until), sort=sort)
                return search_html(hits, query or "")
            except ValueError as e:
                return f'<p class="nd-empty">{e}</p>'

        s_inputs = [s_query, s_sort, s_outlets, s_since, s_until]
        s_go.click(run_search, s_inputs, s_out, api_name="search")
        s_query.submit(run_search, s_inputs, s_out, api_visibility="private")
        s_sort.change(run_search, s_inputs, s_out, api_visibility="private")

    with gr.Tab("Quotes"):
        gr.Markdown("Who said what: quotations attributed to the person or institution whose words they are. "
                    "Ask *who said …?* or *what did Ryabkov say about …?*, or give a speaker.")
        with gr.Row():
            q_query = gr.Textbox(placeholder="e.g. What did Ryabkov say about NATO?", show_label=False, scale=6,
                                 elem_id="nd-quotes-q")
            q_speaker = gr.Textbox(placeholder="Speaker (optional)", show_label=False, scale=2, elem_id="nd-quotes-speaker")
            q_go = gr.Button("Find quotes", variant="primary", scale=1, elem_id="nd-quotes-go")
        q_outlets, q_since, q_until = filter_row(collection)
        q_out = gr.HTML(elem_id="nd-quotes-results")

        def run_quotes(query, speaker, outlets, since, until):
            query = (query or "").strip()
            try:
                _, _, hits = collection.quotes(query, speaker=(speaker or "").strip() or None,
                                               filters=_filters(outlets, since, until), limit=10)
            except ValueError as e:
                return f'<p class="nd-empty">{e}</p>'
            return quotes_html(hits, query or speaker)

        q_inputs = [q_query, q_speaker, q_outlets, q_since, q_until]
        q_go.click(run_quotes, q_inputs, q_out, api_name="quotes")
        q_query.submit(run_quotes, q_inputs, q_out, api_visibility="private")
