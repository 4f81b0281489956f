"""The CLI and the chat handler never show a traceback or lose the session, whatever is typed or fails."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.retrieval import Filters
from ui import chat
from assistant.collection import Collection
from index.place import Place

ROOT = Path(__file__).resolve().parents[2]
LENGTHS = st.one_of(st.sampled_from([0, 850, 2001, 5000, 100_000]), st.integers(0, 100_000))
FILL = st.one_of(st.text(st.characters(), min_size=1, max_size=30),
                 st.sampled_from(["Where was he when he said it? ", "<img src=x onerror=alert(1)> ", "Когда? "]))


def _q(n, fill):
    return (fill * (n // max(len(fill), 1) + 1))[:n]


class _Panicking:
    """An assistant whose reader panics the way the tokenizer did (a BaseException, not an Exception)."""

    def ask(self, *a, **k):
        class PanicException(BaseException):
            pass

        raise PanicException("`stride` must be strictly less than `max_len=13`")


@pytest.fixture(scope="module")
def desk(seed_index_dir, seed_assistant):
    return Collection(Place(seed_index_dir), assistant=seed_assistant)


def test_a_failure_inside_answering_is_one_message_and_the_session_goes_on(desk):
    real = desk.assistant
    desk._assistant = _Panicking()  # fault injection: the live assistant fails inside answering
    try:
        turns, ans = chat.respond(desk, "When was the INF Treaty signed?", [], Filters())
    finally:
        desk._assistant = real
    assert ans is None and "Something went wrong" in turns[0]["error"] and "PanicException" in turns[0]["error"]
    turns, ans = chat.respond(desk, "When was the INF Treaty signed?", turns, Filters())
    assert ans is not None and len(turns) == 2
    assert "Something went wrong" in chat.history(turns)[1]["content"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=LENGTHS, fill=FILL)
def test_chat_handler_answers_anything(desk, n, fill):
    turns, _ = chat.respond(desk, "Who headed the Russian delegation at the arms control talks in Vienna?", [], Filters())
    turns, ans = chat.respond(desk, _q(n, fill), turns, Filters())
    assert len(turns) == 2 and (ans is not None or turns[-1]["error"])
    messages = chat.history(turns)
    assert len(messages) == 4 and all(isinstance(m["content"], str) for m in messages)
    assert "<img" not in messages[2]["content"] and "<script" not in messages[2]["content"]


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=LENGTHS, fill=FILL)
def test_cli_ask_answers_anything_in_process(monkeypatch, capsys, seed_assistant, n, fill):
    from assistant.collection import Collection
    from ui.cli import main

    monkeypatch.setattr(Collection, "assistant", property(lambda self: seed_assistant))
    q = _q(n, fill)
    if q.startswith("-"):
        q = " " + q  # argparse would read it as an option
    rc = main(["ask", q])
    out = capsys.readouterr()
    assert rc == 0 and "Traceback" not in out.err


@pytest.mark.slow
def test_cli_ask_when_answering_fails_is_one_line_and_exit_2(monkeypatch, capsys):
    from assistant.collection import Collection
    from ui.cli import main

    monkeypatch.setattr(Collection, "assistant", property(lambda self: _Panicking()))
    rc = main(["ask", "When was the INF Treaty signed?"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("newsdesk: error: Something went wrong") and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_cli_ask_long_question_in_a_real_process(seed_index_dir):
    q = "When was the INF Treaty signed? " * 160  # 5,120 characters
    out = subprocess.run([sys.executable, "-m", "ui.cli", "ask", q, "--index", str(seed_index_dir)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "December 8, 1987" in out.stdout and "cut to its first 2,000 characters" in out.stdout


def test_cli_refuses_ambiguous_and_reversed_dates(monkeypatch, capsys):
    from assistant.collection import Collection
    from ui.cli import main

    monkeypatch.setattr(Collection, "assistant", property(lambda self: _Panicking()))
    assert main(["ask", "When?", "--since", "10/01/2022"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["ask", "When?", "--since", "2022-02-01", "--until", "2022-01-01"]) == 2
    assert "is after --until" in capsys.readouterr().err
