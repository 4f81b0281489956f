"""What the UI tests share: starting `newsdesk chat` on a free loopback port, and Debian's chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chat(index: Path, log: Path, *extra: str, wait_s: float = 180) -> tuple[subprocess.Popen, str]:
    """`newsdesk chat` over index on 127.0.0.1, once it answers HTTP; the server's output goes to log."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "chat", "--index", str(index), "--port", str(port), *extra],
                            cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + wait_s
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(Path(log).read_text()) from None
            time.sleep(1)
    proc.kill()
    raise RuntimeError(f"the chat server over {index} did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(20)


def launch_chromium(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
