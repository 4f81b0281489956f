"""Twenty users at once, through gradio_client on 127.0.0.1 (the chat server on ONNX Runtime int8).

Each test prints one line (run with -s to see it): sessions that think 5-15 s between turns for 120 s,
and sessions with no think time for 60 s. Both check: no errors, no cross-talk (every session's
history holds exactly its own questions, in order), and every turn's answer equal to the one the same
question gets alone, in a fresh session, before the load starts.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from chatserver import start_chat
from chatserver import stop as stop_server

from index.build import build_index
from index.settings import BuildSettings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow
SESSIONS = 20
RUNTIME = "onnx-int8"


def _questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "seeds_qa.jsonl").read_text().splitlines() if line.strip()]
    # standalone questions: a follow-up ("what was her title?") rightly depends on its session's history
    # (test_twenty_sessions_without_cross_talk below checks that it uses its own)
    return [r["question"] for r in rows if not r.get("history")]


@pytest.fixture(scope="module")
def fast_server(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("conc")
    shutil.copytree(ROOT / "seeds", base / "corpus")
    build_index([base / "corpus"], base / "index", BuildSettings(), real_embedder)
    proc, url = start_chat(base / "index", base / "server.log", "--runtime", RUNTIME, wait_s=240)
    yield url, proc.pid
    stop_server(proc)


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


EMPTY = {"version": 1, "turns": []}  # the conversation a new browser keeps


def _ask(client, question: str, stored: dict) -> tuple[list, dict]:
    """One turn through the chat's API: (the chat history shown, the conversation the browser keeps)."""
    history, _, stored, _ = client.predict(question, stored, 5, "minmax", 0.6, [], "", "", True, "", "",
                                           api_name="/ask")
    return history, stored


def _cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user + system, every thread) used so far by process pid, or by this process."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _alone(url: str, questions: list[str]) -> dict[str, str]:
    """Each question's answer in a fresh session of its own: the reference every loaded turn must equal."""
    return {q: _text(_ask(_client(url), q, EMPTY)[0][-1]) for q in questions}


def _load(url: str, questions: list[str], seconds: float, think: tuple[float, float] | None, server_pid: int) -> dict:
    t0, cpu0 = time.perf_counter(), _cpu_s(server_pid)
    expected = _alone(url, questions)
    alone = {"s": (time.perf_counter() - t0) / len(questions), "server_cpu_s": (_cpu_s(server_pid) - cpu0) / len(questions)}
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def user(i: int) -> None:
        rng = random.Random(i)
        client = _client(url)
        stored = EMPTY
        asked: list[str] = []
        if think:  # users arrive spread over the first think period
            time.sleep(rng.uniform(0, think[0]))
        while time.time() < stop:
            q = rng.choice(questions)
            t0 = time.perf_counter()
            try:
                history, stored = _ask(client, q, stored)
            except Exception as e:  # any failure of a turn is an error of the measurement
                with lock:
                    errors.append(f"session {i}: {type(e).__name__}: {e}")
                return
            took = time.perf_counter() - t0
            asked.append(q)
            users = [_text(t) for t in history if t["role"] == "user"]
            problem = None
            if users != asked:
                problem = f"session {i}: cross-talk: history holds {users[-3:]} after asking {asked[-3:]}"
            elif _text(history[-1]) != expected[q]:
                problem = f"session {i}: {q!r} answered differently under load"
            with lock:
                lat.append(took)
                if problem:
                    errors.append(problem)
            if think:
                time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(SESSIONS)]
    t0, server0, client0 = time.perf_counter(), _cpu_s(server_pid), _cpu_s()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    wall = time.perf_counter() - t0
    n = max(1, len(lat))
    return {"turns": len(lat), "p50": float(np.percentile(lat, 50)) * 1000 if lat else 0.0,
            "p95": float(np.percentile(lat, 95)) * 1000 if lat else 0.0, "errors": errors, "wall": wall,
            "alone": alone, "client_cpu_s": (_cpu_s() - client0) / n,
            "server_cpu_s": (_cpu_s(server_pid) - server0) / n}


def test_twenty_sessions_thinking(fast_server):
    url, pid = fast_server
    r = _load(url, _questions(), 120, (5, 15), server_pid=pid)
    print(f"\nconcurrency: {SESSIONS} sessions, think 5-15 s, {r['turns']} turns, p50 {r['p50']:.0f} ms, "
          f"p95 {r['p95']:.0f} ms")
    assert not r["errors"], r["errors"][:5]
    assert r["turns"] >= SESSIONS * 5


def test_twenty_sessions_throughput(fast_server):
    url, pid = fast_server
    r = _load(url, _questions(), 60, None, server_pid=pid)
    print(f"\nthroughput: {r['turns'] / r['wall']:.1f} answers/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms "
          f"({r['turns']} answers, {SESSIONS} sessions, 60 s)")
    # what the cores allow: each answer's CPU on both sides of the loopback (the clients share the cores here)
    cores = os.cpu_count() or 1
    per = r["server_cpu_s"] + r["client_cpu_s"]
    print(f"cost: one answer alone {1000 * r['alone']['s']:.0f} ms wall, {1000 * r['alone']['server_cpu_s']:.0f} ms "
          f"server CPU; under load {1000 * r['server_cpu_s']:.0f} ms server CPU + {1000 * r['client_cpu_s']:.0f} ms "
          f"client CPU an answer: {cores} cores allow about {cores / per:.1f} answers/s" if per else "cost: -")
    assert not r["errors"], r["errors"][:5]
    assert r["turns"] > SESSIONS


# Follow-up questions under load (the PyTorch server of tests/ui/conftest.py): each session's
# follow-up is rewritten from its own history, never another's.
TOPICS = [  # (first question, follow-up, a word the follow-up's rewritten query must carry from its own history)
    ("When was the INF Treaty signed?", "And when did it enter into force?", "INF"),
    ("Who headed the Russian delegation at the arms control talks in Vienna?", "Which broadcaster did he speak to?", "Vienna"),
]


def _text(message) -> str:
    """A message's text; an answer's [n] and source links name its turn's position (#nd-cite-POS-N,
    #nd-src-POS-G-I), which differs between a long session and a fresh one, so the position is left out."""
    c = message["content"]
    text = c if isinstance(c, str) else " ".join(p.get("text", "") for p in c)
    return re.sub(r"#nd-(cite|src)-\d+-", r"#nd-\1-", text)


def test_twenty_sessions_without_cross_talk(server):
    errors, latencies, turns = [], [], [0]
    lock = threading.Lock()
    stop = time.time() + 60

    def session(i: int) -> None:
        first, follow, must = TOPICS[i % 2]
        client = _client(server["url"])
        stored = EMPTY
        while time.time() < stop:
            try:
                for q in (first, follow):
                    t0 = time.perf_counter()
                    history, stored = _ask(client, q, stored)
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                        turns[0] += 1
                reply = _text(history[-1])
                if "Understood as" not in reply or must not in reply.split("Understood as")[1]:
                    raise AssertionError(f"session {i}: the follow-up lost its own history: {reply[-200:]!r}")
                stored = EMPTY
                client = _client(server["url"])  # a fresh session: a new conversation
            except Exception as e:  # record, never hang the test
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
                return

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    lat = sorted(latencies)
    p50 = statistics.median(lat) * 1000 if lat else 0
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
    print(f"\nfollow-ups: {SESSIONS} sessions, {turns[0]} turns in 60 s, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    assert not errors, errors[:3]
    assert turns[0] >= SESSIONS * 2
