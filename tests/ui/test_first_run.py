"""A first run reads clean: with a fresh runtime cache, `index build` and `ask` each print at most one
line of set-up progress and no library output (TracerWarnings, exporter notes, quantizer advice, progress
bars); -v keeps the library's log lines for whoever asks for them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def newsdesk(*args, env):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)


def test_first_build_and_ask_print_one_line_of_set_up_each(tmp_path, seeds_dir):
    env = {**os.environ, "NEWSDESK_RUNTIME_CACHE": str(tmp_path / "cache")}
    env.pop("PYTHONWARNINGS", None)
    build = newsdesk("index", "build", str(seeds_dir), "--index", str(tmp_path / "idx"), env=env)
    assert build.returncode == 0, build.stderr
    assert build.stderr.splitlines() == [f"newsdesk: preparing the onnx-int8 runtime (once; cached in {tmp_path / 'cache'})"]
    ask = newsdesk("ask", "When was the INF Treaty signed?", "--index", str(tmp_path / "idx"), env=env)
    assert ask.returncode == 0 and "December 8, 1987" in ask.stdout
    assert len(ask.stderr.splitlines()) <= 1 and "Warning" not in ask.stderr and "Loading" not in ask.stderr
    again = newsdesk("ask", "When was the INF Treaty signed?", "--index", str(tmp_path / "idx"), env=env)
    assert again.stderr == ""  # prepared once: nothing to say the second time
