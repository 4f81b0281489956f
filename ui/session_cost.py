"""Measures the chat page's own code (so it sits in ui/, above eval/). Where a chat turn's time goes as a session grows, in-process (no network): the answer itself, rebuilding
the conversation from the stored turns, rendering the history, Gradio's Chatbot postprocess, and the JSON
that travels each way.

    NEWSDESK_THREADS=1 python -m ui.session_cost [--index .newsdesk/index] [--turns 40]

Prints one line per 5th turn: ms for each part and the kB sent and received.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("NEWSDESK_THREADS", "1")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--index", type=Path, default=Path(".newsdesk/index"))
    p.add_argument("--turns", type=int, default=40)
    args = p.parse_args()

    from index.environment import set_offline

    set_offline()
    import gradio as gr

    from assistant.collection import Collection
    from eval.datasets import load_dataset
    from index.place import Place
    from ui import chat

    desk = Collection(Place(args.index)).warm_up()
    questions = [q.question for q in load_dataset("seeds").questions if not q.history]
    bot = gr.Chatbot()
    turns: list[dict] = []
    desk.ask(questions[0], chat.conversation_of([]))  # warm-up
    print("turn  answer_ms  conversation_ms  history_ms  postprocess_ms  sent_kB  received_kB")
    for i in range(args.turns):
        q = questions[i % len(questions)]
        stored_in = json.dumps({"version": chat.VERSION, "turns": turns})
        t0 = time.perf_counter()
        chat.conversation_of(turns)  # timed alone: respond() rebuilds it once more inside
        t1 = time.perf_counter()
        turns, _ = chat.respond(desk, q, turns, None)
        t2 = time.perf_counter()
        shown = chat.history(turns)
        t3 = time.perf_counter()
        post = bot.postprocess(shown)
        t4 = time.perf_counter()
        out = json.dumps([post.model_dump() if hasattr(post, "model_dump") else shown,
                          {"version": chat.VERSION, "turns": turns}])
        if i % 5 == 4 or i == 0:
            print(f"{i + 1:4d}  {1000 * (t2 - t1 - (t1 - t0)):9.1f}  {1000 * (t1 - t0):15.2f}  {1000 * (t3 - t2):10.2f}"
                  f"  {1000 * (t4 - t3):14.2f}  {len(stored_in) / 1024:7.1f}  {len(out) / 1024:11.1f}")


if __name__ == "__main__":
    main()
