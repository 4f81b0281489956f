import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def newsdesk(*args, env=None):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_build_info_ask_eval(tmp_path, seeds_copy):
    idx = tmp_path / "idx"
    out = newsdesk("index", "build", str(seeds_copy), "--index", str(idx))
    assert out.returncode == 0, out.stderr
    assert "indexed 5 articles" in out.stdout
    info = newsdesk("index", "info", "--index", str(idx))
    assert "GENEVA" in info.stdout and "--01-25 (month-day)" in info.stdout  # the TASS report's year is not stated
    ask = newsdesk("ask", "When was the INF Treaty signed?", "--index", str(idx), "--json")
    ans = json.loads(ask.stdout)
    assert ans["citations"] and ans["question"] == "When was the INF Treaty signed?"
    filtered = newsdesk("ask", "Who is Ryabkov?", "--index", str(idx), "--outlet", "EIRNS", "--json")
    assert filtered.returncode == 0, filtered.stderr
    assert {c["outlet"] for c in json.loads(filtered.stdout)["citations"]} == {"EIRNS"}
    ev = newsdesk("eval", "seeds", "--index", str(idx), "--limit", "5", "--report", str(tmp_path / "rep"),
                  "--predictions", str(tmp_path / "p.jsonl"))
    assert ev.returncode == 0, ev.stderr
    assert "| fused |" in ev.stdout and (tmp_path / "rep" / "hit_at_k.png").is_file()
    always = newsdesk("eval", "seeds", "--index", str(idx), "--limit", "12", "--no-abstain", "--predictions",
                      str(tmp_path / "always.jsonl"))
    assert always.returncode == 0 and "never abstaining" in always.stdout
    rows = [json.loads(line) for line in (tmp_path / "always.jsonl").read_text().splitlines()]
    assert len(rows) == 12 and not any(r["abstained"] for r in rows)


def test_errors_are_one_line(tmp_path):
    cases = [("index", "build", str(tmp_path / "missing"), "--index", str(tmp_path / "i")),
             ("index", "info", "--index", str(tmp_path / "none")),
             ("index", "build", "seeds", "--index", str(tmp_path / "j"), "--model", str(tmp_path / "no-model")),
             ("ask", "hello", "--index", str(tmp_path / "none")),
             ("eval", str(tmp_path / "nope.jsonl"), "--index", str(tmp_path / "none"))]
    for args in cases:
        out = newsdesk(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert out.stderr.startswith("newsdesk: error:") and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "Traceback" not in out.stderr


def test_chat_binds_loopback_by_default():
    from ui.cli import build_parser

    args = build_parser().parse_args(["chat"])
    assert args.host == "127.0.0.1" and args.auth is None
