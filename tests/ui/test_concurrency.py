"""20 chat sessions at once through gradio_client for 60 s: no error, no cross-talk."""
from __future__ import annotations

import statistics
import threading
import time

from gradio_client import Client

SESSIONS = 20
SECONDS = 60
TOPICS = [  # (first question, follow-up, a word the follow-up's rewritten query must carry from its own history)
    ("When was the INF Treaty signed?", "And when did it enter into force?", "INF"),
    ("Who headed the Russian delegation at the arms control talks in Vienna?", "Which broadcaster did he speak to?", "Vienna"),
]


def _text(message) -> str:
    c = message["content"]
    return c if isinstance(c, str) else " ".join(p.get("text", "") for p in c)


def test_twenty_sessions_without_cross_talk(server):
    errors, latencies, turns = [], [], [0]
    lock = threading.Lock()
    stop = time.time() + SECONDS

    def session(i: int) -> None:
        first, follow, must = TOPICS[i % 2]
        client = Client(server["url"], verbose=False)
        stored: dict = {"version": 1, "turns": []}  # the conversation the browser would keep
        while time.time() < stop:
            try:
                for q in (first, follow):
                    t0 = time.perf_counter()
                    history, _, stored, _ = client.predict(q, stored, 5, "minmax", 0.5, [], "", "", True, api_name="/ask")
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                        turns[0] += 1
                reply = _text(history[-1])
                if "Understood as:" not in reply or must not in reply.split("Understood as:")[1]:
                    raise AssertionError(f"session {i}: the follow-up lost its own history: {reply[-200:]!r}")
                stored = {"version": 1, "turns": []}
                client = Client(server["url"], verbose=False)  # a fresh session: a new conversation
            except Exception as e:  # record, never hang the test
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
                return

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 120)
    lat = sorted(latencies)
    p50 = statistics.median(lat) * 1000 if lat else 0
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
    print(f"\nconcurrency: {SESSIONS} sessions, {turns[0]} turns in {SECONDS} s, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    assert not errors, errors[:3]
    assert turns[0] >= SESSIONS * 2
